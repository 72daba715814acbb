import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CborError, decodeCtap, decodeCtapPrefix, encodeCtap } from './index.js';

/** Only our named error may escape the decoder, whatever the bytes. */
function decodeOrCborError(bytes: Uint8Array): unknown {
  try {
    return decodeCtap(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(CborError);
    return err;
  }
}

describe('decodeCtap fuzz', () => {
  it('arbitrary bytes decode or throw CborError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        decodeOrCborError(bytes);
      }),
      { numRuns: 5000 },
    );
  });

  it('mutations of valid CTAP-like structures decode or throw CborError, and what decodes re-encodes', () => {
    const base = encodeCtap(
      new Map<unknown, unknown>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(32).fill(0xaa)],
        [-3, new Uint8Array(32).fill(0xbb)],
        ['fmt', 'packed'],
        ['attStmt', new Map<unknown, unknown>([['x5c', [new Uint8Array(10)]]])],
      ]),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat(base.length),
        (edits, cut) => {
          const bytes = base.slice(0, Math.max(cut, 1));
          for (const [i, b] of edits) if (i < bytes.length) bytes[i] = b;
          const out = decodeOrCborError(bytes);
          if (!(out instanceof CborError)) expect(() => encodeCtap(out)).not.toThrow();
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('decodeCtapPrefix never reads past the input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(100), (bytes, offset) => {
        try {
          const { end } = decodeCtapPrefix(bytes, Math.min(offset, bytes.length));
          expect(end).toBeLessThanOrEqual(bytes.length);
        } catch (err) {
          expect(err).toBeInstanceOf(CborError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
