/**
 * Regenerates the detector's fixtures from the real Okta Sign-In Widget: drives the widget (from
 * node_modules) against the mocked org in Chromium without the extension, and saves each screen's
 * rendered DOM (scripts and styles removed) to test/okta-org/fixtures/<engine>-<screen>-<lang>.html.
 *
 *   npx tsx test/okta-org/snapshot.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'puppeteer';
import { launchChromium } from '../support/chromium';
import { type Engine, type Lang, type OktaOrg, ORG_PASSWORD, startOktaOrg } from './server';

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

async function save(page: Page, name: string): Promise<void> {
  const html = await page.evaluate(() => {
    const c = document.querySelector('#okta-login-container')!.cloneNode(true) as Element;
    for (const s of Array.from(c.querySelectorAll('script, style'))) s.remove();
    // Values typed by the snapshot run are not part of the fixture.
    for (const i of Array.from(c.querySelectorAll('input:not([type=submit]):not([type=hidden])')))
      i.removeAttribute('value');
    return `<!doctype html>\n<html lang="${document.documentElement.lang}"><head><meta charset="utf-8"></head><body>\n${c.outerHTML}\n</body></html>\n`;
  });
  writeFileSync(join(OUT, `${name}.html`), html);
  console.log('saved', name);
}

/** The widget's visible form, once its view has settled (the submit button is rendered). */
async function settled(page: Page, selector: string): Promise<void> {
  await page.waitForSelector(selector, { visible: true, timeout: 20_000 });
  await new Promise((r) => setTimeout(r, 500));
}

async function idxJourney(org: OktaOrg, page: Page, lang: Lang): Promise<void> {
  const login = `snap-idx-${lang}@example.com`;
  org.addUser(login, ['totp', 'key']);
  await page.goto(org.url('idx', lang));
  await settled(page, 'input[name="identifier"]');
  await save(page, `idx-identify-${lang}`);
  await page.click('input[name="identifier"]', { count: 3 });
  await page.type('input[name="identifier"]', login);
  await page.type('input[name="credentials.passcode"]', ORG_PASSWORD);
  await page.click('input[type=submit], button[type=submit]');
  await settled(
    page,
    '[data-se="authenticator-button"], .authenticator-button, .select-authenticator-enroll',
  );
  await save(page, `idx-choose-enroll-${lang}`);
  const buttons = await page.$$(
    '[data-se="authenticator-button"] [data-se="button"], .authenticator-button .button',
  );
  await buttons[0]!.click(); // Google Authenticator
  await new Promise((r) => setTimeout(r, 2500));
  await save(page, `idx-enroll-totp-${lang}`);
  await page.click('.google-authenticator-next, [data-se="button"].button-primary');
  await settled(page, 'input[name="credentials.passcode"]');
  await save(page, `idx-enroll-totp-code-${lang}`);
}

async function idxChallenge(
  org: OktaOrg,
  page: Page,
  lang: Lang,
  enrol: Array<'totp' | 'key'>,
  name: string,
) {
  const login = `snap-idx-${name}-${lang}@example.com`;
  const u = org.addUser(login, enrol, 'JBSWY3DPEHPK3PXP');
  if (enrol.includes('key')) u.keys.push({ id: 'AAAA', publicKey: new Uint8Array(), counter: 0 });
  await page.goto(org.url('idx', lang));
  await settled(page, 'input[name="identifier"]');
  await page.click('input[name="identifier"]', { count: 3 });
  await page.type('input[name="identifier"]', login);
  await page.type('input[name="credentials.passcode"]', ORG_PASSWORD);
  await page.click('input[type=submit], button[type=submit]');
  await new Promise((r) => setTimeout(r, 2500));
  await save(page, `idx-${name}-${lang}`);
  if (name === 'choose') {
    const buttons = await page.$$(
      '[data-se="authenticator-button"] [data-se="button"], .authenticator-button .button',
    );
    await buttons[0]!.click();
    await new Promise((r) => setTimeout(r, 2500));
    await save(page, `idx-challenge-totp-${lang}`);
  }
}

async function classicJourney(org: OktaOrg, page: Page, lang: Lang, engine: Engine): Promise<void> {
  const login = `snap-classic-${lang}@example.com`;
  org.addUser(login, ['totp'], 'JBSWY3DPEHPK3PXP');
  await page.goto(org.url(engine, lang));
  await settled(page, 'input[name="username"], #okta-signin-username');
  await save(page, `classic-password-${lang}`);
  await page.click('#okta-signin-username', { count: 3 });
  await page.type('#okta-signin-username', login);
  await page.type('#okta-signin-password', ORG_PASSWORD);
  await page.click('#okta-signin-submit');
  await new Promise((r) => setTimeout(r, 2500));
  await save(page, `classic-verify-totp-${lang}`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const org = await startOktaOrg();
  const chromium = await launchChromium({ extension: false, nativeHost: false });
  try {
    for (const lang of ['en', 'nl'] as const) {
      const fresh = async <T>(f: (p: Page) => Promise<T>): Promise<T> => {
        const page = await chromium.browser.newPage();
        try {
          return await f(page);
        } finally {
          await page.close();
        }
      };
      await fresh((p) => idxJourney(org, p, lang));
      await fresh((p) => idxChallenge(org, p, lang, ['totp'], 'challenge-only-totp'));
      await fresh((p) => idxChallenge(org, p, lang, ['totp', 'key'], 'choose'));
      await fresh((p) => classicJourney(org, p, lang, 'classic'));
    }
  } finally {
    await chromium.close();
    await org.close();
  }
}

await main();
