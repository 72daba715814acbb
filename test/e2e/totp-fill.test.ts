/**
 * The TOTP journey with the built extension against the demo site, in Chromium and Firefox ESR:
 * enrol via the QR code (the extension reads it and saves the secret bound to the site) → activation
 * code filled and accepted → sign out → sign in with the code filled and accepted (hands-free); a
 * lookalike host gets a warning and no code; a locked vault offers unlock in extension UI and the fill
 * continues after unlock. The site checks every code with otplib at its own clock.
 */
import { createGuardrails, generate } from 'otplib';
import type { Browser, Frame, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, type DemoSite, startDemoSite } from '../site/server.js';
import { launchChromium } from '../support/chromium';
import { send } from '../support/extension-message';
import { launchFirefox } from '../support/firefox';
import { clickPanel } from '../support/panel';

const MASTER = 'Correct-Horse-Battery-42';
const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });

/** The codes the site accepts now (one step either side), computed by otplib from the site's secret. */
async function acceptable(secret: string): Promise<string[]> {
  const now = Math.floor(Date.now() / 1000);
  return Promise.all([-30, 0, 30].map((d) => generate({ secret, epoch: now + d, guardrails })));
}

/** Types the demo password sign-in into a page or frame; `pierce/` reaches into open shadow roots. */
async function passwordStep(where: Page | Frame, user: string, prefix = ''): Promise<void> {
  await where.waitForSelector(`${prefix}#okta-signin-username`, { visible: true });
  await where.type(`${prefix}#okta-signin-username`, user);
  await where.type(`${prefix}#okta-signin-password`, DEMO_PASSWORD);
  await where.click(`${prefix}#okta-signin-submit`);
}

/** Waits for the TOTP field to hold six digits and returns them. */
async function filledCode(where: Page | Frame, selector: string): Promise<string> {
  const h = await where.waitForFunction(
    (sel: string) => {
      const host = document.querySelector('#okta-login-container');
      const input = (document.querySelector(sel) ??
        host?.shadowRoot?.querySelector(sel)) as HTMLInputElement | null;
      return input && /^[0-9]{6}$/.test(input.value) ? input.value : false;
    },
    { timeout: 20_000 },
    selector,
  );
  return (await h.jsonValue()) as string;
}
const STEP_MS = 30_000;

interface Session {
  browser: Browser;
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

/** Waits until a fresh 30 s step has begun since `after` (the site accepts each step once). */
async function nextStep(after: number): Promise<void> {
  const target = (Math.floor(after / STEP_MS) + 1) * STEP_MS + 300;
  const wait = target - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

/**
 * The extension's unlock window. Found by asking each page for its address: Firefox's BiDi does not
 * always report the navigation of a new window into the extension process.
 */
async function findPage(browser: Browser, urlPart: string, ms = 20_000): Promise<Page> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    for (const p of await browser.pages()) {
      const href = await p.evaluate(() => location.href).catch(() => p.url());
      if (href.includes(urlPart)) return p;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no page with ${urlPart}`);
}

async function signInWithPassword(
  page: Page,
  site: DemoSite,
  user: string,
  host = 'localhost',
): Promise<void> {
  const url = new URL(site.url('/signin'));
  url.hostname = host;
  await page.goto(url.toString());
  await page.waitForSelector('#okta-signin-username', { visible: true });
  await page.type('#okta-signin-username', user);
  await page.type('#okta-signin-password', DEMO_PASSWORD);
  await page.click('#okta-signin-submit');
}

async function until<T>(what: string, f: () => T | undefined | null | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function journey(name: string, launch: () => Promise<Session>) {
  describe(`TOTP fill with the built extension: ${name}`, () => {
    let session: Session;
    let site: DemoSite;
    let ext: Page;
    const user = `totp-e2e-${name.toLowerCase().replace(/\W+/g, '-')}-${Date.now()}@example.com`;
    let lastUse = 0;

    beforeAll(async () => {
      site = await startDemoSite();
      session = await launch();
      ext = await session.openExtensionPage('popup.html');
      await send(ext, { type: 'vault.create', password: MASTER });
      // The demo site runs on localhost: give it the IAMconnected profile (auto fill) and auto-submit.
      await send(ext, {
        type: 'settings.set',
        patch: { siteProfiles: [{ match: 'localhost', profile: 'iamconnected' }], autoSubmit: true },
      });
    }, 120_000);
    afterAll(async () => {
      await session?.close();
      await site?.close();
    });

    it('enrols from the QR code: the secret is saved bound to the site and the activation code is filled and accepted', async () => {
      const page = await session.browser.newPage();
      await signInWithPassword(page, site, user);
      const setup = await page.waitForSelector('.enroll-factor-row[data-se="GOOGLE_AUTH"] a.button', {
        visible: true,
      });
      await setup!.click();
      const android = await page.waitForSelector('input[name="__deviceType__"][value="ANDROID"]', {
        visible: true,
      });
      await android!.click();
      await page.click('form[data-se="step-device-type"] input[type="submit"]');
      await page.waitForSelector('img.qrcode-image', { visible: true });
      await clickPanel(page, 'save'); // "Save this authenticator in mfa-bridge?" (secret read from the QR image)
      await page.waitForSelector('mfa-bridge-ui[data-mfa-bridge="saved"]');
      const accounts = (await send(ext, { type: 'vault.list' })) as Array<{ origins: string[] }>;
      expect(accounts).toHaveLength(1);
      expect(accounts[0]!.origins).toEqual([new URL(site.url('/')).origin]);
      await page.click('form[data-se="step-scan"] input[type="submit"]'); // Next
      const activated = await until('activation', () => site.state.lastEvent('totp-activate', user));
      expect(activated).toMatchObject({ ok: true });
      lastUse = Date.now();
      await page.close();
    }, 120_000);

    it('signs in again with the code filled and accepted, hands-free', async () => {
      await nextStep(lastUse);
      site.state.setPreferredFactor(user, 'totp');
      const page = await session.browser.newPage();
      await signInWithPassword(page, site, user);
      await page.waitForSelector('#signed-in', { timeout: 30_000 });
      expect(await page.$eval('#signed-in', (e) => e.getAttribute('data-user'))).toBe(user);
      expect(site.state.lastEvent('totp-verify', user)).toMatchObject({ ok: true });
      lastUse = Date.now();
      await page.click('#sign-out');
      await page.waitForSelector('#okta-signin-username');
      await page.close();
    }, 120_000);

    it('fills nothing on a lookalike host and says why', async () => {
      await nextStep(lastUse);
      const before = site.state.events.length;
      const page = await session.browser.newPage();
      await signInWithPassword(page, site, user, 'iamconnected-login.localhost');
      await page.waitForSelector('.mfa-verify-totp input[name="answer"]', { visible: true });
      await page.waitForSelector('mfa-bridge-ui[data-mfa-bridge="lookalike"]', { timeout: 20_000 });
      await new Promise((r) => setTimeout(r, 2000));
      expect(await page.$eval('input[name="answer"]', (e) => (e as HTMLInputElement).value)).toBe('');
      expect(site.state.events.slice(before).filter((e) => e.kind === 'totp-verify')).toEqual([]);
      await page.close();
    }, 120_000);

    it("fills inside the widget's open shadow root and inside a same-origin iframe", async () => {
      await send(ext, { type: 'settings.set', patch: { autoSubmit: false } });
      const secret = site.state.totpSecret(user)!;
      try {
        await inShadowAndFrame(secret);
      } finally {
        site.state.settings.mount = 'document';
        await send(ext, { type: 'settings.set', patch: { autoSubmit: true } });
        // Nothing was submitted: leave no half-signed-in session behind.
        await session.browser.deleteCookie(...(await session.browser.cookies()));
      }
    }, 120_000);

    async function inShadowAndFrame(secret: string): Promise<void> {
      try {
        site.state.settings.mount = 'shadow';
        const page = await session.browser.newPage();
        await page.goto(site.url('/signin'));
        await passwordStep(page, user, 'pierce/');
        expect(await acceptable(secret)).toContain(await filledCode(page, 'input[name="answer"]'));
        await page.close();
      } finally {
        site.state.settings.mount = 'document';
      }
      await session.browser.deleteCookie(...(await session.browser.cookies()));
      const page = await session.browser.newPage();
      await page.goto(site.url('/embed?src=/signin'));
      const frame = await (await page.waitForSelector('iframe#signin-frame'))!.contentFrame();
      await passwordStep(frame, user);
      expect(await acceptable(secret)).toContain(await filledCode(frame, 'input[name="answer"]'));
      await page.close();
    }

    it('with two accounts for the site, asks once and remembers the choice', async () => {
      const origin = new URL(site.url('/')).origin;
      await send(ext, {
        type: 'vault.add',
        account: {
          source: 'uri',
          uri: 'otpauth://totp/IAMconnected:other%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=IAMconnected',
          meta: { origins: [origin] },
        },
      });
      await send(ext, { type: 'settings.set', patch: { autoSubmit: false } });
      const secret = site.state.totpSecret(user)!;
      try {
        const page = await session.browser.newPage();
        await signInWithPassword(page, site, user);
        await page.waitForSelector('.mfa-verify-totp input[name="answer"]', { visible: true });
        await clickPanel(page, 'choose'); // the first button: the account enrolled on this site
        expect(await acceptable(secret)).toContain(await filledCode(page, 'input[name="answer"]'));
        // Next time: no question, the remembered account's code is filled at once.
        await page.reload();
        expect(await acceptable(secret)).toContain(await filledCode(page, 'input[name="answer"]'));
        expect(await page.$('mfa-bridge-ui[data-mfa-bridge="choose"]')).toBeNull();
        await page.close();
      } finally {
        await send(ext, { type: 'settings.set', patch: { autoSubmit: true } });
        await session.browser.deleteCookie(...(await session.browser.cookies()));
      }
    }, 120_000);

    it('offers unlock when the vault is locked, then fills after unlock', async () => {
      await send(ext, { type: 'vault.lock' });
      await nextStep(lastUse);
      const page = await session.browser.newPage();
      await signInWithPassword(page, site, user);
      await page.waitForSelector('.mfa-verify-totp input[name="answer"]', { visible: true });
      await clickPanel(page, 'unlock');
      await page.waitForSelector('mfa-bridge-ui[data-mfa-bridge="unlocking"]');
      const popup = await findPage(session.browser, 'popup.html?unlock=1');
      const pw = await popup.waitForSelector('input[type="password"]', { visible: true });
      await pw!.type(MASTER);
      await popup.keyboard.press('Enter');
      await page.waitForSelector('#signed-in', { timeout: 30_000 });
      expect(site.state.lastEvent('totp-verify', user)).toMatchObject({ ok: true });
      // The page never saw the master password: it was typed into the extension's own window.
      expect(await page.evaluate(() => document.documentElement.outerHTML.includes('Correct-Horse'))).toBe(
        false,
      );
      await page.close();
    }, 150_000);
  });
}

journey('Chromium', launchChromium);
journey('Firefox ESR', launchFirefox);
