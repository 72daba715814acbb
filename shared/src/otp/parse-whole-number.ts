import { OtpauthError, type OtpauthErrorCode, quoteForMessage } from './errors.js';

/**
 * Reads a decimal whole number from a link parameter (no sign, no fraction, no exponent) and
 * checks it lies in [min, max]. Anything else throws OtpauthError with the given code.
 */
export function parseWholeNumber(
  text: string,
  what: string,
  code: OtpauthErrorCode,
  min: number,
  max: number,
): number {
  const trimmed = text.trim();
  const value = /^[0-9]{1,16}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new OtpauthError(
      code,
      `The ${what} ${quoteForMessage(text)} must be a whole number from ${min} to ${max}.`,
    );
  }
  return value;
}
