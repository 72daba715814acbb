import { randomBytes } from 'node:crypto';
import { verifyAuthenticationResponse, verifyRegistrationResponse } from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import {
  FLAG,
  type Fmt,
  makeAssertion,
  makeAttestationCa,
  makeRegistration,
} from '../../../test/webauthn-core/support/authenticator.js';
import type { TestAlg } from '../../../test/webauthn-core/support/keys.js';
import { toBase64Url, verifyAuthentication, verifyRegistration } from './index.js';

/**
 * Round trips with @simplewebauthn/server as the independent oracle:
 * - responses built with our encoder (encodeCtap, buildClientDataJSON) must satisfy SimpleWebAuthn, and us;
 * - responses built with SimpleWebAuthn's CBOR encoder (isoCBOR) must satisfy us, and SimpleWebAuthn.
 */

const rpId = 'login.example.com';
const origin = 'https://login.example.com';

const algs: TestAlg[] = ['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'PS256'];
const encoders = [
  ['our encodeCtap', undefined],
  ['SimpleWebAuthn isoCBOR', (v: unknown) => isoCBOR.encode(v as Parameters<typeof isoCBOR.encode>[0])],
] as const;

describe('round trips with @simplewebauthn/server', () => {
  for (const [encName, encode] of encoders) {
    it.each(algs)(`%s, none and packed self attestation, CBOR by ${encName}`, async (alg) => {
      for (const fmt of ['none', 'packed-self'] as Fmt[]) {
        const challenge = new Uint8Array(randomBytes(32));
        const reg = makeRegistration({ alg, rpId, origin, challenge, fmt, ...(encode ? { encode } : {}) });
        const theirs = await verifyRegistrationResponse({
          response: reg.response,
          expectedChallenge: toBase64Url(challenge),
          expectedOrigin: origin,
          expectedRPID: rpId,
          supportedAlgorithmIDs: [-7, -35, -36, -8, -257, -37],
        });
        expect(theirs.verified).toBe(true);
        const ours = await verifyRegistration({
          response: reg.response,
          expectedChallenge: toBase64Url(challenge),
          expectedOrigin: origin,
          expectedRpId: rpId,
        });
        expect(ours.attestationType).toBe(fmt === 'none' ? 'none' : 'self');
        expect(ours.credentialId).toBe(theirs.registrationInfo!.credential.id);
        expect(ours.publicKey).toEqual(new Uint8Array(theirs.registrationInfo!.credential.publicKey));
        expect(ours.algorithm).toBe(reg.credential.alg);

        for (const signCount of [0, 7]) {
          const authChallenge = new Uint8Array(randomBytes(32));
          const a = makeAssertion({
            credential: reg.credential,
            credentialId: reg.credentialId,
            rpId,
            origin,
            challenge: authChallenge,
            signCount,
          });
          const theirAuth = await verifyAuthenticationResponse({
            response: a.response,
            expectedChallenge: toBase64Url(authChallenge),
            expectedOrigin: origin,
            expectedRPID: rpId,
            credential: { id: ours.credentialId, publicKey: new Uint8Array(ours.publicKey), counter: 0 },
          });
          expect(theirAuth.verified).toBe(true);
          const ourAuth = await verifyAuthentication({
            response: a.response,
            expectedChallenge: toBase64Url(authChallenge),
            expectedOrigin: origin,
            expectedRpId: rpId,
            credential: { id: ours.credentialId, publicKey: ours.publicKey, signCount: 0 },
          });
          expect(ourAuth.signCount).toBe(signCount);
          expect(ourAuth.flags.uv).toBe(true);
        }
      }
    });
  }

  it('packed x5c and fido-u2f attestation from a generated CA: both accept, ours checks the chain', async () => {
    const aaguid = new Uint8Array(randomBytes(16));
    const ca = await makeAttestationCa(aaguid);
    const other = await makeAttestationCa();
    for (const fmt of ['packed-x5c', 'fido-u2f'] as Fmt[]) {
      const challenge = new Uint8Array(randomBytes(32));
      const reg = makeRegistration({
        rpId,
        origin,
        challenge,
        fmt,
        ca,
        ...(fmt === 'packed-x5c' ? { aaguid } : {}),
      });
      const opts = { expectedChallenge: toBase64Url(challenge), expectedOrigin: origin };
      const theirs = await verifyRegistrationResponse({
        response: reg.response,
        ...opts,
        expectedRPID: rpId,
      });
      expect(theirs.verified).toBe(true);
      const ours = await verifyRegistration({
        response: reg.response,
        ...opts,
        expectedRpId: rpId,
        trustAnchors: [ca.rootDer],
      });
      expect(ours.attestationType).toBe('basic');
      expect(ours.fmt).toBe(fmt === 'fido-u2f' ? 'fido-u2f' : 'packed');
      await expect(
        verifyRegistration({
          response: reg.response,
          ...opts,
          expectedRpId: rpId,
          trustAnchors: [other.rootDer],
        }),
      ).rejects.toMatchObject({ code: 'ATTESTATION_UNTRUSTED' });
    }
  });

  it('a packed x5c certificate whose AAGUID extension differs from authData is refused', async () => {
    const ca = await makeAttestationCa(new Uint8Array(16).fill(1));
    const challenge = new Uint8Array(randomBytes(32));
    const reg = makeRegistration({
      rpId,
      origin,
      challenge,
      fmt: 'packed-x5c',
      ca,
      aaguid: new Uint8Array(16).fill(2),
    });
    await expect(
      verifyRegistration({
        response: reg.response,
        expectedChallenge: toBase64Url(challenge),
        expectedOrigin: origin,
        expectedRpId: rpId,
      }),
    ).rejects.toMatchObject({ code: 'ATTESTATION_INVALID' });
  });

  it('BE/BS flags: both libraries read backup state the same way', async () => {
    const challenge = new Uint8Array(randomBytes(32));
    const reg = makeRegistration({
      rpId,
      origin,
      challenge,
      flags: FLAG.UP | FLAG.UV | FLAG.AT | FLAG.BE | FLAG.BS,
    });
    const opts = {
      response: reg.response,
      expectedChallenge: toBase64Url(challenge),
      expectedOrigin: origin,
    };
    const theirs = await verifyRegistrationResponse({ ...opts, expectedRPID: rpId });
    const ours = await verifyRegistration({ ...opts, expectedRpId: rpId });
    expect(ours.flags.be).toBe(theirs.registrationInfo!.credentialDeviceType === 'multiDevice');
    expect(ours.flags.bs).toBe(theirs.registrationInfo!.credentialBackedUp);
  });
});
