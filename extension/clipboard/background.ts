/**
 * Clears a code copied from the popup off the clipboard after `clipboardClearSeconds`, whether or not
 * the popup is still open, and only if the clipboard still holds that code (./clear.ts).
 *
 * - Chromium (MV3 service worker, no DOM): an offscreen document (reason CLIPBOARD) holds the timer
 *   and does the reading and clearing; it reports back and is closed.
 * - Firefox (MV3 background page, has a DOM): a timer here does it directly.
 * - Both: the pending clear is kept in storage.session (memory only, extension contexts only) with an
 *   alarm as a backstop, so it still happens if the worker/page was stopped in between (Chrome runs
 *   alarms of packed extensions at most every 30 s: then the clear may come that late).
 * The code itself is never logged.
 */
import * as v from 'valibot';
import { browser } from 'wxt/browser';
import { getEffectiveSettings } from '../settings/effective';
import { type ClearOutcome, clearIfHolds, documentClipboard } from './clear';
import {
  type CopiedAnswer,
  CopiedSchema,
  OffscreenDoneSchema,
  PENDING_KEY,
  type PendingClear,
  PendingSchema,
} from './messages';

export const CLEAR_ALARM = 'clipboard.clear';
const OFFSCREEN_PATH = '/offscreen.html';

interface SessionArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(key: string): Promise<void>;
}
interface OffscreenApi {
  createDocument(p: { url: string; reasons: string[]; justification: string }): Promise<void>;
  closeDocument(): Promise<void>;
}
interface Sender {
  id?: string;
  url?: string;
}

const session = () => (browser.storage as unknown as { session: SessionArea }).session;
const offscreenApi = () => (browser as unknown as { offscreen?: OffscreenApi }).offscreen;
const runtime = () =>
  browser.runtime as unknown as {
    id: string;
    getURL(p: string): string;
    sendMessage(m: unknown): Promise<unknown>;
    getContexts?(f: { contextTypes: string[]; documentUrls?: string[] }): Promise<unknown[]>;
  };

async function loadPending(): Promise<PendingClear | null> {
  const raw = (await session().get(PENDING_KEY))[PENDING_KEY];
  const parsed = v.safeParse(PendingSchema, raw);
  return parsed.success ? parsed.output : null;
}

async function finish(at: number): Promise<void> {
  const p = await loadPending();
  // A newer copy replaced this one: its own clear is still to come.
  if (p && p.at !== at) return;
  await session().remove(PENDING_KEY);
  await browser.alarms.clear(CLEAR_ALARM);
  const off = offscreenApi();
  if (off && (await hasOffscreenDocument())) await off.closeDocument().catch(() => undefined);
}

async function hasOffscreenDocument(): Promise<boolean> {
  const rt = runtime();
  if (!rt.getContexts) return false;
  const ctx = await rt.getContexts({
    contextTypes: ['OFFSCREEN_DOCUMENT'],
    documentUrls: [rt.getURL(OFFSCREEN_PATH)],
  });
  return ctx.length > 0;
}

let creating: Promise<void> | null = null;
async function ensureOffscreenDocument(off: OffscreenApi): Promise<void> {
  if (await hasOffscreenDocument()) return;
  creating ??= off
    .createDocument({
      url: OFFSCREEN_PATH,
      reasons: ['CLIPBOARD'],
      justification: 'Clear a copied authenticator code from the clipboard after the set delay.',
    })
    .finally(() => {
      creating = null;
    });
  await creating;
}

let timer: ReturnType<typeof setTimeout> | undefined;

/** Have the pending clear run at its time (now, if that has passed). */
async function arm(p: PendingClear): Promise<void> {
  const off = offscreenApi();
  if (off) {
    await ensureOffscreenDocument(off);
    await runtime().sendMessage({ type: 'clipboard.offscreen.clear', code: p.code, at: p.at });
    return;
  }
  clearTimeout(timer);
  timer = setTimeout(() => void runHere(p.at), Math.max(0, p.at - Date.now()));
}

/** Firefox: read and clear from this background page. */
async function runHere(at: number): Promise<ClearOutcome | null> {
  const p = await loadPending();
  if (!p || p.at !== at) return null;
  const outcome = await clearIfHolds(p.code, documentClipboard(document));
  await finish(at);
  return outcome;
}

/** popup → background: a code was copied; schedule its clearing per settings. */
export async function codeCopied(code: string): Promise<CopiedAnswer> {
  const s = (await getEffectiveSettings()).values;
  if (s.disableClipboard || s.clipboardClearSeconds <= 0) return { clearAt: null };
  const p: PendingClear = { code, at: Date.now() + s.clipboardClearSeconds * 1000 };
  await session().set({ [PENDING_KEY]: p });
  await browser.alarms.create(CLEAR_ALARM, { when: p.at });
  await arm(p);
  return { clearAt: p.at };
}

function fromExtensionPage(sender: Sender): boolean {
  const rt = runtime();
  return sender.id === rt.id && typeof sender.url === 'string' && sender.url.startsWith(rt.getURL('/'));
}

export function setupClipboardClear(): void {
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name !== CLEAR_ALARM) return;
    // Backstop: the timer did not run (worker or offscreen document stopped). Its time has come, so
    // arming runs it now; if the timer is still there this replaces it (one clear, not two).
    void loadPending().then((p) => (p ? arm(p) : undefined));
  });
  browser.runtime.onMessage.addListener((message: unknown, sender: Sender, sendResponse) => {
    if (!message || typeof message !== 'object') return undefined;
    const type = (message as { type?: unknown }).type;
    if (type === 'clipboard.copied') {
      const parsed = v.safeParse(CopiedSchema, message);
      if (!parsed.success || !fromExtensionPage(sender)) {
        sendResponse({ ok: false, error: { code: 'bad-request', message: 'Not a valid copy notice.' } });
        return undefined;
      }
      void codeCopied(parsed.output.code).then(
        (value) => sendResponse({ ok: true, value }),
        (e: unknown) => {
          console.error('clipboard: scheduling the clear failed', e instanceof Error ? e.name : typeof e);
          sendResponse({ ok: false, error: { code: 'internal', message: 'Could not schedule the clear.' } });
        },
      );
      return true;
    }
    if (type === 'clipboard.offscreen.done') {
      const parsed = v.safeParse(OffscreenDoneSchema, message);
      if (parsed.success && fromExtensionPage(sender)) void finish(parsed.output.at);
      return undefined;
    }
    return undefined;
  });
}
