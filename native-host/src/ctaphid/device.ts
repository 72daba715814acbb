// The client side of CTAPHID: channel allocation, request/response with keepalive, cancel, busy retry.
import { randomBytes } from 'node:crypto';
import type { HidConnection } from '../transport/types.js';
import {
  BROADCAST_CID,
  CTAPHID_CMD,
  CtapHidError,
  decodeInitResponse,
  fragment,
  HID_ERROR,
  hidErrorName,
  type InitResponse,
  parsePacket,
  Reassembler,
} from './frames.js';

export interface CallOptions {
  /** Aborting sends CTAPHID_CANCEL; the call then ends with the key's reply or an AbortError. */
  signal?: AbortSignal;
  /** Called for each KEEPALIVE status change (1 PROCESSING, 2 UP_NEEDED). */
  onKeepalive?: (status: number) => void;
  /** Silence allowed between reports before the key counts as gone (keepalives reset it). */
  idleTimeoutMs?: number;
}

export interface CtapHidDeviceOptions {
  /** Silence allowed between reports (default 3000 ms; keys send keepalives every ~100 ms). */
  idleTimeoutMs?: number;
  /** How long CHANNEL_BUSY is retried (default 10 s). */
  busyRetryMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class CtapHidAbortError extends Error {
  override readonly name = 'AbortError';
  readonly code = 'ABORTED';
}

export class CtapHidDevice {
  private queue: Promise<unknown> = Promise.resolve();
  private constructor(
    readonly connection: HidConnection,
    readonly cid: number,
    readonly info: InitResponse,
    private readonly options: Required<CtapHidDeviceOptions>,
  ) {}

  get capabilities(): number {
    return this.info.capabilities;
  }

  /** Sends CTAPHID_INIT on the broadcast channel with a random nonce and takes the channel it allocates. */
  static async open(connection: HidConnection, options: CtapHidDeviceOptions = {}): Promise<CtapHidDevice> {
    const opts = { idleTimeoutMs: options.idleTimeoutMs ?? 3000, busyRetryMs: options.busyRetryMs ?? 10_000 };
    const nonce = randomBytes(8);
    for (const r of fragment(BROADCAST_CID, CTAPHID_CMD.INIT, nonce)) await connection.write(r);
    const deadline = Date.now() + opts.idleTimeoutMs;
    const reassembler = new Reassembler();
    while (true) {
      const left = deadline - Date.now();
      if (left <= 0) throw new CtapHidError('TIMEOUT', 'the key did not answer CTAPHID_INIT');
      const report = await connection.read(left);
      if (!report) throw new CtapHidError('TIMEOUT', 'the key did not answer CTAPHID_INIT');
      const p = parsePacket(report);
      if (p.cid !== BROADCAST_CID) continue;
      let payload: Uint8Array | null;
      if (p.kind === 'init') {
        if (p.cmd === CTAPHID_CMD.ERROR) {
          throw new CtapHidError(
            'DEVICE_ERROR',
            `CTAPHID_INIT failed: ${hidErrorName(p.data[0] ?? 0)}`,
            p.data[0],
          );
        }
        if (p.cmd !== CTAPHID_CMD.INIT) continue;
        payload = reassembler.start(p);
      } else {
        if (!reassembler.inProgress) continue;
        payload = reassembler.continue(p);
      }
      if (!payload) continue;
      const init = decodeInitResponse(payload);
      // Another client on the same device (e.g. the browser) may be initialising too: skip foreign nonces.
      if (!Buffer.from(init.nonce).equals(nonce)) continue;
      if (init.cid === 0 || init.cid === BROADCAST_CID) {
        throw new CtapHidError('BAD_INIT_REPLY', `the key allocated the reserved channel ${init.cid}`);
      }
      return new CtapHidDevice(connection, init.cid, init, opts);
    }
  }

  /** One request/response on our channel. Calls are serialised. */
  call(cmd: number, payload: Uint8Array, options: CallOptions = {}): Promise<Uint8Array> {
    const run = this.queue.then(() => this.callNow(cmd, payload, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Sends CTAPHID_CANCEL on our channel (no reply is expected for CANCEL itself). */
  async sendCancel(): Promise<void> {
    for (const r of fragment(this.cid, CTAPHID_CMD.CANCEL, new Uint8Array(0))) await this.connection.write(r);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  private async send(cmd: number, payload: Uint8Array): Promise<void> {
    for (const r of fragment(this.cid, cmd, payload)) await this.connection.write(r);
  }

  private async callNow(cmd: number, payload: Uint8Array, options: CallOptions): Promise<Uint8Array> {
    const idle = options.idleTimeoutMs ?? this.options.idleTimeoutMs;
    const signal = options.signal;
    if (signal?.aborted) throw new CtapHidAbortError('cancelled before it was sent');
    const busyUntil = Date.now() + this.options.busyRetryMs;
    let cancelSent = false;
    let cancelDeadline = 0;
    const onAbort = (): void => {
      if (cancelSent) return;
      cancelSent = true;
      cancelDeadline = Date.now() + 1000;
      void this.sendCancel().catch(() => undefined);
    };
    signal?.addEventListener('abort', onAbort);
    try {
      send: while (true) {
        await this.send(cmd, payload);
        const reassembler = new Reassembler();
        let lastStatus = -1;
        let deadline = Date.now() + idle;
        while (true) {
          const now = Date.now();
          if (cancelSent && now > cancelDeadline)
            throw new CtapHidAbortError('the key did not confirm the cancel');
          const left = Math.min(deadline, cancelSent ? cancelDeadline : deadline) - now;
          if (left <= 0) {
            throw new CtapHidError('TIMEOUT', `the key sent nothing for ${idle} ms`);
          }
          const report = await this.connection.read(left);
          if (!report) continue;
          let p: ReturnType<typeof parsePacket>;
          try {
            p = parsePacket(report);
          } catch {
            continue;
          }
          if (p.cid !== this.cid) continue; // other channels: another client of the same key
          deadline = Date.now() + idle;
          let message: Uint8Array | null;
          if (p.kind === 'init') {
            if (p.cmd === CTAPHID_CMD.KEEPALIVE) {
              const status = p.data[0] ?? 0;
              if (status !== lastStatus) {
                lastStatus = status;
                options.onKeepalive?.(status);
              }
              continue;
            }
            if (p.cmd === CTAPHID_CMD.ERROR) {
              const code = p.data[0] ?? HID_ERROR.OTHER;
              if (code === HID_ERROR.CHANNEL_BUSY && !cancelSent && Date.now() < busyUntil) {
                await sleep(100);
                continue send;
              }
              throw new CtapHidError(
                'DEVICE_ERROR',
                `the key answered CTAPHID_ERROR ${hidErrorName(code)}`,
                code,
              );
            }
            if (p.cmd !== cmd) {
              throw new CtapHidError(
                'UNEXPECTED_COMMAND',
                `the key answered command 0x${p.cmd.toString(16)} to 0x${cmd.toString(16)}`,
              );
            }
            message = reassembler.start(p);
          } else {
            if (!reassembler.inProgress) continue;
            message = reassembler.continue(p);
          }
          if (message) return message;
        }
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
