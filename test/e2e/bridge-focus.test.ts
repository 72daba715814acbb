/**
 * Focus in Chromium (mode always for localhost): only the focused, visible document may use a key. A
 * request from a background tab, or from a frame whose document does not have the focus, is refused
 * with NotAllowedError and the host is never asked (nor any window of ours opened), even when the page
 * claims focus; the same request from the focused document is served.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeRig, startBridgeRig } from '../support/bridge';

let rig: BridgeRig;
let server: Server;
let origin: string;
let credentialId: string;

const html = (body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body>${body}</body></html>`;

beforeAll(async () => {
  rig = await startBridgeRig({ mode: 'always', key: { touch: 'auto' } });
  server = createServer((req, res) => {
    res.setHeader('content-type', 'text/html');
    if (req.url === '/top')
      res.end(html('<button id="b">top</button><iframe name="inner" src="/frame"></iframe>'));
    else res.end(html('<button id="b">frame</button>'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await rig?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** navigator.credentials.get for the registered credential: 'ok' or the DOMException's name and message. */
function signIn(target: Page | Frame, claimFocus = false): Promise<string> {
  return target.evaluate(
    async (id, claim) => {
      if (claim) {
        // A page that lies about its focus: the relay and the background do not take its word.
        Document.prototype.hasFocus = () => true;
        Object.defineProperty(document, 'visibilityState', { get: () => 'visible' });
        Object.defineProperty(document, 'hidden', { get: () => false });
      }
      const bytes = Uint8Array.from(atob(id.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      try {
        await navigator.credentials.get({
          publicKey: {
            challenge: crypto.getRandomValues(new Uint8Array(32)),
            rpId: 'localhost',
            allowCredentials: [{ type: 'public-key', id: bytes }],
          },
        });
        return 'ok';
      } catch (error) {
        return `${(error as DOMException).name}: ${(error as DOMException).message}`;
      }
    },
    credentialId,
    claimFocus,
  );
}

const REFUSED =
  'NotAllowedError: The operation is not allowed at this time because the page does not have focus.';

function pinWindows(): number {
  return rig.chromium.browser.targets().filter((t) => t.url().includes('/pin.html')).length;
}

describe('focus', () => {
  it('setup: a credential registered from the focused page', async () => {
    const page = await rig.chromium.browser.newPage();
    await page.goto(`${origin}/frame`);
    credentialId = await page.evaluate(async () => {
      const cred = (await navigator.credentials.create({
        publicKey: {
          rp: { name: 'Focus test', id: 'localhost' },
          user: { id: new Uint8Array([7]), name: 'focus', displayName: 'Focus' },
          challenge: crypto.getRandomValues(new Uint8Array(32)),
          pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        },
      })) as PublicKeyCredential;
      return cred.id;
    });
    expect(credentialId).toMatch(/^[A-Za-z0-9_-]+$/);
    await page.close();
  });

  it('a background tab is refused with NotAllowedError, even when it claims focus; the host is never asked', async () => {
    const background = await rig.chromium.browser.newPage();
    await background.goto(`${origin}/frame`);
    const front = await rig.chromium.browser.newPage();
    await front.goto(`${origin}/frame`);
    expect(await background.evaluate(() => document.visibilityState)).toBe('hidden');
    const before = rig.hostRequests('webauthn.get');
    expect(await signIn(background)).toBe(REFUSED);
    expect(await signIn(background, true)).toBe(REFUSED);
    expect(rig.hostRequests('webauthn.get')).toBe(before);
    expect(pinWindows()).toBe(0);
    // Brought to the front, the same page is served.
    await background.bringToFront();
    expect(await signIn(background)).toBe('ok');
    expect(rig.hostRequests('webauthn.get')).toBe(before + 1);
    await front.close();
    await background.close();
  });

  it('a frame whose document does not have the focus is refused; once focused it is served', async () => {
    const page = await rig.chromium.browser.newPage();
    await page.goto(`${origin}/top`);
    await page.bringToFront();
    await page.focus('#b');
    const frame = page.frames().find((f) => f.name() === 'inner');
    if (!frame) throw new Error('no inner frame');
    await frame.waitForSelector('#b');
    expect(await frame.evaluate(() => document.hasFocus())).toBe(false);
    const before = rig.hostRequests('webauthn.get');
    expect(await signIn(frame)).toBe(REFUSED);
    expect(await signIn(frame, true)).toBe(REFUSED);
    expect(rig.hostRequests('webauthn.get')).toBe(before);
    await frame.focus('#b');
    expect(await frame.evaluate(() => document.hasFocus())).toBe(true);
    expect(await signIn(frame)).toBe('ok');
    expect(rig.hostRequests('webauthn.get')).toBe(before + 1);
    await page.close();
  });
});

describe('a request whose tab loses focus', () => {
  let manual: BridgeRig;
  beforeAll(async () => {
    // The key would wait for a touch far longer than this test runs: only the cancel can end the request.
    manual = await startBridgeRig({ mode: 'always', key: { touch: 'manual', userActionTimeoutMs: 600_000 } });
  });
  afterAll(async () => {
    await manual?.close();
  });

  it('is cancelled with NotAllowedError and the key released when another tab is brought to the front', async () => {
    const page = await manual.chromium.browser.newPage();
    await page.goto(`${origin}/frame`);
    await page.bringToFront();
    const outcome = page.evaluate(async () => {
      try {
        await navigator.credentials.get({
          publicKey: {
            challenge: crypto.getRandomValues(new Uint8Array(32)),
            rpId: 'localhost',
            timeout: 600_000,
            allowCredentials: [{ type: 'public-key', id: crypto.getRandomValues(new Uint8Array(32)) }],
          },
        });
        return 'ok';
      } catch (error) {
        return (error as DOMException).name;
      }
    });
    await expect.poll(() => manual.key.waitingForTouch, { timeout: 20_000 }).toBe(true);
    const other = await manual.chromium.browser.newPage();
    await other.bringToFront();
    expect(await outcome).toBe('NotAllowedError');
    await expect.poll(() => manual.key.waitingForTouch, { timeout: 20_000 }).toBe(false);
    await other.close();
    await page.close();
  });
});
