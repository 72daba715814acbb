/**
 * Attacks on the bridge in Chromium (mode always for localhost): a cross-origin iframe without the
 * permission policy is refused and the host never called (with `allow=` it is served, and the client
 * data says crossOrigin with the browser-reported topOrigin); messages forged to the content script get
 * nothing, and an origin claimed in a message is ignored.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeRig, startBridgeRig } from '../support/bridge';

let rig: BridgeRig;
let server: Server;
let port: number;
let page: Page;

function html(body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body>${body}</body></html>`;
}

beforeAll(async () => {
  rig = await startBridgeRig({ mode: 'always', key: { touch: 'auto' } });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'text/html');
    if (url.pathname === '/top') {
      const child = `http://localhost:${port}/frame`;
      res.end(
        html(
          `<iframe id="plain" name="plain" src="${child}"></iframe><iframe id="allowed" name="allowed" allow="publickey-credentials-get; publickey-credentials-create" src="${child}"></iframe>`,
        ),
      );
    } else if (url.pathname === '/forger-top') {
      res.end(html(`<iframe id="forger" name="forger" src="http://127.0.0.1:${port}/frame"></iframe>`));
    } else {
      res.end(html('frame'));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  page = await rig.chromium.browser.newPage();
});

afterAll(async () => {
  await rig?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/**
 * Loads `url` and returns its iframe named `name`, once puppeteer can run code in it. Now and then
 * puppeteer never gets the execution context of an out-of-process frame (even `() => 1` waits 30 s and
 * fails; seen with and without this session's extension build): the page is then loaded again.
 */
async function loadFrame(p: Page, url: string, name: string): Promise<Frame> {
  for (let attempt = 1; ; attempt++) {
    await p.goto(url, { waitUntil: 'load' });
    const frame = p.frames().find((f) => f.name() === name);
    if (!frame) throw new Error(`no frame named ${name} in ${url}`);
    const usable = await Promise.race([
      frame.evaluate(() => document.readyState === 'complete').catch(() => false),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 5000)),
    ]);
    if (usable) return frame;
    if (attempt === 4) throw new Error(`puppeteer could not reach frame ${name} in ${url}`);
  }
}

/** Gives the frame's document the focus (only the focused document may use a key). */
async function focusFrame(frame: Frame): Promise<void> {
  await frame.evaluate(() => {
    document.body.tabIndex = -1;
    document.body.focus();
  });
}

describe('cross-origin iframes', () => {
  let credentialId: string;

  it('setup: a credential registered at top level on localhost', async () => {
    await page.goto(`http://localhost:${port}/frame`);
    credentialId = await page.evaluate(async () => {
      const cred = (await navigator.credentials.create({
        publicKey: {
          rp: { name: 'Attack test', id: 'localhost' },
          user: { id: new Uint8Array([9]), name: 'frame', displayName: 'Frame' },
          challenge: crypto.getRandomValues(new Uint8Array(32)),
          pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        },
      })) as PublicKeyCredential;
      return cred.id;
    });
    expect(credentialId).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('without the permission policy: NotAllowedError, and the host is never called', async () => {
    const frame = await loadFrame(page, `http://127.0.0.1:${port}/top`, 'plain');
    await focusFrame(frame);
    const before = rig.hostRequests('webauthn.get');
    const result = await frame.evaluate(async (id) => {
      const bytes = Uint8Array.from(atob(id.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      try {
        await navigator.credentials.get({
          publicKey: {
            challenge: crypto.getRandomValues(new Uint8Array(32)),
            rpId: 'localhost',
            allowCredentials: [{ type: 'public-key', id: bytes }],
          },
        });
        return 'resolved';
      } catch (error) {
        return `${(error as DOMException).name}: ${(error as DOMException).message}`;
      }
    }, credentialId);
    expect(result).toBe(
      'NotAllowedError: A cross-origin frame needs the publickey-credentials-get permission policy.',
    );
    expect(rig.hostRequests('webauthn.get')).toBe(before);
  });

  it('with allow="publickey-credentials-get": served, client data names the real top origin', async () => {
    const frame = await loadFrame(page, `http://127.0.0.1:${port}/top`, 'allowed');
    await focusFrame(frame);
    const clientData = await frame.evaluate(async (id) => {
      const bytes = Uint8Array.from(atob(id.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      const cred = (await navigator.credentials.get({
        publicKey: {
          challenge: crypto.getRandomValues(new Uint8Array(32)),
          rpId: 'localhost',
          allowCredentials: [{ type: 'public-key', id: bytes }],
        },
      })) as PublicKeyCredential;
      return JSON.parse(new TextDecoder().decode(cred.response.clientDataJSON)) as Record<string, unknown>;
    }, credentialId);
    expect(clientData).toMatchObject({
      type: 'webauthn.get',
      origin: `http://localhost:${port}`,
      crossOrigin: true,
      topOrigin: `http://127.0.0.1:${port}`,
    });
  });
});

describe('forged messages', () => {
  it('a window message from another frame, a forged reply and a claimed origin get nothing', async () => {
    const forger = await loadFrame(page, `http://localhost:${port}/forger-top`, 'forger');
    // A cross-origin frame posts the open message to its parent: the relay ignores other windows.
    const fromOtherWindow = await forger.evaluate(async () => {
      const channel = new MessageChannel();
      const replies: unknown[] = [];
      channel.port1.onmessage = (e) => replies.push(e.data);
      parent.postMessage({ source: 'mfa-bridge/page', version: 1 }, '*', [channel.port2]);
      channel.port1.postMessage({ t: 'query' });
      await new Promise((r) => setTimeout(r, 1000));
      return replies;
    });
    expect(fromOtherWindow).toEqual([]);

    const before = rig.hostRequests('webauthn.get');
    // The page itself talks to its relay directly: a forged reply is ignored, and an origin it claims
    // counts for nothing (the background takes the origin from the browser).
    const direct = await page.evaluate(async () => {
      const channel = new MessageChannel();
      const replies: Array<Record<string, unknown>> = [];
      channel.port1.onmessage = (e) => replies.push(e.data as Record<string, unknown>);
      window.postMessage({ source: 'mfa-bridge/page', version: 1 }, '*', [channel.port2]);
      channel.port1.postMessage({ t: 'created', credential: { id: 'AAAA' } });
      channel.port1.postMessage({
        t: 'request',
        op: 'get',
        origin: 'https://bank.example',
        options: { challenge: 'AAAAAAAAAAAAAAAAAAAAAA', rpId: 'bank.example' },
        timeout: 5000,
      });
      await new Promise((r) => setTimeout(r, 1500));
      return replies;
    });
    expect(direct.map((r) => r.t)).toEqual(['ack', 'error']);
    expect(direct[1]).toMatchObject({ t: 'error', name: 'SecurityError' });
    expect(rig.hostRequests('webauthn.get')).toBe(before);
  });
});
