/**
 * The one place the vault takes the shared OTP core from (`@shared/otp/index.js`, issue 2's API).
 */
import { assertValidAccount, type OtpAccount } from '@shared/otp/index.js';
import { createGuardrails, generate } from 'otplib';

export {
  base32Decode,
  base32Encode,
  formatOtpauthUri,
  type OtpAccount,
  OtpauthError,
  parseMigrationUri,
  parseOtpauthUri,
} from '@shared/otp/index.js';

/** Throws OtpauthError when the account is not one the shared core accepts. */
export function validateOtpAccount(a: OtpAccount): void {
  assertValidAccount(a);
}

// TEMPORARY until `generateCode` / `secondsRemaining` land in @shared/otp (issue 2): the same
// otplib call the shared core wraps. Replace with the re-export then.
const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });

export async function generateCode(a: OtpAccount, atMs: number = Date.now()): Promise<string> {
  if (a.type === 'hotp') {
    return generate({
      strategy: 'hotp',
      secret: a.secret,
      counter: a.counter ?? 0,
      algorithm: a.algorithm.toLowerCase() as 'sha1' | 'sha256' | 'sha512',
      digits: a.digits as 6 | 7 | 8,
      guardrails,
    });
  }
  return generate({
    secret: a.secret,
    epoch: Math.floor(atMs / 1000),
    period: a.period,
    algorithm: a.algorithm.toLowerCase() as 'sha1' | 'sha256' | 'sha512',
    digits: a.digits as 6 | 7 | 8,
    guardrails,
  });
}

export function secondsRemaining(a: OtpAccount, atMs: number = Date.now()): number {
  const s = Math.floor(atMs / 1000);
  return a.period - (s % a.period);
}
