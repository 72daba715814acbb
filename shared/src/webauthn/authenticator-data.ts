import { CborError } from '../cbor/errors.js';
import { decodeCtapPrefix, encodeCtap } from '../cbor/index.js';
import type { CoseKey } from '../cose/index.js';
import { WebAuthnError } from './errors.js';

export interface AuthenticatorFlags {
  /** User present. */
  up: boolean;
  /** User verified. */
  uv: boolean;
  /** Backup eligible. */
  be: boolean;
  /** Backed up (backup state). */
  bs: boolean;
  /** Attested credential data included. */
  at: boolean;
  /** Extension data included. */
  ed: boolean;
}

export interface AttestedCredentialData {
  aaguid: Uint8Array;
  credentialId: Uint8Array;
  /** The credential public key as decoded (a COSE_Key map with integer labels). */
  publicKey: CoseKey;
  /** The COSE_Key exactly as the authenticator encoded it. */
  publicKeyBytes: Uint8Array;
}

export interface AuthenticatorData {
  rpIdHash: Uint8Array;
  flags: AuthenticatorFlags;
  /** The flags byte as sent. */
  flagsByte: number;
  signCount: number;
  attestedCredentialData?: AttestedCredentialData;
  extensions?: Map<unknown, unknown>;
}

/** L3 §6.1: credential IDs are at most 1023 bytes. */
export const MAX_CREDENTIAL_ID_LENGTH = 1023;

function cborItem(bytes: Uint8Array, offset: number, what: string): { value: unknown; end: number } {
  try {
    return decodeCtapPrefix(bytes, offset);
  } catch (err) {
    if (err instanceof CborError) {
      throw new WebAuthnError('AUTH_DATA_MALFORMED', `${what} is not valid CBOR: ${err.message}`, {
        cause: err,
      });
    }
    throw err;
  }
}

// Firefox 117 wrote Ed25519 credential keys as `a3 01 "OKP" 03 -8 20 "Ed25519" 21 <x>`: a map header
// of 3 for 4 entries, and text where COSE has integers. This exact prefix is read as the 4-entry map it
// meant, with integer labels, and the key is re-encoded canonically (the signed bytes are untouched).
const FIREFOX_117_EDDSA = [
  0xa3, 0x01, 0x63, 0x4f, 0x4b, 0x50, 0x03, 0x27, 0x20, 0x67, 0x45, 0x64, 0x32, 0x35, 0x35, 0x31, 0x39,
];

function firefox117EdDsaKey(
  bytes: Uint8Array,
  pos: number,
): { value: Map<unknown, unknown>; end: number } | null {
  if (bytes.length < pos + FIREFOX_117_EDDSA.length) return null;
  for (let i = 0; i < FIREFOX_117_EDDSA.length; i++) if (bytes[pos + i] !== FIREFOX_117_EDDSA[i]) return null;
  const patched = bytes.slice(pos);
  patched[0] = 0xa4;
  const { value, end } = cborItem(patched, 0, 'credential public key');
  const map = value as Map<unknown, unknown>;
  const x = map.get(-2);
  if (!(x instanceof Uint8Array))
    throw new WebAuthnError('AUTH_DATA_MALFORMED', 'malformed Firefox 117 EdDSA key');
  return {
    value: new Map<unknown, unknown>([
      [1, 1],
      [3, -8],
      [-1, 6],
      [-2, x],
    ]),
    end: pos + end,
  };
}

/**
 * Parses authenticator data (L3 §6.1). Reads exactly one COSE key (so extensions after it are found),
 * then the extensions map; rejects leftover bytes, BS without BE, AT without attested credential data
 * and credential data without AT. Throws `WebAuthnError` (AUTH_DATA_MALFORMED, AUTH_DATA_FLAGS,
 * AUTH_DATA_TRAILING_BYTES).
 */
export function parseAuthenticatorData(bytes: Uint8Array): AuthenticatorData {
  if (!(bytes instanceof Uint8Array))
    throw new WebAuthnError('AUTH_DATA_MALFORMED', 'authenticator data is not bytes');
  if (bytes.length < 37) {
    throw new WebAuthnError(
      'AUTH_DATA_MALFORMED',
      `authenticator data is ${bytes.length} bytes, less than 37`,
    );
  }
  const flagsByte = bytes[32]!;
  const flags: AuthenticatorFlags = {
    up: (flagsByte & 0x01) !== 0,
    uv: (flagsByte & 0x04) !== 0,
    be: (flagsByte & 0x08) !== 0,
    bs: (flagsByte & 0x10) !== 0,
    at: (flagsByte & 0x40) !== 0,
    ed: (flagsByte & 0x80) !== 0,
  };
  if (flags.bs && !flags.be)
    throw new WebAuthnError('AUTH_DATA_FLAGS', 'backup state (BS) set without backup eligibility (BE)');
  const signCount = ((bytes[33]! << 24) | (bytes[34]! << 16) | (bytes[35]! << 8) | bytes[36]!) >>> 0;
  const result: AuthenticatorData = { rpIdHash: bytes.slice(0, 32), flags, flagsByte, signCount };
  let pos = 37;
  if (flags.at) {
    if (bytes.length < pos + 18) {
      throw new WebAuthnError(
        'AUTH_DATA_MALFORMED',
        'AT flag set but attested credential data is missing or short',
      );
    }
    const aaguid = bytes.slice(pos, pos + 16);
    const idLength = (bytes[pos + 16]! << 8) | bytes[pos + 17]!;
    pos += 18;
    if (idLength > MAX_CREDENTIAL_ID_LENGTH) {
      throw new WebAuthnError(
        'AUTH_DATA_MALFORMED',
        `credential ID length ${idLength} exceeds ${MAX_CREDENTIAL_ID_LENGTH}`,
      );
    }
    if (bytes.length < pos + idLength) {
      throw new WebAuthnError('AUTH_DATA_MALFORMED', 'credential ID runs past the end of authenticator data');
    }
    const credentialId = bytes.slice(pos, pos + idLength);
    pos += idLength;
    const firefox117 = firefox117EdDsaKey(bytes, pos);
    const key = firefox117 ?? cborItem(bytes, pos, 'credential public key');
    if (!(key.value instanceof Map)) {
      throw new WebAuthnError('AUTH_DATA_MALFORMED', 'credential public key is not a CBOR map');
    }
    result.attestedCredentialData = {
      aaguid,
      credentialId,
      publicKey: key.value,
      publicKeyBytes: firefox117 ? encodeCtap(key.value) : bytes.slice(pos, key.end),
    };
    pos = key.end;
  }
  if (flags.ed) {
    if (pos >= bytes.length)
      throw new WebAuthnError('AUTH_DATA_MALFORMED', 'ED flag set but extensions are missing');
    const ext = cborItem(bytes, pos, 'extensions');
    if (!(ext.value instanceof Map))
      throw new WebAuthnError('AUTH_DATA_MALFORMED', 'extensions are not a CBOR map');
    result.extensions = ext.value;
    pos = ext.end;
  }
  if (pos !== bytes.length) {
    throw new WebAuthnError(
      'AUTH_DATA_TRAILING_BYTES',
      `${bytes.length - pos} unexpected bytes at the end of authenticator data${flags.at ? '' : ' (AT flag not set)'}`,
    );
  }
  return result;
}
