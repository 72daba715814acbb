/**
 * The built extension against the real Okta Sign-In Widget (`@okta/okta-signin-widget`, served from its
 * npm package) and a mocked org that checks what it receives (test/okta-org/server.ts): Identity Engine
 * and Classic Engine journeys in Chromium (en, nl) and Firefox ESR. Settings go through the extension's
 * own messages (localhost gets the IAMconnected profile, auto-submit on, bridge mode `always`); security
 * keys are the virtual key on UDP, touched by the test.
 */
import type { Browser, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Engine, type Lang, type OktaOrg, ORG_PASSWORD, startOktaOrg } from '../okta-org/server.js';
import { totpUri } from '../site/totp.js';
import { startKey, transportEnv } from '../support/bridge';
import { launchChromium } from '../support/chromium';
import { send } from '../support/extension-message';
import { launchFirefox } from '../support/firefox';
import { clickPanel } from '../support/panel';

const MASTER = 'Correct-Horse-Battery-42';

interface Session {
  browser: Browser;
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
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

/** Clears a field the widget may have pre-filled (it remembers the last username) and types. */
async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForSelector(selector, { visible: true, timeout: 20_000 });
  await page.$eval(selector, (e) => {
    (e as HTMLInputElement).select();
  });
  await page.keyboard.press('Backspace');
  await page.type(selector, text);
}

/**
 * The password step, as a person does it. Right before submitting, the password field still holds
 * exactly what was typed: the extension wrote nothing into it.
 */
async function passwordStep(page: Page, org: OktaOrg, engine: Engine, lang: Lang, login: string) {
  await page.goto(org.url(engine, lang));
  const [user, pass, submit] =
    engine === 'idx'
      ? ['input[name="identifier"]', 'input[name="credentials.passcode"]', 'form input[type=submit]']
      : ['#okta-signin-username', '#okta-signin-password', '#okta-signin-submit'];
  await typeInto(page, user, login);
  await typeInto(page, pass, ORG_PASSWORD);
  expect(await page.$eval(pass, (e) => (e as HTMLInputElement).value)).toBe(ORG_PASSWORD);
  expect(await page.$eval(pass, (e) => (e as HTMLInputElement).type)).toBe('password');
  await page.click(submit);
}

async function signedIn(page: Page, login: string): Promise<void> {
  await page.waitForSelector('#signed-in', { timeout: 40_000 });
  expect(decodeURIComponent((await page.$eval('#signed-in', (e) => e.getAttribute('data-user'))) ?? '')).toBe(
    login,
  );
}

/** Exactly one password attempt for this user, and it was the right password. */
function onePasswordAttempt(org: OktaOrg, login: string): void {
  const attempts = org.events.filter((e) => e.kind === 'password' && e.login === login);
  expect(attempts.map((e) => e.ok)).toEqual([true]);
}

/** Clicks the widget control whose text matches (links and buttons; the widget renders both). */
async function clickWidget(page: Page, selector: string, text: RegExp): Promise<void> {
  const handle = await page.waitForFunction(
    (sel: string, src: string) => {
      const re = new RegExp(src, 'i');
      return (
        Array.from(document.querySelectorAll<HTMLElement>(sel)).find(
          (e) =>
            re.test(
              (e.textContent || (e as HTMLInputElement).value || e.getAttribute('aria-label') || '').trim(),
            ) && e.offsetParent !== null,
        ) ?? false
      );
    },
    { timeout: 20_000 },
    selector,
    text.source,
  );
  await (handle as unknown as { click(): Promise<void> }).click();
}

/** Selects an authenticator on the Identity Engine chooser by its data-se key. */
async function choose(page: Page, key: 'google_otp' | 'webauthn'): Promise<void> {
  const btn = await page.waitForSelector(`.authenticator-button[data-se="${key}"] [data-se="button"]`, {
    visible: true,
    timeout: 20_000,
  });
  await btn!.click();
}

interface Rig {
  org: OktaOrg;
  session: Session;
  ext: Page;
}

async function setUp(launch: () => Promise<Session>, org: OktaOrg): Promise<Rig> {
  const session = await launch();
  const ext = await session.openExtensionPage('popup.html');
  await send(ext, { type: 'vault.create', password: MASTER });
  await send(ext, {
    type: 'settings.set',
    patch: {
      siteProfiles: [{ match: 'localhost', profile: 'iamconnected' }],
      autoSubmit: true,
      bridgeSites: [{ match: 'localhost', mode: 'always' }],
    },
  });
  return { org, session, ext };
}

/** Empties the vault: one account per org origin, so the extension fills without asking which. */
async function clearVault(rig: Rig): Promise<void> {
  for (const a of (await send(rig.ext, { type: 'vault.list' })) as Array<{ id: string }>)
    await send(rig.ext, { type: 'vault.delete', id: a.id });
}

/** A user whose TOTP secret the vault already holds (and only it), bound to the org's origin. */
async function userWithTotp(rig: Rig, login: string, enrol: Array<'totp' | 'key'>): Promise<void> {
  await clearVault(rig);
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DP';
  rig.org.addUser(login, enrol, secret);
  await send(rig.ext, {
    type: 'vault.add',
    account: {
      source: 'uri',
      uri: totpUri('IAMconnected', login, secret),
      meta: { origins: [new URL(rig.org.origin).origin] },
    },
  });
}

function totpJourneys(rig: () => Rig, engine: Engine, lang: Lang, tag: string): void {
  const login = (what: string) => `${what}-${engine}-${lang}-${tag}@example.com`;

  it(`${engine} ${lang}: TOTP sign-in, code filled and submitted; the password page left alone`, async () => {
    const { org, session } = rig();
    const who = login('signin');
    await userWithTotp(rig(), who, ['totp']);
    const page = await session.browser.newPage();
    await passwordStep(page, org, engine, lang, who);
    await signedIn(page, who);
    expect(org.lastEvent('totp-verify', who)).toMatchObject({ ok: true, engine });
    onePasswordAttempt(org, who);
    await page.close();
  }, 120_000);
}

function idxOnlyJourneys(rig: () => Rig, lang: Lang, tag: string): void {
  const login = (what: string) => `${what}-idx-${lang}-${tag}@example.com`;

  it(`idx ${lang}: TOTP enrolment — QR read and saved, Next, activation code filled and submitted`, async () => {
    const { org, session, ext } = rig();
    const who = login('enrol');
    await clearVault(rig());
    org.addUser(who, ['totp']);
    const page = await session.browser.newPage();
    await passwordStep(page, org, 'idx', lang, who);
    await page.waitForSelector('img.qrcode', { visible: true, timeout: 20_000 });
    await clickPanel(page, 'save');
    await page.waitForSelector('mfa-bridge-ui[data-mfa-bridge="saved"]');
    const accounts = (await send(ext, { type: 'vault.list' })) as Array<{ origins: string[] }>;
    expect(accounts.some((a) => a.origins.includes(new URL(org.origin).origin))).toBe(true);
    await clickWidget(page, 'a[data-se="button"]', /^(next|volgende)$/);
    await signedIn(page, who);
    expect(org.lastEvent('totp-activate', who)).toMatchObject({ ok: true });
    onePasswordAttempt(org, who);
    await page.close();
  }, 120_000);

  it(`idx ${lang}: authenticator chooser → Google Authenticator: filled and submitted`, async () => {
    const { org, session } = rig();
    const who = login('chooser');
    await userWithTotp(rig(), who, ['totp', 'key']);
    org.users.get(who)!.keys.push({ id: 'AAAAAAAAAAAAAAAAAAAAAA', publicKey: new Uint8Array(), counter: 0 });
    const page = await session.browser.newPage();
    await passwordStep(page, org, 'idx', lang, who);
    await choose(page, 'google_otp');
    await signedIn(page, who);
    expect(org.lastEvent('totp-verify', who)).toMatchObject({ ok: true });
    onePasswordAttempt(org, who);
    await page.close();
  }, 120_000);
}

describe('the real Okta Sign-In Widget with the built extension: Chromium', () => {
  let org: OktaOrg;
  let r: Rig;
  let key: Awaited<ReturnType<typeof startKey>>;
  beforeAll(async () => {
    org = await startOktaOrg();
    key = await startKey({ touch: 'manual' });
    r = await setUp(() => launchChromium({ env: transportEnv(key) }), org);
  }, 120_000);
  afterAll(async () => {
    await r?.session.close();
    await key?.close();
    await org?.close();
  });

  for (const lang of ['en', 'nl'] as const) {
    totpJourneys(() => r, 'idx', lang, 'chromium');
    idxOnlyJourneys(() => r, lang, 'chromium');
    totpJourneys(() => r, 'classic', lang, 'chromium');
  }

  for (const lang of ['en', 'nl'] as const)
    classicJourneys(
      () => r,
      () => key,
      lang,
    );

  for (const lang of ['en', 'nl'] as const) {
    it(`idx ${lang}: security-key enrolment and sign-in through the bridge; abandoning the key for TOTP`, async () => {
      const who = `key-idx-${lang}-chromium@example.com`;
      await userWithTotp(r, who, ['key']);
      const user = org.users.get(who)!;
      user.totpActive = true;
      // Enrolment: the widget's Set up button starts navigator.credentials.create → bridge → key.
      let page = await r.session.browser.newPage();
      await passwordStep(page, org, 'idx', lang, who);
      await clickWidget(page, '[data-se="button"], button, a.button', /^(set up|instellen)$/);
      await until('the key to wait for a touch', () => key.waitingForTouch);
      key.touch();
      await signedIn(page, who);
      expect(org.lastEvent('key-enrol', who)).toMatchObject({ ok: true });
      await page.close();

      // Sign-in: the widget asks for the key on its own.
      page = await r.session.browser.newPage();
      await passwordStep(page, org, 'idx', lang, who);
      await until('the key to wait for a touch', () => key.waitingForTouch);
      key.touch();
      await signedIn(page, who);
      expect(org.lastEvent('key-verify', who)).toMatchObject({ ok: true });
      await page.close();

      // Both factors now: choose the key, leave it untouched, verify with something else → TOTP.
      user.enrol = ['totp', 'key'];
      page = await r.session.browser.newPage();
      await passwordStep(page, org, 'idx', lang, who);
      await choose(page, 'webauthn');
      await until('the key to wait for a touch', () => key.waitingForTouch);
      await clickWidget(page, 'a.js-switchAuthenticator, [data-se="switchAuthenticator"]', /./);
      await choose(page, 'google_otp');
      await signedIn(page, who);
      expect(org.lastEvent('totp-verify', who)).toMatchObject({ ok: true });
      expect(org.events.filter((e) => e.kind === 'password' && e.login === who).every((e) => e.ok)).toBe(
        true,
      );
      await page.close();
      await until('the abandoned request to end', () => !key.waitingForTouch, 60_000);
    }, 240_000);
  }
});

function classicJourneys(rig: () => Rig, key: () => Awaited<ReturnType<typeof startKey>>, lang: Lang): void {
  it(`classic ${lang}: TOTP enrolment — QR read and saved, activation code filled and submitted`, {
    timeout: 120_000,
    retry: 2,
  }, async () => {
    // retried: the widget intermittently stays on its device-type step (cause not found yet)
    const { org, session, ext } = rig();
    const who = `enrol-classic-${lang}@example.com`;
    await clearVault(rig());
    org.addUser(who, ['totp']);
    const page = await session.browser.newPage();
    await passwordStep(page, org, 'classic', lang, who);
    await (await page.waitForSelector('.enroll-choices form input[type=submit]', {
      visible: true,
    }))!.click(); // Configure factor
    const android = await page.waitForSelector(
      'input[data-se-name="__deviceType__"][value="ANDROID"] + label',
      {
        visible: true,
      },
    );
    await android!.click();
    await (await page.waitForSelector('form[data-se="step-device-type"] a[data-type="save"]', {
      visible: true,
    }))!.click();
    await page.waitForSelector('img.qrcode-image', { visible: true, timeout: 20_000 });
    await clickPanel(page, 'save');
    await page.waitForSelector('mfa-bridge-ui[data-mfa-bridge="saved"]');
    const accounts = (await send(ext, { type: 'vault.list' })) as Array<{ origins: string[] }>;
    expect(accounts.some((a) => a.origins.includes(new URL(org.origin).origin))).toBe(true);
    await clickWidget(
      page,
      'a[data-type="save"], a[data-se="button"], input[type=submit]',
      /^(next|volgende)$/,
    );
    await signedIn(page, who);
    expect(org.lastEvent('totp-activate', who)).toMatchObject({ ok: true, engine: 'classic' });
    onePasswordAttempt(org, who);
    await page.close();
  });

  it(`classic ${lang}: security-key enrolment and sign-in through the bridge (appid = the org's origin)`, async () => {
    const { org, session } = rig();
    const who = `key-classic-${lang}@example.com`;
    await clearVault(rig());
    org.addUser(who, ['key']);
    let page = await session.browser.newPage();
    await passwordStep(page, org, 'classic', lang, who);
    await (await page.waitForSelector('.enroll-choices form input[type=submit]', { visible: true }))!.click(); // Configure factor
    await page.waitForSelector('form.enroll-webauthn-form input[type=submit]', { visible: true });
    await page.click('form.enroll-webauthn-form input[type=submit]'); // Enroll
    await until('the key to wait for a touch', () => key().waitingForTouch);
    key().touch();
    await signedIn(page, who);
    expect(org.lastEvent('key-enrol', who)).toMatchObject({ ok: true, engine: 'classic' });
    await page.close();

    page = await session.browser.newPage();
    await passwordStep(page, org, 'classic', lang, who);
    await until('the key to wait for a touch', () => key().waitingForTouch);
    key().touch();
    await signedIn(page, who);
    expect(org.lastEvent('key-verify', who)).toMatchObject({ ok: true, engine: 'classic' });
    await page.close();
  }, 180_000);
}

describe('the real Okta Sign-In Widget with the built extension: Firefox ESR', () => {
  let org: OktaOrg;
  let r: Rig;
  beforeAll(async () => {
    org = await startOktaOrg();
    r = await setUp(launchFirefox, org);
  }, 120_000);
  afterAll(async () => {
    await r?.session.close();
    await org?.close();
  });
  totpJourneys(() => r, 'idx', 'en', 'firefox');
  totpJourneys(() => r, 'classic', 'nl', 'firefox');
});
