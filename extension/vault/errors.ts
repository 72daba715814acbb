/** Named vault errors with a stable `code`; messages are user-facing and never contain secrets. */
export type VaultErrorCode =
  | 'not-initialised'
  | 'already-initialised'
  | 'locked'
  | 'wrong-password'
  | 'damaged'
  | 'unsupported-version'
  | 'rate-limited'
  | 'weak-password'
  /** The right password, but it breaks the password rules now in force: unlock again with a new one. */
  | 'password-change-required'
  | 'not-found'
  /** restorePrevious on a vault whose current record is healthy: nothing is rolled back. */
  | 'not-damaged'
  | 'bad-request'
  | 'bad-import'
  | 'export-disabled'
  | 'qr-disabled'
  /** QR codes were found in the tab, but none is an authenticator set-up code. */
  | 'not-authenticator'
  | 'origin-not-allowed'
  | 'forbidden';

export class VaultError extends Error {
  override readonly name = 'VaultError';
  constructor(
    readonly code: VaultErrorCode,
    message: string,
    readonly details: VaultErrorDetails = {},
  ) {
    super(message);
  }
}

export interface VaultErrorDetails {
  /** rate-limited: when the next attempt is accepted. */
  retryAfterMs?: number;
  /** damaged: a previous generation is available to restore. */
  previousAvailable?: boolean;
  /** weak-password, password-change-required: which rules failed. */
  problems?: Array<{ code: 'too-short' | 'pattern'; min?: number; hint?: string }>;
}

export function isVaultError(e: unknown): e is VaultError {
  return e instanceof VaultError;
}
