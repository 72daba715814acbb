import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeQr } from './qr.js';
import { findOtpauthUri, normaliseBase32 } from './secret.js';

describe('secret and QR parsers on arbitrary input', () => {
  it('never throw, and return only well-formed results', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const b = normaliseBase32(s);
        if (b !== null) expect(b).toMatch(/^[A-Z2-7]{16,128}=*$/);
        const u = findOtpauthUri(s);
        if (u !== null) expect(u.toLowerCase().startsWith('otpauth://totp/')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
  it('decodeQr returns null or a string for arbitrary pixels', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.uint8Array({ maxLength: 6400 }),
        (w, h, bytes) => {
          const r = decodeQr(new Uint8ClampedArray(bytes), w, h);
          expect(r === null || typeof r === 'string').toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
