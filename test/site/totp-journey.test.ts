/**
 * The demo site's password + TOTP journeys over HTTP. otplib computes the codes (the site checks them
 * with otplib too, but these tests only see what a user sees); jsQR reads the enrolment QR code.
 */
import jsQR from 'jsqr';
import { createGuardrails, generate } from 'otplib';
import { PNG } from 'pngjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SiteClient, type SitePage, signIn } from './client.js';
import { DEMO_PASSWORD, type DemoSite, ROUTES, startDemoSite } from './server.js';

const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });
/** A 30 s step boundary: 1_800_000_000 / 30 = 60_000_000. */
const T0 = 1_800_000_000_000;

function code(secret: string, atMs: number): Promise<string> {
  return generate({ secret, epoch: Math.floor(atMs / 1000), guardrails });
}

/** A six-digit code that is valid in none of the steps around `atMs`. */
async function wrongCode(secret: string, atMs: number): Promise<string> {
  const valid = new Set(await Promise.all([-30_000, 0, 30_000].map((d) => code(secret, atMs + d))));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

let site: DemoSite;
let client: SiteClient;
let userCounter = 0;
const newUser = () => `totp-user-${++userCounter}@example.com`;

beforeAll(async () => {
  site = await startDemoSite();
});
afterAll(async () => {
  await site.close();
});
beforeEach(() => {
  client = new SiteClient(site);
  site.state.setClock(T0 + 5_000);
});
afterEach(async () => {
  site.state.setClock(null);
  await client.close();
});

/** Walks enrolment up to the "Enter Code" step and returns the secret shown under "Can't scan?". */
async function enrolUpToActivation(
  user: string,
): Promise<{ secret: string; activate: SitePage; scan: SitePage }> {
  const choices = await signIn(client, user, DEMO_PASSWORD);
  expect(choices.path).toBe(ROUTES.enroll);
  const setup = choices.$('.enroll-factor-row[data-se="GOOGLE_AUTH"] a.button');
  expect(setup?.getAttribute('href')).toBe(ROUTES.enrollTotp);
  const device = await client.get(setup!.getAttribute('href')!);
  expect(
    device.$('form[data-se="step-device-type"] input[type="radio"][name="__deviceType__"][value="ANDROID"]'),
  ).not.toBeNull();
  const scan = await client.post(ROUTES.enrollTotp, { __deviceType__: 'ANDROID' }, device.csrf);
  expect(scan.path).toBe(ROUTES.totpScan);
  expect(scan.$('.barcode-scan[data-se="step-scan"] img.qrcode-image[data-se="qrcode"]')).not.toBeNull();
  const manualLink = scan.$('a.manual-setup[data-se="manual-setup"]');
  expect(manualLink?.textContent).toBe("Can't scan?");
  const manual = await client.get(manualLink!.getAttribute('href')!);
  expect(manual.text('[data-se="step-manual-setup"] .okta-form-title')).toBe("Can't scan QR code?");
  const secret = manual.text('[data-se="step-manual-setup"] p.shared-key') ?? '';
  const activate = await client.get(ROUTES.totpActivate);
  return { secret, activate, scan };
}

describe('demo site: sign-in page', () => {
  it('serves the Okta Classic widget markup, rendered late from a template', async () => {
    const page = await client.get('/');
    expect(page.path).toBe(ROUTES.signIn);
    expect(page.status).toBe(200);
    // Nothing in the live DOM until the script renders it.
    expect(page.document.querySelector('#okta-login-container')?.children.length).toBe(0);
    expect(page.document.querySelector('#okta-sign-in')).toBeNull();
    expect(page.widget?.matches('#okta-sign-in.auth-container.main-container')).toBe(true);
    expect(page.text('form.o-form h2.okta-form-title.o-form-head')).toBe('Sign In');
    expect(
      page.$('span[data-se="o-form-input-username"].o-form-input-name-username input#okta-signin-username'),
    ).not.toBeNull();
    expect(page.$('input#okta-signin-password[type="password"]')).not.toBeNull();
    expect(
      page.$('input.button.button-primary[type="submit"][data-type="save"]')?.getAttribute('value'),
    ).toBe('Sign In');
    expect(page.text('[data-se="needhelp"]')).toBe('Need help signing in?');
    expect(page.document.body?.getAttribute('data-render-delay')).toBe('300');
  });

  it('refuses a wrong password with the widget error and records it', async () => {
    const page = await signIn(client, 'alice@example.com', 'not-the-password');
    expect(page.status).toBe(401);
    expect(page.path).toBe(ROUTES.signIn);
    expect(page.$('.o-form-error-container #site-error')?.getAttribute('data-error-code')).toBe(
      'bad-credentials',
    );
    expect(page.text('#site-error p')).toBe('Unable to sign in');
    expect(page.$('input#okta-signin-username')?.getAttribute('value')).toBe('alice@example.com');
    expect(site.state.lastEvent('password', 'alice@example.com')).toMatchObject({
      ok: false,
      reason: 'bad-password',
    });
    expect(site.state.signedIn('alice@example.com')).toBe(false);
  });

  it('refuses a form post without the CSRF token', async () => {
    await client.get('/signin');
    const page = await client.post(
      '/signin',
      { username: 'alice@example.com', password: DEMO_PASSWORD },
      null,
    );
    expect(page.status).toBe(403);
    expect(page.$('#site-error')?.getAttribute('data-error-code')).toBe('http-403');
    expect(site.state.lastEvent('password', 'alice@example.com')?.ok).not.toBe(true);
  });

  it('embeds the sign-in in a same-origin iframe, and only paths of this site', async () => {
    const embed = await client.get(`${ROUTES.embed}?src=${encodeURIComponent('/signin?lang=nl')}`);
    expect(embed.document.querySelector('iframe#signin-frame')?.getAttribute('src')).toBe('/signin?lang=nl');
    expect((await client.get(ROUTES.embed)).document.querySelector('iframe')?.getAttribute('src')).toBe(
      ROUTES.signIn,
    );
    expect((await client.get(`${ROUTES.embed}?src=${encodeURIComponent('//evil.example/')}`)).status).toBe(
      400,
    );
    expect(
      (await client.get(`${ROUTES.embed}?src=${encodeURIComponent('https://evil.example/')}`)).status,
    ).toBe(400);
  });

  it('keeps protected pages behind sign-in', async () => {
    expect((await client.get(ROUTES.app)).path).toBe(ROUTES.signIn);
    expect((await client.get(ROUTES.verifyTotp)).path).toBe(ROUTES.signIn);
    expect((await client.get(ROUTES.enroll)).path).toBe(ROUTES.signIn);
  });
});

describe('demo site: TOTP enrolment and sign-in', () => {
  it('enrols Google Authenticator: QR code, "Can\'t scan?" secret and first code all agree', async () => {
    const user = newUser();
    const { secret, activate, scan } = await enrolUpToActivation(user);

    // A 16-character base32 secret (10 bytes), like Okta's, the same one the site stores.
    expect(secret).toMatch(/^[A-Z2-7]{16}$/);
    expect(site.state.totpSecret(user)).toBe(secret);

    // The QR image decodes (jsQR) to an otpauth URI carrying that secret.
    const src = scan.$('img.qrcode-image')!.getAttribute('src')!;
    const png = await client.bytes(src);
    expect(png.status).toBe(200);
    expect(png.type).toBe('image/png');
    const image = PNG.sync.read(Buffer.from(png.body));
    const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
    expect(decoded).not.toBeNull();
    const uri = new URL(decoded!.data);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe(`/IAMconnected:${user}`);
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('IAMconnected');

    // "Enter Code" step.
    const form = activate.$('form[data-se="step-sendcode"]');
    expect(form).not.toBeNull();
    expect(activate.text('[data-se="step-sendcode"] .okta-form-subtitle')).toBe(
      'Enter code displayed from the application',
    );
    const input = activate.$('input[name="passCode"]');
    expect(input?.getAttribute('type')).toBe('tel');
    expect(input?.getAttribute('autocomplete')).toBe('off');
    expect(activate.text(`label[for="${input!.getAttribute('id')}"]`)).toBe('Enter Code');
    expect(activate.$('input[type="submit"]')?.getAttribute('value')).toBe('Verify');

    // A wrong code is refused; the right one activates the factor and offers "Finish".
    const wrong = await client.post(
      ROUTES.totpActivate,
      { passCode: await wrongCode(secret, T0 + 5_000) },
      activate.csrf,
    );
    expect(wrong.status).toBe(403);
    expect(wrong.$('#site-error')?.getAttribute('data-error-code')).toBe('code-mismatch');
    expect(site.state.users.get(user)?.totp?.status).toBe('PENDING_ACTIVATION');

    const done = await client.post(
      ROUTES.totpActivate,
      { passCode: await code(secret, T0 + 5_000) },
      activate.csrf,
    );
    expect(done.path).toBe(ROUTES.enroll);
    expect(site.state.users.get(user)?.totp?.status).toBe('ACTIVE');
    expect(site.state.lastEvent('totp-activate', user)).toMatchObject({ ok: true, delta: 0 });
    expect(done.$('.enroll-factor-row[data-se="GOOGLE_AUTH"] [data-se="factor-enrolled"]')).not.toBeNull();
    expect(done.$('input[type="submit"][value="Finish"]')).not.toBeNull();

    const app = await client.post(ROUTES.enrollFinish, {}, done.csrf);
    expect(app.path).toBe(ROUTES.app);
    expect(app.document.querySelector('#signed-in')?.getAttribute('data-user')).toBe(user);
    expect(site.state.signedIn(user)).toBe(true);
  });

  it('can deliver the QR code inline as a data: URL', async () => {
    site.state.settings.qrImage = 'data-url';
    try {
      const user = newUser();
      const { secret, scan } = await enrolUpToActivation(user);
      const src = scan.$('img.qrcode-image')!.getAttribute('src')!;
      expect(src.startsWith('data:image/png;base64,')).toBe(true);
      const image = PNG.sync.read(Buffer.from(src.slice('data:image/png;base64,'.length), 'base64'));
      const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
      expect(new URL(decoded!.data).searchParams.get('secret')).toBe(secret);
    } finally {
      site.state.settings.qrImage = 'png-route';
    }
  });

  it('"Refresh code" issues a new secret and QR code', async () => {
    const user = newUser();
    const { secret, scan } = await enrolUpToActivation(user);
    const oldSrc = scan.$('img.qrcode-image')!.getAttribute('src');
    const refreshed = await client.get(scan.$('a[data-se="refresh-code"]')!.getAttribute('href')!);
    expect(refreshed.$('img.qrcode-image')!.getAttribute('src')).not.toBe(oldSrc);
    expect(site.state.totpSecret(user)).not.toBe(secret);
    expect((await client.bytes(oldSrc!)).status).toBe(404);
  });

  it('verifies TOTP at sign-in: ±1 step, each code once, wrong codes refused', async () => {
    const user = newUser();
    const { secret, activate } = await enrolUpToActivation(user);
    const first = await code(secret, T0 + 5_000);
    await client.post(ROUTES.totpActivate, { passCode: first }, activate.csrf);
    const app = await client.get(ROUTES.app);
    const signedOut = await client.post(ROUTES.signOut, {}, app.csrf);
    expect(signedOut.path).toBe(ROUTES.signIn);
    expect(site.state.signedIn(user)).toBe(false);

    // Second sign-in asks for the code, with the widget's markup.
    const verify = await signIn(client, user, DEMO_PASSWORD);
    expect(verify.path).toBe(ROUTES.verifyTotp);
    expect(verify.$('.mfa-verify > form.mfa-verify-totp[data-se="factor-totp"]')).not.toBeNull();
    const answer = verify.$('.mfa-verify-totp .auth-passcode input[name="answer"]');
    expect(answer?.getAttribute('type')).toBe('tel');
    expect(answer?.getAttribute('autocomplete')).toBe('off');
    expect(verify.text('.mfa-verify-totp .okta-form-subtitle')).toBe(
      'Enter your Google Authenticator passcode',
    );
    expect(verify.$('.mfa-verify-totp input[type="submit"]')?.getAttribute('value')).toBe('Verify');

    // The activation code is spent.
    const replay = await client.post(ROUTES.verifyTotp, { answer: first }, verify.csrf);
    expect(replay.status).toBe(403);
    expect(replay.$('#site-error')?.getAttribute('data-error-code')).toBe('code-reused');
    expect(replay.text('#site-error p')).toBe(
      'Each code can only be used once. Please wait for a new code and try again.',
    );

    // Malformed and empty answers.
    const malformed = await client.post(ROUTES.verifyTotp, { answer: '12ab56' }, verify.csrf);
    expect(malformed.$('#site-error')?.getAttribute('data-error-code')).toBe('code-malformed');
    const empty = await client.post(ROUTES.verifyTotp, { answer: '' }, verify.csrf);
    expect(empty.status).toBe(400);
    expect(empty.$('#site-error')?.getAttribute('data-error-code')).toBe('code-required');

    // The next step's code is accepted (clock one step behind the phone).
    const next = await code(secret, T0 + 35_000);
    const ok = await client.post(
      ROUTES.verifyTotp,
      { answer: ` ${next.slice(0, 3)} ${next.slice(3)} ` },
      verify.csrf,
    );
    expect(ok.path).toBe(ROUTES.app);
    expect(ok.document.querySelector('#signed-in')?.getAttribute('data-user')).toBe(user);
    expect(site.state.lastEvent('totp-verify', user)).toMatchObject({ ok: true, delta: 1 });

    // 90 s later: a code two steps old is out of the window; one step old is accepted, once.
    await client.post(ROUTES.signOut, {}, ok.csrf);
    site.state.setClock(T0 + 95_000);
    const again = await signIn(client, user, DEMO_PASSWORD);
    const stale = await client.post(ROUTES.verifyTotp, { answer: next }, again.csrf);
    expect(stale.$('#site-error')?.getAttribute('data-error-code')).toBe('code-mismatch');
    const previousStep = await code(secret, T0 + 65_000);
    const late = await client.post(ROUTES.verifyTotp, { answer: previousStep }, again.csrf);
    expect(late.path).toBe(ROUTES.app);
    expect(site.state.lastEvent('totp-verify', user)).toMatchObject({ ok: true, delta: -1 });

    await client.post(ROUTES.signOut, {}, late.csrf);
    const third = await signIn(client, user, DEMO_PASSWORD);
    const replayLate = await client.post(ROUTES.verifyTotp, { answer: previousStep }, third.csrf);
    expect(replayLate.$('#site-error')?.getAttribute('data-error-code')).toBe('code-reused');
    expect(site.state.lastEvent('totp-verify', user)).toMatchObject({ ok: false, reason: 'code-reused' });
    expect(site.state.signedIn(user)).toBe(false);
  });

  it('refuses a code two steps away', async () => {
    const user = newUser();
    const { secret, activate } = await enrolUpToActivation(user);
    await client.post(ROUTES.totpActivate, { passCode: await code(secret, T0 + 5_000) }, activate.csrf);
    await client.post(ROUTES.signOut, {}, (await client.get(ROUTES.app)).csrf);
    site.state.setClock(T0 + 305_000);
    const verify = await signIn(client, user, DEMO_PASSWORD);
    const future = await client.post(
      ROUTES.verifyTotp,
      { answer: await code(secret, T0 + 365_000) },
      verify.csrf,
    );
    expect(future.$('#site-error')?.getAttribute('data-error-code')).toBe('code-mismatch');
    const past = await client.post(
      ROUTES.verifyTotp,
      { answer: await code(secret, T0 + 245_000) },
      verify.csrf,
    );
    expect(past.$('#site-error')?.getAttribute('data-error-code')).toBe('code-mismatch');
    expect(site.state.signedIn(user)).toBe(false);
  });

  it('does not let a password-only session enrol a new factor when one exists', async () => {
    const user = newUser();
    const { secret, activate } = await enrolUpToActivation(user);
    await client.post(ROUTES.totpActivate, { passCode: await code(secret, T0 + 5_000) }, activate.csrf);
    await client.post(ROUTES.signOut, {}, (await client.get(ROUTES.app)).csrf);
    await signIn(client, user, DEMO_PASSWORD);
    expect((await client.get(ROUTES.enroll)).path).toBe(ROUTES.verifyTotp);
    expect((await client.get(ROUTES.enrollWebauthn)).path).toBe(ROUTES.verifyTotp);
    const options = await client.postJson(
      ROUTES.registrationOptions,
      {},
      (await client.get(ROUTES.verifyTotp)).csrf,
    );
    expect(options.status).toBe(403);
  });

  it('MFA reset clears the factors: the next sign-in enrols again', async () => {
    const user = newUser();
    const { secret, activate } = await enrolUpToActivation(user);
    await client.post(ROUTES.totpActivate, { passCode: await code(secret, T0 + 5_000) }, activate.csrf);
    await client.post(ROUTES.signOut, {}, (await client.get(ROUTES.app)).csrf);

    const admin = await client.get(ROUTES.mfaReset);
    const unknown = await client.post(ROUTES.mfaReset, { username: 'nobody@example.com' }, admin.csrf);
    expect(unknown.status).toBe(404);
    const reset = await client.post(ROUTES.mfaReset, { username: user }, admin.csrf);
    expect(reset.document.querySelector('#mfa-reset-done')?.getAttribute('data-user')).toBe(user);
    expect(site.state.totpSecret(user)).toBeUndefined();
    expect(site.state.lastEvent('mfa-reset', user)?.ok).toBe(true);

    const next = await signIn(client, user, DEMO_PASSWORD);
    expect(next.path).toBe(ROUTES.enroll);
    expect(next.$('.enroll-factor-row[data-se="GOOGLE_AUTH"] a.button')?.textContent).toBe('Setup');
  });
});
