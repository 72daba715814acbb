import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'puppeteer';
import type * as Core from '../../../shared/src/index.js';
import { ROOT } from '../../support/paths';
import { freeTcpPort } from '../../support/ports';

/** The shared core as the page sees it (set by browser-entry.ts). */
export type CoreGlobal = { mfaCore: typeof Core };

export interface L3Vectors {
  rpId: string;
  attestationRootCertificateHex: string;
  vectors: Array<{
    anchor: string;
    registration: Record<string, string>;
    authentication: Record<string, string>;
  }>;
}

export const L3_VECTORS = JSON.parse(
  readFileSync(join(ROOT, 'shared/src/webauthn/__vectors__/webauthn-l3-test-vectors.json'), 'utf8'),
) as L3Vectors;

/** Bundles the core for the browser; esbuild fails here if anything reaches for a Node built-in. */
export async function buildCoreBundle(): Promise<string> {
  const result = await build({
    entryPoints: [join(ROOT, 'test/webauthn-core/browser-entry.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Serves a blank page that loads the bundle, on http://localhost:<port> (a secure context). */
export async function serveCore(bundle: string): Promise<{ origin: string; close(): Promise<void> }> {
  const port = await freeTcpPort();
  const server: Server = createServer((req, res) => {
    if (req.url === '/core.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(bundle);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>webauthn core</title><script type="module" src="/core.js"></script>');
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    origin: `http://localhost:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Runs all L3 §16 vectors (registration with trust anchor, then authentication) inside the page. */
export function runL3VectorsInPage(page: Page): Promise<Record<string, string>> {
  return page.evaluate(async (data) => {
    const core = (globalThis as unknown as CoreGlobal).mfaCore;
    const hex = (s: string) => new Uint8Array(s.match(/../g)!.map((b) => Number.parseInt(b, 16)));
    const b64 = (s: string) => core.toBase64Url(hex(s));
    const out: Record<string, string> = {};
    for (const v of data.vectors) {
      const r = v.registration;
      const a = v.authentication;
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
  }, L3_VECTORS);
}

/** CBOR, client data and RP ID checks in the page, with results comparable across browsers. */
export function runSmallChecksInPage(page: Page) {
  return page.evaluate(() => {
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
}

export const SMALL_CHECKS_EXPECTED = {
  hex: 'a318186178204109616201',
  dup: 'CBOR_DUPLICATE_KEY',
  trailing: 'CBOR_TRAILING_BYTES',
  clientData: '{"type":"webauthn.get","challenge":"AQID","origin":"https://a.example","crossOrigin":false}',
  rpOk: 'example.co.uk',
  rpSuffix: 'SecurityError',
  rpIp: 'SecurityError',
};
