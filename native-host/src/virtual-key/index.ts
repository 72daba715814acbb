// The virtual security key on the UDP wire, in-process: startVirtualKey({ port, hostPort, ... }).
import { createSocket } from 'node:dgram';
import {
  type AuthenticatorOptions,
  type RequestContext,
  type TouchResult,
  VirtualAuthenticator,
} from './authenticator.js';
import { CtapHidServer } from './hid-server.js';
import { StateStore } from './state.js';
import { ensureU2fAttestation, U2fAuthenticator } from './u2f.js';

export { type AuthenticatorOptions, type RequestContext, VirtualAuthenticator } from './authenticator.js';
export { CtapHidServer } from './hid-server.js';
export { type KeyState, StateStore, type StoredCredential } from './state.js';
export { ensureU2fAttestation, U2fAuthenticator, type U2fOptions, type U2fRequestContext } from './u2f.js';

/** auto: touched at once; delay: touched after `ms`; manual: waits for `touch()`. */
export type TouchMode = { kind: 'auto' } | { kind: 'delay'; ms: number } | { kind: 'manual' };

export class VirtualKeyOptionError extends Error {
  override readonly name = 'VirtualKeyOptionError';
  readonly code = 'BAD_OPTION';
}

export function parseTouchMode(text: string): TouchMode {
  if (text === 'auto') return { kind: 'auto' };
  if (text === 'manual') return { kind: 'manual' };
  const m = /^delay:(\d{1,7})$/.exec(text);
  if (m) return { kind: 'delay', ms: Number(m[1]) };
  throw new VirtualKeyOptionError(`--touch "${text}" is not auto, delay:MS or manual`);
}

export interface VirtualKeyOptions {
  /** UDP port the key listens on (default 8111; 0 picks a free one). */
  port?: number;
  /** Port the key answers to on the sender's address (default 7112). */
  hostPort?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** A PIN to set at start when the key has none. */
  pin?: string;
  touch?: TouchMode | string;
  /** JSON file that keeps credentials and PIN state across runs. */
  stateFile?: string;
  /** How long a request waits for a touch before USER_ACTION_TIMEOUT (default 30 s). */
  userActionTimeoutMs?: number;
  /**
   * '2.1' (default) or '2.0': a CTAP2 key that also answers U2F over CTAPHID_MSG, as real keys do;
   * 'u2f': a U2F-only key (no CBOR capability, CTAPHID_CBOR answers INVALID_CMD).
   */
  ctapVersion?: AuthenticatorOptions['ctapVersion'] | 'u2f';
  /** A touch counts for a U2F request made within this long after it (default 10 s). */
  u2fPresenceMs?: number;
  /** 'short': the U2F side refuses extended-length APDUs, like some older keys (default 'any'). */
  u2fApdus?: 'any' | 'short';
  /** A U2F wait for touch ends when the host stops polling for this long (default 1 s). */
  u2fPollLapseMs?: number;
  pinProtocols?: number[];
  /** false: the CTAP2 key cannot store discoverable credentials (default true). */
  residentKeys?: boolean;
  /** false: the CTAP2 key has no PIN support at all, so it cannot verify the user (default true). */
  pinSupport?: boolean;
  /** Told when a request starts or stops waiting for a touch (the CLI prints a prompt). */
  onTouchWait?: (waiting: boolean) => void;
}

export interface VirtualKey {
  readonly port: number;
  readonly hostPort: number;
  readonly authenticator: VirtualAuthenticator;
  /** Touches the key (for --touch manual; harmless otherwise). */
  touch(): void;
  /** Whether a request is waiting for a touch right now. */
  readonly waitingForTouch: boolean;
  /** Unplug and replug: lifts PIN_AUTH_BLOCKED, drops tokens. */
  replug(): void;
  /** Stops answering (the key goes silent) until `resume()`, to test hosts against a dead key. */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startVirtualKey(options: VirtualKeyOptions = {}): Promise<VirtualKey> {
  const touchMode =
    typeof options.touch === 'string' ? parseTouchMode(options.touch) : (options.touch ?? { kind: 'auto' });
  const hostPort = options.hostPort ?? 7112;
  const listenHost = options.host ?? '127.0.0.1';
  const store = new StateStore(options.stateFile);
  const u2fOnly = options.ctapVersion === 'u2f';
  await ensureU2fAttestation(store);
  const u2f = new U2fAuthenticator(store, options.u2fApdus ? { apdus: options.u2fApdus } : {});
  const authenticator = new VirtualAuthenticator(store, {
    ...(options.ctapVersion && options.ctapVersion !== 'u2f' ? { ctapVersion: options.ctapVersion } : {}),
    ...(options.pinProtocols ? { pinProtocols: options.pinProtocols } : {}),
    ...(options.residentKeys !== undefined ? { residentKeys: options.residentKeys } : {}),
    ...(options.pinSupport !== undefined ? { pinSupport: options.pinSupport } : {}),
  });
  if (options.pin !== undefined && !authenticator.pinSet) authenticator.presetPin(options.pin);

  const socket = createSocket('udp4');
  let peerAddress = '127.0.0.1';
  let paused = false;
  const touchWaiters = new Set<() => void>();
  let waiting = false;

  const waitForTouch = (signal: AbortSignal): Promise<TouchResult> =>
    new Promise<TouchResult>((resolve) => {
      const timers: NodeJS.Timeout[] = [];
      const done = (r: TouchResult): void => {
        for (const t of timers) clearTimeout(t);
        signal.removeEventListener('abort', onAbort);
        touchWaiters.delete(onTouch);
        resolve(r);
      };
      const onAbort = (): void => done('cancelled');
      const onTouch = (): void => done('touched');
      if (signal.aborted) return done('cancelled');
      signal.addEventListener('abort', onAbort);
      touchWaiters.add(onTouch);
      timers.push(setTimeout(() => done('timeout'), options.userActionTimeoutMs ?? 30_000));
      if (touchMode.kind === 'auto') done('touched');
      else if (touchMode.kind === 'delay') timers.push(setTimeout(onTouch, touchMode.ms));
    });

  // U2F never blocks: a request without a recent touch gets 0x6985 and starts a wait for one (the key
  // blinks); the touch then counts for the next poll. The wait ends when the host stops polling.
  let presentUntil = 0;
  let u2fWait: { abort: AbortController; lastPoll: number; timer: NodeJS.Timeout } | null = null;
  const takePresence = (): boolean => {
    if (Date.now() >= presentUntil) return false;
    presentUntil = 0;
    return true;
  };
  const testPresence = async (): Promise<boolean> => {
    if (takePresence()) return true;
    if (!u2fWait) {
      const abort = new AbortController();
      const wait = {
        abort,
        lastPoll: Date.now(),
        timer: setInterval(() => {
          if (Date.now() - wait.lastPoll > (options.u2fPollLapseMs ?? 1000)) abort.abort();
        }, 100),
      };
      u2fWait = wait;
      waiting = true;
      options.onTouchWait?.(true);
      void waitForTouch(abort.signal).then((r) => {
        clearInterval(wait.timer);
        if (u2fWait === wait) u2fWait = null;
        waiting = false;
        options.onTouchWait?.(false);
        if (r === 'touched') presentUntil = Date.now() + (options.u2fPresenceMs ?? 10_000);
      });
    }
    u2fWait.lastPoll = Date.now();
    // A touch that comes at once (--touch auto) counts for this very request.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return takePresence();
  };

  const server = new CtapHidServer({
    send: (report) => {
      if (!paused) socket.send(report, hostPort, peerAddress);
    },
    ...(u2fOnly
      ? {}
      : { handleCbor: (request: Uint8Array, ctx: RequestContext) => authenticator.handle(request, ctx) }),
    handleMsg: (apdu) => u2f.handle(apdu, { testPresence }),
    waitForTouch,
    onTouchWait: (w) => {
      waiting = w;
      options.onTouchWait?.(w);
    },
  });

  socket.on('message', (msg, rinfo) => {
    if (paused) return;
    peerAddress = rinfo.address;
    server.onReport(new Uint8Array(msg));
  });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 8111, listenHost, () => {
      socket.removeListener('error', reject);
      resolve();
    });
  });

  return {
    port: socket.address().port,
    hostPort,
    authenticator,
    touch() {
      for (const t of [...touchWaiters]) t();
    },
    get waitingForTouch() {
      return waiting;
    },
    replug() {
      authenticator.powerCycle();
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
    },
    close() {
      server.close();
      u2fWait?.abort.abort();
      return new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
