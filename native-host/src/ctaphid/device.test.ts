// The CTAPHID client state machine, against the virtual key's CTAPHID server in-process and against
// scripted report sequences for the cases a real key produces rarely (foreign nonces, other channels).
import { describe, expect, it } from 'vitest';
import { type DeviceDescriptor, type HidConnection, ReportQueue } from '../transport/types.js';
import type { TouchResult } from '../virtual-key/authenticator.js';
import { CtapHidServer } from '../virtual-key/hid-server.js';
import { CtapHidAbortError, CtapHidDevice } from './device.js';
import {
  BROADCAST_CID,
  CTAPHID_CMD,
  CtapHidError,
  encodeInitResponse,
  fragment,
  HID_ERROR,
  KEEPALIVE_STATUS,
  parsePacket,
} from './frames.js';

const descriptor: DeviceDescriptor = { path: 'mem', product: 'in-memory', transport: 'udp' };

/** A connection whose writes go to `onWrite` and whose reads come from `deliver`. */
class MemoryConnection implements HidConnection {
  readonly descriptor = descriptor;
  readonly queue = new ReportQueue();
  readonly written: Uint8Array[] = [];
  constructor(private readonly onWrite: (r: Uint8Array) => void = () => undefined) {}
  deliver(r: Uint8Array): void {
    this.queue.push(r);
  }
  async write(r: Uint8Array): Promise<void> {
    this.written.push(r);
    this.onWrite(r);
  }
  read(ms: number): Promise<Uint8Array | null> {
    return this.queue.read(ms);
  }
  async close(): Promise<void> {
    this.queue.close();
  }
}

/** Several clients sharing one CtapHidServer (like processes sharing a hidraw node). */
function serverWithTouch(
  handle: (req: Uint8Array, touch: () => Promise<TouchResult>) => Promise<Uint8Array>,
) {
  const clients: MemoryConnection[] = [];
  const touches: Array<() => void> = [];
  const server = new CtapHidServer({
    send: (r) => {
      for (const c of clients) c.deliver(r);
    },
    handleCbor: (req, ctx) => handle(req, () => ctx.waitForTouch()),
    waitForTouch: (signal) =>
      new Promise((resolve) => {
        if (signal.aborted) return resolve('cancelled');
        signal.addEventListener('abort', () => resolve('cancelled'));
        touches.push(() => resolve('touched'));
      }),
  });
  const connect = () => {
    const c = new MemoryConnection((r) => queueMicrotask(() => server.onReport(r)));
    clients.push(c);
    return c;
  };
  return { server, connect, touch: () => touches.shift()?.(), close: () => server.close() };
}

describe('CtapHidDevice', () => {
  it('allocates a channel and round-trips a fragmented CBOR message', async () => {
    const s = serverWithTouch(async (req) => new Uint8Array([0, ...req]));
    const dev = await CtapHidDevice.open(s.connect());
    expect(dev.cid).not.toBe(BROADCAST_CID);
    const payload = new Uint8Array(3000).map((_, i) => i);
    const reply = await dev.call(CTAPHID_CMD.CBOR, payload);
    expect(reply.length).toBe(3001);
    expect(reply.subarray(1)).toEqual(payload);
    expect(await dev.call(CTAPHID_CMD.PING, new Uint8Array([1, 2, 3]))).toEqual(new Uint8Array([1, 2, 3]));
    s.close();
  });

  it('reports PROCESSING then UP_NEEDED keepalives and waits through them', async () => {
    const s = serverWithTouch(async (_req, touch) => {
      await new Promise((r) => setTimeout(r, 250));
      await touch();
      return new Uint8Array([0]);
    });
    const dev = await CtapHidDevice.open(s.connect());
    const statuses: number[] = [];
    const call = dev.call(CTAPHID_CMD.CBOR, new Uint8Array([4]), {
      onKeepalive: (st) => {
        statuses.push(st);
        if (st === KEEPALIVE_STATUS.UP_NEEDED) setTimeout(() => s.touch(), 300);
      },
      idleTimeoutMs: 1000,
    });
    expect(await call).toEqual(new Uint8Array([0]));
    expect(statuses).toEqual([KEEPALIVE_STATUS.PROCESSING, KEEPALIVE_STATUS.UP_NEEDED]);
    s.close();
  });

  it('cancels with CTAPHID_CANCEL; the key answers KEEPALIVE_CANCEL', async () => {
    const s = serverWithTouch(
      async (_req, touch) => new Uint8Array([(await touch()) === 'cancelled' ? 0x2d : 0]),
    );
    const dev = await CtapHidDevice.open(s.connect());
    const abort = new AbortController();
    const call = dev.call(CTAPHID_CMD.CBOR, new Uint8Array([1]), {
      signal: abort.signal,
      onKeepalive: (st) => st === KEEPALIVE_STATUS.UP_NEEDED && abort.abort(),
    });
    expect(await call).toEqual(new Uint8Array([0x2d]));
    await expect(
      dev.call(CTAPHID_CMD.CBOR, new Uint8Array([1]), { signal: abort.signal }),
    ).rejects.toBeInstanceOf(CtapHidAbortError);
    s.close();
  });

  it('retries CHANNEL_BUSY while another channel holds the key, skipping its frames', async () => {
    const s = serverWithTouch(async (req, touch) => {
      if (req[0] === 1) await touch();
      return new Uint8Array([0, req[0]!]);
    });
    const a = await CtapHidDevice.open(s.connect());
    const b = await CtapHidDevice.open(s.connect());
    expect(a.cid).not.toBe(b.cid);
    const first = a.call(CTAPHID_CMD.CBOR, new Uint8Array([1]));
    await new Promise((r) => setTimeout(r, 50));
    const second = b.call(CTAPHID_CMD.CBOR, new Uint8Array([2]));
    setTimeout(() => s.touch(), 350);
    expect(await second).toEqual(new Uint8Array([0, 2]));
    expect(await first).toEqual(new Uint8Array([0, 1]));
    s.close();
  });

  it('skips INIT replies with a foreign nonce and frames for other channels', async () => {
    const conn: MemoryConnection = new MemoryConnection((r) => {
      const p = parsePacket(r);
      if (p.kind !== 'init') return;
      if (p.cmd === CTAPHID_CMD.INIT) {
        const foreign = encodeInitResponse({
          nonce: new Uint8Array(8).fill(0xee),
          cid: 0x99,
          protocolVersion: 2,
          deviceVersion: [1, 0, 0],
          capabilities: 4,
        });
        for (const rep of fragment(BROADCAST_CID, CTAPHID_CMD.INIT, foreign)) conn.deliver(rep);
        const ours = encodeInitResponse({
          nonce: p.data.slice(0, 8),
          cid: 0x42,
          protocolVersion: 2,
          deviceVersion: [1, 0, 0],
          capabilities: 4,
        });
        for (const rep of fragment(BROADCAST_CID, CTAPHID_CMD.INIT, ours)) conn.deliver(rep);
      } else {
        for (const rep of fragment(0x99, CTAPHID_CMD.CBOR, new Uint8Array([0x31]))) conn.deliver(rep);
        for (const rep of fragment(0x42, CTAPHID_CMD.CBOR, new Uint8Array([0, 1]))) conn.deliver(rep);
      }
    });
    const dev = await CtapHidDevice.open(conn);
    expect(dev.cid).toBe(0x42);
    expect(await dev.call(CTAPHID_CMD.CBOR, new Uint8Array([4]))).toEqual(new Uint8Array([0, 1]));
  });

  it('raises CTAPHID_ERROR as DEVICE_ERROR and silence as TIMEOUT', async () => {
    let silent = false;
    const conn: MemoryConnection = new MemoryConnection((r) => {
      const p = parsePacket(r);
      if (p.kind !== 'init' || silent) return;
      if (p.cmd === CTAPHID_CMD.INIT) {
        const ours = encodeInitResponse({
          nonce: p.data.slice(0, 8),
          cid: 7,
          protocolVersion: 2,
          deviceVersion: [1, 0, 0],
          capabilities: 4,
        });
        for (const rep of fragment(BROADCAST_CID, CTAPHID_CMD.INIT, ours)) conn.deliver(rep);
      } else {
        for (const rep of fragment(7, CTAPHID_CMD.ERROR, new Uint8Array([HID_ERROR.INVALID_LEN])))
          conn.deliver(rep);
      }
    });
    const dev = await CtapHidDevice.open(conn);
    await expect(dev.call(CTAPHID_CMD.CBOR, new Uint8Array([4]))).rejects.toMatchObject({
      code: 'DEVICE_ERROR',
      hidError: HID_ERROR.INVALID_LEN,
    });
    silent = true;
    await expect(
      dev.call(CTAPHID_CMD.CBOR, new Uint8Array([4]), { idleTimeoutMs: 200 }),
    ).rejects.toBeInstanceOf(CtapHidError);
    await expect(CtapHidDevice.open(conn, { idleTimeoutMs: 200 })).rejects.toMatchObject({ code: 'TIMEOUT' });
  });
});
