// U2F replies turned into WebAuthn structures, checked by @simplewebauthn/server (which verifies
// fido-u2f attestation) with a registration made by the virtual key's U2F side.
import { createHash, randomBytes } from 'node:crypto';
import { decodeCtap, encodeCtap } from '@shared/cbor/index.js';
import { buildClientDataJSON } from '@shared/webauthn/index.js';
import { verifyRegistrationResponse } from '@simplewebauthn/server';
import { describe, expect, it } from 'vitest';
import { StateStore } from '../virtual-key/state.js';
import { ensureU2fAttestation, U2fAuthenticator } from '../virtual-key/u2f.js';
import { decodeResponseApdu, encodeCommandApdu, SW } from './apdu.js';
import { parseAuthentication, parseRegistration, registerRequest } from './messages.js';
import { USER_PUBLIC_KEY } from './u2f-vectors.js';
import { attestationFromRegistration, authDataFromAuthentication, coseKeyFromU2fPoint } from './webauthn.js';

const sha256 = (d: Uint8Array | string) => new Uint8Array(createHash('sha256').update(d).digest());
const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');

describe('U2F → WebAuthn', () => {
  it('builds a fido-u2f attestation object that SimpleWebAuthn verifies', async () => {
    const store = new StateStore();
    await ensureU2fAttestation(store);
    const key = new U2fAuthenticator(store);
    const challenge = b64u(randomBytes(32));
    const origin = 'https://login.example.com';
    const clientDataJSON = buildClientDataJSON({
      type: 'webauthn.create',
      challenge,
      origin,
      crossOrigin: false,
    });
    const rpIdHash = sha256('example.com');
    const apdu = encodeCommandApdu(registerRequest(sha256(clientDataJSON), rpIdHash));
    const reply = decodeResponseApdu(await key.handle(apdu, { testPresence: async () => true }));
    expect(reply.sw).toBe(SW.NO_ERROR);
    const reg = parseRegistration(reply.data);
    const att = attestationFromRegistration(rpIdHash, reg);
    expect(att.authData[32]).toBe(0x41);
    expect(att.authData.subarray(33, 53)).toEqual(new Uint8Array(20));
    const attestationObject = encodeCtap(
      new Map<string, unknown>([
        ['fmt', att.fmt],
        ['attStmt', att.attStmt],
        ['authData', att.authData],
      ]),
    );
    const id = b64u(reg.keyHandle);
    const verified = await verifyRegistrationResponse({
      response: {
        id,
        rawId: id,
        type: 'public-key',
        clientExtensionResults: {},
        response: { clientDataJSON: b64u(clientDataJSON), attestationObject: b64u(attestationObject) },
      },
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: 'example.com',
      requireUserVerification: false,
    });
    expect(verified.verified).toBe(true);
    expect(verified.registrationInfo).toMatchObject({ fmt: 'fido-u2f', userVerified: false });
    expect(verified.registrationInfo!.credential.id).toBe(id);
  });

  it('makes a COSE EC2 ES256 key from the uncompressed point, and refuses other points', () => {
    const cose = coseKeyFromU2fPoint(USER_PUBLIC_KEY);
    const round = decodeCtap(encodeCtap(cose)) as Map<number, unknown>;
    expect([...round.keys()]).toEqual([1, 3, -1, -2, -3]);
    expect(round.get(1)).toBe(2);
    expect(round.get(3)).toBe(-7);
    expect(round.get(-2)).toEqual(USER_PUBLIC_KEY.slice(1, 33));
    expect(round.get(-3)).toEqual(USER_PUBLIC_KEY.slice(33));
    expect(() => coseKeyFromU2fPoint(USER_PUBLIC_KEY.slice(1))).toThrow(/65-byte/);
    const compressed = USER_PUBLIC_KEY.slice();
    compressed[0] = 2;
    expect(() => coseKeyFromU2fPoint(compressed)).toThrow(/uncompressed/);
  });

  it('builds assertion authenticator data: UP from the presence byte, the counter big-endian', () => {
    const rpIdHash = sha256('example.com');
    const head = new Uint8Array([0x01, 0x00, 0x01, 0x02, 0x03]);
    const sig = new Uint8Array([0x30, 6, 2, 1, 1, 2, 1, 1]);
    const auth = parseAuthentication(new Uint8Array([...head, ...sig]));
    const authData = authDataFromAuthentication(rpIdHash, auth);
    expect(authData).toHaveLength(37);
    expect(authData.subarray(0, 32)).toEqual(rpIdHash);
    expect(authData[32]).toBe(0x01);
    expect(Buffer.from(authData.subarray(33)).readUInt32BE(0)).toBe(0x010203);
    // Bits other than UP in the presence byte are not WebAuthn flags.
    expect(authDataFromAuthentication(rpIdHash, { ...auth, userPresence: 0xfe })[32]).toBe(0);
    expect(() => authDataFromAuthentication(new Uint8Array(31), auth)).toThrow(/32 bytes/);
  });
});
