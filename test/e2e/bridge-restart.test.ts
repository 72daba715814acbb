/**
 * The bridge's page script is registered at runtime, only for bridged sites, with persistAcrossSessions.
 * Puppeteer installs the unpacked extension afresh at every launch, and Chromium drops an extension's
 * dynamic registrations when it is (re)installed or updated: after such a start the background registers
 * them again as soon as it runs. Once it has, a bridged page that calls WebAuthn from its very first
 * script has the bridge, and a site the bridge does not serve has the browser's own WebAuthn.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualKey } from '../../native-host/src/virtual-key/index';
import { setBridgeSites, startKey, transportEnv, waitForBridgeScripts } from '../support/bridge';
import { type ChromiumSession, launchChromium } from '../support/chromium';

let server: Server;
let port: number;
let key: VirtualKey;
let profile: string;
let chromium: ChromiumSession | undefined;

/** The page's first script records whether WebAuthn is the browser's own. */
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><script>
window.__firstScript = String(CredentialsContainer.prototype.get).includes('[native code]') ? 'native' : 'bridged';
</script></head><body>p</body></html>`;

beforeAll(async () => {
  key = await startKey({ touch: 'auto' });
  server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  profile = mkdtempSync(join(tmpdir(), 'mfa-bridge-restart-'));
});

afterAll(async () => {
  await chromium?.close();
  await key?.close();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(profile, { recursive: true, force: true });
});

describe('bridge registration across a browser restart', () => {
  it('after the browser starts again, a bridged page has the bridge from its first script on', async () => {
    chromium = await launchChromium({ env: transportEnv(key), userDataDir: profile });
    await setBridgeSites(chromium, [{ match: 'localhost', mode: 'always' }]);
    await chromium.close();

    chromium = await launchChromium({ env: transportEnv(key), userDataDir: profile });
    // The settings survived the restart: the background registers the scripts for them on its own.
    await waitForBridgeScripts(chromium, 'localhost', true);
    const bridged = await chromium.browser.newPage();
    await bridged.goto(`http://localhost:${port}/`);
    const other = await chromium.browser.newPage();
    await other.goto(`http://127.0.0.1:${port}/`);
    expect(await other.evaluate(() => (window as unknown as { __firstScript: string }).__firstScript)).toBe(
      'native',
    );
    await bridged.bringToFront();
    expect(await bridged.evaluate(() => (window as unknown as { __firstScript: string }).__firstScript)).toBe(
      'bridged',
    );
    // And it is served through the host.
    const id = await bridged.evaluate(async () => {
      const cred = (await navigator.credentials.create({
        publicKey: {
          rp: { name: 'Restart test', id: 'localhost' },
          user: { id: new Uint8Array([3]), name: 'r', displayName: 'R' },
          challenge: crypto.getRandomValues(new Uint8Array(32)),
          pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        },
      })) as PublicKeyCredential;
      return cred.id;
    });
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
