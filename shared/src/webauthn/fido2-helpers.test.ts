import { createPublicKey } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { encodeCtap } from '../cbor/index.js';
import {
  type AuthenticationResponseInput,
  fromBase64Url,
  parseClientDataJSON,
  type RegistrationResponseInput,
  verifyAuthentication,
  verifyRegistration,
  WebAuthnError,
} from './index.js';

/** Vectors from the fido2-helpers package (real authenticators, as used by fido2-lib's tests). */
const helpers = createRequire(import.meta.url)('fido2-helpers') as {
  server: Record<string, { id: string; rawId: string; response: Record<string, string> }>;
  lib: { assnPublicKey: string; assnPublicKeyWindowsHello: string };
};

function expectations(clientDataJSON: string) {
  const cd = parseClientDataJSON(fromBase64Url(canon(clientDataJSON)));
  const rpId = new URL(cd.origin).hostname;
  return {
    expectedChallenge: cd.challenge,
    expectedOrigin: cd.origin,
    expectedRpId: rpId,
    requireUserVerification: false,
  };
}

/** fido2-helpers predates L3 JSON: some fields are padded or standard base64. Re-encode as base64url. */
const canon = (s: string) => Buffer.from(s, 'base64').toString('base64url');

function l3(msg: { id: string; rawId: string; response: Record<string, string> }) {
  const response = Object.fromEntries(Object.entries(msg.response).map(([k, v]) => [k, canon(v)]));
  return { id: canon(msg.id), rawId: canon(msg.rawId), type: 'public-key' as const, response };
}

/** PEM SPKI → COSE_Key bytes (through node:crypto's JWK export, independent of our code). */
function coseFromPem(pem: string, alg: number): Uint8Array {
  const jwk = createPublicKey(pem).export({ format: 'jwk' });
  const b = (s?: string) => new Uint8Array(Buffer.from(s ?? '', 'base64url'));
  if (jwk.kty === 'EC') {
    return encodeCtap(
      new Map<number, unknown>([
        [1, 2],
        [3, alg],
        [-1, 1],
        [-2, b(jwk.x)],
        [-3, b(jwk.y)],
      ]),
    );
  }
  return encodeCtap(
    new Map<number, unknown>([
      [1, 3],
      [3, alg],
      [-1, b(jwk.n)],
      [-2, b(jwk.e)],
    ]),
  );
}

describe('fido2-helpers registration vectors', () => {
  it.each([
    ['challengeResponseAttestationNoneMsgB64Url', 'none', 'none'],
    ['challengeResponseAttestationU2fMsgB64Url', 'fido-u2f', 'basic'],
    ['challengeResponseAttestationU2fHypersecuB64UrlMsg', 'fido-u2f', 'basic'],
    ['challengeResponseAttestationPackedB64UrlMsg', 'packed', 'basic'],
    ['challengeResponseAttestationTpmB64UrlMsg', 'tpm', 'basic'],
  ])('%s verifies as %s', async (name, fmt, type) => {
    const msg = helpers.server[name]!;
    const result = await verifyRegistration({
      response: l3(msg) as unknown as RegistrationResponseInput,
      ...expectations(msg.response.clientDataJSON!),
    });
    expect(result.fmt).toBe(fmt);
    expect(result.attestationType).toBe(type);
    expect(result.credentialId).toBe(canon(msg.rawId));
  });

  it('the android-safetynet vector (pre-L3 client data: no type, bare-host origin) is refused', async () => {
    const msg = helpers.server.challengeResponseAttestationSafetyNetMsgB64Url!;
    const err = await verifyRegistration({
      response: l3(msg) as unknown as RegistrationResponseInput,
      expectedChallenge: 'AAAA',
      expectedOrigin: 'https://webauthn.org',
      expectedRpId: 'webauthn.org',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebAuthnError);
    expect((err as WebAuthnError).code).toBe('CLIENT_DATA_MALFORMED');
  });
});

describe('fido2-helpers assertion vectors', () => {
  it.each([
    ['assertionResponseMsgB64Url', 'assnPublicKey', -7],
    ['assertionResponseWindowsHelloMsgB64Url', 'assnPublicKeyWindowsHello', -257],
  ] as const)('%s verifies', async (name, keyName, alg) => {
    const msg = helpers.server[name]!;
    const { userHandle: _ignored, ...response } = msg.response;
    const publicKey = coseFromPem(helpers.lib[keyName], alg);
    const result = await verifyAuthentication({
      response: l3({ ...msg, response }) as unknown as AuthenticationResponseInput,
      credential: { id: canon(msg.rawId), publicKey, signCount: 0 },
      ...expectations(msg.response.clientDataJSON!),
    });
    expect(result.flags.up).toBe(true);
  });
});
