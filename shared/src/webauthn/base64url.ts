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
  const rest = len % 4;
  if (rest === 1) throw new WebAuthnError('INVALID_BASE64URL', `${what} has an impossible base64url length`);
  const out = new Uint8Array(((len - rest) / 4) * 3 + (rest === 0 ? 0 : rest - 1));
  const at = (i: number): number => {
    const c = text.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c]! : -1;
    if (v < 0) throw new WebAuthnError('INVALID_BASE64URL', `${what} contains a character outside base64url`);
    return v;
  };
  let o = 0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const n = (at(i) << 18) | (at(i + 1) << 12) | (at(i + 2) << 6) | at(i + 3);
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  if (rest === 2) {
    const n = (at(i) << 18) | (at(i + 1) << 12);
    if (n & 0xffff) throw new WebAuthnError('INVALID_BASE64URL', `${what} has non-zero padding bits`);
    out[o] = n >> 16;
  } else if (rest === 3) {
    const n = (at(i) << 18) | (at(i + 1) << 12) | (at(i + 2) << 6);
    if (n & 0xff) throw new WebAuthnError('INVALID_BASE64URL', `${what} has non-zero padding bits`);
    out[o++] = n >> 16;
    out[o] = (n >> 8) & 0xff;
  }
  return out;
}
