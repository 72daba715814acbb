import { toBase64Url } from '@shared/webauthn/index.js';
import { describe, expect, it } from 'vitest';
import { FLAG, makeAssertion, makeRegistration } from '../../../test/webauthn-core/support/authenticator';
import { checkAssertion, checkRegistration, type Expectation, ResponseCheckError } from './verify';

const origin = 'https://login.example.com';
const challenge = new Uint8Array(32).fill(9);
const expectation: Expectation = {
  origin,
  crossOrigin: false,
  challenge: toBase64Url(challenge),
  rpId: 'example.com',
  userVerificationRequired: false,
};

function register(overrides: Partial<Parameters<typeof makeRegistration>[0]> = {}) {
  return makeRegistration({ rpId: 'example.com', origin, challenge, fmt: 'packed-self', ...overrides });
}

describe('checkRegistration (shared core verifyRegistration plus exact client data)', () => {
  it('accepts a good registration and returns the page shape and the key record', async () => {
    const reg = register();
    const { response, record } = await checkRegistration(reg.response, expectation);
    expect(response.response.authenticatorData).toBe(toBase64Url(reg.authData));
    expect(response.response.publicKeyAlgorithm).toBe(-7);
    expect(response.response.transports).toEqual(['usb']);
    expect(record).toMatchObject({ rpId: 'example.com', id: reg.credentialId, signCount: 0 });
  });

  it.each([
    ['another origin', { origin: 'https://evil.example.net' }],
    ['another RP ID', { rpId: 'other.example' }],
    [
      'cross-origin client data for a same-origin caller',
      { crossOrigin: true, topOrigin: 'https://top.example' },
    ],
  ])('refuses %s', async (_name, overrides) => {
    const reg = register(overrides);
    await expect(checkRegistration(reg.response, expectation)).rejects.toBeInstanceOf(ResponseCheckError);
  });

  it('refuses a missing UV flag when the RP required user verification', async () => {
    const reg = register({ flags: FLAG.UP | FLAG.AT });
    await expect(
      checkRegistration(reg.response, { ...expectation, userVerificationRequired: true }),
    ).rejects.toThrow(/flag|verification/i);
  });
});

describe('checkAssertion', () => {
  it('verifies the signature against a key registered through the bridge, and the counter', async () => {
    const reg = register();
    const { record } = await checkRegistration(reg.response, expectation);
    const assertion = makeAssertion({
      credential: reg.credential,
      credentialId: reg.credentialId,
      rpId: 'example.com',
      origin,
      challenge,
      signCount: 5,
    });
    const checked = await checkAssertion(assertion.response, expectation, [reg.credentialId], record);
    expect(checked.signCount).toBe(5);
    const replay = checkAssertion(assertion.response, expectation, [], { ...record, signCount: 5 });
    await expect(replay).rejects.toThrow(/SIGN_COUNT/);
  });

  it('refuses a bad signature for a known key', async () => {
    const reg = register();
    const { record } = await checkRegistration(reg.response, expectation);
    const assertion = makeAssertion({
      credential: reg.credential,
      credentialId: reg.credentialId,
      rpId: 'example.com',
      origin,
      challenge,
    });
    const sig = assertion.signature.slice();
    sig[sig.length - 1] ^= 1;
    const forged = {
      ...assertion.response,
      response: { ...assertion.response.response, signature: toBase64Url(sig) },
    };
    await expect(checkAssertion(forged, expectation, [], record)).rejects.toThrow(/SIGNATURE/);
  });

  it('for an unknown key still checks RP ID hash, challenge and the allow list', async () => {
    const reg = register();
    const ok = makeAssertion({
      credential: reg.credential,
      credentialId: reg.credentialId,
      rpId: 'example.com',
      origin,
      challenge,
    });
    await expect(checkAssertion(ok.response, expectation, [], undefined)).resolves.toMatchObject({
      signCount: 1,
    });
    await expect(checkAssertion(ok.response, expectation, ['AAAA'], undefined)).rejects.toThrow(
      /did not allow/,
    );
    const otherRp = makeAssertion({
      credential: reg.credential,
      credentialId: reg.credentialId,
      rpId: 'other.example',
      origin,
      challenge,
    });
    await expect(checkAssertion(otherRp.response, expectation, [], undefined)).rejects.toThrow(
      /another RP ID/,
    );
    const otherChallenge = makeAssertion({
      credential: reg.credential,
      credentialId: reg.credentialId,
      rpId: 'example.com',
      origin,
      challenge: new Uint8Array(32),
    });
    await expect(checkAssertion(otherChallenge.response, expectation, [], undefined)).rejects.toThrow(
      /challenge/,
    );
  });
});
