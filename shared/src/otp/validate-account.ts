import {
  MAX_PERIOD,
  MAX_SECRET_BYTES,
  MIN_PERIOD,
  MIN_SECRET_BYTES,
  OTP_ALGORITHMS,
  type OtpAccount,
} from './account.js';
import { OtpauthError } from './errors.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Checks an account that came from anywhere (a parser, storage, another module) and throws an
 * OtpauthError naming the first bad field. Runtime checks, because stored data is not typed data.
 */
export function assertValidAccount(a: OtpAccount): void {
  if (typeof a !== 'object' || a === null) {
    throw new OtpauthError('bad-payload', 'This is not an OTP account.');
  }
  if (a.type !== 'totp' && a.type !== 'hotp') {
    throw new OtpauthError(
      'bad-type',
      'The account type must be "totp" (time-based) or "hotp" (counter-based).',
    );
  }
  if (typeof a.account !== 'string' || a.account.trim() === '' || LONE_SURROGATE.test(a.account)) {
    throw new OtpauthError('bad-label', 'The account has no usable name; every account needs one.');
  }
  if (a.issuer !== undefined && (typeof a.issuer !== 'string' || LONE_SURROGATE.test(a.issuer))) {
    throw new OtpauthError('bad-issuer', 'The issuer (the service name) is not valid text.');
  }
  assertValidSecret(a.secret);
  if (!OTP_ALGORITHMS.includes(a.algorithm)) {
    throw new OtpauthError('bad-algorithm', 'The algorithm must be SHA1, SHA256 or SHA512.');
  }
  if (a.digits !== 6 && a.digits !== 7 && a.digits !== 8) {
    throw new OtpauthError('bad-digits', 'Codes must be 6, 7 or 8 digits long.');
  }
  assertValidPeriod(a.period);
  if (a.type === 'hotp') {
    assertValidCounter(a.counter);
  }
}

export function assertValidSecret(secret: unknown): asserts secret is Uint8Array {
  if (!(secret instanceof Uint8Array) || secret.length === 0) {
    throw new OtpauthError(
      'bad-secret',
      'The secret is missing. Scan the QR code again or copy the whole key.',
    );
  }
  if (secret.length < MIN_SECRET_BYTES || secret.length > MAX_SECRET_BYTES) {
    throw new OtpauthError(
      'bad-secret',
      `The secret is ${secret.length} bytes; it must be ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes ` +
        '(16 to 103 base32 characters). Check that the whole key was copied.',
    );
  }
}

export function assertValidPeriod(period: unknown): asserts period is number {
  if (typeof period !== 'number' || !Number.isInteger(period) || period < MIN_PERIOD || period > MAX_PERIOD) {
    throw new OtpauthError(
      'bad-period',
      `The period must be a whole number of seconds from ${MIN_PERIOD} to ${MAX_PERIOD} (usually 30).`,
    );
  }
}

export function assertValidCounter(counter: unknown): asserts counter is number {
  if (typeof counter !== 'number' || !Number.isSafeInteger(counter) || counter < 0) {
    throw new OtpauthError(
      'bad-counter',
      `The HOTP counter must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}.`,
    );
  }
}
