import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Core from '../../shared/src/index.js';
import {
  type AuthenticationResponseInput,
  fromBase64Url,
  type RegistrationResponseInput,
  toBase64Url,
  type VerifiedRegistration,
  verifyAuthentication,
  verifyRegistration,
} from '../../shared/src/index.js';
import { type ChromiumSession, launchChromium } from '../support/chromium';
import { ROOT } from '../support/paths';
import { freeTcpPort } from '../support/ports';

/**
 * Real browser, real authenticator model: Chromium's CDP virtual authenticator (CTAP2, USB, resident
 * keys, UV) makes credentials and assertions in a localhost page; our core verifies them in Node and,
 * bundled for the browser by esbuild, inside the page itself (proving it needs no Node built-ins).
 */

type Json = Record<string, unknown>;
type CoreGlobal = { mfaCore: typeof Core };

let session: ChromiumSession;
let server: Server;
let page: Page;
let origin: string;
let bundle: string;

const vectors = JSON.parse(
  readFileSync(join(ROOT, 'shared/src/webauthn/__vectors__/webauthn-l3-test-vectors.json'), 'utf8'),
) as { rpId: string; attestationRootCertificateHex: string; vectors: Json[] };

beforeAll(async () => {
  const result = await build({
    entryPoints: [join(ROOT, 'test/webauthn-core/browser-entry.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'silent',
  });
  bundle = result.outputFiles[0]!.text;
  const port = await freeTcpPort();
  origin = `http://localhost:${port}`;
  server = createServer((req, res) => {
    if (req.url === '/core.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(bundle);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>webauthn core</title><script type="module" src="/core.js"></script>');
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  session = await launchChromium({ extension: false, nativeHost: false });
  page = await session.browser.newPage();
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'mfaCore' in globalThis, { timeout: 20_000 });
  const cdp = await page.createCDPSession();
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'usb',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
});

afterAll(async () => {
  await session?.close();
  await new Promise((r) => server?.close(r));
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
    const results = await page.evaluate(async (data) => {
      const core = (globalThis as unknown as CoreGlobal).mfaCore;
      const hex = (s: string) => new Uint8Array(s.match(/../g)!.map((b) => Number.parseInt(b, 16)));
      const b64 = (s: string) => core.toBase64Url(hex(s));
      const out: Record<string, string> = {};
      for (const v of data.vectors as Array<Record<string, Record<string, string>> & { anchor: string }>) {
        const r = v.registration!;
        const a = v.authentication!;
        const cd = core.parseClientDataJSON(hex(r.clientDataJSON!));
        const originOpts = {
          expectedOrigin: cd.origin,
          ...(cd.topOrigin ? { expectedTopOrigin: cd.topOrigin } : {}),
          ...(cd.crossOrigin && !cd.topOrigin ? { allowCrossOrigin: true } : {}),
        };
        const id = b64(r.credential_id!);
        try {
          const reg = await core.verifyRegistration({
            response: {
              id,
              rawId: id,
              type: 'public-key',
              response: {
                clientDataJSON: b64(r.clientDataJSON!),
                attestationObject: b64(r.attestationObject!),
              },
            },
            expectedChallenge: b64(r.challenge!),
            expectedRpId: data.rpId,
            requireUserVerification: false,
            trustAnchors: [hex(data.attestationRootCertificateHex)],
            ...originOpts,
          });
          await core.verifyAuthentication({
            response: {
              id,
              rawId: id,
              type: 'public-key',
              response: {
                clientDataJSON: b64(a.clientDataJSON!),
                authenticatorData: b64(a.authenticatorData!),
                signature: b64(a.signature!),
              },
            },
            expectedChallenge: b64(a.challenge!),
            expectedRpId: data.rpId,
            requireUserVerification: false,
            credential: { id, publicKey: reg.publicKey, signCount: 0 },
            ...originOpts,
          });
          out[v.anchor] = 'ok';
        } catch (e) {
          out[v.anchor] = (e as { code?: string }).code ?? String(e);
        }
      }
      return out;
    }, vectors);
    const expected = Object.fromEntries(
      vectors.vectors.map((v) => [
        v.anchor as string,
        v.anchor === 'sctn-test-vectors-packed-ed448' ? 'ALGORITHM_UNSUPPORTED' : 'ok',
      ]),
    );
    expect(results).toEqual(expected);
  });

  it('CBOR, client data and RP ID rules behave the same in the page', async () => {
    const r = await page.evaluate(() => {
      const core = (globalThis as unknown as CoreGlobal).mfaCore;
      const enc = core.encodeCtap(
        new Map<unknown, unknown>([
          ['b', 1],
          [-1, new Uint8Array([9])],
          [24, 'x'],
        ]),
      );
      const hex = Array.from(enc, (b) => b.toString(16).padStart(2, '0')).join('');
      const code = (f: () => unknown) => {
        try {
          f();
          return 'ok';
        } catch (e) {
          return e instanceof DOMException ? e.name : ((e as { code?: string }).code ?? String(e));
        }
      };
      return {
        hex,
        dup: code(() => core.decodeCtap(new Uint8Array([0xa2, 1, 1, 1, 2]))),
        trailing: code(() => core.decodeCtap(new Uint8Array([0xa0, 0]))),
        clientData: new TextDecoder().decode(
          core.buildClientDataJSON({ type: 'webauthn.get', challenge: 'AQID', origin: 'https://a.example' }),
        ),
        rpOk: core.validateRpId('https://login.example.co.uk', 'example.co.uk'),
        rpSuffix: code(() => core.validateRpId('https://foo.github.io', 'github.io')),
        rpIp: code(() => core.validateRpId('https://127.0.0.1')),
      };
    });
    expect(r).toEqual({
      hex: 'a3181861782041096162' + '01',
      dup: 'CBOR_DUPLICATE_KEY',
      trailing: 'CBOR_TRAILING_BYTES',
      clientData:
        '{"type":"webauthn.get","challenge":"AQID","origin":"https://a.example","crossOrigin":false}',
      rpOk: 'example.co.uk',
      rpSuffix: 'SecurityError',
      rpIp: 'SecurityError',
    });
  });
});
