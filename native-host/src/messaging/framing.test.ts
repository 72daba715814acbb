import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, FramingError } from './framing.js';

const frame = (body: Buffer | string) => {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const h = Buffer.alloc(4);
  h.writeUInt32LE(b.length, 0);
  return Buffer.concat([h, b]);
};

describe('native messaging framing', () => {
  it('writes a little-endian length and UTF-8 JSON', () => {
    const f = encodeFrame({ id: 'ä', ok: true });
    expect(f.readUInt32LE(0)).toBe(f.length - 4);
    expect(f.subarray(4).toString('utf8')).toBe('{"id":"ä","ok":true}');
    expect(() => encodeFrame({ x: 'y'.repeat(1024 * 1024) })).toThrow(FramingError);
  });

  it('reassembles messages split at any byte boundary', () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
        (values, cuts) => {
          const stream = Buffer.concat(values.map((v) => frame(JSON.stringify(v))));
          const d = new FrameDecoder();
          const got: unknown[] = [];
          let at = 0;
          let i = 0;
          while (at < stream.length) {
            const n = cuts[i++ % cuts.length]!;
            for (const ev of d.push(stream.subarray(at, at + n)))
              if (ev.kind === 'message') got.push(ev.value);
            at += n;
          }
          expect(got).toEqual(values.map((v) => JSON.parse(JSON.stringify(v))));
          expect(d.pending).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reports invalid JSON and invalid UTF-8, then carries on', () => {
    const d = new FrameDecoder();
    const evs = d.push(Buffer.concat([frame('{no'), frame(Buffer.from([0xff, 0xfe])), frame('[1]')]));
    expect(evs.map((e) => e.kind)).toEqual(['invalid', 'invalid', 'message']);
  });

  it('skips an oversized frame without buffering it', () => {
    const d = new FrameDecoder(10);
    const big = frame('"0123456789abcdef"');
    expect(d.push(big.subarray(0, 8))).toEqual([{ kind: 'oversize', length: 18 }]);
    expect(d.push(Buffer.concat([big.subarray(8), frame('{"a":1}')]))).toEqual([
      { kind: 'message', value: { a: 1 } },
    ]);
  });

  it('a frame of any length up to 4 GB is reported at its header and skipped as it streams in', () => {
    const d = new FrameDecoder();
    const length = 0xffff_fff0;
    const head = Buffer.alloc(4);
    head.writeUInt32LE(length, 0);
    expect(d.push(head)).toEqual([{ kind: 'oversize', length }]);
    const chunk = Buffer.alloc(64 * 1024 * 1024, 0x20);
    let left = length;
    while (left > chunk.length) {
      expect(d.push(chunk)).toEqual([]);
      expect(d.pending).toBe(left - chunk.length);
      left -= chunk.length;
      if (left < length - 3 * chunk.length) break; // a few chunks show it holds nothing back
    }
    expect(new FrameDecoder().push(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toEqual([
      { kind: 'oversize', length: 0xffff_ffff },
    ]);
  });

  it('never throws anything but FramingError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          new FrameDecoder(100).push(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(FramingError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
