import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeAssertion, makeRegistration } from '../../../test/webauthn-core/support/authenticator.js';
import { encodeCtap } from '../cbor/index.js';
import { toBase64Url, verifyAuthentication, verifyRegistration } from './index.js';

const rpId = 'example.com';
const origin = 'https://example.com';

describe('verifyAuthentication key cache', () => {
  it('is keyed by credential ID but never trusts a cached key for different key bytes', async () => {
    const a = makeRegistration({ rpId, origin, challenge: new Uint8Array(8) });
    const b = makeRegistration({
      rpId,
      origin,
      challenge: new Uint8Array(8),
      credentialId: Buffer.from(a.credentialId, 'base64url'),
    });
    const challenge = new Uint8Array(randomBytes(32));
    const opts = { expectedChallenge: toBase64Url(challenge), expectedOrigin: origin, expectedRpId: rpId };
    const keyA = encodeCtap(a.credential.coseKey);
    const keyB = encodeCtap(b.credential.coseKey);
    const byA = makeAssertion({
      credential: a.credential,
      credentialId: a.credentialId,
      rpId,
      origin,
      challenge,
    });
    const byB = makeAssertion({
      credential: b.credential,
      credentialId: a.credentialId,
      rpId,
      origin,
      challenge,
    });
    await expect(
      verifyAuthentication({
        response: byA.response,
        ...opts,
        credential: { id: a.credentialId, publicKey: keyA, signCount: 0 },
      }),
    ).resolves.toMatchObject({ signCount: 1 });
    // Same ID, other key: B's signature verifies with B's key and A's signature does not.
    await expect(
      verifyAuthentication({
        response: byB.response,
        ...opts,
        credential: { id: a.credentialId, publicKey: keyB, signCount: 0 },
      }),
    ).resolves.toMatchObject({ signCount: 1 });
    await expect(
      verifyAuthentication({
        response: byA.response,
        ...opts,
        credential: { id: a.credentialId, publicKey: keyB, signCount: 0 },
      }),
    ).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
    // A caller mutating its key bytes after a call does not poison the cache.
    const mutable = keyA.slice();
    await verifyAuthentication({
      response: byA.response,
      ...opts,
      credential: { id: a.credentialId, publicKey: mutable, signCount: 0 },
    });
    mutable.set(keyB.subarray(0, mutable.length));
    await expect(
      verifyAuthentication({
        response: byA.response,
        ...opts,
        credential: { id: a.credentialId, publicKey: mutable, signCount: 0 },
      }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/SIGNATURE_INVALID|PUBLIC_KEY_INVALID/) });
  });

  it('registration returns key bytes that authentication accepts, and lists of origins and RP IDs', async () => {
    const challenge = new Uint8Array(randomBytes(16));
    const reg = makeRegistration({ rpId, origin, challenge, fmt: 'packed-self' });
    const verified = await verifyRegistration({
      response: reg.response,
      expectedChallenge: toBase64Url(challenge),
      expectedOrigin: ['https://other.example', origin],
      expectedRpId: ['other.example', rpId],
    });
    expect(verified.aaguid).toBe('00000000-0000-0000-0000-000000000000');
    const a = makeAssertion({
      credential: reg.credential,
      credentialId: reg.credentialId,
      rpId,
      origin,
      challenge,
      signCount: 0,
    });
    await expect(
      verifyAuthentication({
        response: a.response,
        expectedChallenge: toBase64Url(challenge),
        expectedOrigin: [origin],
        expectedRpId: [rpId],
        credential: { id: verified.credentialId, publicKey: verified.publicKey, signCount: 0 },
      }),
    ).resolves.toMatchObject({ signCount: 0 });
  });
});
