export { type CborValue, decodeCtap, decodeCtapPrefix, encodeCtap } from './codec.js';
export { CborError, type CborErrorCode } from './errors.js';
export { MAX_CBOR_DEPTH } from './validate.js';
