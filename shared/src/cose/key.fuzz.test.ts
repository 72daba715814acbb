import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCtap } from '../cbor/index.js';
import { CoseError, coseKeyAlgorithm, derToP1363, importCoseKey } from './index.js';

const label = fc.oneof(fc.constantFrom(1, 3, -1, -2, -3), fc.integer({ min: -5, max: 5 }));
const value = fc.oneof(
  fc.constantFrom(1, 2, 3, 6, 7, -7, -8, -19, -35, -36, -37, -53, -257, -65535),
  fc.integer(),
  fc.uint8Array({ maxLength: 70 }),
  fc.boolean(),
  fc.string({ maxLength: 4 }),
);
const coseMap = fc
  .uniqueArray(fc.tuple(label, value), { selector: ([k]) => k, maxLength: 6 })
  .map((e) => new Map<number, unknown>(e));

describe('COSE fuzz', () => {
  it('arbitrary COSE maps and bytes import or throw CoseError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          coseMap,
          coseMap.map((m) => encodeCtap(m)),
          fc.uint8Array({ maxLength: 80 }),
        ),
        async (key) => {
          try {
            coseKeyAlgorithm(key as Map<number, unknown>);
            await importCoseKey(key as Map<number, unknown>, { allowRs1: true });
          } catch (err) {
            expect(err).toBeInstanceOf(CoseError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('derToP1363 returns null or exactly 2 * size bytes for arbitrary input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.constantFrom(32, 48, 66), (der, size) => {
        const out = derToP1363(der, size);
        if (out !== null) expect(out.length).toBe(size * 2);
      }),
      { numRuns: 10000 },
    );
  });
});
