import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode } from './base32.js';
import { OtpauthError } from './errors.js';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('base32Decode', () => {
  it('decodes the RFC 4648 section 10 vectors', () => {
    const vectors: [string, string][] = [
      ['f', 'MY======'],
      ['fo', 'MZXQ===='],
      ['foo', 'MZXW6==='],
      ['foob', 'MZXW6YQ='],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI======'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(base32Decode(encoded)).toEqual(ascii(plain));
      expect(base32Encode(ascii(plain))).toBe(encoded.replace(/=+$/, ''));
    }
  });

  it('accepts lower case, spaces, dashes and missing or present padding', () => {
    const want = base32Decode('JBSWY3DPEHPK3PXP');
    expect(want).toEqual(new Uint8Array([72, 101, 108, 108, 111, 33, 222, 173, 190, 239]));
    expect(base32Decode('jbsw y3dp ehpk 3pxp')).toEqual(want);
    expect(base32Decode('JBSW-Y3DP-EHPK-3PXP')).toEqual(want);
    expect(base32Decode(' jbswy3dpehpk3pxp\n')).toEqual(want);
    expect(base32Decode('MZXW6YQ')).toEqual(ascii('foob'));
    expect(base32Decode('mzxw6yq=')).toEqual(ascii('foob'));
  });

  it('returns bytes that own their buffer', () => {
    const bytes = base32Decode('JBSWY3DPEHPK3PXP');
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(10);
  });

  it('ignores leftover bits in the last character, as authenticator apps do', () => {
    // 'Q' and 'R' differ only in the lowest bit, which "foob" (32 bits in 7 characters) does not use.
    expect(base32Decode('MZXW6YR')).toEqual(ascii('foob'));
  });

  it.each([
    ['empty', ''],
    ['only padding', '===='],
    ['digit 1', 'JBSWY3DPEHPK3PX1'],
    ['digit 0', 'JBSWY3DP0HPK3PXP'],
    ['padding inside', 'JBSW=Y3DPEHPK3PXP'],
    ['impossible length 1', 'A'],
    ['impossible length 3', 'ABC'],
    ['impossible length 6', 'ABCDEF'],
    ['non-ASCII', 'JBSWY3DPÉHPK3PXP'],
  ])('rejects %s with bad-secret', (_name, text) => {
    expect(() => base32Decode(text)).toThrowError(expect.objectContaining({ code: 'bad-secret' }));
    expect(() => base32Decode(text)).toThrow(OtpauthError);
  });

  it('round-trips any bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 80 }), (bytes) => {
        expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
        expect(base32Decode(base32Encode(bytes).toLowerCase())).toEqual(bytes);
      }),
    );
  });
});
