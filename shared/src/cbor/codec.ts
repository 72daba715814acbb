import { Decoder, Encoder } from 'cbor-x';
import { CborError } from './errors.js';
import { MAX_CBOR_DEPTH, validateCtapItem } from './validate.js';

/** A CBOR value as `decodeCtap` returns it and `encodeCtap` accepts it. */
export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | CborValue[]
  | Map<CborValue, CborValue>;

const encoder = new Encoder({ mapsAsObjects: false, useRecords: false, tagUint8Array: false });
const decoder = new Decoder({ mapsAsObjects: false, useRecords: false, copyBuffers: true });

const TWO_32 = 2 ** 32;
const U64_MAX = 2n ** 64n - 1n;

/** CTAP2 canonical key order: major type, then encoded length, then bytes. */
function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const majorDiff = (a[0]! >> 5) - (b[0]! >> 5);
  if (majorDiff !== 0) return majorDiff;
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return 0;
}

function encodeRaw(value: unknown): Uint8Array {
  return encoder.encode(value);
}

/** Turns an input value into one cbor-x encodes canonically: Maps with sorted keys, no objects, no tags. */
function normalize(value: unknown, depth: number): unknown {
  if (depth > MAX_CBOR_DEPTH) throw new CborError('CBOR_TOO_DEEP', 'value nests too deeply (or is cyclic)');
  switch (typeof value) {
    case 'number':
      if (Number.isInteger(value)) {
        // cbor-x writes integers past 32 bits as floats; bigint keeps them as major type 0/1.
        return value >= TWO_32 || value < -TWO_32 ? BigInt(value) : value;
      }
      return value; // floats: cbor-x picks the form; CTAP2 messages do not use them
    case 'bigint':
      if (value > U64_MAX || value < -U64_MAX) {
        // -2^64 is valid CBOR but cbor-x would write it as a tagged bignum.
        throw new CborError('CBOR_UNENCODABLE', 'integer outside -(2^64-1)..2^64-1');
      }
      // cbor-x always writes bigints in the 8-byte form; smaller ones go as numbers to stay minimal.
      return value < 2n ** 32n && value >= -(2n ** 32n) ? Number(value) : value;
    case 'string':
    case 'boolean':
    case 'undefined':
      return value;
    case 'object': {
      if (value === null) return null;
      if (value instanceof Uint8Array) return value;
      if (value instanceof ArrayBuffer) return new Uint8Array(value);
      if (Array.isArray(value)) return value.map((item) => normalize(item, depth + 1));
      let entries: [unknown, unknown][];
      if (value instanceof Map) {
        entries = [...value.entries()];
      } else {
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          throw new CborError('CBOR_UNENCODABLE', `cannot encode ${describe(value)}`);
        }
        entries = Object.entries(value);
      }
      const sorted = entries.map(([k, v]) => {
        const key = normalize(k, depth + 1);
        return { key, keyBytes: encodeRaw(key), value: normalize(v, depth + 1) };
      });
      sorted.sort((a, b) => compareKeys(a.keyBytes, b.keyBytes));
      for (let i = 1; i < sorted.length; i++) {
        if (compareKeys(sorted[i - 1]!.keyBytes, sorted[i]!.keyBytes) === 0) {
          throw new CborError('CBOR_UNENCODABLE', 'two map keys encode to the same CBOR');
        }
      }
      return new Map(sorted.map((e) => [e.key, e.value]));
    }
    default:
      throw new CborError('CBOR_UNENCODABLE', `cannot encode a ${typeof value}`);
  }
}

function describe(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' ? `a ${name}` : 'this object';
}

/**
 * Encodes a value as CTAP2 canonical CBOR: map keys sorted (integers before text, shorter first, then
 * bytewise), minimal lengths, no tags, byte strings as major type 2. Accepts Maps, plain objects (text
 * keys), arrays, Uint8Array/ArrayBuffer, strings, integers (number or bigint), booleans, null, undefined.
 */
export function encodeCtap(value: unknown): Uint8Array {
  const normalized = normalize(value, 0);
  try {
    return new Uint8Array(encodeRaw(normalized));
  } catch (err) {
    throw new CborError('CBOR_UNENCODABLE', `cbor-x could not encode the value: ${(err as Error).message}`);
  }
}

function toPlainBytes(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function decodeValidated(bytes: Uint8Array): unknown {
  try {
    return decoder.decode(toPlainBytes(bytes));
  } catch (err) {
    // The structural pass makes this unreachable for any input we know of; keep the promise anyway.
    throw new CborError('CBOR_MALFORMED', `cbor-x could not decode: ${(err as Error).message}`);
  }
}

/**
 * Decodes exactly one strict CTAP2 CBOR item. Maps become `Map`s (integer keys stay numbers), byte
 * strings `Uint8Array`s (copies), 8-byte integers `bigint`s. Throws `CborError` on trailing bytes,
 * duplicate keys, indefinite lengths, tags, truncation and malformed input. Key order is not checked.
 */
export function decodeCtap(bytes: Uint8Array): unknown {
  if (!(bytes instanceof Uint8Array)) throw new CborError('CBOR_MALFORMED', 'decodeCtap needs a Uint8Array');
  const end = validateCtapItem(bytes, 0);
  if (end !== bytes.length) {
    throw new CborError('CBOR_TRAILING_BYTES', `${bytes.length - end} bytes after the CBOR item`, end);
  }
  return decodeValidated(bytes);
}

/**
 * Decodes the one CBOR item starting at `offset` and reports where it ends, for structures that
 * continue after a CBOR item (a COSE key inside authenticator data, followed by extensions).
 */
export function decodeCtapPrefix(bytes: Uint8Array, offset = 0): { value: unknown; end: number } {
  const end = validateCtapItem(bytes, offset);
  return { value: decodeValidated(bytes.subarray(offset, end)), end };
}
