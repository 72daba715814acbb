/**
 * The demo site's own browser side in Chromium, without the extension: late rendering, in-place
 * (single-page) steps, the TOTP journey typed by a user, and security-key enrolment and sign-in with
 * Chromium's built-in virtual authenticator (CDP WebAuthn domain) verified by @simplewebauthn/server.
 */
import { createGuardrails, generate } from 'otplib';
import type { CDPSession, Page } from 'puppeteer';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addCdpAuthenticator } from '../support/cdp-authenticator';
import { type ChromiumSession, launchChromium } from '../support/chromium.js';
import { DEMO_PASSWORD, type DemoSite, ROUTES, startDemoSite } from './server.js';
import { enrollSecurityKey, submitCredentials } from './widget-steps.js';

const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });

let site: DemoSite;
let chromium: ChromiumSession;
let page: Page;
let counter = 0;
const newUser = () => `browser-user-${++counter}@example.com`;

beforeAll(async () => {
  site = await startDemoSite({ settings: { renderDelayMs: 400 } });
  chromium = await launchChromium({ extension: false, nativeHost: false });
});
afterAll(async () => {
  await chromium?.close();
  await site?.close();
});
beforeEach(async () => {
  const context = await chromium.browser.createBrowserContext();
  page = await context.newPage();
});
afterEach(async () => {
  site.state.setClock(null);
  await page.browserContext().close();
});

async function signInAs(user: string): Promise<void> {
  await page.goto(site.url('/signin'));
  await page.waitForSelector('#okta-sign-in input#okta-signin-username');
  await submitCredentials(page, user);
}

function addAuthenticator(cdp: CDPSession, uv: boolean): Promise<string> {
  return addCdpAuthenticator(cdp, { residentKey: true, userVerification: uv });
}

describe('demo site in Chromium', () => {
  it('renders the widget late and moves to the next step in place (no page load)', async () => {
    type Timing = { readyAt?: number; widgetAtReady?: boolean; widgetAt?: number };
    await page.evaluateOnNewDocument(() => {
      const timing: Timing = {};
      (window as Window & { timing?: Timing }).timing = timing;
      document.addEventListener('DOMContentLoaded', () => {
        timing.readyAt = performance.now();
        timing.widgetAtReady = document.querySelector('#okta-sign-in') !== null;
      });
      new MutationObserver((_, observer) => {
        if (document.querySelector('#okta-sign-in')) {
          timing.widgetAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(site.url('/signin'));
    await page.waitForSelector('#okta-sign-in form.o-form');
    const timing = await page.evaluate(() => (window as Window & { timing?: Timing }).timing);
    expect(timing?.widgetAtReady).toBe(false);
    expect(timing!.widgetAt! - timing!.readyAt!).toBeGreaterThanOrEqual(350);
    await page.evaluate(() => {
      (window as Window & { marker?: string }).marker = 'same-document';
    });
    await submitCredentials(page, newUser());
    await page.waitForSelector('#okta-sign-in .enroll-factor-row[data-se="GOOGLE_AUTH"]');
    expect(new URL(page.url()).pathname).toBe(ROUTES.enroll);
    expect(await page.evaluate(() => (window as Window & { marker?: string }).marker)).toBe('same-document');
    expect(await page.evaluate(() => document.documentElement.dataset.widgetRenders)).toBe('2');
  });

  it('enrols and verifies TOTP as a user types it, with the QR image loading under the CSP', async () => {
    const user = newUser();
    // A frozen site clock, so the codes below cannot cross a 30 s step while the test runs.
    const now = Date.now();
    const epoch = Math.floor(now / 1000);
    site.state.setClock(now);
    await signInAs(user);
    await page.waitForSelector('.enroll-factor-row[data-se="GOOGLE_AUTH"] a.button');
    await page.click('.enroll-factor-row[data-se="GOOGLE_AUTH"] a.button');
    await page.waitForSelector('form[data-se="step-device-type"] input[type="submit"]');
    await page.click('form[data-se="step-device-type"] input[type="submit"]');
    await page.waitForSelector('img.qrcode-image[data-se="qrcode"]');
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('img.qrcode-image');
      return img?.complete && img.naturalWidth > 0;
    });
    await page.click('a.manual-setup');
    const sharedKey = await page.waitForSelector('[data-se="step-manual-setup"] p.shared-key');
    const secret = (await sharedKey!.evaluate((el) => el.textContent ?? '')).trim();
    expect(secret).toBe(site.state.totpSecret(user));
    await page.click('[data-se="step-manual-setup"] input[type="submit"]');
    await page.waitForSelector('form[data-se="step-sendcode"] input[name="passCode"]');
    const focused = await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name);
    expect(focused).toBe('passCode');
    await page.type('input[name="passCode"]', await generate({ secret, guardrails, epoch }));
    await page.click('form[data-se="step-sendcode"] input[type="submit"]');
    await page.waitForSelector('.enroll-choices input[type="submit"][value="Finish"]');
    await page.click('.enroll-choices input[type="submit"]');
    await page.waitForSelector('#signed-in');
    expect(await page.$eval('#signed-in', (el) => el.getAttribute('data-user'))).toBe(user);

    await page.click('#sign-out');
    await page.waitForSelector('#okta-signin-username');
    await submitCredentials(page, user);
    await page.waitForSelector('.mfa-verify form.mfa-verify-totp .auth-passcode input[name="answer"]');
    // The activation code is spent: typing it again shows the widget's error.
    await page.type('input[name="answer"]', await generate({ secret, guardrails, epoch }));
    await page.click('.mfa-verify-totp input[type="submit"]');
    await page.waitForSelector('#site-error[data-error-code="code-reused"]');
    const next = await generate({ secret, guardrails, epoch: epoch + 30 });
    await page.type('input[name="answer"]', next);
    await page.click('.mfa-verify-totp input[type="submit"]');
    await page.waitForSelector('#signed-in');
    expect(site.state.lastEvent('totp-verify', user)).toMatchObject({ ok: true });
  });

  it('enrols a security key and signs in with it (virtual authenticator, user verified)', async () => {
    const user = newUser();
    site.state.addUser(user);
    site.state.setRequireUserVerification(user, true);
    const cdp = await page.createCDPSession();
    const authenticatorId = await addAuthenticator(cdp, true);

    await signInAs(user);
    await enrollSecurityKey(page);
    const registered = site.state.lastEvent('webauthn-register', user);
    expect(registered).toMatchObject({ ok: true, userVerified: true, fmt: 'none' });
    expect(site.state.credentials(user)).toHaveLength(1);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(Buffer.from(credentials[0]!.credentialId, 'base64').toString('base64url')).toBe(
      registered?.credentialId,
    );

    await page.click('.enroll-choices input[type="submit"]');
    await page.waitForSelector('#signed-in');
    await page.click('#sign-out');
    await page.waitForSelector('#okta-signin-username');
    await submitCredentials(page, user);
    // The verify step calls navigator.credentials.get by itself once rendered.
    await page.waitForSelector('#signed-in');
    expect(site.state.lastEvent('webauthn-authenticate', user)).toMatchObject({
      ok: true,
      userVerified: true,
    });
    expect(site.state.credentials(user)[0]!.counter).toBeGreaterThan(0);
  });

  it('shows the browser error and "Retry" when the key does not answer, then signs in on retry', async () => {
    const user = newUser();
    site.state.addUser(user);
    const cdp = await page.createCDPSession();
    const authenticatorId = await addAuthenticator(cdp, false);
    await signInAs(user);
    await enrollSecurityKey(page);
    expect(site.state.lastEvent('webauthn-register', user)).toMatchObject({ ok: true, userVerified: false });
    await page.click('.enroll-choices input[type="submit"]');
    await page.waitForSelector('#signed-in');
    await page.click('#sign-out');
    await page.waitForSelector('#okta-signin-username');

    // Nobody touches the key: the browser's request times out (shortened from the site's 60 s).
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: false });
    await page.evaluate(() => {
      const original = navigator.credentials.get.bind(navigator.credentials);
      navigator.credentials.get = (options?: CredentialRequestOptions) => {
        if (options?.publicKey) options.publicKey.timeout = 1_000;
        return original(options);
      };
    });
    await submitCredentials(page, user);
    await page.waitForSelector('#webauthn-status[data-state="error"]', { timeout: 60_000 });
    expect(await page.$eval('#site-error', (el) => el.getAttribute('data-error-name'))).toBe(
      'NotAllowedError',
    );
    expect(
      await page.$eval('.verify-webauthn-form input[type="submit"]', (el) => el.className),
    ).not.toContain('hide');
    expect(site.state.signedIn(user)).toBe(false);

    // Touch it this time.
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: true });
    await page.click('.verify-webauthn-form input[type="submit"]');
    await page.waitForSelector('#signed-in');
    expect(site.state.lastEvent('webauthn-authenticate', user)).toMatchObject({
      ok: true,
      userVerified: false,
    });
  });

  it('falls back to hand-built options and credential JSON when the browser lacks the L3 JSON methods', async () => {
    await page.evaluateOnNewDocument(() => {
      const pkc = PublicKeyCredential as unknown as Record<string, unknown>;
      delete pkc.parseCreationOptionsFromJSON;
      delete pkc.parseRequestOptionsFromJSON;
      delete (PublicKeyCredential.prototype as unknown as Record<string, unknown>).toJSON;
    });
    const user = newUser();
    site.state.addUser(user);
    const cdp = await page.createCDPSession();
    await addAuthenticator(cdp, true);
    await signInAs(user);
    expect(await page.evaluate(() => typeof PublicKeyCredential.prototype.toJSON)).toBe('undefined');
    await enrollSecurityKey(page);
    expect(site.state.lastEvent('webauthn-register', user)).toMatchObject({ ok: true });
    expect(site.state.credentials(user)[0]?.transports).toEqual(['usb']);
    await page.click('.enroll-choices input[type="submit"]');
    await page.waitForSelector('#sign-out');
    await page.click('#sign-out');
    await page.waitForSelector('#okta-signin-username');
    await submitCredentials(page, user);
    await page.waitForSelector('#signed-in');
    expect(site.state.lastEvent('webauthn-authenticate', user)).toMatchObject({ ok: true });
  });

  it('works with full page loads when single-page mode is off, and verifies direct (packed) attestation', async () => {
    site.state.settings.spa = false;
    try {
      const user = newUser();
      site.state.addUser(user);
      const cdp = await page.createCDPSession();
      await addAuthenticator(cdp, true);
      await page.goto(site.url('/signin'));
      await page.waitForSelector('#okta-signin-username');
      await page.evaluate(() => {
        (window as Window & { marker?: string }).marker = 'first-document';
      });
      await page.type('#okta-signin-username', user);
      await page.type('#okta-signin-password', DEMO_PASSWORD);
      await Promise.all([page.waitForNavigation(), page.click('#okta-signin-submit')]);
      expect(await page.evaluate(() => (window as Window & { marker?: string }).marker)).toBeUndefined();
      await page.waitForSelector('.enroll-factor-row[data-se="webauthn"] a.button');
      await page.goto(site.url(`${ROUTES.enrollWebauthn}?attestation=direct`));
      await page.waitForSelector('form.enroll-webauthn input[type="submit"]');
      await page.click('form.enroll-webauthn input[type="submit"]');
      await page.waitForSelector('.enroll-factor-row[data-se="webauthn"] [data-se="factor-enrolled"]');
      expect(site.state.lastEvent('webauthn-register', user)).toMatchObject({ ok: true, fmt: 'packed' });
    } finally {
      site.state.settings.spa = true;
    }
  });

  it('can mount the widget in a shadow root; the TOTP journey works there', async () => {
    site.state.settings.mount = 'shadow';
    const now = Date.now();
    const epoch = Math.floor(now / 1000);
    site.state.setClock(now);
    try {
      const user = newUser();
      await page.goto(site.url('/signin'));
      await page.waitForSelector('pierce/#okta-signin-username');
      expect(await page.evaluate(() => document.querySelector('#okta-sign-in'))).toBeNull();
      expect(
        await page.evaluate(
          () =>
            document.querySelector('#okta-login-container')?.shadowRoot?.querySelector('#okta-sign-in') !=
            null,
        ),
      ).toBe(true);
      await submitCredentials(page, user, 'pierce/');
      await page.waitForSelector('pierce/.enroll-factor-row[data-se="GOOGLE_AUTH"] a.button');
      await page.click('pierce/.enroll-factor-row[data-se="GOOGLE_AUTH"] a.button');
      await page.waitForSelector('pierce/form[data-se="step-device-type"] input[type="submit"]');
      await page.click('pierce/form[data-se="step-device-type"] input[type="submit"]');
      await page.waitForSelector('pierce/a.manual-setup');
      await page.click('pierce/a.manual-setup');
      await page.waitForSelector('pierce/p.shared-key');
      const secret = site.state.totpSecret(user)!;
      await page.click('pierce/[data-se="step-manual-setup"] input[type="submit"]');
      await page.waitForSelector('pierce/input[name="passCode"]');
      await page.type('pierce/input[name="passCode"]', await generate({ secret, guardrails, epoch }));
      await page.click('pierce/form[data-se="step-sendcode"] input[type="submit"]');
      await page.waitForSelector('pierce/.enroll-choices input[type="submit"]');
      await page.click('pierce/.enroll-choices input[type="submit"]');
      await page.waitForSelector('#signed-in');
      expect(site.state.signedIn(user)).toBe(true);
    } finally {
      site.state.settings.mount = 'document';
    }
  });

  it('works inside a same-origin iframe (/embed), security key included', async () => {
    const user = newUser();
    site.state.addUser(user);
    const cdp = await page.createCDPSession();
    await addAuthenticator(cdp, true);
    await page.goto(site.url(ROUTES.embed));
    const frameElement = await page.waitForSelector('#signin-frame');
    const frame = (await frameElement!.contentFrame())!;
    await frame.waitForSelector('#okta-signin-username');
    await submitCredentials(frame, user);
    await enrollSecurityKey(frame);
    expect(site.state.lastEvent('webauthn-register', user)).toMatchObject({ ok: true });
    await frame.click('.enroll-choices input[type="submit"]');
    await frame.waitForSelector('#signed-in');
    expect(new URL(page.url()).pathname).toBe(ROUTES.embed);
  });
});
