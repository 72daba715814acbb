import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuthenticationResponseInput,
  fromBase64Url,
  type RegistrationResponseInput,
  toBase64Url,
  type VerifiedRegistration,
  verifyAuthentication,
  verifyRegistration,
} from '../../shared/src/index.js';
import { addCdpAuthenticator } from '../support/cdp-authenticator';
import { type ChromiumSession, launchChromium } from '../support/chromium';
import {
  buildCoreBundle,
  type CoreGlobal,
  L3_VECTORS,
  runL3VectorsInPage,
  runSmallChecksInPage,
  SMALL_CHECKS_EXPECTED,
  serveCore,
} from './support/page-core';

/**
 * Real browser, real authenticator model: Chromium's CDP virtual authenticator (CTAP2, USB, resident
 * keys, UV) makes credentials and assertions in a localhost page; our core verifies them in Node and,
 * bundled for the browser by esbuild, inside the page itself (proving it needs no Node built-ins).
 */

let session: ChromiumSession;
let served: { origin: string; close(): Promise<void> };
let page: Page;
let origin: string;

beforeAll(async () => {
  served = await serveCore(await buildCoreBundle());
  origin = served.origin;
  session = await launchChromium({ extension: false, nativeHost: false });
  page = await session.browser.newPage();
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'mfaCore' in globalThis, { timeout: 20_000 });
  await addCdpAuthenticator(await page.createCDPSession(), { residentKey: true, userVerification: true });
});

afterAll(async () => {
  await session?.close();
  await served?.close();
});

async function create(
  challenge: Uint8Array,
  alg: number,
  attestation: string,
): Promise<RegistrationResponseInput> {
  return page.evaluate(
    async (challengeB64, alg, attestation) => {
      const { fromBase64Url } = (globalThis as unknown as CoreGlobal).mfaCore;
      const cred = (await navigator.credentials.create({
        publicKey: {
          challenge: fromBase64Url(challengeB64) as Uint8Array<ArrayBuffer>,
          rp: { id: 'localhost', name: 'mfa-bridge test' },
          user: { id: new Uint8Array([1, 2, 3, 4]), name: 'alice', displayName: 'Alice' },
          pubKeyCredParams: [{ type: 'public-key', alg }],
          authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
          attestation: attestation as AttestationConveyancePreference,
        },
      })) as PublicKeyCredential;
      return cred.toJSON() as RegistrationResponseInput;
    },
    toBase64Url(challenge),
    alg,
    attestation,
  );
}

async function get(challenge: Uint8Array, credentialId: string): Promise<AuthenticationResponseInput> {
  return page.evaluate(
    async (challengeB64, id) => {
      const { fromBase64Url } = (globalThis as unknown as CoreGlobal).mfaCore;
      const cred = (await navigator.credentials.get({
        publicKey: {
          challenge: fromBase64Url(challengeB64) as Uint8Array<ArrayBuffer>,
          rpId: 'localhost',
          allowCredentials: [{ type: 'public-key', id: fromBase64Url(id) as Uint8Array<ArrayBuffer> }],
          userVerification: 'required',
        },
      })) as PublicKeyCredential;
      return cred.toJSON() as AuthenticationResponseInput;
    },
    toBase64Url(challenge),
    credentialId,
  );
}

const random = () => crypto.getRandomValues(new Uint8Array(32));

describe('Chromium virtual authenticator responses, verified by our core', () => {
  it.each([
    ['ES256', -7, 'none'],
    ['ES256', -7, 'direct'],
    ['RS256', -257, 'direct'],
    ['EdDSA', -8, 'direct'],
  ] as const)(
    '%s (alg %i), attestation %s: create and two gets verify in Node and in the page',
    async (_name, alg, attestation) => {
      const regChallenge = random();
      const regJson = await create(regChallenge, alg, attestation);
      const regOpts = {
        expectedChallenge: toBase64Url(regChallenge),
        expectedOrigin: origin,
        expectedRpId: 'localhost',
      };
      const reg = await verifyRegistration({ response: regJson, ...regOpts });
      expect(reg.algorithm).toBe(alg);
      expect(reg.flags.uv).toBe(true);
      expect(['none', 'self', 'basic']).toContain(reg.attestationType);
      if (attestation === 'none') expect(reg.fmt).toBe('none');
      else expect(reg.fmt).toBe('packed');
      console.log(
        `Chromium virtual authenticator, alg ${alg}, attestation ${attestation}: fmt ${reg.fmt}, ${reg.attestationType}`,
      );

      // The same response verified by the core running inside Chromium.
      const inPage = await page.evaluate(
        async (response, opts) => {
          const r = await (globalThis as unknown as CoreGlobal).mfaCore.verifyRegistration({
            response,
            ...opts,
          });
          return { ...r, publicKey: (globalThis as unknown as CoreGlobal).mfaCore.toBase64Url(r.publicKey) };
        },
        regJson,
        regOpts,
      );
      expect(inPage.credentialId).toBe(reg.credentialId);
      expect(fromBase64Url(inPage.publicKey)).toEqual(reg.publicKey);
      expect(inPage.fmt).toBe(reg.fmt);

      let signCount = reg.signCount;
      for (let i = 0; i < 2; i++) {
        const authChallenge = random();
        const authJson = await get(authChallenge, reg.credentialId);
        const authOpts = {
          expectedChallenge: toBase64Url(authChallenge),
          expectedOrigin: origin,
          expectedRpId: 'localhost',
        };
        const credential = { id: reg.credentialId, publicKey: reg.publicKey, signCount };
        const auth = await verifyAuthentication({ response: authJson, ...authOpts, credential });
        expect(auth.flags.up && auth.flags.uv).toBe(true);
        const inPageAuth = await page.evaluate(
          async (response, opts, id, key, count) => {
            const core = (globalThis as unknown as CoreGlobal).mfaCore;
            return core.verifyAuthentication({
              response,
              ...opts,
              credential: { id, publicKey: core.fromBase64Url(key), signCount: count },
            });
          },
          authJson,
          authOpts,
          reg.credentialId,
          toBase64Url(reg.publicKey),
          signCount,
        );
        expect(inPageAuth.signCount).toBe(auth.signCount);
        signCount = auth.signCount;
      }
    },
  );

  it('a response replayed to another origin or with a tampered signature is refused in the page', async () => {
    const challenge = random();
    const regJson = await create(challenge, -7, 'none');
    const reg: VerifiedRegistration = await verifyRegistration({
      response: regJson,
      expectedChallenge: toBase64Url(challenge),
      expectedOrigin: origin,
      expectedRpId: 'localhost',
    });
    const authChallenge = random();
    const authJson = await get(authChallenge, reg.credentialId);
    const codes = await page.evaluate(
      async (response, challengeB64, origin, id, key) => {
        const core = (globalThis as unknown as CoreGlobal).mfaCore;
        const credential = { id, publicKey: core.fromBase64Url(key), signCount: 0 };
        const base = { expectedChallenge: challengeB64, expectedRpId: 'localhost', credential };
        const sig = core.fromBase64Url(response.response.signature);
        sig[sig.length - 1]! ^= 1;
        const tampered = {
          ...response,
          response: { ...response.response, signature: core.toBase64Url(sig) },
        };
        const code = (p: Promise<unknown>) =>
          p.then(
            () => 'ACCEPTED',
            (e: { code?: string }) => e.code ?? String(e),
          );
        return [
          await code(
            core.verifyAuthentication({ ...base, response, expectedOrigin: 'https://evil.example' }),
          ),
          await code(core.verifyAuthentication({ ...base, response: tampered, expectedOrigin: origin })),
        ];
      },
      authJson,
      toBase64Url(authChallenge),
      origin,
      reg.credentialId,
      toBase64Url(reg.publicKey),
    );
    expect(codes).toEqual(['ORIGIN_MISMATCH', 'SIGNATURE_INVALID']);
  });
});

describe('the core inside Chromium (esbuild browser bundle, no Node built-ins)', () => {
  it('verifies the WebAuthn L3 vectors in the page (Ed448 reported unsupported: Chromium has no Ed448)', async () => {
    const results = await runL3VectorsInPage(page);
    const expected = Object.fromEntries(
      L3_VECTORS.vectors.map((v) => [
        v.anchor,
        v.anchor === 'sctn-test-vectors-packed-ed448' ? 'ALGORITHM_UNSUPPORTED' : 'ok',
      ]),
    );
    expect(results).toEqual(expected);
  });

  it('CBOR, client data and RP ID rules behave the same in the page', async () => {
    expect(await runSmallChecksInPage(page)).toEqual(SMALL_CHECKS_EXPECTED);
  });
});
