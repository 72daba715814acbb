// The shared TOTP core: otpauth:// links, Google Authenticator exports, codes. Built on otplib.
export type { OtpAccount, OtpAlgorithm, OtpDigits } from './account.js';
export { base32Decode, base32Encode } from './base32.js';
export { OtpauthError, type OtpauthErrorCode } from './errors.js';
export { formatMigrationUri, type MigrationBatchPosition } from './format-migration-uri.js';
export { formatOtpauthUri } from './format-otpauth-uri.js';
export { generateCode } from './generate-code.js';
export { type MigrationBatch, parseMigrationUri } from './parse-migration-uri.js';
export { parseOtpauthUri } from './parse-otpauth-uri.js';
export { secondsRemaining } from './seconds-remaining.js';
export { assertValidAccount } from './validate-account.js';
