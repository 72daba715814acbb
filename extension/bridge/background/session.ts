/**
 * One WebAuthn request from a relay port: the browser-reported caller, the site mode, the checks a
 * browser makes (secure context, RP ID, cross-origin permission policy and activation), the host
 * ceremony with PIN / touch UI, and the response checked before it goes back.
 */
import {
  type HostEvent,
  HostResultSchemas,
  NOT_ALLOWED_MESSAGE,
  PublicKeyCredentialCreationOptionsJSONSchema,
  PublicKeyCredentialRequestOptionsJSONSchema,
} from '@shared/protocol/index.js';
import { validateRpId } from '@shared/webauthn/index.js';
import * as v from 'valibot';
import type { BridgeMode } from '../../sites/bridge-mode';
import type { PinUiInfo } from '../pin-wire';
import type { RuntimePortLike } from '../relay';
import {
  type BackgroundToRelay,
  type BridgeErrorName,
  type BridgeReply,
  type RelayToBackground,
  RelayToBackgroundSchema,
} from '../wire';
import { type Caller, CallerError, type FrameLike, resolveCaller, type SenderLike } from './caller';
import { type HostConnection, HostUnavailableError } from './host-port';
import type { PinPrompt, PinPrompts } from './pin-ui';
import {
  type CredentialRecord,
  checkAssertion,
  checkRegistration,
  type Expectation,
  ResponseCheckError,
} from './verify';

export interface CredentialStore {
  get(rpId: string, id: string): Promise<CredentialRecord | undefined>;
  put(record: CredentialRecord): Promise<void>;
}

/**
 * One key operation at a time across every tab: a request arriving while another runs waits in line
 * (bounded) instead of failing at once, and starts when the running one has ended at the host. Time in
 * line counts against the request's own timeout; a cancel (the page's abort, its tab closing or
 * navigating) takes it out of line.
 */
export class KeyQueue {
  private running = false;
  private readonly waiting: Array<() => void> = [];
  constructor(readonly limit = 8) {}

  /** A place in line (`ready` resolves when it is this request's turn), or null when the line is full. */
  enter(): { ready: Promise<void>; leave(): void } | null {
    if (!this.running) {
      this.running = true;
      return { ready: Promise.resolve(), leave: this.leaver(null) };
    }
    if (this.waiting.length >= this.limit) return null;
    let start!: () => void;
    const ready = new Promise<void>((resolve) => {
      start = resolve;
    });
    this.waiting.push(start);
    return { ready, leave: this.leaver(start) };
  }

  /** How many requests wait behind the running one. */
  get length(): number {
    return this.waiting.length;
  }

  private leaver(start: (() => void) | null): () => void {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const at = start ? this.waiting.indexOf(start) : -1;
      if (at >= 0) {
        this.waiting.splice(at, 1); // left before its turn came
        return;
      }
      const next = this.waiting.shift();
      if (next) next();
      else this.running = false;
    };
  }
}

export interface SessionDeps {
  /** The line every request waits in for the key (shared by all relay ports). */
  keyQueue: KeyQueue;
  host: HostConnection;
  extensionId: string;
  getAllFrames(tabId: number): Promise<FrameLike[] | null | undefined>;
  siteMode(origin: string): Promise<BridgeMode>;
  /**
   * The browser's word that tab `tabId` is the active tab of the focused window (tabs / windows API):
   * a frame's own report of its focus is not enough.
   */
  tabHasFocus(tabId: number): Promise<boolean>;
  /**
   * Calls `onLost` when tab `tabId` stops being the focused document (another tab activated in its
   * window, or another browser window focused; our own PIN window does not count). Returns the unwatch.
   */
  watchFocus?(tabId: number, onLost: () => void): () => void;
  credentials: CredentialStore;
  prompts: PinPrompts;
  /** The interface language in force, for our window (absent: the browser's). */
  language?(): Promise<PinUiInfo['lang']>;
  /** Delay before "touch your key" opens a window of its own (a key touched at once needs none). */
  touchPromptDelayMs?: number;
  /** Outcome log line (request id, operation, outcome: never options, PINs or key material). */
  log?: (line: string) => void;
}

class Refusal extends Error {
  constructor(
    readonly domName: BridgeErrorName,
    message: string,
  ) {
    super(message);
  }
}

/** DOMException names the page may see for a host error name. */
function pageErrorName(hostName: string): BridgeErrorName {
  switch (hostName) {
    case 'NotAllowedError':
    case 'InvalidStateError':
    case 'SecurityError':
    case 'NotSupportedError':
    case 'ConstraintError':
    case 'UnknownError':
      return hostName;
    case 'AbortError':
      return 'NotAllowedError';
    default:
      return 'UnknownError';
  }
}

/** Requests one relay port may have running at once (the host serves one at a time anyway). */
const MAX_REQUESTS_PER_PORT = 8;

/**
 * Serves one frame's relay port: each `request` (told apart by its `rid`) runs on its own, `cancel`
 * ends one, and the port closing (the frame went away, the extension reloaded) cancels them all.
 */
export function serveRelayPort(port: RuntimePortLike, sender: SenderLike, deps: SessionDeps): void {
  /** `cancelled` holds a cancel that came before the request could be cancelled (still being checked). */
  const running = new Map<string, { cancel: (() => void) | null; cancelled: boolean }>();
  const cancel = (entry: { cancel: (() => void) | null; cancelled: boolean }) => {
    entry.cancelled = true;
    entry.cancel?.();
  };
  let closed = false;
  port.onMessage.addListener((raw) => {
    const parsed = v.safeParse(RelayToBackgroundSchema, raw);
    if (!parsed.success || closed) return;
    const message = parsed.output;
    const rid = message.rid;
    if (message.t === 'cancel') {
      const entry = running.get(rid);
      if (entry) cancel(entry);
      return;
    }
    if (running.has(rid)) return; // a request id is used once
    const entry: { cancel: (() => void) | null; cancelled: boolean } = { cancel: null, cancelled: false };
    let finished = false;
    const reply = (answer: BridgeReply) => {
      if (finished || closed) return;
      if (answer.t !== 'ack') {
        finished = true;
        running.delete(rid);
      }
      try {
        port.postMessage({ rid, reply: answer } satisfies BackgroundToRelay);
      } catch {
        // the page went away
      }
    };
    if (running.size >= MAX_REQUESTS_PER_PORT) {
      reply({ t: 'error', name: 'NotAllowedError', message: 'Too many security-key requests at once.' });
      return;
    }
    running.set(rid, entry);
    void run(message, sender, deps, reply, (fn) => {
      entry.cancel = fn;
      if (entry.cancelled) fn();
    });
  });
  port.onDisconnect.addListener(() => {
    closed = true;
    const all = [...running.values()];
    running.clear();
    for (const entry of all) cancel(entry);
  });
}

async function run(
  request: Extract<RelayToBackground, { t: 'request' }>,
  sender: SenderLike,
  deps: SessionDeps,
  reply: (message: BridgeReply) => void,
  onCancel: (fn: () => void) => void,
): Promise<void> {
  const log = deps.log ?? (() => {});
  const marks: { start: number; caller?: number; checked?: number; host?: number } = {
    start: performance.now(),
  };
  let caller: Caller;
  let rpId: string;
  let options: Record<string, unknown>;
  try {
    caller = await resolveCaller(sender, deps.extensionId, deps.getAllFrames);
    marks.caller = performance.now();
    const mode = await deps.siteMode(caller.origin);
    if (mode === 'off') {
      reply({ t: 'handback', reason: `the security-key bridge is off for ${caller.origin}.` });
      return;
    }
    await checkFocus(request, caller, deps);
    ({ rpId, options } = checkRequest(request, caller));
  } catch (error) {
    if (error instanceof CallerError || error instanceof Refusal) {
      log(`refused ${request.op}: ${error.domName}`);
      reply({ t: 'error', name: error.domName, message: error.message });
      return;
    }
    if (error instanceof DOMException && error.name === 'SecurityError') {
      log(`refused ${request.op}: SecurityError`);
      reply({ t: 'error', name: 'SecurityError', message: error.message });
      return;
    }
    reply({ t: 'error', name: 'UnknownError', message: 'The request could not be checked.' });
    return;
  }

  try {
    await deps.host.ensureHello();
    marks.checked = performance.now();
  } catch (error) {
    const reason = error instanceof HostUnavailableError ? error.message : 'the native host did not answer.';
    log(`handback ${request.op}: host unavailable (${reason})`);
    reply({ t: 'handback', reason });
    return;
  }

  const crossOrigin = !caller.sameOriginWithAncestors;
  const expectation: Expectation = {
    origin: caller.origin,
    crossOrigin,
    challenge: options.challenge as string,
    rpId,
    userVerificationRequired:
      (request.op === 'create'
        ? (options.authenticatorSelection as { userVerification?: string } | undefined)?.userVerification
        : (options.userVerification as string | undefined)) === 'required',
  };
  if (crossOrigin) expectation.topOrigin = caller.topOrigin;

  const lang = deps.language ? await deps.language().catch(() => undefined) : undefined;
  let prompt: PinPrompt | null = null;
  let touchTimer: ReturnType<typeof setTimeout> | undefined;
  let hostId = '';
  /** Set while the attestation question waits for the user's answer. */
  let consent: ((allow: boolean) => void) | null = null;
  const answer = (allow: boolean) => {
    const resolve = consent;
    consent = null;
    resolve?.(allow);
  };
  const cancelHost = () => {
    if (hostId) deps.host.notify({ type: 'cancel', id: hostId });
  };
  const openPrompt = (): PinPrompt => {
    prompt ??= deps.prompts.create(
      { origin: caller.origin, rpId, op: request.op, ...(lang ? { lang } : {}) },
      {
        onPin: (pin) => deps.host.notify({ type: 'pin', id: hostId, pin }),
        onAttestation: answer,
        onCancel: () => {
          // Cancel or a closed window while the attestation question is asked declines it, no more.
          if (consent) return answer(false);
          cancelHost();
          finish({ t: 'error', name: 'NotAllowedError', message: NOT_ALLOWED_MESSAGE });
        },
      },
    );
    return prompt;
  };
  const onEvent = (event: HostEvent) => {
    const p = openPrompt();
    switch (event.event) {
      case 'pin-required':
        clearTimeout(touchTimer);
        p.show({ kind: 'pin', reason: event.reason, retries: event.retries, invalid: false });
        return;
      case 'pin-invalid':
        p.show({ kind: 'pin', reason: 'verify', retries: event.retries, invalid: true });
        return;
      case 'touch':
        if (p.isOpen) p.update({ kind: 'touch' });
        else {
          clearTimeout(touchTimer);
          touchTimer = setTimeout(() => p.show({ kind: 'touch' }), deps.touchPromptDelayMs ?? 400);
        }
        return;
    }
  };

  let done = false;
  const timer = setTimeout(
    () => {
      cancelHost();
      finish({
        t: 'error',
        name: 'NotAllowedError',
        message: NOT_ALLOWED_MESSAGE,
      });
    },
    ceremonyTimeout(request.timeout, uvOf(request.op, options)),
  );
  /** Leaves the key's line: at once before the host was asked, else once the host has ended it. */
  let leaveLine: () => void = () => {};
  let hostAsked = false;
  let unwatchFocus: () => void = () => {};
  function finish(message: BridgeReply, promptError?: string): void {
    if (done) return;
    answer(false); // a question still open ends unanswered
    unwatchFocus();
    if (!hostAsked) leaveLine();
    // Every NotAllowedError reads alike to the page; the reason stays in the PIN window and the log.
    if (message.t === 'error' && message.name === 'NotAllowedError') {
      message = { ...message, message: NOT_ALLOWED_MESSAGE };
    }
    done = true;
    clearTimeout(timer);
    clearTimeout(touchTimer);
    prompt?.close(promptError);
    const end = performance.now();
    const phase = (from: number | undefined, to: number | undefined) =>
      from === undefined || to === undefined ? '-' : (to - from).toFixed(1);
    log(
      `${hostId} ${request.op}: ${message.t === 'error' ? message.name : message.t} ` +
        `(caller ${phase(marks.start, marks.caller)} ms, checks ${phase(marks.caller, marks.checked)} ms, ` +
        `host ${phase(marks.checked, marks.host)} ms, verify ${phase(marks.host, end)} ms)`,
    );
    reply(message);
  }
  onCancel(() => {
    cancelHost();
    finish({ t: 'error', name: 'AbortError', message: 'The operation was aborted.' });
  });

  if (done) return; // cancelled while it was being checked: the host is never asked
  // The tab losing focus ends the request (in line or at the key) and releases the key.
  unwatchFocus =
    deps.watchFocus?.(caller.tabId, () => {
      log(`${hostId} ${request.op}: the tab lost focus`);
      cancelHost();
      finish({ t: 'error', name: 'NotAllowedError', message: NOT_ALLOWED_MESSAGE });
    }) ?? (() => {});
  if (attestationNeedsConsent(request.op, options)) {
    // Asked before the key is touched: a declined question becomes attestation "none" at the host,
    // which strips the certificate-backed statement and the AAGUID (as Chromium does on "Block").
    const allow = await new Promise<boolean>((resolve) => {
      consent = resolve;
      openPrompt().show({ kind: 'attestation' });
    });
    if (done) return;
    log(`${request.op}: attestation ${allow ? 'allowed' : 'declined'}`);
    if (!allow) options = { ...options, attestation: 'none' };
  }
  const place = deps.keyQueue.enter();
  if (!place) {
    finish({ t: 'error', name: 'NotAllowedError', message: NOT_ALLOWED_MESSAGE });
    return;
  }
  leaveLine = place.leave;
  await place.ready;
  if (done) {
    place.leave();
    return; // cancelled or timed out while waiting for the key
  }
  hostAsked = true;
  const body: Record<string, unknown> & { type: string } = {
    type: request.op === 'create' ? 'webauthn.create' : 'webauthn.get',
    origin: caller.origin,
    // The browser's answer, sent as is: the host must not derive it again (A → B → A frames).
    crossOrigin,
    options,
  };
  if (crossOrigin) body.topOrigin = caller.topOrigin;
  const sent = deps.host.request(body, onEvent);
  hostId = sent.id;
  let outcome: Awaited<typeof sent.done>;
  try {
    outcome = await sent.done.finally(() => place.leave());
    marks.host = performance.now();
  } catch (error) {
    const reason = error instanceof HostUnavailableError ? error.message : 'the native host failed.';
    if (!done)
      finish({ t: 'error', name: 'NotAllowedError', message: `Security-key bridge: ${reason}` }, reason);
    return;
  }
  if (done) return;
  if (!outcome.ok) {
    if (outcome.error.name === 'DeviceError' && !prompt) {
      // No key the host can use, and nothing shown yet: the browser may still serve it.
      done = true;
      clearTimeout(timer);
      log(`${hostId} ${request.op}: handback (DeviceError)`);
      reply({
        t: 'handback',
        reason: `the native host found no usable security key (${outcome.error.message}).`,
      });
      return;
    }
    const name = pageErrorName(outcome.error.name);
    finish({ t: 'error', name, message: outcome.error.message }, outcome.error.message);
    return;
  }
  try {
    if (request.op === 'create') {
      const parsed = v.safeParse(HostResultSchemas['webauthn.create'], outcome.result);
      if (!parsed.success) throw new ResponseCheckError('the host returned a malformed registration');
      const checked = await checkRegistration(parsed.output, expectation);
      await deps.credentials.put(checked.record).catch(() => undefined);
      finish({ t: 'created', credential: checked.response });
    } else {
      const parsed = v.safeParse(HostResultSchemas['webauthn.get'], outcome.result);
      if (!parsed.success) throw new ResponseCheckError('the host returned a malformed assertion');
      const allowed = ((options.allowCredentials as Array<{ id: string }> | undefined) ?? []).map(
        (d) => d.id,
      );
      const known = await deps.credentials.get(rpId, parsed.output.rawId).catch(() => undefined);
      const checked = await checkAssertion(parsed.output, expectation, allowed, known);
      finish({ t: 'got', credential: checked.response });
      // The new counter is stored after the page has its answer (not on the hot path).
      if (known) void deps.credentials.put({ ...known, signCount: checked.signCount }).catch(() => undefined);
    }
  } catch (error) {
    const message =
      error instanceof ResponseCheckError
        ? `The security key's response failed verification: ${error.message}`
        : "The security key's response could not be checked.";
    finish({ t: 'error', name: 'NotAllowedError', message }, message);
  }
}

/** WebAuthn L3 §5.4.7 AttestationConveyancePreference values. */
const CONVEYANCES = new Set(['none', 'indirect', 'direct', 'enterprise']);

/**
 * Attestation that reveals the key's make and model (`direct`, `enterprise`) needs the user's consent
 * first; `indirect` and `none` are anonymised by the host and ask nothing.
 */
export function attestationNeedsConsent(op: 'create' | 'get', options: Record<string, unknown>): boolean {
  return op === 'create' && (options.attestation === 'direct' || options.attestation === 'enterprise');
}

/** Chromium's words when a document without focus calls WebAuthn. */
export const NO_FOCUS_MESSAGE =
  'The operation is not allowed at this time because the page does not have focus.';

/**
 * Only the focused, visible document may use a key: the calling frame's document has the focus and is
 * visible (read by the relay in the isolated world), and the browser says its tab is the active tab of
 * the focused window. Checked before the host (or any window of ours) is involved.
 */
async function checkFocus(
  request: Extract<RelayToBackground, { t: 'request' }>,
  caller: Caller,
  deps: SessionDeps,
): Promise<void> {
  const focused =
    request.frame.hasFocus &&
    request.frame.visible &&
    (await deps.tabHasFocus(caller.tabId).catch(() => false));
  if (!focused) throw new Refusal('NotAllowedError', NO_FOCUS_MESSAGE);
}

/**
 * How long the background lets a request hold the key: the page's own timeout, at most the top of WebAuthn
 * L3's recommended range (§15.1: 30–180 s with userVerification "discouraged", else 300–600 s). Shorter
 * timeouts stand (the page's own timer ends the call then anyway).
 */
export function ceremonyTimeout(requested: number, userVerification: string | undefined): number {
  const max = userVerification === 'discouraged' ? 180_000 : 600_000;
  return Math.min(Math.max(1, requested), max);
}

function uvOf(op: 'create' | 'get', options: Record<string, unknown>): string | undefined {
  return op === 'create'
    ? (options.authenticatorSelection as { userVerification?: string } | undefined)?.userVerification
    : (options.userVerification as string | undefined);
}

/** What the bridge forwards to the host at most (the host takes 1 MB frames; a page may send far more). */
export const FORWARD_LIMITS = {
  /** The options as JSON. */
  optionsBytes: 256 * 1024,
  /** Extension inputs as JSON. */
  extensionsBytes: 16 * 1024,
  /** Entries of allowCredentials / excludeCredentials. */
  credentialList: 256,
  /** A credential ID, base64url (WebAuthn L3 §4: at most 1023 bytes). */
  credentialIdChars: Math.ceil((1023 * 4) / 3),
} as const;

/** Refuses options larger than the bridge forwards, before the host sees any of them. */
function checkSizes(options: Record<string, unknown>): void {
  const tooLarge = (what: string) =>
    new Refusal('TypeError', `${what} is larger than the security-key bridge forwards.`);
  if (JSON.stringify(options).length > FORWARD_LIMITS.optionsBytes) throw tooLarge('The request');
  if (
    options.extensions !== undefined &&
    JSON.stringify(options.extensions).length > FORWARD_LIMITS.extensionsBytes
  )
    throw tooLarge('The extension input');
  for (const key of ['allowCredentials', 'excludeCredentials']) {
    const list = options[key] as Array<{ id: string }> | undefined;
    if (!list) continue;
    if (list.length > FORWARD_LIMITS.credentialList) throw tooLarge(`The ${key} list`);
    if (list.some((d) => d.id.length > FORWARD_LIMITS.credentialIdChars))
      throw tooLarge(`A credential ID in ${key}`);
  }
}

/** Browser-side checks before any host call. Throws Refusal, or the SecurityError validateRpId throws. */
function checkRequest(
  request: Extract<RelayToBackground, { t: 'request' }>,
  caller: Caller,
): { rpId: string; options: Record<string, unknown> } {
  if (!request.frame.isSecureContext) throw new Refusal('SecurityError', 'WebAuthn needs a secure context.');
  if (!caller.sameOriginWithAncestors) {
    const allowed = request.frame.permissions?.[request.op] === true;
    if (!allowed) {
      throw new Refusal(
        'NotAllowedError',
        `A cross-origin frame needs the publickey-credentials-${request.op} permission policy.`,
      );
    }
    if (request.op === 'create' && request.frame.userActivation !== true) {
      throw new Refusal(
        'NotAllowedError',
        'A cross-origin frame may create a credential only after a user gesture.',
      );
    }
  }
  if (request.op === 'create') {
    const parsed = v.safeParse(PublicKeyCredentialCreationOptionsJSONSchema, request.options);
    if (!parsed.success) throw new Refusal('TypeError', `Invalid options: ${parsed.issues[0].message}`);
    checkSizes(parsed.output);
    const rpId = validateRpId(caller.origin, parsed.output.rp.id);
    const created: Record<string, unknown> = { ...parsed.output, rp: { ...parsed.output.rp, id: rpId } };
    // An unknown conveyance is ignored as WebAuthn says (the default, "none"): never passed on as is.
    const attestation = parsed.output.attestation;
    if (attestation !== undefined && !CONVEYANCES.has(attestation)) created.attestation = 'none';
    return { rpId, options: created };
  }
  const parsed = v.safeParse(PublicKeyCredentialRequestOptionsJSONSchema, request.options);
  if (!parsed.success) throw new Refusal('TypeError', `Invalid options: ${parsed.issues[0].message}`);
  checkSizes(parsed.output);
  const rpId = validateRpId(caller.origin, parsed.output.rpId);
  return { rpId, options: { ...parsed.output, rpId } };
}
