import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeAssertion, makeRegistration } from '../../../test/webauthn-core/support/authenticator.js';
import {
  fromBase64Url,
  parseClientDataJSON,
  toBase64Url,
  validateRpId,
  verifyAuthentication,
  verifyRegistration,
  WebAuthnError,
} from './index.js';

const ours = (err: unknown) => expect(err).toBeInstanceOf(WebAuthnError);

describe('fuzz: small parsers', () => {
  it('fromBase64Url: any string decodes or throws INVALID_BASE64URL; valid text round-trips', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        try {
          const bytes = fromBase64Url(s);
          expect(toBase64Url(bytes)).toBe(s);
        } catch (err) {
          ours(err);
          expect((err as WebAuthnError).code).toBe('INVALID_BASE64URL');
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('parseClientDataJSON: arbitrary bytes and JSON give a result or CLIENT_DATA_MALFORMED', () => {
    const inputs = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.json().map((j) => new TextEncoder().encode(j)),
      fc
        .record(
          {
            type: fc.anything(),
            challenge: fc.anything(),
            origin: fc.anything(),
            crossOrigin: fc.anything(),
            topOrigin: fc.anything(),
          },
          { requiredKeys: [] },
        )
        .map((o) => new TextEncoder().encode(JSON.stringify(o) ?? '')),
    );
    fc.assert(
      fc.property(inputs, (bytes) => {
        try {
          parseClientDataJSON(bytes);
        } catch (err) {
          ours(err);
          expect((err as WebAuthnError).code).toBe('CLIENT_DATA_MALFORMED');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('validateRpId: arbitrary origins and RP IDs return a string or throw a SecurityError DOMException', () => {
    const host = fc.oneof(fc.domain(), fc.ipV4(), fc.string({ maxLength: 20 }), fc.constant('localhost'));
    const originArb = fc.oneof(
      fc
        .tuple(
          fc.constantFrom('https://', 'http://', 'ftp://', 'data:', ''),
          host,
          fc.constantFrom('', ':8443', '/x', '.'),
        )
        .map((p) => p.join('')),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(
        originArb,
        fc.option(fc.oneof(host, fc.string({ maxLength: 20 })), { nil: undefined }),
        (origin, rpId) => {
          try {
            const id = validateRpId(origin, rpId);
            expect(typeof id).toBe('string');
            expect(id.length).toBeGreaterThan(0);
          } catch (err) {
            expect(err).toBeInstanceOf(DOMException);
            expect((err as DOMException).name).toBe('SecurityError');
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('fuzz: verifiers', () => {
  const rpId = 'login.example.com';
  const origin = 'https://login.example.com';
  const challenge = new Uint8Array(randomBytes(32));
  const reg = makeRegistration({ rpId, origin, challenge, fmt: 'packed-self' });
  const assertion = makeAssertion({
    credential: reg.credential,
    credentialId: reg.credentialId,
    rpId,
    origin,
    challenge,
  });
  const base64Field = fc.oneof(
    fc.uint8Array({ maxLength: 120 }).map(toBase64Url),
    fc.string({ maxLength: 30 }),
  );

  it('verifyRegistration: arbitrary JSON shapes and field contents throw only WebAuthnError', async () => {
    const response = fc.oneof(
      fc.anything(),
      fc.record({
        id: fc.constant(reg.credentialId),
        rawId: fc.constant(reg.credentialId),
        type: fc.constantFrom('public-key', 'x'),
        response: fc.record({
          clientDataJSON: fc.oneof(fc.constant(reg.response.response.clientDataJSON), base64Field),
          attestationObject: base64Field,
        }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(response, async (r) => {
        await verifyRegistration({
          response: r as never,
          expectedChallenge: toBase64Url(challenge),
          expectedOrigin: origin,
          expectedRpId: rpId,
        }).then(() => expect.unreachable('accepted a fuzzed registration'), ours);
      }),
      { numRuns: 1500 },
    );
  });

  it('verifyAuthentication: arbitrary field contents throw only WebAuthnError', async () => {
    const response = fc.record({
      id: fc.constant(reg.credentialId),
      rawId: fc.constant(reg.credentialId),
      type: fc.constant('public-key'),
      response: fc.record({
        clientDataJSON: fc.oneof(fc.constant(assertion.response.response.clientDataJSON), base64Field),
        authenticatorData: fc.oneof(fc.constant(assertion.response.response.authenticatorData), base64Field),
        signature: base64Field,
      }),
    });
    await fc.assert(
      fc.asyncProperty(response, async (r) => {
        await verifyAuthentication({
          response: r as never,
          expectedChallenge: toBase64Url(challenge),
          expectedOrigin: origin,
          expectedRpId: rpId,
          credential: {
            id: reg.credentialId,
            publicKey: new Uint8Array(Buffer.from(reg.authData.subarray(37 + 18 + 32))),
            signCount: 0,
          },
        }).then(() => expect.unreachable('accepted a fuzzed assertion'), ours);
      }),
      { numRuns: 1500 },
    );
  });
});
