import { createHash, createPublicKey, generateKeyPairSync, sign, verify, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Ctap1Error, decodeCommandApdu, encodeCommandApdu, U2F_AUTH } from './apdu.js';
import {
  authenticateRequest,
  derElementLength,
  parseAuthentication,
  parseRegistration,
  parseVersion,
  registerRequest,
  versionRequest,
} from './messages.js';
import {
  KEY_HANDLE,
  REGISTER_REQUEST_DATA,
  REGISTER_RESPONSE_DATA,
  REGISTER_SIGNATURE,
  SIGN_APP_ID,
  SIGN_CLIENT_PARAM,
  SIGN_RESPONSE_DATA,
  USER_PUBLIC_KEY,
} from './u2f-vectors.js';

const sha256 = (d: Uint8Array | string) => new Uint8Array(createHash('sha256').update(d).digest());
const cat = (...p: Uint8Array[]) => new Uint8Array(Buffer.concat(p));
/** SPKI DER for an uncompressed P-256 point (fixed prefix), so node:crypto can verify with it. */
const p256Spki = (point: Uint8Array) =>
  createPublicKey({
    key: Buffer.concat([Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'), point]),
    format: 'der',
    type: 'spki',
  });

describe('U2F_REGISTER', () => {
  it('encodes the specification example request as an extended APDU', () => {
    const clientParam = REGISTER_REQUEST_DATA.slice(0, 32);
    const appParam = REGISTER_REQUEST_DATA.slice(32);
    const apdu = encodeCommandApdu(registerRequest(clientParam, appParam));
    expect(Buffer.from(apdu.subarray(0, 7)).toString('hex')).toBe('00010000000040');
    expect(apdu.subarray(7, 71)).toEqual(REGISTER_REQUEST_DATA);
    expect(Buffer.from(apdu.subarray(71)).toString('hex')).toBe('0000');
    expect(decodeCommandApdu(apdu)).toMatchObject({ ins: 1, p1: 0, data: REGISTER_REQUEST_DATA, ne: 65536 });
  });

  it('parses the specification example reply, and its signature verifies with the certificate', () => {
    const reg = parseRegistration(REGISTER_RESPONSE_DATA);
    expect(reg.publicKey).toEqual(USER_PUBLIC_KEY);
    expect(reg.keyHandle).toEqual(KEY_HANDLE);
    expect(reg.signature).toEqual(REGISTER_SIGNATURE);
    const cert = new X509Certificate(reg.certificate);
    expect(cert.subject).toContain('PilotGnubby');
    expect(reg.certificate.length).toBe(0x13c + 4);
    const signed = cat(
      new Uint8Array([0]),
      REGISTER_REQUEST_DATA.slice(32),
      REGISTER_REQUEST_DATA.slice(0, 32),
      reg.keyHandle,
      reg.publicKey,
    );
    expect(verify('sha256', signed, cert.publicKey, reg.signature)).toBe(true);
  });

  it('rejects malformed replies with named errors', () => {
    const bad = (mutate: (b: Uint8Array) => Uint8Array) => () =>
      parseRegistration(mutate(REGISTER_RESPONSE_DATA.slice()));
    const set = (at: number, value: number) => (b: Uint8Array) => {
      b[at] = value;
      return b;
    };
    expect(bad(set(0, 0x04))).toThrow(/not 0x05/);
    expect(bad(set(1, 0x02))).toThrow(/uncompressed/);
    expect(bad(set(66, 0))).toThrow(/empty/);
    expect(bad(set(66, 0xff))).toThrow(Ctap1Error);
    expect(bad((b) => b.slice(0, 200))).toThrow(/certificate is truncated/);
    expect(bad((b) => b.slice(0, 67 + 64 + 0x140))).toThrow(/signature/);
    expect(() => parseRegistration(new Uint8Array(10))).toThrow(/too short/);
  });

  it('refuses parameters that are not 32 bytes', () => {
    expect(() => registerRequest(new Uint8Array(31), new Uint8Array(32))).toThrow(/challenge parameter/);
    expect(() => registerRequest(new Uint8Array(32), new Uint8Array(33))).toThrow(/application parameter/);
  });
});

describe('U2F_AUTHENTICATE', () => {
  it('encodes check-only and enforce-user-presence requests', () => {
    const app = sha256(SIGN_APP_ID);
    for (const mode of [U2F_AUTH.CHECK_ONLY, U2F_AUTH.ENFORCE_USER_PRESENCE]) {
      const req = authenticateRequest(mode, SIGN_CLIENT_PARAM, app, KEY_HANDLE);
      expect(req.p1).toBe(mode);
      expect(req.data).toEqual(cat(SIGN_CLIENT_PARAM, app, new Uint8Array([64]), KEY_HANDLE));
    }
    expect(() => authenticateRequest(3, SIGN_CLIENT_PARAM, app, new Uint8Array(256))).toThrow(/1-255/);
    expect(() => authenticateRequest(3, SIGN_CLIENT_PARAM, app, new Uint8Array(0))).toThrow(/1-255/);
  });

  it('parses the specification example reply', () => {
    const auth = parseAuthentication(SIGN_RESPONSE_DATA);
    expect(auth.userPresence).toBe(1);
    expect(auth.counter).toBe(1);
    expect(auth.signature).toEqual(SIGN_RESPONSE_DATA.slice(5));
    expect(auth.signature).toHaveLength(70);
  });

  it('a reply made with node:crypto verifies over appParam || presence || counter || clientParam', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const point = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-65));
    const head = new Uint8Array([1, 0, 0, 1, 2]);
    const app = sha256(SIGN_APP_ID);
    const sig = sign('sha256', cat(app, head, SIGN_CLIENT_PARAM), privateKey);
    const auth = parseAuthentication(cat(head, sig));
    expect(auth.counter).toBe(258);
    const signed = cat(app, new Uint8Array([auth.userPresence]), head.slice(1), SIGN_CLIENT_PARAM);
    expect(verify('sha256', signed, p256Spki(point), auth.signature)).toBe(true);
    expect(USER_PUBLIC_KEY).toHaveLength(65);
  });

  it('rejects short or non-DER replies', () => {
    expect(() => parseAuthentication(SIGN_RESPONSE_DATA.slice(0, 6))).toThrow(/too short/);
    const notDer = SIGN_RESPONSE_DATA.slice();
    notDer[5] = 0x31;
    expect(() => parseAuthentication(notDer)).toThrow(/not DER/);
  });
});

describe('U2F_VERSION and DER lengths', () => {
  it('encodes U2F_VERSION with no data and reads the ASCII reply', () => {
    expect(Buffer.from(encodeCommandApdu(versionRequest())).toString('hex')).toBe('00030000000000');
    expect(parseVersion(new TextEncoder().encode('U2F_V2'))).toBe('U2F_V2');
    expect(() => parseVersion(new Uint8Array([0x55, 0x00]))).toThrow(/ASCII/);
    expect(() => parseVersion(new Uint8Array(0))).toThrow(Ctap1Error);
  });

  it('reads short and long DER length forms and refuses non-minimal ones', () => {
    expect(derElementLength(new Uint8Array([0x30, 0x03, 1, 2, 3]), 0)).toBe(5);
    expect(derElementLength(new Uint8Array([0x30, 0x81, 0x80]), 0)).toBe(3 + 0x80);
    expect(derElementLength(new Uint8Array([0x30, 0x82, 0x01, 0x3c]), 0)).toBe(4 + 0x13c);
    expect(() => derElementLength(new Uint8Array([0x30, 0x81, 0x7f]), 0)).toThrow(/shortest/);
    expect(() => derElementLength(new Uint8Array([0x30, 0x82, 0x00, 0x90]), 0)).toThrow(/shortest/);
    expect(() => derElementLength(new Uint8Array([0x30, 0x80]), 0)).toThrow(/0 bytes/);
    expect(() => derElementLength(new Uint8Array([0x30, 0x85, 1, 1, 1, 1, 1]), 0)).toThrow(/5 bytes/);
    expect(() => derElementLength(new Uint8Array([0x30, 0x82, 0x01]), 0)).toThrow(/truncated/);
  });
});
