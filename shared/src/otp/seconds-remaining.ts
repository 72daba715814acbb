import type { OtpAccount } from './account.js';
import { OtpauthError } from './errors.js';
import { assertValidPeriod } from './validate-account.js';

/**
 * Whole seconds until a TOTP code changes (1..period) at `atMs` (default now): at the first second
 * of a step it is `period`, in its last second 1. HOTP codes do not expire: Infinity.
 */
export function secondsRemaining(a: OtpAccount, atMs: number = Date.now()): number {
  if (a.type === 'hotp') return Number.POSITIVE_INFINITY;
  assertValidPeriod(a.period);
  if (!Number.isFinite(atMs) || atMs < 0) {
    throw new OtpauthError('bad-time', 'The time must be a moment after 1970; check the computer clock.');
  }
  return a.period - (Math.floor(atMs / 1000) % a.period);
}
