// Native messaging framing: 4-byte little-endian length, then that many bytes of UTF-8 JSON.
import { MAX_BROWSER_MESSAGE_BYTES, MAX_HOST_MESSAGE_BYTES } from '@shared/protocol/index.js';

export class FramingError extends Error {
  override readonly name = 'FramingError';
  constructor(
    readonly code: 'TOO_LARGE' | 'UNREADABLE',
    message: string,
  ) {
    super(message);
  }
}

/** One outgoing frame. Throws FramingError TOO_LARGE past the browser's 1 MB limit. */
export function encodeFrame(message: unknown, limit = MAX_HOST_MESSAGE_BYTES): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  if (body.length > limit) {
    throw new FramingError('TOO_LARGE', `message of ${body.length} bytes exceeds the ${limit}-byte limit`);
  }
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32LE(body.length, 0);
  body.copy(out, 4);
  return out;
}

export type FrameEvent =
  | { kind: 'message'; value: unknown }
  | { kind: 'invalid'; reason: string }
  | { kind: 'oversize'; length: number };

/**
 * Incremental decoder. An oversize frame (over `limit`, up to the 4 GB a 32-bit length can say, which
 * Firefox may send) is reported as soon as its length is read and skipped as it arrives, never held in
 * memory; the frames after it are read as usual.
 */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  private skipping = 0;

  constructor(private readonly limit = MAX_BROWSER_MESSAGE_BYTES) {}

  /** Bytes of an incomplete frame held back (a stream ending here was cut mid-frame). */
  get pending(): number {
    return this.buffer.length + this.skipping;
  }

  push(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.skipping) {
      const n = Math.min(this.skipping, data.length);
      this.skipping -= n;
      data = data.subarray(n);
    }
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : data;
    while (this.buffer.length >= 4) {
      const length = this.buffer.readUInt32LE(0);
      if (length > this.limit) {
        const available = Math.min(length, this.buffer.length - 4);
        this.skipping = length - available;
        this.buffer = this.buffer.subarray(4 + available);
        events.push({ kind: 'oversize', length });
        continue;
      }
      if (this.buffer.length < 4 + length) break;
      const body = this.buffer.subarray(4, 4 + length);
      this.buffer = this.buffer.subarray(4 + length);
      let value: unknown;
      try {
        value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
      } catch (err) {
        events.push({ kind: 'invalid', reason: (err as Error).message });
        continue;
      }
      events.push({ kind: 'message', value });
    }
    if (this.buffer.length === 0) this.buffer = Buffer.alloc(0);
    else this.buffer = Buffer.from(this.buffer);
    return events;
  }
}
