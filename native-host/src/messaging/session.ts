// The request router: validates messages, runs one key operation at a time, relays PIN and touch
// events for the pending request, cancels on request.
import {
  type BrowserAccessResult,
  type DeviceInfo,
  HOST_REQUEST_TYPES,
  type HostError,
  type HostMessage,
  type HostRequest,
  HostRequestSchema,
  PROTOCOL_VERSION,
} from '@shared/protocol/index.js';
import * as v from 'valibot';
import type { CeremonyContext } from '../ceremony/context.js';
import type { openKey as OpenKeyFn } from '../ceremony/device.js';
import type { AbortReason } from '../ceremony/errors.js';
import { classifyKeys, type DeviceAccess, systemDeviceAccess } from '../transport/browser-reach.js';
import type { Transport } from '../transport/types.js';
import { type Logger, silentLogger } from './log.js';

export interface SessionOptions {
  transport: Transport;
  version: string;
  send(message: HostMessage): void;
  log?: Logger;
  /** Upper bound on a ceremony when the options give no timeout (default 120 s). */
  defaultTimeoutMs?: number;
  /**
   * How long a request that arrives while the pending one is already cancelled (or timed out) waits for
   * that one to wind down before it is refused as concurrent (default 3 s).
   */
  cancelledWaitMs?: number;
  /** Device-node permissions for `browser-access` (default: the operating system's answer). */
  deviceAccess?: DeviceAccess;
}

interface Pending {
  id: string;
  type: string;
  abort: AbortController;
  reason?: AbortReason;
  pinWaiter?: { resolve(pin: string): void; reject(err: Error): void };
  /** Resolves once the ceremony has settled, its reply has gone out and `pending` is free again. */
  settled: Promise<void>;
  markSettled(): void;
}

type KeyRequest = Extract<
  HostRequest,
  { type: 'devices' | 'browser-access' | 'webauthn.create' | 'webauthn.get' }
>;

/** Requests that only list keys (they bind the same UDP port a ceremony uses, so they queue the same way). */
const isListing = (req: KeyRequest): boolean => req.type === 'devices' || req.type === 'browser-access';

/** A request that arrived while the pending one was being cancelled: it runs once that one is done. */
interface Waiter {
  id: string;
  type: KeyRequest['type'];
  /** Ends the wait early (cancel, shutdown); the waiter then answers AbortError. */
  cancel(): void;
}

class PinWaitAborted extends Error {}

const MIN_TIMEOUT = 1_000;
const CANCELLED_WAIT_MS = 3_000;
const MAX_TIMEOUT = 600_000;

function idOf(raw: unknown): string {
  if (typeof raw === 'object' && raw !== null && 'id' in raw) {
    const id = (raw as { id: unknown }).id;
    if (typeof id === 'string') return id;
  }
  return '';
}

function describeIssue(raw: unknown, issues: v.BaseIssue<unknown>[]): string {
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'a request must be a JSON object';
  if (typeof type !== 'string') return 'the request has no "type"';
  if (!(HOST_REQUEST_TYPES as readonly string[]).includes(type)) return `unknown request type "${type}"`;
  const issue = issues[0];
  const path = issue?.path?.map((p) => String(p.key)).join('.') ?? '';
  return `invalid ${type} request${path ? ` at ${path}` : ''}: ${issue?.message ?? 'does not match the protocol'}`;
}

type CeremonyModule = typeof import('../ceremony/index.js');

export class HostSession {
  private pending: Pending | null = null;
  private waiter: Waiter | null = null;
  private readonly log: Logger;
  private ceremonyModule: Promise<CeremonyModule> | null = null;

  constructor(private readonly options: SessionOptions) {
    this.log = options.log ?? silentLogger;
  }

  /**
   * The ceremony code (CBOR, COSE, RP ID rules), loaded on first use rather than at start-up, so `hello`
   * answers fast; after `hello` it is loaded in the background, since a key request usually follows.
   */
  private ceremony(): Promise<CeremonyModule> {
    this.ceremonyModule ??= import('../ceremony/index.js').catch((error: unknown) => {
      this.ceremonyModule = null;
      throw error;
    });
    return this.ceremonyModule;
  }

  /** Whether a key operation is running (or waits for a cancelled one to end). */
  get busy(): boolean {
    return this.pending !== null || this.waiter !== null;
  }

  private reply(id: string, result: unknown): void {
    this.options.send({ id, ok: true, result });
  }

  private fail(id: string, error: HostError, type?: string): void {
    this.log({ id, ...(type ? { type } : {}), outcome: error.name });
    this.options.send({ id, ok: false, error });
  }

  protocolError(id: string, message: string): void {
    this.fail(id, { name: 'ProtocolError', message });
  }

  /** Ends everything: the pending request is cancelled (stdin closed, the browser went away). */
  shutdown(): void {
    if (this.pending) this.abortPending(this.pending, 'cancel');
    this.waiter?.cancel();
  }

  private abortPending(p: Pending, reason: AbortReason): void {
    if (p.abort.signal.aborted) return;
    p.reason = reason;
    p.abort.abort();
    p.pinWaiter?.reject(new PinWaitAborted());
  }

  handle(raw: unknown): void {
    const parsed = v.safeParse(HostRequestSchema, raw);
    if (!parsed.success) {
      this.protocolError(idOf(raw), describeIssue(raw, parsed.issues));
      return;
    }
    const req = parsed.output;
    switch (req.type) {
      case 'hello':
        this.log({ id: req.id, type: req.type, outcome: 'ok' });
        {
          this.reply(req.id, {
            protocol: PROTOCOL_VERSION,
            version: this.options.version,
            transport: this.options.transport.name,
          });
          // After the reply has gone out: the first key request then finds the code ready.
          setImmediate(() => void this.ceremony().catch(() => undefined));
          return;
        }
      case 'pin': {
        const p = this.pending;
        if (!p || p.id !== req.id) {
          this.protocolError(req.id, `no pending request "${req.id}" waits for a PIN`);
          return;
        }
        if (!p.pinWaiter) {
          this.log({ id: req.id, type: 'pin', outcome: 'ignored: not waiting for a PIN' });
          return;
        }
        const waiter = p.pinWaiter;
        p.pinWaiter = undefined;
        waiter.resolve(req.pin);
        return;
      }
      case 'cancel': {
        const p = this.pending;
        if (p && p.id === req.id) this.abortPending(p, 'cancel');
        else if (this.waiter?.id === req.id) this.waiter.cancel();
        else this.log({ id: req.id, type: 'cancel', outcome: 'ignored: nothing pending' });
        return;
      }
      case 'devices':
      case 'browser-access':
      case 'webauthn.create':
      case 'webauthn.get':
        // One operation on the keys at a time: listing binds the same UDP port a ceremony uses.
        this.admit(req);
        return;
    }
  }

  private refuse(req: KeyRequest, message: string): void {
    this.fail(req.id, { name: isListing(req) ? 'DeviceError' : 'NotAllowedError', message }, req.type);
  }

  /**
   * Runs a key request now, or refuses it while another is pending — except when the pending one is
   * already cancelled or timed out (the page aborted and retried at once): then one request may wait,
   * at most `cancelledWaitMs`, for the old one to wind down (CTAPHID_CANCEL and the key's answer).
   */
  private admit(req: KeyRequest): void {
    const p = this.pending;
    if (!p) {
      this.start(req);
      return;
    }
    if (p.id === req.id || this.waiter?.id === req.id) {
      this.refuse(req, `request "${req.id}" is already pending`);
      return;
    }
    if (!p.abort.signal.aborted || this.waiter) {
      this.refuse(req, 'another security key request is in progress');
      return;
    }
    let cancelled = false;
    let endWait = (): void => undefined;
    const waiter: Waiter = {
      id: req.id,
      type: req.type,
      cancel: () => {
        cancelled = true;
        // Free the slot at once: a retry right after this cancel may wait in its turn.
        if (this.waiter === waiter) this.waiter = null;
        endWait();
      },
    };
    this.waiter = waiter;
    this.log({ id: req.id, type: req.type, outcome: 'waiting for the cancelled request to end' });
    const waitEnded = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.cancelledWaitMs ?? CANCELLED_WAIT_MS);
      endWait = () => {
        clearTimeout(timer);
        resolve();
      };
      void p.settled.then(endWait);
    });
    void waitEnded.then(() => {
      if (this.waiter === waiter) this.waiter = null;
      if (cancelled)
        this.fail(req.id, { name: 'AbortError', message: 'the request was cancelled' }, req.type);
      else if (this.pending) this.refuse(req, 'another security key request is in progress');
      else this.start(req);
    });
  }

  private start(req: KeyRequest): void {
    const timeoutMs =
      req.type === 'devices' || req.type === 'browser-access'
        ? 15_000
        : Math.min(
            MAX_TIMEOUT,
            Math.max(MIN_TIMEOUT, req.options.timeout ?? this.options.defaultTimeoutMs ?? 120_000),
          );
    let markSettled = (): void => undefined;
    const settled = new Promise<void>((resolve) => {
      markSettled = resolve;
    });
    const pending: Pending = {
      id: req.id,
      type: req.type,
      abort: new AbortController(),
      settled,
      markSettled,
    };
    this.pending = pending;
    const timer = setTimeout(() => this.abortPending(pending, 'timeout'), timeoutMs);
    const started = Date.now();
    const ctx = this.context(pending);
    const ceremony = this.ceremony();
    const work: Promise<unknown> = ceremony.then(
      (c): Promise<unknown> =>
        req.type === 'devices'
          ? this.devices(c.openKey, pending.abort.signal)
          : req.type === 'browser-access'
            ? this.browserAccess()
            : req.type === 'webauthn.create'
              ? c.createCredential(req, ctx)
              : c.getAssertion(req, ctx),
    );
    void work
      .then(
        (result) => {
          this.log({ id: req.id, type: req.type, outcome: 'ok', ms: Date.now() - started });
          this.reply(req.id, result);
        },
        async (err: unknown) => {
          this.fail(req.id, await this.hostError(ceremony, err, pending.reason), req.type);
        },
      )
      .finally(() => {
        clearTimeout(timer);
        if (this.pending === pending) this.pending = null;
        pending.markSettled();
      });
  }

  /** The HostError for a failed ceremony; when even the ceremony code could not be loaded, says so. */
  private async hostError(
    ceremony: Promise<CeremonyModule>,
    err: unknown,
    reason: AbortReason | undefined,
  ): Promise<HostError> {
    try {
      return (await ceremony).toHostError(err, reason);
    } catch {
      return {
        name: 'UnknownError',
        message: `the host could not load its ceremony code: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
  }

  private context(p: Pending): CeremonyContext {
    const waitForPin = (): Promise<string> =>
      new Promise<string>((resolve, reject) => {
        if (p.abort.signal.aborted) return reject(new PinWaitAborted());
        p.pinWaiter = { resolve, reject };
      });
    let lastTouch = 0;
    return {
      transport: this.options.transport,
      signal: p.abort.signal,
      onTouch: () => {
        // Several keys waiting at once (touch-to-select) report one touch event.
        const now = Date.now();
        if (now - lastTouch > 250) this.options.send({ id: p.id, event: 'touch' });
        lastTouch = now;
      },
      requestPin: (reason, retries) => {
        this.options.send({ id: p.id, event: 'pin-required', retries, reason });
        return waitForPin();
      },
      pinInvalid: (retries) => {
        this.options.send({ id: p.id, event: 'pin-invalid', retries });
        return waitForPin();
      },
    };
  }

  /** The keys this host reaches and whether the browser could reach each itself (nothing is opened). */
  private async browserAccess(): Promise<BrowserAccessResult> {
    const devices = await this.options.transport.list();
    return { keys: classifyKeys(devices, this.options.deviceAccess ?? systemDeviceAccess) };
  }

  private async devices(openKey: typeof OpenKeyFn, signal: AbortSignal): Promise<DeviceInfo[]> {
    const transport = this.options.transport;
    const out: DeviceInfo[] = [];
    for (const d of await transport.list()) {
      if (signal.aborted) break;
      const key = await openKey(transport, d);
      if (!key) continue;
      try {
        const { info } = key;
        out.push({
          id: d.path,
          product: d.product,
          transport: d.transport,
          versions: info.versions,
          aaguid: Buffer.from(info.aaguid).toString('hex'),
          options: info.options,
          pinProtocols: info.pinUvAuthProtocols,
          maxMsgSize: info.maxMsgSize,
        });
      } finally {
        await key.close();
      }
    }
    return out;
  }
}
