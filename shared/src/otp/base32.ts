import { ScureBase32Plugin } from 'otplib';
import { OtpauthError } from './errors.js';

const codec = new ScureBase32Plugin();
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Unused low bits in the last character, by (length mod 8); -1 marks lengths no encoder produces. */
const UNUSED_BITS = [0, -1, 2, -1, 4, 1, -1, 3] as const;

/**
 * Decodes a base32 secret as people and sites write it: any case, with spaces, with or without '='
 * padding. Leftover low bits in the last character are ignored (as Google Authenticator does), so a
 * key made of random base32 characters still works. Throws OtpauthError('bad-secret') otherwise.
 * Decoding itself is otplib's (@scure/base); this only normalises the text first.
 */
export function base32Decode(text: string): Uint8Array {
  const compact = text
    .replace(/[\s-]+/g, '')
    .replace(/=+$/, '')
    .toUpperCase();
  if (compact === '') {
    throw new OtpauthError(
      'bad-secret',
      'The secret is empty. Scan the QR code again or copy the whole key.',
    );
  }
  for (const char of compact) {
    if (!ALPHABET.includes(char)) {
      throw new OtpauthError(
        'bad-secret',
        'The secret contains a character that is not base32 (only A–Z and 2–7 are allowed). Check for typos such as 0/O or 1/I.',
      );
    }
  }
  const unused = UNUSED_BITS[compact.length % 8]!;
  if (unused < 0) {
    throw new OtpauthError(
      'bad-secret',
      `The secret has ${compact.length} characters, a length no base32 key has. Check that the whole key was copied.`,
    );
  }
  const lastValue = ALPHABET.indexOf(compact.at(-1)!) & ~((1 << unused) - 1);
  const canonical = compact.slice(0, -1) + ALPHABET[lastValue];
  try {
    return codec.decode(canonical);
  } catch (cause) {
    throw new OtpauthError('bad-secret', 'The secret is not valid base32.', { cause });
  }
}

/** Encodes bytes as upper-case base32 without padding (the form otpauth:// links use). */
export function base32Encode(bytes: Uint8Array): string {
  return codec.encode(bytes, { padding: false });
}
