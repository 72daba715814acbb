import { describe, expect, it } from 'vitest';
import type { OtpAccount } from './account.js';
import { OtpauthError, type OtpauthErrorCode } from './errors.js';
import { assertValidAccount } from './validate-account.js';

const good: OtpAccount = {
  type: 'totp',
  issuer: 'ACME',
  account: 'alice',
  secret: new Uint8Array(10).fill(7),
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
};

function codeOf(a: unknown): OtpauthErrorCode | 'ok' {
  try {
    assertValidAccount(a as OtpAccount);
    return 'ok';
  } catch (error) {
    if (error instanceof OtpauthError) return error.code;
    throw error;
  }
}

describe('assertValidAccount', () => {
  it('accepts a 10-byte secret, a 64-byte secret and an HOTP account with counter 0', () => {
    expect(codeOf(good)).toBe('ok');
    expect(codeOf({ ...good, secret: new Uint8Array(64) })).toBe('ok');
    expect(codeOf({ ...good, type: 'hotp', counter: 0 })).toBe('ok');
    expect(codeOf({ ...good, issuer: undefined })).toBe('ok');
  });

  it.each<[string, unknown, OtpauthErrorCode]>([
    ['null', null, 'bad-payload'],
    ['a string', 'otpauth://totp/x', 'bad-payload'],
    ['type steam', { ...good, type: 'steam' }, 'bad-type'],
    ['empty account', { ...good, account: '  ' }, 'bad-label'],
    ['account not a string', { ...good, account: 5 }, 'bad-label'],
    ['lone surrogate in account', { ...good, account: 'a\uD800b' }, 'bad-label'],
    ['issuer not a string', { ...good, issuer: 1 }, 'bad-issuer'],
    ['empty secret', { ...good, secret: new Uint8Array(0) }, 'bad-secret'],
    ['9-byte secret', { ...good, secret: new Uint8Array(9) }, 'bad-secret'],
    ['65-byte secret', { ...good, secret: new Uint8Array(65) }, 'bad-secret'],
    ['secret as a string', { ...good, secret: 'JBSWY3DPEHPK3PXP' }, 'bad-secret'],
    ['MD5', { ...good, algorithm: 'MD5' }, 'bad-algorithm'],
    ['lower-case sha1', { ...good, algorithm: 'sha1' }, 'bad-algorithm'],
    ['5 digits', { ...good, digits: 5 }, 'bad-digits'],
    ['9 digits', { ...good, digits: 9 }, 'bad-digits'],
    ['period 0', { ...good, period: 0 }, 'bad-period'],
    ['period -30', { ...good, period: -30 }, 'bad-period'],
    ['period 1.5', { ...good, period: 1.5 }, 'bad-period'],
    ['period NaN', { ...good, period: Number.NaN }, 'bad-period'],
    ['period 3601', { ...good, period: 3601 }, 'bad-period'],
    ['HOTP without counter', { ...good, type: 'hotp' }, 'bad-counter'],
    ['HOTP counter -1', { ...good, type: 'hotp', counter: -1 }, 'bad-counter'],
    ['HOTP counter 0.5', { ...good, type: 'hotp', counter: 0.5 }, 'bad-counter'],
    ['HOTP counter 2^53', { ...good, type: 'hotp', counter: 2 ** 53 }, 'bad-counter'],
  ])('rejects %s', (_name, account, code) => {
    expect(codeOf(account)).toBe(code);
  });
});
