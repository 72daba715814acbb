/**
 * The demo site in Dutch and English: Accept-Language, the ?lang= switch and its cookie, and the widget
 * texts the extension's detectors look for.
 */
import { createGuardrails, generate } from 'otplib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SiteClient, signIn } from './client.js';
import { pickLang } from './i18n.js';
import { DEMO_PASSWORD, type DemoSite, ROUTES, startDemoSite } from './server.js';

const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });

let site: DemoSite;
let client: SiteClient;
let counter = 0;

beforeAll(async () => {
  site = await startDemoSite();
});
afterAll(async () => {
  await site.close();
});

describe('pickLang', () => {
  it('follows an explicit choice, then Accept-Language weights, then English', () => {
    expect(pickLang('nl', 'en-GB')).toBe('nl');
    expect(pickLang('fr', 'nl-NL,nl;q=0.9,en;q=0.8')).toBe('nl');
    expect(pickLang(undefined, 'de-DE, en;q=0.5, nl;q=0.8')).toBe('nl');
    expect(pickLang(undefined, 'nl;q=0, en;q=0.1')).toBe('en');
    expect(pickLang(undefined, 'de-DE,fr')).toBe('en');
    expect(pickLang(undefined, undefined)).toBe('en');
    expect(pickLang(undefined, ';;,q=,nl;q=abc')).toBe('en');
  });
});

describe('demo site in Dutch (Accept-Language: nl-NL)', () => {
  beforeEach(() => {
    client = new SiteClient(site, { 'accept-language': 'nl-NL,nl;q=0.9,en;q=0.5' });
  });
  afterEach(() => client.close());

  it('shows the sign-in, enrolment and verification screens with the Dutch widget texts', async () => {
    const signin = await client.get('/signin');
    expect(signin.document.documentElement?.getAttribute('lang')).toBe('nl');
    expect(signin.text('h2.okta-form-title')).toBe('Aanmelden');
    expect(signin.text('label[for="okta-signin-username"]')).toBe('Gebruikersnaam');
    expect(signin.text('[data-se="needhelp"]')).toBe('Hulp nodig bij het aanmelden?');

    const bad = await client.post('/signin', { username: 'bob@example.com', password: 'wrong' }, signin.csrf);
    expect(bad.text('#site-error p')).toBe('Inloggen mislukt');

    const user = `nl-${++counter}@example.nl`;
    const choices = await signIn(client, user, DEMO_PASSWORD);
    expect(choices.text('.enroll-choices h2.okta-form-title')).toBe('Multifactorauthenticatie instellen');
    expect(choices.text('.enroll-factor-row[data-se="GOOGLE_AUTH"] a.button')).toBe('Instellen');
    expect(choices.$('.enroll-factor-row[data-se="GOOGLE_AUTH"] .mfa-google-auth')).not.toBeNull();
    expect(choices.$('.enroll-factor-row[data-se="webauthn"] .mfa-webauthn')).not.toBeNull();

    const device = await client.get(ROUTES.enrollTotp);
    expect(device.text('[data-se="step-device-type"] .okta-form-subtitle')).toBe('Selecteer uw apparaattype');
    expect(device.$('[data-se="step-device-type"] input[type="submit"]')?.getAttribute('value')).toBe(
      'Volgende',
    );

    const scan = await client.post(ROUTES.enrollTotp, { __deviceType__: 'APPLE' }, device.csrf);
    expect(scan.text('a.manual-setup')).toBe('Scannen niet mogelijk?');
    expect(scan.text('a.refresh-code')).toBe('Code vernieuwen');

    const activate = await client.get(ROUTES.totpActivate);
    const input = activate.$('input[name="passCode"]')!;
    expect(activate.text(`label[for="${input.getAttribute('id')}"]`)).toBe('Code invoeren');
    expect(activate.$('input[type="submit"]')?.getAttribute('value')).toBe('Verifiëren');

    const secret = site.state.totpSecret(user)!;
    const passCode = await generate({ secret, guardrails });
    const done = await client.post(ROUTES.totpActivate, { passCode }, activate.csrf);
    expect(done.$('input[type="submit"]')?.getAttribute('value')).toBe('Voltooien');

    const webauthn = await client.get(ROUTES.enrollWebauthn);
    expect(webauthn.text('.enroll-webauthn h2.okta-form-title')).toBe(
      'Beveiligingssleutel of biometrische authenticator instellen',
    );
    expect(webauthn.$('.enroll-webauthn input[type="submit"]')?.getAttribute('value')).toBe('Inschrijven');

    const app = await client.post(ROUTES.enrollFinish, {}, done.csrf);
    expect(app.text('#sign-out')).toBe('Afmelden');
    await client.post(ROUTES.signOut, {}, app.csrf);

    const verify = await signIn(client, user, DEMO_PASSWORD);
    expect(verify.path).toBe(ROUTES.verifyTotp);
    expect(verify.text('.mfa-verify-totp .okta-form-subtitle')).toBe(
      'Voer uw Google Authenticator-pascode in',
    );
    expect(verify.$('.mfa-verify-totp input[type="submit"]')?.getAttribute('value')).toBe('Verifiëren');
    const replay = await client.post(ROUTES.verifyTotp, { answer: passCode }, verify.csrf);
    expect(replay.text('#site-error p')).toBe(
      'Elke code kan slechts een keer worden gebruikt. Wacht even voor een nieuwe code en probeer het opnieuw.',
    );
  });
});

describe('demo site language switch', () => {
  beforeEach(() => {
    client = new SiteClient(site, { 'accept-language': 'en-US,en;q=0.9' });
  });
  afterEach(() => client.close());

  it('?lang=nl overrides Accept-Language and sticks in a cookie; ?lang=en switches back', async () => {
    expect((await client.get('/signin')).text('h2.okta-form-title')).toBe('Sign In');
    const dutch = await client.get('/signin?lang=nl');
    expect(dutch.text('h2.okta-form-title')).toBe('Aanmelden');
    expect(client.cookie('lang')).toBe('nl');
    expect((await client.get('/signin')).$('input[type="submit"]')?.getAttribute('value')).toBe('Aanmelden');
    expect(dutch.document.querySelector('a[data-se="lang-en"]')?.getAttribute('href')).toBe(
      '/signin?lang=en',
    );
    const english = await client.get('/signin?lang=en');
    expect(english.text('h2.okta-form-title')).toBe('Sign In');
    expect(client.cookie('lang')).toBe('en');
  });

  it('ignores an unknown ?lang value', async () => {
    const page = await client.get('/signin?lang=xx');
    expect(page.text('h2.okta-form-title')).toBe('Sign In');
    expect(client.cookie('lang')).toBeUndefined();
  });
});
