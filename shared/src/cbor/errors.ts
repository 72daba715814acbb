/** Why a CBOR item was refused. Stable: callers and tests match on it. */
export type CborErrorCode =
  | 'CBOR_TRUNCATED'
  | 'CBOR_TRAILING_BYTES'
  | 'CBOR_DUPLICATE_KEY'
  | 'CBOR_INDEFINITE_LENGTH'
  | 'CBOR_MALFORMED'
  | 'CBOR_UNSUPPORTED_TAG'
  | 'CBOR_UNSUPPORTED_SIMPLE'
  | 'CBOR_INVALID_UTF8'
  | 'CBOR_TOO_DEEP'
  | 'CBOR_UNENCODABLE';

/** The only error `encodeCtap`/`decodeCtap` throw. */
export class CborError extends Error {
  override readonly name = 'CborError';
  readonly code: CborErrorCode;
  /** Byte offset in the input where the problem was found (decoding only). */
  readonly offset: number | undefined;

  constructor(code: CborErrorCode, message: string, offset?: number) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`);
    this.code = code;
    this.offset = offset;
  }
}
