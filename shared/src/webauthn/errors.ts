/** Why a WebAuthn structure or ceremony was refused. Stable: callers and tests match on it. */
export type WebAuthnErrorCode =
  | 'INVALID_INPUT'
  | 'INVALID_BASE64URL'
  | 'CLIENT_DATA_MALFORMED'
  | 'CLIENT_DATA_TYPE'
  | 'CHALLENGE_MISMATCH'
  | 'ORIGIN_MISMATCH'
  | 'CROSS_ORIGIN'
  | 'TOP_ORIGIN_MISMATCH'
  | 'AUTH_DATA_MALFORMED'
  | 'AUTH_DATA_TRAILING_BYTES'
  | 'AUTH_DATA_FLAGS'
  | 'RP_ID_HASH_MISMATCH'
  | 'USER_NOT_PRESENT'
  | 'USER_NOT_VERIFIED'
  | 'ATTESTATION_OBJECT_MALFORMED'
  | 'ATTESTATION_FORMAT_UNSUPPORTED'
  | 'ATTESTATION_INVALID'
  | 'ATTESTATION_UNTRUSTED'
  | 'CREDENTIAL_ID_MISMATCH'
  | 'PUBLIC_KEY_INVALID'
  | 'ALGORITHM_UNSUPPORTED'
  | 'SIGNATURE_INVALID'
  | 'SIGN_COUNT_REGRESSION';

/** The only error the WebAuthn verifiers and parsers throw (COSE problems arrive as `cause`). */
export class WebAuthnError extends Error {
  override readonly name = 'WebAuthnError';
  readonly code: WebAuthnErrorCode;

  constructor(code: WebAuthnErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
