/** Hash algorithms an OTP account may use. */
export type OtpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

/** Code lengths an OTP account may use. */
export type OtpDigits = 6 | 7 | 8;

/** One TOTP or HOTP account: what an otpauth:// link or a Google Authenticator export entry holds. */
export type OtpAccount = {
  type: 'totp' | 'hotp';
  issuer?: string;
  account: string;
  secret: Uint8Array;
  algorithm: OtpAlgorithm;
  digits: OtpDigits;
  /** Seconds per TOTP step (30 unless the link says otherwise; kept as 30 for HOTP). */
  period: number;
  /** HOTP moving factor; absent for TOTP. */
  counter?: number;
};

export const OTP_ALGORITHMS: readonly OtpAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];
export const MIN_SECRET_BYTES = 10;
export const MAX_SECRET_BYTES = 64;
export const MIN_PERIOD = 1;
export const MAX_PERIOD = 3600;
export const DEFAULT_PERIOD = 30;
export const DEFAULT_DIGITS: OtpDigits = 6;
export const DEFAULT_ALGORITHM: OtpAlgorithm = 'SHA1';
