/**
 * The one place the vault takes the shared OTP core from (`@shared/otp/index.js`).
 */
import { assertValidAccount, type OtpAccount } from '@shared/otp/index.js';

export {
  base32Decode,
  base32Encode,
  formatOtpauthUri,
  generateCode,
  type OtpAccount,
  OtpauthError,
  parseMigrationUri,
  parseOtpauthUri,
  secondsRemaining,
} from '@shared/otp/index.js';

/** Throws OtpauthError when the account is not one the shared core accepts. */
export function validateOtpAccount(a: OtpAccount): void {
  assertValidAccount(a);
}
