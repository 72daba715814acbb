import { describe, expect, it } from 'vitest';
import vectors from './__vectors__/webauthn-l3-test-vectors.json' with { type: 'json' };
import {
  parseClientDataJSON,
  toBase64Url,
  verifyAuthentication,
  verifyRegistration,
  WebAuthnError,
} from './index.js';

const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const b64u = (hex: string) => toBase64Url(unhex(hex));
const root = unhex(vectors.attestationRootCertificateHex);

interface Vector {
  anchor: string;
  registration: {
    challenge: string;
    credential_id: string;
    clientDataJSON: string;
    attestationObject: string;
  };
  authentication: { challenge: string; authenticatorData: string; clientDataJSON: string; signature: string };
}

function originOptions(clientDataHex: string) {
  const cd = parseClientDataJSON(unhex(clientDataHex));
  return {
    expectedOrigin: cd.origin,
    ...(cd.topOrigin !== undefined ? { expectedTopOrigin: cd.topOrigin } : {}),
    ...(cd.crossOrigin === true && cd.topOrigin === undefined ? { allowCrossOrigin: true } : {}),
  };
}

async function register(v: Vector, trustAnchors?: Uint8Array[]) {
  const id = b64u(v.registration.credential_id);
  return verifyRegistration({
    response: {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: b64u(v.registration.clientDataJSON),
        attestationObject: b64u(v.registration.attestationObject),
      },
      clientExtensionResults: {},
    },
    expectedChallenge: b64u(v.registration.challenge),
    expectedRpId: vectors.rpId,
    requireUserVerification: false,
    ...originOptions(v.registration.clientDataJSON),
    ...(trustAnchors ? { trustAnchors } : {}),
  });
}

const EXPECTED: Record<string, { fmt: string; type: string; alg: number }> = {
  'sctn-test-vectors-none-es256': { fmt: 'none', type: 'none', alg: -7 },
  'sctn-test-vectors-packed-self-es256': { fmt: 'packed', type: 'self', alg: -7 },
  'sctn-test-vectors-none-es256-crossOrigin': { fmt: 'none', type: 'none', alg: -7 },
  'sctn-test-vectors-none-es256-topOrigin': { fmt: 'none', type: 'none', alg: -7 },
  'sctn-test-vectors-none-es256-long-credential-id': { fmt: 'none', type: 'none', alg: -7 },
  'sctn-test-vectors-packed-es256': { fmt: 'packed', type: 'basic', alg: -7 },
  'sctn-test-vectors-packed-es384': { fmt: 'packed', type: 'basic', alg: -35 },
  'sctn-test-vectors-packed-es512': { fmt: 'packed', type: 'basic', alg: -36 },
  'sctn-test-vectors-packed-rs256': { fmt: 'packed', type: 'basic', alg: -257 },
  'sctn-test-vectors-packed-eddsa': { fmt: 'packed', type: 'basic', alg: -8 },
  'sctn-test-vectors-packed-ed448': { fmt: 'packed', type: 'basic', alg: -53 },
  'sctn-test-vectors-tpm-es256': { fmt: 'tpm', type: 'basic', alg: -7 },
  'sctn-test-vectors-android-key-es256': { fmt: 'android-key', type: 'basic', alg: -7 },
  'sctn-test-vectors-apple-es256': { fmt: 'apple', type: 'basic', alg: -7 },
  'sctn-test-vectors-fido-u2f-es256': { fmt: 'fido-u2f', type: 'basic', alg: -7 },
};

describe('WebAuthn Level 3 §16 test vectors', () => {
  const all = vectors.vectors as Vector[];
  it('has all 15 vectors', () => {
    expect(all).toHaveLength(15);
    expect(Object.keys(EXPECTED).sort()).toEqual(all.map((v) => v.anchor).sort());
  });

  it.each(all.map((v) => [v.anchor, v] as const))(
    '%s: registration and authentication verify',
    async (anchor, v) => {
      const expected = EXPECTED[anchor]!;
      const reg = await register(v);
      expect(reg.fmt).toBe(expected.fmt);
      expect(reg.attestationType).toBe(expected.type);
      expect(reg.algorithm).toBe(expected.alg);
      expect(reg.credentialId).toBe(b64u(v.registration.credential_id));
      if (expected.type === 'basic') {
        // The x5c path must lead to the vectors' attestation root.
        const anchored = await register(v, [root]);
        expect(anchored.attestationType).toBe('basic');
      }
      const auth = await verifyAuthentication({
        response: {
          id: reg.credentialId,
          rawId: reg.credentialId,
          type: 'public-key',
          response: {
            clientDataJSON: b64u(v.authentication.clientDataJSON),
            authenticatorData: b64u(v.authentication.authenticatorData),
            signature: b64u(v.authentication.signature),
          },
          clientExtensionResults: {},
        },
        expectedChallenge: b64u(v.authentication.challenge),
        expectedRpId: vectors.rpId,
        requireUserVerification: false,
        credential: { id: reg.credentialId, publicKey: reg.publicKey, signCount: 0 },
        ...originOptions(v.authentication.clientDataJSON),
      });
      expect(auth.flags.up).toBe(true);
    },
  );

  it('cross-origin vector is refused without allowCrossOrigin/expectedTopOrigin, accepted with allowCrossOrigin', async () => {
    const v = all.find((x) => x.anchor.endsWith('crossOrigin'))!;
    const id = b64u(v.registration.credential_id);
    const base = {
      response: {
        id,
        rawId: id,
        type: 'public-key' as const,
        response: {
          clientDataJSON: b64u(v.registration.clientDataJSON),
          attestationObject: b64u(v.registration.attestationObject),
        },
      },
      expectedChallenge: b64u(v.registration.challenge),
      expectedRpId: vectors.rpId,
      expectedOrigin: vectors.origin,
      requireUserVerification: false,
    };
    await expect(verifyRegistration(base)).rejects.toMatchObject({ code: 'CROSS_ORIGIN' });
    await expect(verifyRegistration({ ...base, allowCrossOrigin: true })).resolves.toMatchObject({
      fmt: 'none',
    });
  });

  it('topOrigin vector is refused when the expected top origin differs', async () => {
    const v = all.find((x) => x.anchor.endsWith('topOrigin'))!;
    const id = b64u(v.registration.credential_id);
    const err = await verifyRegistration({
      response: {
        id,
        rawId: id,
        type: 'public-key',
        response: {
          clientDataJSON: b64u(v.registration.clientDataJSON),
          attestationObject: b64u(v.registration.attestationObject),
        },
      },
      expectedChallenge: b64u(v.registration.challenge),
      expectedRpId: vectors.rpId,
      expectedOrigin: vectors.origin,
      expectedTopOrigin: 'https://elsewhere.example',
      requireUserVerification: false,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebAuthnError);
    expect((err as WebAuthnError).code).toBe('TOP_ORIGIN_MISMATCH');
  });

  it('requireUserVerification (default) refuses vectors whose UV flag is clear', async () => {
    let refused = 0;
    for (const v of all) {
      const uv = (parseInt(v.authentication.authenticatorData.slice(64, 66), 16) & 4) !== 0;
      const reg = await register(v);
      const result = await verifyAuthentication({
        response: {
          id: reg.credentialId,
          rawId: reg.credentialId,
          type: 'public-key',
          response: {
            clientDataJSON: b64u(v.authentication.clientDataJSON),
            authenticatorData: b64u(v.authentication.authenticatorData),
            signature: b64u(v.authentication.signature),
          },
        },
        expectedChallenge: b64u(v.authentication.challenge),
        expectedRpId: vectors.rpId,
        credential: { id: reg.credentialId, publicKey: reg.publicKey, signCount: 0 },
        ...originOptions(v.authentication.clientDataJSON),
      }).catch((e: unknown) => e);
      if (uv) {
        expect(result).not.toBeInstanceOf(Error);
      } else {
        expect((result as WebAuthnError).code).toBe('USER_NOT_VERIFIED');
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });
});
