import { createGuardrails, generate, NobleCryptoPlugin, ScureBase32Plugin } from 'otplib';
import { MAX_PERIOD, MAX_SECRET_BYTES, MIN_PERIOD, MIN_SECRET_BYTES, type OtpAccount } from './account.js';
import { OtpauthError } from './errors.js';
import { assertValidAccount } from './validate-account.js';

/** otplib refuses secrets under 16 bytes by default; real sites issue 10-byte (80-bit) ones. */
const guardrails = createGuardrails({
  MIN_SECRET_BYTES,
  MAX_SECRET_BYTES,
  MIN_PERIOD,
  MAX_PERIOD,
  MAX_COUNTER: Number.MAX_SAFE_INTEGER,
});
const crypto = new NobleCryptoPlugin();
const base32 = new ScureBase32Plugin();

/**
 * The code an account shows at `atMs` (milliseconds since the epoch; default now) for TOTP, or at
 * `a.counter` for HOTP. Computed by otplib, after assertValidAccount has checked everything otplib
 * would refuse, so bad input surfaces as OtpauthError. Never log the result.
 */
export async function generateCode(a: OtpAccount, atMs: number = Date.now()): Promise<string> {
  assertValidAccount(a);
  if (!Number.isFinite(atMs) || atMs < 0) {
    throw new OtpauthError('bad-time', 'The time must be a moment after 1970; check the computer clock.');
  }
  return generate({
    secret: a.secret,
    strategy: a.type,
    algorithm: a.algorithm === 'SHA1' ? 'sha1' : a.algorithm === 'SHA256' ? 'sha256' : 'sha512',
    digits: a.digits,
    period: a.period,
    epoch: Math.floor(atMs / 1000),
    ...(a.type === 'hotp' ? { counter: a.counter ?? 0 } : {}),
    guardrails,
    crypto,
    base32,
  });
}
