/**
 * Background side of detect + fill: answers the content script's `fill.*` messages with the vault
 * (`getVault()`), the effective settings and the fill policy. The origin is the sender frame's.
 */
import * as v from 'valibot';
import { browser } from 'wxt/browser';
import { getEffectiveSettings } from '../settings/effective';
import {
  type Activation,
  activationFor,
  type MessageSenderLike,
  senderOrigin,
  servesContentScript,
} from '../sites/index';
import { base32Decode, type OtpAccount, parseOtpauthUri } from '../vault/otp';
import { CLOCK_WARN_MS, clockOffsetMs } from './policy';
import {
  type ClockInfo,
  type FillRequest,
  FillRequestSchema,
  type FillResponses,
  type FillWire,
  type QueryReply,
  type VaultState,
} from './protocol';
import { displayName, getVaultOrNull, openUnlockWindow, VaultError } from './vault-access';

const CHOICES_KEY = 'fill.choices';
const BOUND_KEY = 'fill.boundOrigins';
const CLOCK_TTL_MS = 10 * 60_000;

type Sender = MessageSenderLike;

export class FillError extends Error {
  override readonly name = 'FillError';
  constructor(
    readonly code: 'bad-request' | 'forbidden' | 'locked' | 'not-bound' | 'not-active' | 'internal',
    message: string,
  ) {
    super(message);
  }
}

/** The sender frame's origin as the browser reports it; content scripts only, opaque origins refused. */
export function contentScriptOrigin(sender: Sender, extensionId: string): string {
  if (sender.id !== extensionId) throw new FillError('forbidden', 'Not from this extension.');
  if (!sender.tab) throw new FillError('forbidden', 'Only the page script asks for codes.');
  const origin = senderOrigin(sender);
  if (!origin) throw new FillError('forbidden', 'This frame has no origin the extension serves.');
  return origin;
}

interface StorageArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

function local(): StorageArea {
  return browser.storage.local as unknown as StorageArea;
}
function session(): StorageArea {
  return browser.storage.session as unknown as StorageArea;
}

async function vaultState(): Promise<VaultState> {
  const vault = getVaultOrNull();
  if (!vault) return 'locked';
  const st = await vault.status();
  return st.state;
}

let lastBound = '';

/** Bound origins of every account: fresh while unlocked (and cached in session storage), cached while locked. */
async function boundOrigins(state: VaultState): Promise<string[]> {
  const vault = getVaultOrNull();
  if (state === 'unlocked' && vault) {
    const origins = [...new Set((await vault.list()).flatMap((a) => a.origins))];
    const key = JSON.stringify(origins);
    if (key !== lastBound) {
      // Every page load asks: write only when the list changed.
      await session().set({ [BOUND_KEY]: origins });
      lastBound = key;
    }
    return origins;
  }
  const cached = (await session().get(BOUND_KEY))[BOUND_KEY];
  return Array.isArray(cached) ? cached.filter((x): x is string => typeof x === 'string') : [];
}

const clocks = new Map<string, { offsetMs: number; at: number }>();

/** Reads the site's Date header (HEAD, no cookies) and caches the offset per origin for 10 minutes. */
async function clockFor(origin: string, compensate: boolean): Promise<ClockInfo | undefined> {
  let entry = clocks.get(origin);
  if (!entry || Date.now() - entry.at > CLOCK_TTL_MS) {
    try {
      const sentAt = Date.now();
      const res = await fetch(origin, {
        method: 'HEAD',
        cache: 'no-store',
        credentials: 'omit',
        redirect: 'manual',
      });
      const receivedAt = Date.now();
      const offset = clockOffsetMs(res.headers.get('date'), sentAt, receivedAt);
      if (offset === null) return undefined;
      entry = { offsetMs: offset, at: receivedAt };
      clocks.set(origin, entry);
    } catch {
      return undefined;
    }
  }
  return {
    offsetMs: Math.round(entry.offsetMs),
    compensated: compensate,
    warn: Math.abs(entry.offsetMs) >= CLOCK_WARN_MS,
  };
}

async function choices(): Promise<Record<string, string>> {
  const raw = (await local().get(CHOICES_KEY))[CHOICES_KEY];
  if (!raw || typeof raw !== 'object') return {};
  return Object.fromEntries(
    Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/** Settings, vault state and the site module's activation for a content script's origin. */
async function activationHere(origin: string): Promise<{
  s: Awaited<ReturnType<typeof getEffectiveSettings>>['values'];
  state: VaultState;
  activation: Activation;
}> {
  const s = (await getEffectiveSettings()).values;
  const state = await vaultState();
  return { s, state, activation: activationFor(origin, s, await boundOrigins(state)) };
}

/**
 * The activation check every content-script request but `fill.query` passes, the same as filling:
 * site allowed, profile known, fill mode not `off`, not a look-alike (binding: where an account is named).
 */
async function requireServed(origin: string): Promise<void> {
  const { activation } = await activationHere(origin);
  if (!servesContentScript(activation))
    throw new FillError('not-active', 'Filling is not enabled on this site.');
}

async function requireUnlocked(): Promise<NonNullable<ReturnType<typeof getVaultOrNull>>> {
  const vault = getVaultOrNull();
  if (!vault || (await vault.status()).state !== 'unlocked')
    throw new FillError('locked', 'The vault is locked.');
  return vault;
}

/** Where the content script stands on this page; accounts and clock only where the site is served. */
async function query(origin: string): Promise<QueryReply> {
  const { s, state, activation } = await activationHere(origin);
  const reply: QueryReply = {
    origin,
    activation,
    vault: state,
    accounts: [],
    autoSubmit: s.autoSubmit,
    language: s.language,
  };
  if (!servesContentScript(activation)) return reply;
  const vault = getVaultOrNull();
  if (state === 'unlocked' && vault) {
    reply.accounts = (await vault.accountsForOrigin(origin)).map((a) => ({ id: a.id, name: displayName(a) }));
    const chosen = (await choices())[origin];
    if (chosen && reply.accounts.some((a) => a.id === chosen)) reply.chosen = chosen;
  }
  const clock = await clockFor(origin, s.clockCompensation);
  if (clock) reply.clock = clock;
  return reply;
}

async function code(origin: string, accountId: string): Promise<FillResponses['fill.code']> {
  const vault = await requireUnlocked();
  await requireServed(origin);
  const s = (await getEffectiveSettings()).values;
  const clock = s.clockCompensation ? clocks.get(origin) : undefined;
  const at = Date.now() + (clock ? clock.offsetMs : 0);
  // codeForOrigin refuses accounts not bound to this origin (VaultError 'origin-not-allowed').
  const r = await vault.codeForOrigin(accountId, origin, at);
  return { code: r.code, secondsRemaining: r.secondsRemaining };
}

/** Remembers the account picked on this site: only an account bound here. */
async function choose(origin: string, accountId: string): Promise<null> {
  const vault = await requireUnlocked();
  await requireServed(origin);
  if (!(await vault.accountsForOrigin(origin)).some((a) => a.id === accountId))
    throw new FillError('not-bound', 'This account is not bound to this site.');
  const all = await choices();
  all[origin] = accountId;
  await local().set({ [CHOICES_KEY]: all });
  return null;
}

async function enrol(
  origin: string,
  secret: string,
  label: string | undefined,
): Promise<FillResponses['fill.enrol']> {
  const vault = await requireUnlocked();
  await requireServed(origin);
  const host = new URL(origin).hostname;
  let account: OtpAccount;
  if (/^otpauth:\/\//i.test(secret)) account = parseOtpauthUri(secret);
  else
    account = {
      type: 'totp',
      issuer: host,
      account: label ?? host,
      secret: base32Decode(secret),
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    };
  const added = await vault.add(account, { origins: [origin] });
  return { id: added.id, name: displayName(added) };
}

async function openUnlock(origin: string, tabId: number | undefined): Promise<null> {
  await requireServed(origin);
  await openUnlockWindow(tabId);
  return null;
}

async function dispatch(req: FillRequest, origin: string, sender: Sender): Promise<unknown> {
  switch (req.type) {
    case 'fill.query':
      return query(origin);
    case 'fill.code':
      return code(origin, req.accountId);
    case 'fill.choose':
      return choose(origin, req.accountId);
    case 'fill.enrol':
      return enrol(origin, req.secret, req.label);
    case 'fill.openUnlock':
      return openUnlock(origin, sender.tab?.id);
  }
}

/** One message → one wire answer; errors carry a stable code and a message without secrets. */
export async function handleFill(
  message: unknown,
  sender: Sender,
  extensionId: string,
): Promise<FillWire<unknown>> {
  try {
    const parsed = v.safeParse(FillRequestSchema, message);
    if (!parsed.success) throw new FillError('bad-request', `Invalid request: ${parsed.issues[0].message}`);
    const origin = contentScriptOrigin(sender, extensionId);
    return { ok: true, value: await dispatch(parsed.output, origin, sender) };
  } catch (e) {
    if (e instanceof FillError) return { ok: false, error: { code: e.code, message: e.message } };
    if (e instanceof VaultError) return { ok: false, error: { code: e.code, message: e.message } };
    if (e instanceof Error && e.name === 'OtpauthError')
      return {
        ok: false,
        error: { code: 'otpauth', message: 'The secret on this page is not a valid authenticator key.' },
      };
    console.error('fill: unexpected error', e instanceof Error ? e.name : typeof e);
    return { ok: false, error: { code: 'internal', message: 'Something went wrong in the extension.' } };
  }
}

let installed = false;
/** Called once from entrypoints/background.ts. */
export function setupFill(): void {
  if (installed) return;
  installed = true;
  browser.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
    if (!message || typeof message !== 'object' || !('type' in message)) return undefined;
    const type = (message as { type: unknown }).type;
    if (typeof type !== 'string' || !type.startsWith('fill.')) return undefined;
    void handleFill(message, sender as Sender, browser.runtime.id).then(sendResponse);
    return true;
  });
}
