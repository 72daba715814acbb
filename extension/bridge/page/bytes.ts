/** base64url for the page script, from the shared core (strict decoding). */
import { fromBase64Url, toBase64Url } from '@shared/webauthn/index.js';

export function bytesToBase64url(bytes: Uint8Array): string {
  return toBase64Url(bytes);
}

export function base64urlToArrayBuffer(text: string): ArrayBuffer {
  const bytes = fromBase64Url(text);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
