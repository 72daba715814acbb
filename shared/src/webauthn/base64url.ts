import { WebAuthnError } from './errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/**
 * Bytes to unpadded base64url (RFC 4648 §5), as WebAuthn's JSON forms use.
 * Hand-written: Node 20 has no Uint8Array.toBase64, and btoa needs a binary string per byte.
 */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

/**
 * Unpadded base64url to bytes. Strict: only the URL-safe alphabet, no padding, no whitespace, no
 * impossible lengths, no stray bits in the last character. Throws `WebAuthnError('INVALID_BASE64URL')`.
 */
export function fromBase64Url(text: string, what = 'value'): Uint8Array {
  if (typeof text !== 'string') throw new WebAuthnError('INVALID_BASE64URL', `${what} is not a string`);
  const len = text.length;
  if (len % 4 === 1)
    throw new WebAuthnError('INVALID_BASE64URL', `${what} has an impossible base64url length`);
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c]! : -1;
    if (v < 0) throw new WebAuthnError('INVALID_BASE64URL', `${what} contains a character outside base64url`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
      acc &= (1 << bits) - 1;
    }
  }
  if (acc !== 0) throw new WebAuthnError('INVALID_BASE64URL', `${what} has non-zero padding bits`);
  return out;
}
