import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyAccount } from '../../../test/support/otp-arbitraries.js';
import { OtpauthError } from './errors.js';
import { formatOtpauthUri } from './format-otpauth-uri.js';
import { parseOtpauthUri } from './parse-otpauth-uri.js';
import { assertValidAccount } from './validate-account.js';

/** Either a valid account or an OtpauthError: never another exception. */
function parseOrNamedError(uri: string): void {
  try {
    assertValidAccount(parseOtpauthUri(uri));
  } catch (error) {
    if (!(error instanceof OtpauthError)) throw error;
  }
}

const PIECES = [
  'otpauth://',
  'OTPAUTH://',
  'totp',
  'hotp',
  '/',
  ':',
  '?',
  '&',
  '=',
  '#',
  '%',
  '%2',
  '%3A',
  '%E2%82',
  '+',
  'secret',
  'issuer',
  'algorithm',
  'digits',
  'period',
  'counter',
  'SHA1',
  'sha256',
  'MD5',
  'JBSWY3DPEHPK3PXP',
  '====',
  ' ',
  '0',
  '-1',
  '6',
  '8',
  '30',
  '1e3',
  '9007199254740993',
  '\uD800',
  'é',
  '__proto__',
];

describe('parseOtpauthUri fuzz', () => {
  it('arbitrary strings give an account or an OtpauthError', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), parseOrNamedError), {
      numRuns: 2000,
    });
  });

  it('link-shaped strings built from meaningful pieces give an account or an OtpauthError', () => {
    const linkish = fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((parts) => parts.join(''));
    fc.assert(fc.property(linkish, parseOrNamedError), { numRuns: 3000 });
  });

  it('valid links with one character changed give an account or an OtpauthError', () => {
    const mutated = fc
      .tuple(anyAccount, fc.nat(), fc.string({ unit: 'binary', minLength: 0, maxLength: 3 }))
      .map(([a, at, insert]) => {
        const uri = formatOtpauthUri(a);
        const i = at % uri.length;
        return uri.slice(0, i) + insert + uri.slice(i + 1);
      });
    fc.assert(fc.property(mutated, parseOrNamedError), { numRuns: 2000 });
  });

  it('a very long link is handled in linear time', () => {
    const long = `otpauth://totp/${'a'.repeat(200_000)}?secret=${'A'.repeat(200_000)}${'&x=1'.repeat(50_000)}`;
    expect(() => parseOtpauthUri(long)).toThrowError(expect.objectContaining({ code: 'bad-secret' }));
  });
});
