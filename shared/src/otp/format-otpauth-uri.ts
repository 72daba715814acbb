import type { OtpAccount } from './account.js';
import { base32Encode } from './base32.js';
import { joinLabel } from './label.js';
import { assertValidAccount } from './validate-account.js';

/**
 * Writes an account as an otpauth:// link that parseOtpauthUri (and authenticator apps) read back
 * to the same account. All parameters are written out, defaults included. Contains the secret:
 * never log the result.
 */
export function formatOtpauthUri(a: OtpAccount): string {
  assertValidAccount(a);
  const issuer = a.issuer?.trim() || undefined;
  const parameters = [`secret=${base32Encode(a.secret)}`];
  if (issuer !== undefined) parameters.push(`issuer=${encodeURIComponent(issuer)}`);
  parameters.push(`algorithm=${a.algorithm}`, `digits=${a.digits}`);
  parameters.push(a.type === 'hotp' ? `counter=${a.counter}` : `period=${a.period}`);
  return `otpauth://${a.type}/${joinLabel(issuer, a.account, encodeURIComponent)}?${parameters.join('&')}`;
}
