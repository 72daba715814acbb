import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode } from './base64.js';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('base64Decode', () => {
  it('decodes the RFC 4648 section 10 vectors, with and without padding', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(base64Decode(encoded)).toEqual(ascii(plain));
      expect(base64Decode(encoded.replace(/=+$/, ''))).toEqual(ascii(plain));
      expect(base64Encode(ascii(plain))).toBe(encoded);
    }
  });

  it("accepts base64url and spaces that stood for '+'", () => {
    const bytes = new Uint8Array([0xfb, 0xff, 0xbf]);
    expect(base64Encode(bytes)).toBe('+/+/');
    expect(base64Decode('-_-_')).toEqual(bytes);
    expect(base64Decode(' / /')).toEqual(bytes);
  });

  it.each(['Zm9v!', 'Z', 'Zm9vY', 'Zg==Zg==', 'é'])('rejects %j with bad-payload', (text) => {
    expect(() => base64Decode(text)).toThrowError(expect.objectContaining({ code: 'bad-payload' }));
  });

  it('round-trips any bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(base64Decode(base64Encode(bytes))).toEqual(bytes);
      }),
    );
  });
});
