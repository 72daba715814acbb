/** base64url for the page script, from the shared core (strict decoding). */
// Straight from the base64url module, not the barrel: the barrel pulls the public suffix list (tldts)
// into a script that runs in every frame.
import { fromBase64Url, toBase64Url } from '@shared/webauthn/base64url.js';

export function bytesToBase64url(bytes: Uint8Array): string {
  return toBase64Url(bytes);
}

export function base64urlToArrayBuffer(text: string): ArrayBuffer {
  const bytes = fromBase64Url(text);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
