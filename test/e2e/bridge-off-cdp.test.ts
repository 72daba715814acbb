import { addCdpAuthenticator } from '../support/cdp-authenticator';
/**
 * Same demo page, bridge `off`: Chromium's own virtual authenticator (CDP `WebAuthn` domain) enrols and
 * signs in, the native host is never asked, and the shared core verifies the browser's responses too
 * (so both paths produce what the relying party accepts).
 */

import { fromBase64Url, verifyAuthentication, verifyRegistration } from '@shared/webauthn/index.js';
import type { CDPSession, HTTPRequest, HTTPResponse, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeRig, ceremonyOutcome, signInWithPassword, startBridgeRig } from '../support/bridge';

describe('bridge off: Chromium’s own virtual authenticator', () => {
  let rig: BridgeRig;
  let page: Page;
  let cdp: CDPSession;
  const options: Record<string, { challenge: string }> = {};
  const posted: Record<string, Record<string, unknown>> = {};

  beforeAll(async () => {
    rig = await startBridgeRig({ mode: 'off', key: { touch: 'auto' } });
    page = await rig.chromium.browser.newPage();
    cdp = await page.createCDPSession();
    await addCdpAuthenticator(cdp, { residentKey: true, userVerification: true });
    page.on('response', (response: HTTPResponse) => {
      const m = /\/api\/webauthn\/(registration|authentication)\/options$/.exec(response.url());
      if (m) void response.json().then((json: { challenge: string }) => (options[m[1]!] = json));
    });
    page.on('request', (request: HTTPRequest) => {
      const m = /\/api\/webauthn\/(registration|authentication)\/verify$/.exec(request.url());
      if (m && request.postData()) posted[m[1]!] = JSON.parse(request.postData()!) as Record<string, unknown>;
    });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('enrols and signs in with the browser’s authenticator; the host is never called; the shared core agrees', async () => {
    const user = `bridge-off-${Date.now().toString(36)}@example.com`;
    const origin = new URL(rig.site.url('/')).origin;
    await signInWithPassword(page, rig.site, user);
    await page.goto(rig.site.url('/signin/enroll/fido/webauthn'));
    await page.waitForSelector('form.enroll-webauthn [type=submit]');
    let since = Date.now();
    await page.click('form.enroll-webauthn [type=submit]');
    expect(await ceremonyOutcome(page, rig.site, 'webauthn-register', user, since)).toMatchObject({
      state: 'verified',
    });

    const registration = await verifyRegistration({
      response: posted.registration as never,
      expectedChallenge: options.registration!.challenge,
      expectedOrigin: origin,
      expectedRpId: 'localhost',
      requireUserVerification: false,
    });

    await page.waitForFunction(
      () =>
        !document.querySelector('#webauthn-status[data-state=pending], #webauthn-status[data-state=success]'),
    );
    await page.deleteCookie(...(await page.cookies()));
    since = Date.now();
    await signInWithPassword(page, rig.site, user);
    expect(await ceremonyOutcome(page, rig.site, 'webauthn-authenticate', user, since)).toMatchObject({
      state: 'verified',
    });
    const authentication = await verifyAuthentication({
      response: posted.authentication as never,
      expectedChallenge: options.authentication!.challenge,
      expectedOrigin: origin,
      expectedRpId: 'localhost',
      requireUserVerification: false,
      credential: {
        id: registration.credentialId,
        publicKey: registration.publicKey,
        signCount: registration.signCount,
      },
    });
    expect(authentication.flags.up).toBe(true);
    expect(fromBase64Url(registration.credentialId).length).toBeGreaterThan(0);
    expect(rig.hostRequests('webauthn.create') + rig.hostRequests('webauthn.get')).toBe(0);
  });
});
