/**
 * The page (MAIN world) half of the bridge. Wraps `CredentialsContainer.prototype.create/get` (and any
 * own `create/get` on `navigator.credentials`) before page code runs, keeps the originals, and for each
 * `publicKey` request decides at once whether to hand it back to the browser or send it through the
 * relay. Every request settles: a page-realm credential or a page-realm DOMException.
 */
import { NOT_ALLOWED_MESSAGE } from '@shared/protocol/index.js';
import * as v from 'valibot';
import type { BridgeMode } from '../../sites/bridge-mode';
import {
  type BridgeReply,
  BridgeReplySchema,
  type Operation,
  PAGE_OPEN_SOURCE,
  type PageToRelay,
} from '../wire';
import { buildAssertionCredential, buildRegistrationCredential, type CredentialRealm } from './credential';
import { creationOptionsToJSON, effectiveTimeout, type JsonObject, requestOptionsToJSON } from './options';
import { provideWebAuthn, type WebAuthnEntryPoints, webAuthnMissing } from './shim';

type PageWindow = Window & typeof globalThis;
type Original = (
  this: unknown,
  options?: CredentialCreationOptions | CredentialRequestOptions,
) => Promise<unknown>;

export interface PageBridgeOptions {
  /** Posts the open message with the transferred port to the relay (default: window.postMessage). */
  post?: (message: unknown, port: MessagePort) => void;
  /** How long to wait for the relay's first answer before handing the request back (ms). */
  relayAnswerMs?: number;
  /** A browser failure this quick (ms) counts as "failed at once, before any user interaction". */
  quickFailureMs?: number;
  /** Install navigator.credentials / PublicKeyCredential when the browser has none. */
  provide?: boolean;
  now?: () => number;
}

export interface PageBridge {
  /** Installs the missing WebAuthn objects (when the page has none); idempotent. */
  provide(): void;
  /** True when the browser had its own WebAuthn when the bridge started. */
  readonly nativeWebAuthn: boolean;
}

/** Bridges installed per window (module state, not a property a page could look for). */
const installed = new WeakMap<PageWindow, PageBridge>();

/** Spec texts browsers use, so pages that match on messages keep working. */
const TIMEOUT_MESSAGE = NOT_ALLOWED_MESSAGE;

class RelayChannel {
  private readonly port: MessagePort;
  private readonly waiters: Array<(reply: BridgeReply | null) => void> = [];
  private readonly queue: Array<BridgeReply | null> = [];
  private closed = false;

  constructor(win: PageWindow, post: (message: unknown, port: MessagePort) => void) {
    const channel = new win.MessageChannel();
    this.port = channel.port1;
    this.port.onmessage = (event: MessageEvent) => {
      const parsed = v.safeParse(BridgeReplySchema, event.data);
      this.push(parsed.success ? parsed.output : null);
    };
    post({ source: PAGE_OPEN_SOURCE, version: 1 }, channel.port2);
  }

  private push(reply: BridgeReply | null): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(reply);
    else this.queue.push(reply);
  }

  send(message: PageToRelay): void {
    if (!this.closed) this.port.postMessage(message);
  }

  /** The next reply, or null on a malformed reply; `undefined` when `ms` passes first. */
  next(ms?: number): Promise<BridgeReply | null | undefined> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift() ?? null);
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waiter = (reply: BridgeReply | null) => {
        if (timer !== undefined) clearTimeout(timer);
        resolve(reply);
      };
      this.waiters.push(waiter);
      if (ms !== undefined) {
        timer = setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          resolve(undefined);
        }, ms);
      }
    });
  }

  close(): void {
    if (this.closed) return;
    this.port.postMessage({ t: 'close' } satisfies PageToRelay);
    this.closed = true;
    this.port.close();
  }
}

class HandBack {
  constructor(readonly reason: string) {}
}

export function installPageBridge(win: PageWindow, options: PageBridgeOptions = {}): PageBridge {
  const existing = installed.get(win);
  if (existing) return existing;
  const post =
    options.post ?? ((message: unknown, port: MessagePort) => win.postMessage(message, '*', [port]));
  const relayAnswerMs = options.relayAnswerMs ?? 1500;
  const quickFailureMs = options.quickFailureMs ?? 1000;
  const now = options.now ?? (() => win.performance.now());
  const DOMExceptionCtor = win.DOMException;
  const nativeWebAuthn = !webAuthnMissing(win);

  const containerProto = (win as unknown as { CredentialsContainer?: { prototype: Record<string, unknown> } })
    .CredentialsContainer?.prototype;
  const originalCreate = containerProto?.create as Original | undefined;
  const originalGet = containerProto?.get as Original | undefined;

  let realm: CredentialRealm | null = nativeWebAuthn
    ? {
        PublicKeyCredential: win.PublicKeyCredential,
        AuthenticatorAttestationResponse: win.AuthenticatorAttestationResponse,
        AuthenticatorAssertionResponse: win.AuthenticatorAssertionResponse,
      }
    : null;

  /** The relay said `always` for this document: later requests skip the question. */
  let knownAlways = false;

  const domError = (name: string, message: string): DOMException => new DOMExceptionCtor(message, name);

  const abortReason = (signal: AbortSignal): unknown =>
    signal.reason === undefined ? domError('AbortError', 'The operation was aborted.') : signal.reason;

  const handBackToBrowser = (original: Original | undefined, thisArg: unknown, opts: unknown) => {
    if (!original || !nativeWebAuthn) {
      return Promise.reject(domError('NotSupportedError', 'WebAuthn is not available in this browser.'));
    }
    return original.call(thisArg, opts as CredentialCreationOptions);
  };

  /** Runs one request through the relay; resolves to a credential, throws a DOMException, or HandBack. */
  async function viaRelay(
    channel: RelayChannel,
    op: Operation,
    json: JsonObject,
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<object> {
    if (!realm) throw domError('NotSupportedError', 'WebAuthn is not available in this browser.');
    const credentialRealm = realm;
    return new Promise<object>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        channel.close();
        fn();
      };
      const onAbort = () => {
        channel.send({ t: 'cancel' });
        finish(() => reject(abortReason(signal!)));
      };
      const timer = setTimeout(() => {
        channel.send({ t: 'cancel' });
        finish(() => reject(domError('NotAllowedError', TIMEOUT_MESSAGE)));
      }, timeout);
      signal?.addEventListener('abort', onAbort);
      channel.send({ t: 'request', op, options: json, timeout });
      const pump = async (): Promise<void> => {
        while (!settled) {
          const reply = await channel.next();
          if (settled) return;
          if (reply === undefined || reply === null) {
            finish(() =>
              reject(domError('UnknownError', 'The security-key bridge sent an unreadable reply.')),
            );
            return;
          }
          switch (reply.t) {
            case 'ack':
            case 'mode':
              continue;
            case 'handback':
              finish(() => reject(new HandBack(reply.reason)));
              return;
            case 'error':
              finish(() =>
                reject(
                  reply.name === 'TypeError'
                    ? new win.TypeError(reply.message)
                    : domError(reply.name, reply.message),
                ),
              );
              return;
            case 'created':
              if (op !== 'create') break;
              try {
                const cred = buildRegistrationCredential(credentialRealm, reply.credential);
                finish(() => resolve(cred));
              } catch {
                finish(() =>
                  reject(domError('UnknownError', 'The security key returned an unreadable credential.')),
                );
              }
              return;
            case 'got':
              if (op !== 'get') break;
              try {
                const cred = buildAssertionCredential(credentialRealm, reply.credential);
                finish(() => resolve(cred));
              } catch {
                finish(() =>
                  reject(domError('UnknownError', 'The security key returned an unreadable assertion.')),
                );
              }
              return;
          }
          finish(() =>
            reject(domError('UnknownError', 'The security-key bridge answered the wrong operation.')),
          );
          return;
        }
      };
      pump().catch(() => finish(() => reject(domError('UnknownError', 'The security-key bridge failed.'))));
    });
  }

  async function handle(
    op: Operation,
    original: Original | undefined,
    thisArg: unknown,
    opts: CredentialCreationOptions | CredentialRequestOptions | undefined,
  ): Promise<unknown> {
    const pk = (opts as { publicKey?: unknown } | undefined)?.publicKey;
    const mediation = (opts as { mediation?: string } | undefined)?.mediation;
    // Not ours: non-WebAuthn credentials, conditional (autofill) requests.
    if (pk === undefined || pk === null || mediation === 'conditional') {
      return handBackToBrowser(original, thisArg, opts);
    }
    const signal = (opts as { signal?: AbortSignal }).signal;
    if (signal?.aborted) throw abortReason(signal);
    // The browser's binding layer checks the dictionary first: TypeErrors surface before anything else.
    const json =
      op === 'create'
        ? creationOptionsToJSON(pk as PublicKeyCredentialCreationOptions)
        : requestOptionsToJSON(pk as PublicKeyCredentialRequestOptions);
    const timeout = effectiveTimeout(typeof json.timeout === 'number' ? json.timeout : undefined);

    const channel = new RelayChannel(win, post);
    // Once the site is known to be `always`, requests go straight out (the background still decides: a
    // site switched off since then is handed back, and the next request asks again).
    let first: BridgeReply | null | undefined;
    let mode: BridgeMode;
    if (knownAlways) {
      mode = 'always';
    } else {
      channel.send({ t: 'query' });
      first = await channel.next(relayAnswerMs);
      mode = first && first.t === 'mode' ? first.mode : 'off';
      knownAlways = mode === 'always';
    }
    if (mode === 'off') {
      channel.close();
      if (first === undefined && !nativeWebAuthn) {
        throw domError('NotSupportedError', 'The security-key bridge did not answer.');
      }
      return handBackToBrowser(original, thisArg, opts);
    }
    // Fallback tries the browser first, unless the browser cannot reach any key the host sees.
    const browserCannotReach = first?.t === 'mode' && first.browserHid === 'none';
    if (mode === 'fallback' && nativeWebAuthn && original && !browserCannotReach) {
      const started = now();
      try {
        const result = await original.call(thisArg, opts);
        channel.close();
        return result;
      } catch (error) {
        // Only "this browser cannot do WebAuthn" at once is retried: a quick NotAllowedError is what a
        // focus (or permission) refusal looks like, and is the page's answer.
        const quick = now() - started <= quickFailureMs;
        const name = (error as { name?: unknown } | null)?.name;
        if (!quick || name !== 'NotSupportedError' || signal?.aborted) {
          channel.close();
          throw error;
        }
      }
    }
    try {
      return await viaRelay(channel, op, json, timeout, signal);
    } catch (error) {
      if (error instanceof HandBack) {
        // Handed back to the browser without a word to the page's console: the reason is the
        // background's to log, not something a page should learn about the extension.
        knownAlways = false;
        return handBackToBrowser(original, thisArg, opts);
      }
      throw error;
    }
  }

  /** Wraps so every call settles in the page realm, whatever goes wrong inside. */
  const entry = (op: Operation, original: Original | undefined) =>
    ({
      [op](this: unknown, opts?: CredentialCreationOptions | CredentialRequestOptions): Promise<unknown> {
        return new win.Promise((resolve, reject) => {
          handle(op, original, this, opts).then(resolve, (error: unknown) => {
            if (
              error instanceof DOMExceptionCtor ||
              error instanceof win.TypeError ||
              error instanceof Error
            ) {
              reject(error);
            } else {
              reject(error ?? domError('UnknownError', 'The request failed.'));
            }
          });
        });
      },
    })[op]!;

  const wrappedCreate = entry('create', originalCreate);
  const wrappedGet = entry('get', originalGet);

  if (containerProto) {
    for (const [name, fn] of [
      ['create', wrappedCreate],
      ['get', wrappedGet],
    ] as const) {
      const desc = Object.getOwnPropertyDescriptor(containerProto, name);
      Object.defineProperty(containerProto, name, {
        value: fn,
        writable: desc?.writable ?? true,
        enumerable: desc?.enumerable ?? true,
        configurable: true,
      });
    }
  }
  const instance = nativeWebAuthn ? win.navigator.credentials : null;
  if (instance) {
    for (const [name, fn] of [
      ['create', wrappedCreate],
      ['get', wrappedGet],
    ] as const) {
      if (Object.hasOwn(instance, name)) {
        Object.defineProperty(instance, name, {
          value: fn,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      }
    }
  }

  const bridge: PageBridge = {
    nativeWebAuthn,
    provide() {
      if (!webAuthnMissing(win)) return;
      const entryPoints: WebAuthnEntryPoints = {
        create: wrappedCreate as WebAuthnEntryPoints['create'],
        get: wrappedGet as WebAuthnEntryPoints['get'],
      };
      const provided = provideWebAuthn(win, entryPoints);
      if (provided) realm = provided;
    },
  };
  installed.set(win, bridge);
  if (options.provide) bridge.provide();
  return bridge;
}
