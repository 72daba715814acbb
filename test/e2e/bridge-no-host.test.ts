/**
 * Host missing: Chromium with the extension but no native host registered, mode `always`. The bridge
 * hands the request back to the browser, whose own (CDP virtual) authenticator then serves it; the reason
 * (and how to install the host) goes to the extension's own log, never to the page's console.
 */
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeRig, startBridgeRig } from '../support/bridge';
import { addCdpAuthenticator } from '../support/cdp-authenticator';

describe('bridge with no native host installed', () => {
  let rig: BridgeRig;
  let page: Page;
  const consoleLines: string[] = [];
  beforeAll(async () => {
    rig = await startBridgeRig({ mode: 'always', key: { touch: 'auto' }, nativeHost: false });
    page = await rig.chromium.browser.newPage();
    page.on('console', (m) => consoleLines.push(m.text()));
    await addCdpAuthenticator(await page.createCDPSession(), { residentKey: false, userVerification: false });
    await page.goto(rig.site.url('/signin'));
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('hands the request back to the browser without a word to the page', async () => {
    const result = await page.evaluate(async () => {
      const cred = (await navigator.credentials.create({
        publicKey: {
          rp: { name: 'No host', id: 'localhost' },
          user: { id: new Uint8Array([7]), name: 'nohost', displayName: 'No host' },
          challenge: crypto.getRandomValues(new Uint8Array(32)),
          pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        },
      })) as PublicKeyCredential;
      const attestation = cred.response as AuthenticatorAttestationResponse;
      return { transports: attestation.getTransports(), instance: cred instanceof PublicKeyCredential };
    });
    // The browser's own authenticator answered, no host ever ran, and the page's console heard nothing.
    expect(result.instance).toBe(true);
    expect(rig.hostRequests('webauthn.create')).toBe(0);
    expect(consoleLines.filter((w) => /mfa-bridge|native host|security-key bridge/i.test(w))).toEqual([]);
  });
});
