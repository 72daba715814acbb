import type { OtpAlgorithm } from './account.js';
import { OtpauthError, quoteForMessage } from './errors.js';

const NAMES: Record<string, OtpAlgorithm> = { SHA1: 'SHA1', SHA256: 'SHA256', SHA512: 'SHA512' };

/** Reads an `algorithm=` value: SHA1, SHA256 or SHA512 in any case, with or without a '-' or '_'. */
export function parseAlgorithm(text: string): OtpAlgorithm {
  const key = text
    .trim()
    .toUpperCase()
    .replace(/^SHA[-_]/, 'SHA');
  const algorithm = Object.hasOwn(NAMES, key) ? NAMES[key] : undefined;
  if (algorithm === undefined) {
    throw new OtpauthError(
      'bad-algorithm',
      `The algorithm ${quoteForMessage(text)} is not supported; only SHA1, SHA256 and SHA512 are.`,
    );
  }
  return algorithm;
}
