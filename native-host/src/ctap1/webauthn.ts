// U2F replies as WebAuthn structures, as browsers build them for U2F-only keys (WebAuthn L3 §8.6,
// CTAP 2.1 §10.3): a `fido-u2f` attestation object and authenticator data.
import { encodeCtap } from '@shared/cbor/index.js';
import { Ctap1Error } from './apdu.js';
import type { U2fAuthentication, U2fRegistration } from './messages.js';

const FLAG_UP = 0x01;
const FLAG_AT = 0x40;

/** COSE_Key (EC2, P-256, ES256) from an uncompressed point 0x04 || X || Y. */
export function coseKeyFromU2fPoint(point: Uint8Array): Map<number, number | Uint8Array> {
  if (point.length !== 65 || point[0] !== 0x04) {
    throw new Ctap1Error('BAD_RESPONSE', 'U2F public key is not a 65-byte uncompressed P-256 point');
  }
  return new Map<number, number | Uint8Array>([
    [1, 2],
    [3, -7],
    [-1, 1],
    [-2, point.slice(1, 33)],
    [-3, point.slice(33, 65)],
  ]);
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0);
  return out;
}

export interface U2fAttestation {
  fmt: 'fido-u2f';
  authData: Uint8Array;
  attStmt: Map<string, unknown>;
}

/**
 * The attestation a browser makes of a U2F registration: authData = rpIdHash, flags UP|AT, counter 0,
 * AAGUID all zero, credential ID = key handle, COSE key from the point; attStmt { sig, x5c: [cert] }.
 */
export function attestationFromRegistration(rpIdHash: Uint8Array, reg: U2fRegistration): U2fAttestation {
  if (rpIdHash.length !== 32) throw new Ctap1Error('BAD_APDU', 'rpIdHash must be 32 bytes');
  const cose = encodeCtap(coseKeyFromU2fPoint(reg.publicKey));
  const kh = reg.keyHandle;
  const authData = new Uint8Array(32 + 1 + 4 + 16 + 2 + kh.length + cose.length);
  authData.set(rpIdHash, 0);
  authData[32] = FLAG_UP | FLAG_AT;
  // counter (33..37) and AAGUID (37..53) stay zero.
  authData[53] = kh.length >> 8;
  authData[54] = kh.length & 0xff;
  authData.set(kh, 55);
  authData.set(cose, 55 + kh.length);
  return {
    fmt: 'fido-u2f',
    authData,
    attStmt: new Map<string, unknown>([
      ['sig', reg.signature],
      ['x5c', [reg.certificate]],
    ]),
  };
}

/** Authenticator data of a U2F assertion: rpIdHash, flags from the user-presence byte, the counter. */
export function authDataFromAuthentication(rpIdHash: Uint8Array, auth: U2fAuthentication): Uint8Array {
  if (rpIdHash.length !== 32) throw new Ctap1Error('BAD_APDU', 'rpIdHash must be 32 bytes');
  const out = new Uint8Array(37);
  out.set(rpIdHash, 0);
  out[32] = auth.userPresence & FLAG_UP;
  out.set(u32(auth.counter), 33);
  return out;
}
