/**
 * The page bridge exists only where it is needed (Chromium; mode always for localhost): on a site the
 * bridge does not serve, the page sees the browser's own navigator.credentials (native functions, no
 * marker symbol) and a probe of the relay's window message gets no answer, so it cannot tell the
 * extension is installed; the bridged site still has the bridge and is served through the host. Nothing
 * about the bridge is written to either page's console.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeRig, startBridgeRig } from '../support/bridge';

let rig: BridgeRig;
let server: Server;
let port: number;
const consoleLines: string[] = [];

/** Recorded by the page's first script, before any other code of the page runs. */
const EARLY = `<script>
window.__early = {
  get: String(navigator.credentials.get),
  protoGet: String(CredentialsContainer.prototype.get),
  protoCreate: String(CredentialsContainer.prototype.create),
};
</script>`;

beforeAll(async () => {
  rig = await startBridgeRig({ mode: 'always', key: { touch: 'auto' } });
  server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><html><head><meta charset="utf-8">${EARLY}</head><body>p</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await rig?.close();
  await new Promise((resolve) => server?.close(resolve));
});

async function openPage(url: string): Promise<Page> {
  const page = await rig.chromium.browser.newPage();
  page.on('console', (m) => consoleLines.push(m.text()));
  await page.goto(url);
  return page;
}

/** What a page can learn about an extension that touches WebAuthn. */
function probe(page: Page) {
  return page.evaluate(async () => {
    const native = (f: unknown) => typeof f === 'function' && /\{\s*\[native code\]\s*\}$/.test(String(f));
    const proto = CredentialsContainer.prototype;
    const early = (window as unknown as { __early: Record<string, string> }).__early;
    // The relay's open message: a relay would answer the query on the port.
    const replies: unknown[] = [];
    const channel = new MessageChannel();
    channel.port1.onmessage = (e) => replies.push(e.data);
    window.postMessage({ source: 'mfa-bridge/page', version: 1 }, '*', [channel.port2]);
    channel.port1.postMessage({ t: 'query' });
    await new Promise((r) => setTimeout(r, 1500));
    return {
      native: {
        get: native(navigator.credentials.get),
        create: native(navigator.credentials.create),
        protoGet: native(proto.get),
        protoCreate: native(proto.create),
        earlyGet: /\[native code\]/.test(early.get),
        earlyProtoGet: /\[native code\]/.test(early.protoGet),
        earlyProtoCreate: /\[native code\]/.test(early.protoCreate),
      },
      ownOnInstance: Object.getOwnPropertyNames(navigator.credentials),
      symbols: Object.getOwnPropertySymbols(window).map(String),
      markers: [Symbol.for('mfa-bridge.page-bridge'), Symbol.for('mfa-bridge.provide')].filter(
        (s) => s in window,
      ).length,
      relayReplies: replies.length,
    };
  });
}

describe('page bridge only where needed', () => {
  it('a site the bridge does not serve cannot tell the extension is installed', async () => {
    const page = await openPage(`http://127.0.0.1:${port}/`);
    expect(await probe(page)).toEqual({
      native: {
        get: true,
        create: true,
        protoGet: true,
        protoCreate: true,
        earlyGet: true,
        earlyProtoGet: true,
        earlyProtoCreate: true,
      },
      ownOnInstance: [],
      symbols: [],
      markers: 0,
      relayReplies: 0,
    });
    await page.close();
  });

  it('the bridged site has the bridge from its first script on, and is served through the host', async () => {
    const page = await openPage(`http://localhost:${port}/`);
    const seen = await probe(page);
    expect(seen.native.earlyProtoGet).toBe(false);
    expect(seen.native.protoCreate).toBe(false);
    expect(seen.symbols).toEqual([]);
    expect(seen.markers).toBe(0);
    const before = rig.hostRequests('webauthn.create');
    const id = await page.evaluate(async () => {
      const cred = (await navigator.credentials.create({
        publicKey: {
          rp: { name: 'Presence test', id: 'localhost' },
          user: { id: new Uint8Array([5]), name: 'p', displayName: 'P' },
          challenge: crypto.getRandomValues(new Uint8Array(32)),
          pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        },
      })) as PublicKeyCredential;
      return cred.id;
    });
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(rig.hostRequests('webauthn.create')).toBe(before + 1);
    await page.close();
  });

  it('nothing about the bridge reached either page’s console', () => {
    expect(consoleLines.filter((l) => /mfa-bridge|security-key bridge|native host/i.test(l))).toEqual([]);
  });
});
