import { OtpauthError } from './errors.js';

/**
 * Decodes the `data` of a Google Authenticator export: standard base64, also accepting base64url
 * characters, missing padding, and spaces where a '+' was turned into a space by a form decoder.
 * Uses the platform's atob (browsers, service workers and Node alike).
 */
export function base64Decode(text: string): Uint8Array {
  const standard = text
    .replace(/[ ]/g, '+')
    .replace(/[\t\r\n]/g, '')
    .replaceAll('-', '+')
    .replaceAll('_', '/')
    .replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(standard) || standard.length % 4 === 1) {
    throw new OtpauthError(
      'bad-payload',
      'The export data is not valid base64. Scan the QR code again; it may have been read incompletely.',
    );
  }
  const binary = atob(standard.padEnd(Math.ceil(standard.length / 4) * 4, '='));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** Encodes bytes as standard base64 with padding. */
export function base64Encode(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
