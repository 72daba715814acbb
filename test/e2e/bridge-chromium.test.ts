/**
 * The WebAuthn bridge in Chromium, mode `always`: the demo site's security-key enrolment and sign-in go
 * through the extension and the native host to the virtual key on UDP, and the demo server
 * (@simplewebauthn/server) verifies them. PIN journeys use the extension's PIN window.
 */
import { NOT_ALLOWED_MESSAGE } from '@shared/protocol/index.js';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BridgeRig,
  bounded,
  ceremonyOutcome,
  enterPin,
  freshUser,
  pinWindow,
  startBridgeRig,
  startEnrol,
  startSignIn,
} from '../support/bridge';

describe('bridge in Chromium (mode always), key without a PIN', () => {
  let rig: BridgeRig;
  beforeAll(async () => {
    rig = await startBridgeRig({ mode: 'always', key: { touch: 'auto' } });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('enrols a security key and signs in, both verified by the demo server', async () => {
    const user = freshUser('nopin');
    const page = await bounded('new page', rig.chromium.browser.newPage());
    let since = await startEnrol(rig.site, page, user);
    const enrolled = await ceremonyOutcome(page, rig.site, 'webauthn-register', user, since);
    expect(enrolled).toMatchObject({ state: 'verified' });
    expect(rig.site.state.credentials(user)).toHaveLength(1);

    since = await startSignIn(rig.site, page, user);
    const signedIn = await ceremonyOutcome(page, rig.site, 'webauthn-authenticate', user, since);
    expect(signedIn).toMatchObject({ state: 'verified' });
    expect(signedIn.event?.credentialId).toBe(enrolled.event?.credentialId);
    void page.close().catch(() => undefined); // closing can stall while a popup window closes; not under test
  });

  it('sets a PIN on first use when the RP requires user verification', async () => {
    const user = freshUser('setpin');
    const page = await bounded('new page', rig.chromium.browser.newPage());
    const since = await startEnrol(rig.site, page, user, 'required');
    const pinPage = await pinWindow(rig.chromium.browser, rig.chromium.extensionId);
    expect(await pinPage.$eval('[data-testid=rp-id]', (e) => e.textContent)).toBe('localhost');
    expect(await enterPin(pinPage, '4826')).toBe('set');
    const enrolled = await ceremonyOutcome(page, rig.site, 'webauthn-register', user, since);
    expect(enrolled).toMatchObject({ state: 'verified' });
    expect(enrolled.event?.userVerified).toBe(true);
    void page.close().catch(() => undefined); // closing can stall while a popup window closes; not under test
  });
});

describe('bridge in Chromium (mode always), key with a PIN', () => {
  let rig: BridgeRig;
  beforeAll(async () => {
    rig = await startBridgeRig({ mode: 'always', key: { touch: 'auto', pin: '1234' } });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('asks for the PIN in the extension window, shows the site and RP ID, enrols and signs in', async () => {
    const user = freshUser('pin');
    const page = await bounded('new page', rig.chromium.browser.newPage());
    let since = await startEnrol(rig.site, page, user, 'required');
    let pinPage = await pinWindow(rig.chromium.browser, rig.chromium.extensionId);
    expect(await pinPage.$eval('[data-testid=origin]', (e) => e.textContent)).toBe(
      new URL(rig.site.url('/')).origin,
    );
    expect(await enterPin(pinPage, '1234')).toBe('verify');
    const enrolled = await ceremonyOutcome(page, rig.site, 'webauthn-register', user, since);
    expect(enrolled).toMatchObject({ state: 'verified' });
    expect(enrolled.event?.userVerified).toBe(true);

    rig.site.state.setRequireUserVerification(user, true);
    since = await startSignIn(rig.site, page, user);
    pinPage = await pinWindow(rig.chromium.browser, rig.chromium.extensionId);
    await enterPin(pinPage, '1234');
    const signedIn = await ceremonyOutcome(page, rig.site, 'webauthn-authenticate', user, since);
    expect(signedIn).toMatchObject({ state: 'verified' });
    expect(signedIn.event?.userVerified).toBe(true);
    void page.close().catch(() => undefined); // closing can stall while a popup window closes; not under test
  });

  it('a wrong PIN shows the retries left, then the right PIN succeeds', async () => {
    const user = freshUser('wrongpin');
    const page = await bounded('new page', rig.chromium.browser.newPage());
    const since = await startEnrol(rig.site, page, user, 'required');
    const pinPage = await pinWindow(rig.chromium.browser, rig.chromium.extensionId);
    await enterPin(pinPage, '9999');
    await pinPage.waitForSelector('[data-testid=pin-invalid]', { timeout: 20_000 });
    const warning = await pinPage.$eval('[data-testid=pin-invalid]', (e) => e.textContent ?? '');
    expect(warning).toMatch(/Wrong PIN\. \d+ tries left/);
    await enterPin(pinPage, '1234');
    expect(await ceremonyOutcome(page, rig.site, 'webauthn-register', user, since)).toMatchObject({
      state: 'verified',
    });
    void page.close().catch(() => undefined); // closing can stall while a popup window closes; not under test
  });

  it('cancel in the PIN window ends the request with NotAllowedError; the next request works', async () => {
    const user = freshUser('cancel');
    const page = await bounded('new page', rig.chromium.browser.newPage());
    let since = await startEnrol(rig.site, page, user, 'required');
    const pinPage = await pinWindow(rig.chromium.browser, rig.chromium.extensionId);
    await pinPage.waitForSelector('#cancel');
    // The window closes as the click lands: a "target closed" from the click itself is the expected effect.
    await pinPage.click('#cancel').catch(() => undefined);
    const cancelled = await ceremonyOutcome(page, rig.site, 'webauthn-register', user, since);
    expect(cancelled).toMatchObject({ state: 'error', errorName: 'NotAllowedError' });

    since = Date.now();
    await page.click('form.enroll-webauthn [type=submit]');
    await enterPin(await pinWindow(rig.chromium.browser, rig.chromium.extensionId), '1234');
    expect(await ceremonyOutcome(page, rig.site, 'webauthn-register', user, since)).toMatchObject({
      state: 'verified',
    });
    void page.close().catch(() => undefined); // closing can stall while a popup window closes; not under test
  });

  it('three wrong PINs: the window says the key is blocked, the page gets NotAllowedError', async () => {
    const user = freshUser('blocked');
    const page = await bounded('new page', rig.chromium.browser.newPage());
    const since = await startEnrol(rig.site, page, user, 'required');
    let windowSays = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const pinPage = await pinWindow(rig.chromium.browser, rig.chromium.extensionId);
      await enterPin(pinPage, '0000');
      if (attempt < 2)
        await pinPage.waitForSelector('[data-testid=pin-invalid], [data-testid=error]', { timeout: 20_000 });
      else
        windowSays = await pinPage
          .waitForSelector('[data-testid=error]', { timeout: 20_000 })
          .then((el) => el?.evaluate((e) => e.textContent ?? '') ?? '')
          .catch(() => '');
    }
    const outcome = await ceremonyOutcome(page, rig.site, 'webauthn-register', user, since);
    expect(outcome).toMatchObject({ state: 'error', errorName: 'NotAllowedError' });
    // The reason is the user's to see (in our window); the page gets the words of any refusal.
    expect(windowSays.toLowerCase()).toContain('block');
    expect(outcome.text).toContain(NOT_ALLOWED_MESSAGE);
    rig.key.replug();
    void page.close().catch(() => undefined); // closing can stall while a popup window closes; not under test
  });
});

/** Runs a WebAuthn call in the page and reports its outcome as plain data. */
async function callInPage(
  page: Page,
  script: 'get-timeout' | 'get-abort' | 'get-foreign-rp' | 'create-roundtrip',
): Promise<Record<string, unknown>> {
  return page.evaluate(async (which) => {
    const challenge = crypto.getRandomValues(new Uint8Array(32));
    try {
      if (which === 'get-timeout') {
        await navigator.credentials.get({ publicKey: { challenge, rpId: 'localhost', timeout: 1500 } });
      } else if (which === 'get-abort') {
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 700);
        await navigator.credentials.get({
          publicKey: { challenge, rpId: 'localhost' },
          signal: controller.signal,
        });
      } else if (which === 'get-foreign-rp') {
        await navigator.credentials.get({ publicKey: { challenge, rpId: 'example.com' } });
      } else {
        const cred = (await navigator.credentials.create({
          publicKey: {
            rp: { name: 'Bridge test', id: 'localhost' },
            user: { id: new Uint8Array([1, 2, 3, 4]), name: 'objects', displayName: 'Objects' },
            challenge,
            pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
          },
        })) as PublicKeyCredential;
        const assertion = (await navigator.credentials.get({
          publicKey: {
            challenge,
            rpId: 'localhost',
            allowCredentials: [{ type: 'public-key', id: cred.rawId }],
          },
        })) as PublicKeyCredential;
        const attestation = cred.response as AuthenticatorAttestationResponse;
        const signed = assertion.response as AuthenticatorAssertionResponse;
        return {
          ok: true,
          credInstance: cred instanceof PublicKeyCredential,
          attestationInstance: attestation instanceof AuthenticatorAttestationResponse,
          assertionInstance: signed instanceof AuthenticatorAssertionResponse,
          buffers: [
            cred.rawId,
            attestation.clientDataJSON,
            attestation.attestationObject,
            signed.signature,
          ].every((b) => b instanceof ArrayBuffer),
          jsonEqual: JSON.stringify(cred) === JSON.stringify(cred.toJSON()),
          assertionJsonEqual: JSON.stringify(assertion) === JSON.stringify(assertion.toJSON()),
          transports: attestation.getTransports(),
          algorithm: attestation.getPublicKeyAlgorithm(),
          publicKey: attestation.getPublicKey() instanceof ArrayBuffer,
          authenticatorData: attestation.getAuthenticatorData().byteLength,
          attachment: cred.authenticatorAttachment,
          extensions: JSON.stringify(cred.getClientExtensionResults()),
          sameId: assertion.id === cred.id,
          uvpaa: await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable(),
          clientData: JSON.parse(new TextDecoder().decode(signed.clientDataJSON)) as unknown,
        };
      }
      return { ok: true };
    } catch (error) {
      return { ok: false, name: (error as DOMException).name, isDomException: error instanceof DOMException };
    }
  }, script);
}

describe('bridge in Chromium (mode always): objects, timeout, abort, attacks', () => {
  let rig: BridgeRig;
  let page: Page;
  beforeAll(async () => {
    rig = await startBridgeRig({ mode: 'always', key: { touch: 'auto' } });
    page = await rig.chromium.browser.newPage();
    await page.goto(rig.site.url('/signin'));
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('results are page-realm objects: instanceof, ArrayBuffers, methods, JSON.stringify equals toJSON()', async () => {
    const result = await callInPage(page, 'create-roundtrip');
    expect(result).toMatchObject({
      ok: true,
      credInstance: true,
      attestationInstance: true,
      assertionInstance: true,
      buffers: true,
      jsonEqual: true,
      assertionJsonEqual: true,
      transports: ['usb'],
      algorithm: -7,
      attachment: 'cross-platform',
      sameId: true,
      clientData: { type: 'webauthn.get', origin: new URL(rig.site.url('/')).origin, crossOrigin: false },
    });
    expect(result.authenticatorData).toBeGreaterThan(37);
  });

  it('a page asking for another site’s RP ID gets SecurityError and the host is never called', async () => {
    const before = rig.hostRequests('webauthn.get');
    const result = await callInPage(page, 'get-foreign-rp');
    expect(result).toEqual({ ok: false, name: 'SecurityError', isDomException: true });
    expect(rig.hostRequests('webauthn.get')).toBe(before);
  });
});

describe('bridge in Chromium (mode always), key waiting for a touch that never comes', () => {
  let rig: BridgeRig;
  let page: Page;
  beforeAll(async () => {
    rig = await startBridgeRig({ mode: 'always', key: { touch: 'manual' } });
    page = await rig.chromium.browser.newPage();
    await page.goto(rig.site.url('/signin'));
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('timeout ends the request with NotAllowedError', async () => {
    expect(await callInPage(page, 'get-timeout')).toEqual({
      ok: false,
      name: 'NotAllowedError',
      isDomException: true,
    });
  });

  it('abort ends the request with AbortError, and the key is released', async () => {
    // The timed-out request before this one is cancelled at the key first (the host serves one at a time).
    for (let i = 0; i < 50 && rig.key.waitingForTouch; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await callInPage(page, 'get-abort')).toEqual({
      ok: false,
      name: 'AbortError',
      isDomException: true,
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(rig.key.waitingForTouch).toBe(false);
  });
});
