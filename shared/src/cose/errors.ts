/** Why a COSE key or signature could not be used. Stable: callers and tests match on it. */
export type CoseErrorCode =
  | 'COSE_KEY_MALFORMED'
  | 'COSE_KEY_TYPE_UNSUPPORTED'
  | 'COSE_ALGORITHM_UNSUPPORTED'
  | 'COSE_ALGORITHM_NOT_ALLOWED'
  | 'COSE_KEY_INCONSISTENT'
  | 'COSE_KEY_INVALID';

export class CoseError extends Error {
  override readonly name = 'CoseError';
  readonly code: CoseErrorCode;

  constructor(code: CoseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
