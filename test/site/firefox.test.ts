/**
 * The demo site's own script in Firefox ESR (WebDriver BiDi), without the extension: late rendering,
 * in-place steps and the TOTP journey typed by a user.
 */
import { createGuardrails, generate } from 'otplib';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FirefoxSession, launchFirefox } from '../support/firefox.js';
import { type DemoSite, ROUTES, startDemoSite } from './server.js';
import { submitCredentials } from './widget-steps.js';

const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });

let site: DemoSite;
let firefox: FirefoxSession;
let page: Page;

beforeAll(async () => {
  site = await startDemoSite();
  firefox = await launchFirefox({ extension: false, nativeHost: false });
  page = await firefox.browser.newPage();
});
afterAll(async () => {
  site?.state.setClock(null);
  await firefox?.close();
  await site?.close();
});

describe('demo site in Firefox', () => {
  it('enrols and verifies TOTP through the in-place widget steps', async () => {
    const user = 'firefox-user@example.com';
    const now = Date.now();
    const epoch = Math.floor(now / 1000);
    site.state.setClock(now);

    await page.goto(site.url('/signin?lang=nl'));
    await page.waitForSelector('#okta-sign-in #okta-signin-username');
    expect(await page.$eval('#okta-signin-submit', (el) => el.getAttribute('value'))).toBe('Aanmelden');
    await page.evaluate(() => {
      (window as Window & { marker?: string }).marker = 'same-document';
    });
    await submitCredentials(page, user);
    await page.waitForSelector('.enroll-factor-row[data-se="GOOGLE_AUTH"] a.button');
    expect(new URL(page.url()).pathname).toBe(ROUTES.enroll);
    expect(await page.evaluate(() => (window as Window & { marker?: string }).marker)).toBe('same-document');

    await page.click('.enroll-factor-row[data-se="GOOGLE_AUTH"] a.button');
    await page.waitForSelector('form[data-se="step-device-type"] input[type="submit"]');
    await page.click('form[data-se="step-device-type"] input[type="submit"]');
    await page.waitForSelector('a.manual-setup');
    expect(await page.$eval('a.manual-setup', (el) => el.textContent)).toBe('Scannen niet mogelijk?');
    await page.click('a.manual-setup');
    await page.waitForSelector('[data-se="step-manual-setup"] p.shared-key');
    const secret = (await page.$eval('p.shared-key', (el) => el.textContent ?? '')).trim();
    expect(secret).toBe(site.state.totpSecret(user));
    await page.click('[data-se="step-manual-setup"] input[type="submit"]');
    await page.waitForSelector('form[data-se="step-sendcode"] input[name="passCode"]');
    await page.type('input[name="passCode"]', await generate({ secret, guardrails, epoch }));
    await page.click('form[data-se="step-sendcode"] input[type="submit"]');
    await page.waitForSelector('.enroll-choices input[type="submit"][value="Voltooien"]');
    await page.click('.enroll-choices input[type="submit"]');
    await page.waitForSelector('#signed-in');

    await page.click('#sign-out');
    await page.waitForSelector('#okta-signin-username');
    await submitCredentials(page, user);
    await page.waitForSelector('.mfa-verify form.mfa-verify-totp input[name="answer"]');
    expect(await page.$eval('.mfa-verify-totp .okta-form-subtitle', (el) => el.textContent)).toBe(
      'Voer uw Google Authenticator-pascode in',
    );
    await page.type('input[name="answer"]', await generate({ secret, guardrails, epoch: epoch + 30 }));
    await page.click('.mfa-verify-totp input[type="submit"]');
    await page.waitForSelector('#signed-in');
    expect(site.state.lastEvent('totp-verify', user)).toMatchObject({ ok: true, delta: 1 });
  });
});
