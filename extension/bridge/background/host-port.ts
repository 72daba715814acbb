/**
 * One persistent native-messaging port to the host `mfa_bridge.host` (not one process per message):
 * request/response bookkeeping by id, progress events routed to the request's listener, `pin` and
 * `cancel` sent on the same port. When the port drops, every pending request fails with
 * `HostUnavailableError` and the next request reconnects.
 */
import {
  HelloResultSchema,
  type HostError,
  type HostEvent,
  HostMessageSchema,
  NATIVE_HOST_NAME,
  PROTOCOL_VERSION,
} from '@shared/protocol/index.js';
import * as v from 'valibot';

export interface NativePortLike {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: (port: { error?: { message?: string } }) => void): void };
}

export interface NativeRuntime {
  connectNative(application: string): NativePortLike;
  /** chrome.runtime.lastError's message after a disconnect (Chromium); Firefox sets port.error. */
  lastErrorMessage(): string | undefined;
}

/** The host is missing, not installed for this browser, or exited. */
export class HostUnavailableError extends Error {
  override readonly name = 'HostUnavailableError';
  readonly code = 'HOST_UNAVAILABLE';
}

export type HostOutcome = { ok: true; result: unknown } | { ok: false; error: HostError };

interface Pending {
  resolve(outcome: HostOutcome): void;
  reject(error: Error): void;
  onEvent?: (event: HostEvent) => void;
}

export const INSTALL_HINT =
  'the mfa-bridge native host is not installed for this browser. Install it with `mfa-bridge-host install` ' +
  '(from a checkout: `npm run build && native-host/dist/mfa-bridge-host install`), then reload the page.';

let counter = 0;
function newId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${Date.now().toString(36)}-${counter.toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
}

export class HostConnection {
  private port: NativePortLike | null = null;
  private readonly pending = new Map<string, Pending>();
  private helloChecked: Promise<void> | null = null;

  constructor(
    private readonly runtime: NativeRuntime,
    private readonly hostName: string = NATIVE_HOST_NAME,
  ) {}

  /** True while a port is open. */
  get connected(): boolean {
    return this.port !== null;
  }

  private ensurePort(): NativePortLike {
    if (this.port) return this.port;
    let port: NativePortLike;
    try {
      port = this.runtime.connectNative(this.hostName);
    } catch (error) {
      throw new HostUnavailableError(
        `${INSTALL_HINT} (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    this.port = port;
    port.onMessage.addListener((raw) => this.onMessage(raw));
    port.onDisconnect.addListener((p) => {
      if (this.port !== port) return;
      this.port = null;
      this.helloChecked = null;
      const reason = p?.error?.message ?? this.runtime.lastErrorMessage() ?? 'the native host exited';
      const notFound = /not found|no such native application|not allowed|forbidden/i.test(reason);
      const error = new HostUnavailableError(
        notFound ? `${INSTALL_HINT} (${reason})` : `native host: ${reason}`,
      );
      const all = [...this.pending.values()];
      this.pending.clear();
      for (const p2 of all) p2.reject(error);
    });
    return port;
  }

  private onMessage(raw: unknown): void {
    const parsed = v.safeParse(HostMessageSchema, raw);
    if (!parsed.success) return; // not ours to answer; the request's timeout settles it
    const message = parsed.output;
    const entry = this.pending.get(message.id);
    if (!entry) return;
    if ('event' in message) {
      entry.onEvent?.(message);
      return;
    }
    this.pending.delete(message.id);
    entry.resolve(message.ok ? { ok: true, result: message.result } : { ok: false, error: message.error });
  }

  /**
   * Sends a request and resolves with its final reply. `onEvent` receives progress events. Rejects with
   * HostUnavailableError when the host cannot be reached or goes away.
   */
  request(
    body: Record<string, unknown> & { type: string },
    onEvent?: (event: HostEvent) => void,
  ): { id: string; done: Promise<HostOutcome> } {
    const id = newId();
    const done = new Promise<HostOutcome>((resolve, reject) => {
      let port: NativePortLike;
      try {
        port = this.ensurePort();
      } catch (error) {
        reject(error);
        return;
      }
      const entry: Pending = { resolve, reject };
      if (onEvent) entry.onEvent = onEvent;
      this.pending.set(id, entry);
      try {
        port.postMessage({ ...body, id });
      } catch (error) {
        this.pending.delete(id);
        reject(new HostUnavailableError(error instanceof Error ? error.message : String(error)));
      }
    });
    return { id, done };
  }

  /** A message with no reply of its own (`pin`, `cancel`). Ignored when the port is gone. */
  notify(message: { type: 'pin'; id: string; pin: string } | { type: 'cancel'; id: string }): void {
    if (!this.port) return;
    try {
      this.port.postMessage(message);
    } catch {
      // the port dropped; pending requests are being failed by onDisconnect
    }
  }

  /** Connects (if needed) and checks the host speaks our protocol; cached while the port stays up. */
  ensureHello(): Promise<void> {
    this.helloChecked ??= this.request({ type: 'hello' })
      .done.then((outcome) => {
        if (!outcome.ok) throw new HostUnavailableError(`native host: ${outcome.error.message}`);
        const hello = v.safeParse(HelloResultSchema, outcome.result);
        if (!hello.success || hello.output.protocol !== PROTOCOL_VERSION) {
          throw new HostUnavailableError(
            'the native host speaks another protocol version; update mfa-bridge-host.',
          );
        }
      })
      .catch((error: unknown) => {
        this.helloChecked = null;
        throw error;
      });
    return this.helloChecked;
  }

  disconnect(): void {
    const port = this.port;
    this.port = null;
    this.helloChecked = null;
    port?.disconnect();
    const error = new HostUnavailableError('disconnected');
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }
}
