/** Stable codes for everything that can be wrong with an OTP link, payload or account. */
export type OtpauthErrorCode =
  | 'bad-scheme'
  | 'bad-type'
  | 'bad-label'
  | 'bad-issuer'
  | 'bad-secret'
  | 'bad-algorithm'
  | 'bad-digits'
  | 'bad-period'
  | 'bad-counter'
  | 'bad-parameter'
  | 'bad-payload'
  | 'bad-time';

/**
 * The one error the otp area throws for bad input. `code` is stable (tests and UI key on it);
 * `message` tells a person what to do. Messages never contain secrets or codes.
 */
export class OtpauthError extends Error {
  override readonly name = 'OtpauthError';
  readonly code: OtpauthErrorCode;

  constructor(code: OtpauthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Shortens an untrusted value for quoting in an error message (never pass secrets here). */
export function quoteForMessage(value: string, max = 40): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(shown);
}
