/**
 * Background wiring of the vault: the service over real browser storage, the runtime message
 * handler (validated with valibot, sender-checked), auto-lock (alarms + idle), QR scan of the tab.
 * `setupVault()` is called once from entrypoints/background.ts; other background modules (fill,
 * bridge) use `getVault()` directly.
 */
import jsQR from 'jsqr';
import * as v from 'valibot';
import { browser } from 'wxt/browser';
import { setupClipboardClear } from '../clipboard/background';
import { SettingsCache } from '../settings/cache';
import { type SettingsAreas, SettingsError, setUserSettings } from '../settings/effective';
import { isSettingKey, type SettingKey } from '../settings/schema';
import { isExtensionPage, type MessageSenderLike } from '../sites/sender';
import { LAST_ACTIVITY_KEY, planAutoLock } from './autolock';
import { VaultError } from './errors';
import { parseImport } from './imports';
import { base32Decode, type OtpAccount, OtpauthError, parseOtpauthUri } from './otp';
import {
  type NewAccount,
  RequestSchema,
  type ScanResult,
  type VaultRequest,
  type VaultResponses,
  type WireError,
  type WireResponse,
} from './protocol';
import { VaultService } from './service';

export const AUTOLOCK_ALARM = 'vault.autolock';

let service: VaultService | null = null;
let settingsCache: SettingsCache | null = null;

/** The background's vault (after setupVault()). */
export function getVault(): VaultService {
  if (!service) throw new Error('setupVault() has not run');
  return service;
}

interface StorageLike {
  get(keys?: string | string[] | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

function areas(): SettingsAreas & { session: StorageLike } {
  const s = browser.storage as unknown as {
    local: StorageLike;
    session: StorageLike;
    managed?: { get(keys?: string | string[] | null): Promise<Record<string, unknown>> };
  };
  return { local: s.local, session: s.session, managed: s.managed ?? null };
}

/** The background's effective settings (cached; dropped when user or policy storage changes). */
function settingsNow(): ReturnType<SettingsCache['get']> {
  if (!settingsCache) throw new Error('setupVault() has not run');
  return settingsCache.get();
}

/**
 * (Re)plan auto-lock from the last use and the auto-lock time in force: set the alarm, or lock now
 * when the vault has already been idle longer (a lower time arrived by policy or the user's choice).
 */
async function applyAutoLock(svc: VaultService, session: StorageLike): Promise<void> {
  const minutes = (await settingsNow()).values.autoLockMinutes;
  const last = (await session.get(LAST_ACTIVITY_KEY))[LAST_ACTIVITY_KEY];
  const plan = planAutoLock(typeof last === 'number' ? last : undefined, minutes, Date.now());
  if (plan.lockNow) await svc.lock();
  // Locked meanwhile (the alarm, the idle lock, the user): no alarm for a locked vault.
  else if ((await svc.status()).state === 'unlocked')
    await browser.alarms.create(AUTOLOCK_ALARM, { when: plan.at });
}

/** Re-plan auto-lock if the vault is unlocked (after a settings change, or a service-worker start). */
async function reviewAutoLock(svc: VaultService, session: StorageLike): Promise<void> {
  if ((await svc.status()).state === 'unlocked') await applyAutoLock(svc, session);
}

export function setupVault(): VaultService {
  if (service) return service;
  const a = areas();
  const cache = new SettingsCache(a);
  settingsCache = cache;
  // Every change to the auto-lock alarm and the last-use time goes through this one queue, in order:
  // a use planned just before a lock cannot leave an alarm behind the lock's clear.
  let autoLockQueue: Promise<void> = Promise.resolve();
  const queueAutoLock = (step: () => Promise<unknown>): void => {
    autoLockQueue = autoLockQueue.then(step).then(
      () => undefined,
      () => undefined,
    );
  };
  const svc = new VaultService({
    local: a.local,
    session: a.session,
    settings: () => cache.get(),
    onActivity: () => {
      // The last-use time is written before the alarm is planned from it.
      queueAutoLock(async () => {
        await a.session.set({ [LAST_ACTIVITY_KEY]: Date.now() });
        await reviewAutoLock(svc, a.session);
      });
    },
    onLocked: () => {
      queueAutoLock(async () => {
        await browser.alarms.clear(AUTOLOCK_ALARM);
        await a.session.remove(LAST_ACTIVITY_KEY);
      });
    },
  });
  service = svc;
  // Clearing a code copied from the popup off the clipboard (its own `clipboard.*` messages).
  setupClipboardClear();

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === AUTOLOCK_ALARM) void svc.lock();
  });
  browser.idle.onStateChanged.addListener((state) => {
    if (state !== 'locked') return;
    void cache.get().then((s) => {
      if (s.values.lockOnScreenLock) void svc.lock();
    });
  });
  // Policy can arrive after start (Chromium fills storage.managed a few seconds late) and the user can
  // change settings: drop the cached settings and re-plan auto-lock at once while unlocked. New
  // password rules are checked at the next unlock (VaultService.unlock: password-change-required).
  cache.onChange(() => queueAutoLock(() => reviewAutoLock(svc, a.session)));
  browser.storage.onChanged.addListener((changes, area) => {
    cache.onStorageChanged(changes, area);
  });
  // A (re)started service worker: the alarm survives, but the auto-lock time may have changed meanwhile.
  queueAutoLock(() => reviewAutoLock(svc, a.session));
  browser.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
    if (!message || typeof message !== 'object' || !('type' in message)) return undefined;
    const type = (message as { type: unknown }).type;
    if (typeof type !== 'string' || !(type.startsWith('vault.') || type.startsWith('settings.')))
      return undefined;
    void handle(svc, message, sender).then(sendResponse);
    return true;
  });
  return svc;
}

type Sender = MessageSenderLike;

/** runtime.getURL (WXT types it per project in .wxt/, which the repository's tsconfig does not include). */
export function extensionUrl(path: string): string {
  return (browser.runtime as unknown as { getURL(p: string): string }).getURL(path);
}

function extensionBase(): string {
  return extensionUrl('/');
}

/** Handle one message; always answers a WireResponse. Exported for the browser tests' use via pages. */
export async function handle(
  svc: VaultService,
  message: unknown,
  sender: Sender,
): Promise<WireResponse<unknown>> {
  try {
    const parsed = v.safeParse(RequestSchema, message);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
      throw new VaultError('bad-request', `Invalid request${path ? ` (${path})` : ''}: ${issue.message}`);
    }
    const req = parsed.output;
    if (sender.id !== browser.runtime.id) throw new VaultError('forbidden', 'Not from this extension.');
    // Extension pages only: a content script's requests are `fill.*` (extension/fill/background.ts), each
    // checked against the site module; nothing here answers a page's frame.
    if (!isExtensionPage(sender, browser.runtime.id, new URL(extensionBase()).origin))
      throw new VaultError('forbidden', 'This request is only accepted from the extension’s own pages.');
    const value = await dispatch(svc, req);
    return { ok: true, value };
  } catch (e) {
    return { ok: false, error: toWire(e) };
  }
}

function toWire(e: unknown): WireError {
  if (e instanceof VaultError) return { code: e.code, message: e.message, details: e.details };
  if (e instanceof OtpauthError)
    return { code: 'otpauth', message: e.message, details: { otpauthCode: e.code } };
  if (e instanceof SettingsError) return { code: 'settings', message: e.message, details: { key: e.key } };
  // Unknown errors: report the kind only (messages of foreign errors might quote input).
  console.error('vault: unexpected error', e instanceof Error ? e.name : typeof e);
  return { code: 'internal', message: 'Something went wrong in the extension. Try again.' };
}

function accountFrom(input: NewAccount): OtpAccount {
  if (input.source === 'uri') return parseOtpauthUri(input.uri.trim());
  const a: OtpAccount = {
    type: input.type,
    account: input.account,
    secret: base32Decode(input.secret),
    algorithm: input.algorithm,
    digits: input.digits,
    period: input.period,
  };
  if (input.issuer) a.issuer = input.issuer;
  if (input.type === 'hotp') a.counter = input.counter ?? 0;
  return a;
}

async function dispatch(svc: VaultService, req: VaultRequest): Promise<VaultResponses[VaultRequest['type']]> {
  switch (req.type) {
    case 'vault.status':
      return svc.status();
    case 'vault.create':
      return svc.create(req.password);
    case 'vault.unlock':
      return svc.unlock(req.password, req.newPassword);
    case 'vault.lock':
      return svc.lock();
    case 'vault.restorePrevious':
      return svc.restorePrevious(req.password);
    case 'vault.reset':
      return svc.reset();
    case 'vault.changePassword':
      await svc.changePassword(req.oldPassword, req.newPassword);
      return null;
    case 'vault.list':
      return svc.list();
    case 'vault.add': {
      const meta = req.account.meta ?? {};
      const m: { label?: string; icon?: string; origins?: string[] } = {};
      if (meta.label) m.label = meta.label;
      if (meta.icon) m.icon = meta.icon;
      if (meta.origins) m.origins = meta.origins;
      return svc.add(accountFrom(req.account), m);
    }
    case 'vault.update': {
      const p = req.patch;
      const patch: Parameters<VaultService['update']>[1] = {};
      if (p.label !== undefined) patch.label = p.label;
      if (p.icon !== undefined) patch.icon = p.icon;
      if (p.issuer !== undefined) patch.issuer = p.issuer;
      if (p.account !== undefined) patch.account = p.account;
      if (p.origins !== undefined) patch.origins = p.origins;
      return svc.update(req.id, patch);
    }
    case 'vault.reorder':
      return svc.reorder(req.ids);
    case 'vault.delete':
      await svc.delete(req.id);
      return null;
    case 'vault.code':
      return svc.codeFor(req.id);
    case 'vault.codes':
      return svc.codes();
    case 'vault.info':
      return svc.info();
    case 'vault.forOrigin':
      return svc.accountsForOrigin(requireOrigin(req.origin));
    case 'vault.codeForOrigin':
      return svc.codeForOrigin(req.id, requireOrigin(req.origin));
    case 'vault.import': {
      const parsed = await parseImport(req.format, req.data, req.password);
      if (parsed.items.length === 0) return { added: [], skipped: parsed.skipped };
      if (req.origins?.length) {
        for (const it of parsed.items)
          if (!it.meta?.origins?.length) it.meta = { ...it.meta, origins: req.origins };
      }
      return svc.addMany(parsed.items, parsed.skipped);
    }
    case 'vault.exportEncrypted':
      return svc.exportEncrypted(req.exportPassword);
    case 'vault.exportUris':
      return svc.exportUris(req.masterPassword);
    case 'vault.scanTab':
      return scanVisibleTab();
    case 'settings.get':
      return settingsNow();
    case 'settings.set': {
      const patch: Partial<Record<SettingKey, unknown>> = {};
      for (const [k, val] of Object.entries(req.patch)) {
        if (!isSettingKey(k)) throw new SettingsError('unknown-setting', `Unknown setting "${k}".`, k);
        patch[k] = val;
      }
      const eff = await setUserSettings(patch);
      settingsCache?.invalidate();
      return eff;
    }
  }
}

function requireOrigin(origin: string | undefined): string {
  if (!origin) throw new VaultError('bad-request', 'An origin is required.');
  return origin;
}

/** Capture the active tab of the focused window and decode QR codes in it (jsQR). */
export async function scanVisibleTab(): Promise<ScanResult> {
  const s = await settingsNow();
  if (s.values.disableQrScan)
    throw new VaultError('qr-disabled', 'Scanning QR codes is turned off by your organisation.');
  const win = await browser.windows.getLastFocused({ windowTypes: ['normal'] });
  if (win.id === undefined) throw new VaultError('not-found', 'No browser window to scan.');
  const dataUrl = await browser.tabs.captureVisibleTab(win.id, { format: 'png' });
  const bitmap = await createImageBitmap(await (await fetch(dataUrl)).blob());
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new VaultError('not-found', 'Cannot read the tab image.');
  ctx.drawImage(bitmap, 0, 0);
  const found = decodeQrCodes(ctx.getImageData(0, 0, bitmap.width, bitmap.height));
  if (found.length === 0) {
    throw new VaultError('not-found', 'No authenticator QR code is visible in the current tab.');
  }
  return { found };
}

/**
 * jsQR reads one code per image; to find several (a page with more than one QR), decode, blank the
 * found code's area, and decode again (at most 10 codes).
 */
export function decodeQrCodes(img: ImageData): ScanResult['found'] {
  const found: ScanResult['found'] = [];
  const data = new Uint8ClampedArray(img.data);
  for (let i = 0; i < 10; i++) {
    const r = jsQR(data, img.width, img.height, { inversionAttempts: 'attemptBoth' });
    if (!r) break;
    const text = r.data.trim();
    if (/^otpauth-migration:\/\//i.test(text)) found.push({ text, kind: 'migration' });
    else if (/^otpauth:\/\//i.test(text)) found.push({ text, kind: 'otpauth' });
    const loc = r.location;
    const xs = [loc.topLeftCorner.x, loc.topRightCorner.x, loc.bottomLeftCorner.x, loc.bottomRightCorner.x];
    const ys = [loc.topLeftCorner.y, loc.topRightCorner.y, loc.bottomLeftCorner.y, loc.bottomRightCorner.y];
    const pad = 8;
    const x0 = Math.max(0, Math.floor(Math.min(...xs)) - pad);
    const x1 = Math.min(img.width, Math.ceil(Math.max(...xs)) + pad);
    const y0 = Math.max(0, Math.floor(Math.min(...ys)) - pad);
    const y1 = Math.min(img.height, Math.ceil(Math.max(...ys)) + pad);
    for (let y = y0; y < y1; y++) data.fill(255, (y * img.width + x0) * 4, (y * img.width + x1) * 4);
  }
  return found;
}

/** A content script met a locked vault (`fill.openUnlock`): open the popup page in a small window to unlock. */
export async function openUnlockWindow(returnTabId: number | undefined): Promise<void> {
  const url = new URL(extensionUrl('/popup.html'));
  url.searchParams.set('unlock', '1');
  if (returnTabId !== undefined) url.searchParams.set('returnTab', String(returnTabId));
  await browser.windows.create({ url: url.toString(), type: 'popup', width: 380, height: 560 });
}
