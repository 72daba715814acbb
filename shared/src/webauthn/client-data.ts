import { fromBase64Url, toBase64Url } from './base64url.js';
import { WebAuthnError } from './errors.js';

export type ClientDataType = 'webauthn.create' | 'webauthn.get';

export interface ClientDataInput {
  type: ClientDataType;
  /** The challenge: base64url text, or the raw bytes. */
  challenge: string | Uint8Array;
  origin: string;
  crossOrigin?: boolean;
  topOrigin?: string;
}

/** WebAuthn L3 §5.8.1.2 "serialize a JSON string": escape `"`, `\` and code points below U+0020. */
function jsonString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x22) out += '\\"';
    else if (cp === 0x5c) out += '\\\\';
    else if (cp < 0x20) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

const encoder = new TextEncoder();

/**
 * Builds clientDataJSON bytes exactly as a browser does (L3 §5.8.1.1 CollectedClientData serialization):
 * keys `type`, `challenge`, `origin`, `crossOrigin`, then `topOrigin` when given.
 */
export function buildClientDataJSON(input: ClientDataInput): Uint8Array {
  if (input.type !== 'webauthn.create' && input.type !== 'webauthn.get') {
    throw new WebAuthnError('INVALID_INPUT', 'client data type must be webauthn.create or webauthn.get');
  }
  if (typeof input.origin !== 'string' || input.origin === '') {
    throw new WebAuthnError('INVALID_INPUT', 'client data origin must be a non-empty string');
  }
  const challenge =
    typeof input.challenge === 'string'
      ? toBase64Url(fromBase64Url(input.challenge, 'challenge'))
      : toBase64Url(input.challenge);
  let json = `{"type":${jsonString(input.type)},"challenge":${jsonString(challenge)},"origin":${jsonString(input.origin)},"crossOrigin":${input.crossOrigin === true ? 'true' : 'false'}`;
  if (input.topOrigin !== undefined) {
    if (typeof input.topOrigin !== 'string' || input.topOrigin === '') {
      throw new WebAuthnError('INVALID_INPUT', 'client data topOrigin must be a non-empty string');
    }
    json += `,"topOrigin":${jsonString(input.topOrigin)}`;
  }
  return encoder.encode(`${json}}`);
}

/** Parsed CollectedClientData (unknown members are kept by the JSON parse but not typed). */
export interface CollectedClientData {
  type: string;
  challenge: string;
  origin: string;
  crossOrigin?: boolean;
  topOrigin?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses clientDataJSON bytes, checking member types. Throws `WebAuthnError('CLIENT_DATA_MALFORMED')`. */
export function parseClientDataJSON(bytes: Uint8Array): CollectedClientData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(bytes));
  } catch (err) {
    throw new WebAuthnError('CLIENT_DATA_MALFORMED', 'clientDataJSON is not UTF-8 JSON', { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new WebAuthnError('CLIENT_DATA_MALFORMED', 'clientDataJSON is not a JSON object');
  }
  const o = parsed as Record<string, unknown>;
  if (typeof o.type !== 'string' || typeof o.challenge !== 'string' || typeof o.origin !== 'string') {
    throw new WebAuthnError('CLIENT_DATA_MALFORMED', 'clientDataJSON lacks string type, challenge or origin');
  }
  if (o.crossOrigin !== undefined && typeof o.crossOrigin !== 'boolean') {
    throw new WebAuthnError('CLIENT_DATA_MALFORMED', 'clientDataJSON crossOrigin is not a boolean');
  }
  if (o.topOrigin !== undefined && typeof o.topOrigin !== 'string') {
    throw new WebAuthnError('CLIENT_DATA_MALFORMED', 'clientDataJSON topOrigin is not a string');
  }
  const out: CollectedClientData = { type: o.type, challenge: o.challenge, origin: o.origin };
  if (o.crossOrigin !== undefined) out.crossOrigin = o.crossOrigin as boolean;
  if (o.topOrigin !== undefined) out.topOrigin = o.topOrigin as string;
  return out;
}
