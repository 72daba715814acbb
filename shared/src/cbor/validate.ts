import { CborError } from './errors.js';

/**
 * A structural pass over CBOR bytes, run before cbor-x decodes them. cbor-x is lenient where CTAP2 is
 * strict (it keeps the last of duplicate keys, accepts indefinite lengths, interprets tags), and it has
 * no strict mode, so this walker enforces the CTAP2 rules on the raw bytes:
 * definite lengths only, no tags, only false/true/null/undefined/floats as simple values, valid UTF-8,
 * no duplicate map keys, every length within the input, bounded nesting.
 * Non-canonical key order and non-minimal integer encodings are accepted (real authenticators send them).
 */

/** Deeper nesting than any CTAP2 or WebAuthn structure needs. */
export const MAX_CBOR_DEPTH = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true });

interface Head {
  major: number;
  /** Argument: the value, length or count. */
  arg: number;
  /** Offset just after the head. */
  next: number;
}

function readHead(bytes: Uint8Array, offset: number): Head {
  if (offset >= bytes.length) throw new CborError('CBOR_TRUNCATED', 'CBOR item missing', offset);
  const initial = bytes[offset]!;
  const major = initial >> 5;
  const info = initial & 0x1f;
  let next = offset + 1;
  let arg: number;
  if (info < 24) {
    arg = info;
  } else if (info <= 27) {
    const size = 1 << (info - 24);
    if (next + size > bytes.length) {
      throw new CborError('CBOR_TRUNCATED', `CBOR head needs ${size} more bytes`, offset);
    }
    arg = 0;
    for (let i = 0; i < size; i++) arg = arg * 256 + bytes[next + i]!;
    next += size;
  } else if (info === 31) {
    if (major >= 2 && major <= 5) {
      throw new CborError('CBOR_INDEFINITE_LENGTH', 'indefinite-length CBOR items are not allowed', offset);
    }
    throw new CborError('CBOR_MALFORMED', `CBOR break or invalid initial byte 0x${hex2(initial)}`, offset);
  } else {
    throw new CborError('CBOR_MALFORMED', `reserved CBOR initial byte 0x${hex2(initial)}`, offset);
  }
  return { major, arg, next };
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

function hexOf(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += hex2(bytes[i]!);
  return s;
}

/**
 * Walks one item starting at `offset` and returns the offset just after it.
 * `keyOut`, when given, receives an identity for the item used to detect duplicate map keys.
 */
function walk(bytes: Uint8Array, offset: number, depth: number, wantKey: boolean): [number, string] {
  if (depth > MAX_CBOR_DEPTH) throw new CborError('CBOR_TOO_DEEP', 'CBOR nesting too deep', offset);
  const { major, arg, next } = readHead(bytes, offset);
  const remaining = bytes.length - next;
  switch (major) {
    case 0:
    case 1:
      // Identity by value, so 0x01 and 0x1801 count as the same key. Values past 2^53 only fit the
      // 8-byte form, so their payload bytes identify them exactly.
      if (!wantKey) return [next, ''];
      return [
        next,
        `${major === 0 ? 'u' : 'n'}${arg <= Number.MAX_SAFE_INTEGER ? arg : hexOf(bytes, offset, next)}`,
      ];
    case 2: {
      if (arg > remaining) {
        throw new CborError('CBOR_TRUNCATED', `byte string of ${arg} bytes overruns the input`, offset);
      }
      return [next + arg, wantKey ? `b${hexOf(bytes, next, next + arg)}` : ''];
    }
    case 3: {
      if (arg > remaining) {
        throw new CborError('CBOR_TRUNCATED', `text string of ${arg} bytes overruns the input`, offset);
      }
      let text: string;
      try {
        text = utf8.decode(bytes.subarray(next, next + arg));
      } catch {
        throw new CborError('CBOR_INVALID_UTF8', 'text string is not valid UTF-8', offset);
      }
      return [next + arg, wantKey ? `s${text}` : ''];
    }
    case 4: {
      if (arg > remaining) {
        throw new CborError('CBOR_TRUNCATED', `array of ${arg} items overruns the input`, offset);
      }
      let pos = next;
      for (let i = 0; i < arg; i++) pos = walk(bytes, pos, depth + 1, false)[0];
      return [pos, wantKey ? `r${hexOf(bytes, offset, pos)}` : ''];
    }
    case 5: {
      if (arg * 2 > remaining) {
        throw new CborError('CBOR_TRUNCATED', `map of ${arg} entries overruns the input`, offset);
      }
      let pos = next;
      const seen = new Set<string>();
      for (let i = 0; i < arg; i++) {
        const keyStart = pos;
        const [afterKey, key] = walk(bytes, pos, depth + 1, true);
        if (seen.has(key)) throw new CborError('CBOR_DUPLICATE_KEY', 'duplicate CBOR map key', keyStart);
        seen.add(key);
        pos = walk(bytes, afterKey, depth + 1, false)[0];
      }
      return [pos, wantKey ? `r${hexOf(bytes, offset, pos)}` : ''];
    }
    case 6:
      throw new CborError('CBOR_UNSUPPORTED_TAG', `CBOR tag ${arg} is not allowed in CTAP2`, offset);
    default: {
      // Major type 7: the head already consumed float payloads (info 25-27) and rejected 28-31.
      const info = bytes[offset]! & 0x1f;
      if ((info >= 20 && info <= 23) || (info >= 25 && info <= 27)) {
        return [next, wantKey ? `r${hexOf(bytes, offset, next)}` : ''];
      }
      throw new CborError('CBOR_UNSUPPORTED_SIMPLE', `CBOR simple value ${arg} is not allowed`, offset);
    }
  }
}

/** Checks that `bytes[offset..]` starts with one well-formed CTAP2 item; returns the offset after it. */
export function validateCtapItem(bytes: Uint8Array, offset = 0): number {
  return walk(bytes, offset, 0, false)[0];
}
