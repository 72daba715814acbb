// U2F_REGISTER / U2F_AUTHENTICATE / U2F_VERSION requests and replies (FIDO U2F Raw Message Formats
// v1.2 §4–§6): pure functions over bytes.
import { type CommandApdu, Ctap1Error, type U2F_AUTH, U2F_INS } from './apdu.js';

export type U2fAuthMode = (typeof U2F_AUTH)[keyof typeof U2F_AUTH];

function param(p: Uint8Array, what: string): Uint8Array {
  if (p.length !== 32) throw new Ctap1Error('BAD_APDU', `${what} must be 32 bytes, not ${p.length}`);
  return p;
}

/** U2F_REGISTER: challenge parameter (SHA-256 of the client data) then application parameter. */
export function registerRequest(clientParam: Uint8Array, appParam: Uint8Array): CommandApdu {
  const data = new Uint8Array(64);
  data.set(param(clientParam, 'challenge parameter'), 0);
  data.set(param(appParam, 'application parameter'), 32);
  return { ins: U2F_INS.REGISTER, p1: 0, data };
}

/** U2F_AUTHENTICATE: challenge parameter, application parameter, key handle length, key handle. */
export function authenticateRequest(
  mode: U2fAuthMode,
  clientParam: Uint8Array,
  appParam: Uint8Array,
  keyHandle: Uint8Array,
): CommandApdu {
  if (keyHandle.length < 1 || keyHandle.length > 255) {
    throw new Ctap1Error('BAD_APDU', `a U2F key handle has 1-255 bytes, not ${keyHandle.length}`);
  }
  const data = new Uint8Array(65 + keyHandle.length);
  data.set(param(clientParam, 'challenge parameter'), 0);
  data.set(param(appParam, 'application parameter'), 32);
  data[64] = keyHandle.length;
  data.set(keyHandle, 65);
  return { ins: U2F_INS.AUTHENTICATE, p1: mode, data };
}

export function versionRequest(): CommandApdu {
  return { ins: U2F_INS.VERSION };
}

/** The U2F_VERSION reply: ASCII, "U2F_V2" for every U2F key. */
export function parseVersion(data: Uint8Array): string {
  if (data.length === 0 || data.length > 32 || data.some((b) => b < 0x20 || b > 0x7e)) {
    throw new Ctap1Error('BAD_RESPONSE', 'U2F_VERSION reply is not a short ASCII string');
  }
  return new TextDecoder().decode(data);
}

export interface U2fRegistration {
  /** Uncompressed P-256 point: 0x04 || X || Y (65 bytes). */
  publicKey: Uint8Array;
  keyHandle: Uint8Array;
  /** DER X.509 attestation certificate. */
  certificate: Uint8Array;
  /** DER ECDSA signature by the attestation key. */
  signature: Uint8Array;
}

/**
 * Length of the DER element (tag + length + contents) at `offset`, read from its header. Hand-written:
 * it is ten lines, and the certificate itself is left to the relying party's X.509 library.
 */
export function derElementLength(bytes: Uint8Array, offset: number): number {
  if (offset + 2 > bytes.length) throw new Ctap1Error('BAD_RESPONSE', 'DER element is truncated');
  const first = bytes[offset + 1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4) throw new Ctap1Error('BAD_RESPONSE', `DER length uses ${n} bytes`);
  if (offset + 2 + n > bytes.length) throw new Ctap1Error('BAD_RESPONSE', 'DER length is truncated');
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + bytes[offset + 2 + i]!;
  if (len < 0x80 || (n > 1 && bytes[offset + 2] === 0)) {
    throw new Ctap1Error('BAD_RESPONSE', 'DER length is not in its shortest form');
  }
  return 2 + n + len;
}

/**
 * The U2F_REGISTER reply: 0x05, 65-byte public key, key handle length and key handle, DER attestation
 * certificate (its length read from its own header), DER signature (the rest).
 */
export function parseRegistration(data: Uint8Array): U2fRegistration {
  if (data.length < 67)
    throw new Ctap1Error('BAD_RESPONSE', `U2F registration of ${data.length} bytes is too short`);
  if (data[0] !== 0x05) {
    throw new Ctap1Error('BAD_RESPONSE', `U2F registration starts with 0x${data[0]!.toString(16)}, not 0x05`);
  }
  const publicKey = data.slice(1, 66);
  if (publicKey[0] !== 0x04)
    throw new Ctap1Error('BAD_RESPONSE', 'U2F public key is not an uncompressed point');
  const khLen = data[66]!;
  if (khLen === 0) throw new Ctap1Error('BAD_RESPONSE', 'U2F key handle is empty');
  const certStart = 67 + khLen;
  if (certStart > data.length) throw new Ctap1Error('BAD_RESPONSE', 'U2F key handle is truncated');
  const keyHandle = data.slice(67, certStart);
  if (data[certStart] !== 0x30)
    throw new Ctap1Error('BAD_RESPONSE', 'U2F attestation certificate is not a DER SEQUENCE');
  const certLen = derElementLength(data, certStart);
  const sigStart = certStart + certLen;
  if (sigStart > data.length)
    throw new Ctap1Error('BAD_RESPONSE', 'U2F attestation certificate is truncated');
  const signature = data.slice(sigStart);
  if (signature.length < 8 || signature[0] !== 0x30) {
    throw new Ctap1Error('BAD_RESPONSE', 'U2F registration signature is missing or not DER');
  }
  return { publicKey, keyHandle, certificate: data.slice(certStart, sigStart), signature };
}

export interface U2fAuthentication {
  /** User presence byte; bit 0 set when the user was present. */
  userPresence: number;
  counter: number;
  /** DER ECDSA signature over appParam || userPresence || counter || clientParam. */
  signature: Uint8Array;
}

/** The U2F_AUTHENTICATE reply: user presence byte, 4-byte big-endian counter, DER signature. */
export function parseAuthentication(data: Uint8Array): U2fAuthentication {
  if (data.length < 5 + 8) {
    throw new Ctap1Error('BAD_RESPONSE', `U2F authentication reply of ${data.length} bytes is too short`);
  }
  const signature = data.slice(5);
  if (signature[0] !== 0x30) throw new Ctap1Error('BAD_RESPONSE', 'U2F authentication signature is not DER');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return { userPresence: data[0]!, counter: view.getUint32(1), signature };
}
