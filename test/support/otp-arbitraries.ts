import type { OtpAccount, OtpAlgorithm, OtpDigits } from '@shared/otp/index.js';
import fc from 'fast-check';

/** Text as parsers hand it back: non-empty, no surrounding white space, any Unicode. */
export const labelText = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 24 })
  .filter((s) => s.trim() === s && s !== '');

const algorithm = fc.constantFrom<OtpAlgorithm>('SHA1', 'SHA256', 'SHA512');
const digits = fc.constantFrom<OtpDigits>(6, 7, 8);
const secret = fc.uint8Array({ minLength: 10, maxLength: 64 });

/** Any valid account, in the normal form the parsers produce (HOTP keeps period 30). */
export const anyAccount: fc.Arbitrary<OtpAccount> = fc.oneof(
  fc.record(
    {
      type: fc.constant<'totp'>('totp'),
      issuer: labelText,
      account: labelText,
      secret,
      algorithm,
      digits,
      period: fc.integer({ min: 1, max: 3600 }),
    },
    { requiredKeys: ['type', 'account', 'secret', 'algorithm', 'digits', 'period'] },
  ),
  fc.record(
    {
      type: fc.constant<'hotp'>('hotp'),
      issuer: labelText,
      account: labelText,
      secret,
      algorithm,
      digits,
      period: fc.constant(30),
      counter: fc.maxSafeNat(),
    },
    { requiredKeys: ['type', 'account', 'secret', 'algorithm', 'digits', 'period', 'counter'] },
  ),
);

/** Valid accounts a Google Authenticator export can hold: 6 or 8 digits, 30-second periods. */
export const exportableAccount: fc.Arbitrary<OtpAccount> = anyAccount.map((a) => ({
  ...a,
  period: 30,
  digits: a.digits === 7 ? 8 : a.digits,
}));
