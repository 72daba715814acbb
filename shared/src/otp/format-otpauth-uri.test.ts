import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyAccount } from '../../../test/support/otp-arbitraries.js';
import type { OtpAccount } from './account.js';
import { base32Decode } from './base32.js';
import { formatOtpauthUri } from './format-otpauth-uri.js';
import { parseOtpauthUri } from './parse-otpauth-uri.js';

const HELLO = base32Decode('JBSWY3DPEHPK3PXP');

describe('formatOtpauthUri', () => {
  it('writes the Key URI format with every parameter', () => {
    const a: OtpAccount = {
      type: 'totp',
      issuer: 'ACME Co',
      account: 'john@example.com',
      secret: HELLO,
      algorithm: 'SHA256',
      digits: 8,
      period: 60,
    };
    expect(formatOtpauthUri(a)).toBe(
      'otpauth://totp/ACME%20Co:john%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60',
    );
  });

  it('writes HOTP links with the counter and no period', () => {
    const a: OtpAccount = {
      type: 'hotp',
      account: 'bob',
      secret: HELLO,
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      counter: 7,
    };
    expect(formatOtpauthUri(a)).toBe(
      'otpauth://hotp/bob?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&counter=7',
    );
  });

  it('refuses an invalid account with its code', () => {
    const a = {
      type: 'totp',
      account: 'bob',
      secret: HELLO,
      algorithm: 'SHA1',
      digits: 6,
      period: 0,
    } as const;
    expect(() => formatOtpauthUri(a)).toThrowError(expect.objectContaining({ code: 'bad-period' }));
  });

  it('round-trips awkward names: colons, percent signs, plus signs, emoji', () => {
    for (const [issuer, account] of [
      ['a:b', 'c:d'],
      [undefined, 'c:d'],
      ['100% & co', 'x+y@z?#/'],
      ['🔐 Vault', 'ünïcödé'],
    ] as const) {
      const a: OtpAccount = {
        type: 'totp',
        ...(issuer === undefined ? {} : { issuer }),
        account,
        secret: HELLO,
        algorithm: 'SHA1',
        digits: 6,
        period: 30,
      };
      expect(parseOtpauthUri(formatOtpauthUri(a))).toEqual(a);
    }
  });

  it('parse∘format is the identity on valid accounts (property)', () => {
    fc.assert(
      fc.property(anyAccount, (a) => {
        expect(parseOtpauthUri(formatOtpauthUri(a))).toEqual(a);
      }),
      { numRuns: 500 },
    );
  });
});
