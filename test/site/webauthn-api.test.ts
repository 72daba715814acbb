/**
 * The demo site's security-key pages and WebAuthn JSON API over HTTP: page markup, options shape,
 * user-verification settings, CSRF, and refusal of malformed or forged responses. Full ceremonies
 * with a real browser authenticator are in browser.test.ts.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SiteClient, type SitePage, signIn } from './client.js';
import { DEMO_PASSWORD, type DemoSite, ROUTES, startDemoSite } from './server.js';

type Json = Record<string, unknown>;

let site: DemoSite;
let client: SiteClient;
let counter = 0;
const newUser = () => `key-user-${++counter}@example.com`;

function b64urlBytes(value: unknown): Buffer {
  expect(typeof value).toBe('string');
  expect(value as string).toMatch(/^[A-Za-z0-9_-]+$/);
  return Buffer.from(value as string, 'base64url');
}

beforeAll(async () => {
  site = await startDemoSite();
});
afterAll(async () => {
  await site.close();
});
beforeEach(() => {
  client = new SiteClient(site);
});
afterEach(async () => {
  await client.close();
});

async function signedInWithoutFactors(): Promise<{ user: string; page: SitePage }> {
  const user = newUser();
  const page = await signIn(client, user, DEMO_PASSWORD);
  expect(page.path).toBe(ROUTES.enroll);
  return { user, page };
}

describe('demo site: security-key enrolment', () => {
  it('renders the enrol page with the widget markup and the script hooks', async () => {
    await signedInWithoutFactors();
    const page = await client.get(ROUTES.enrollWebauthn);
    const form = page.$('form.enroll-webauthn.o-form');
    expect(form?.getAttribute('data-webauthn')).toBe('register');
    expect(form?.getAttribute('data-options-url')).toBe(ROUTES.registrationOptions);
    expect(page.text('.enroll-webauthn h2.okta-form-title')).toBe(
      'Set up security key or biometric authenticator',
    );
    expect(page.$('.enroll-webauthn .webauthn-enroll-instructions')).not.toBeNull();
    expect(page.$('[data-se="webauthn-waiting"].okta-waiting-spinner')?.getAttribute('class')).toContain(
      'hide',
    );
    expect(page.$('.enroll-webauthn input[type="submit"]')?.getAttribute('value')).toBe('Enroll');
    expect(page.$('#webauthn-status')?.getAttribute('data-state')).toBe('idle');
    expect(form?.getAttribute('data-options-request')).toBe('{}');
    const uvPage = await client.get(
      `${ROUTES.enrollWebauthn}?uv=required&attestation=direct&rk=required&x=1`,
    );
    expect(JSON.parse(uvPage.$('form.enroll-webauthn')?.getAttribute('data-options-request') ?? '')).toEqual({
      userVerification: 'required',
      attestation: 'direct',
      residentKey: 'required',
    });
    const junk = await client.get(`${ROUTES.enrollWebauthn}?uv=always&rk=`);
    expect(junk.$('form.enroll-webauthn')?.getAttribute('data-options-request')).toBe('{}');
  });

  it('gives registration options from @simplewebauthn/server for rpID localhost', async () => {
    const { user, page } = await signedInWithoutFactors();
    const response = await client.postJson(ROUTES.registrationOptions, {}, page.csrf);
    expect(response.status).toBe(200);
    const options = response.body as Json;
    expect(options.rp).toEqual({ id: 'localhost', name: 'IAMconnected (demo)' });
    const userEntity = options.user as Json;
    expect(userEntity.name).toBe(user);
    expect(userEntity.displayName).toBe(user);
    expect(new Uint8Array(b64urlBytes(userEntity.id))).toEqual(site.state.user(user).webauthnUserId);
    expect(b64urlBytes(options.challenge).length).toBeGreaterThanOrEqual(16);
    expect(options.pubKeyCredParams).toEqual(
      expect.arrayContaining([
        { alg: -7, type: 'public-key' },
        { alg: -257, type: 'public-key' },
      ]),
    );
    expect(options.timeout).toBe(60_000);
    expect(options.attestation).toBe('none');
    expect(options.excludeCredentials).toEqual([]);
    expect(options.authenticatorSelection).toMatchObject({
      residentKey: 'discouraged',
      userVerification: 'preferred',
    });

    const again = await client.postJson(ROUTES.registrationOptions, {}, page.csrf);
    expect((again.body as Json).challenge).not.toBe(options.challenge);
  });

  it('asks for user verification when the user, the page or the site setting requires it', async () => {
    const { user, page } = await signedInWithoutFactors();
    const uvOf = async (body: Json) => {
      const response = await client.postJson(ROUTES.registrationOptions, body, page.csrf);
      expect(response.status).toBe(200);
      return ((response.body as Json).authenticatorSelection as Json).userVerification;
    };
    expect(await uvOf({})).toBe('preferred');
    site.state.setRequireUserVerification(user, true);
    expect(await uvOf({})).toBe('required');
    expect(await uvOf({ userVerification: 'discouraged' })).toBe('discouraged');
    site.state.setRequireUserVerification(user, false);
    site.state.settings.userVerification = 'discouraged';
    try {
      expect(await uvOf({})).toBe('discouraged');
    } finally {
      site.state.settings.userVerification = 'preferred';
    }
    const bad = await client.postJson(
      ROUTES.registrationOptions,
      { userVerification: 'sometimes' },
      page.csrf,
    );
    expect(bad.status).toBe(400);
    const unknownField = await client.postJson(ROUTES.registrationOptions, { challenge: 'mine' }, page.csrf);
    expect(unknownField.status).toBe(400);
  });

  it('takes attestation and resident-key preferences from the page request', async () => {
    const { page } = await signedInWithoutFactors();
    const response = await client.postJson(
      ROUTES.registrationOptions,
      { attestation: 'direct', residentKey: 'required' },
      page.csrf,
    );
    const options = response.body as Json;
    expect(options.attestation).toBe('direct');
    expect(options.authenticatorSelection).toMatchObject({
      residentKey: 'required',
      requireResidentKey: true,
    });
  });

  it('refuses options without the CSRF header or without a signed-in session', async () => {
    const { page } = await signedInWithoutFactors();
    expect((await client.postJson(ROUTES.registrationOptions, {}, null)).status).toBe(403);
    expect((await client.postJson(ROUTES.registrationOptions, {}, 'forged-token')).status).toBe(403);
    const stranger = new SiteClient(site);
    try {
      const fresh = await stranger.get('/signin');
      const response = await stranger.postJson(ROUTES.registrationOptions, {}, fresh.csrf);
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ error: 'not-allowed' });
    } finally {
      await stranger.close();
    }
    expect((await client.postJson(ROUTES.registrationOptions, {}, page.csrf)).status).toBe(200);
  });

  it('refuses malformed and forged registration responses, and a challenge answers once', async () => {
    const { user, page } = await signedInWithoutFactors();
    await client.postJson(ROUTES.registrationOptions, {}, page.csrf);
    const malformed = await client.postJson(
      ROUTES.registrationVerify,
      { id: 'x', type: 'password' },
      page.csrf,
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ ok: false, error: 'bad-response' });
    expect(site.state.lastEvent('webauthn-register', user)).toMatchObject({
      ok: false,
      reason: 'bad-response',
    });

    const spent = await client.postJson(ROUTES.registrationVerify, { id: 'x' }, page.csrf);
    expect(spent.body).toMatchObject({ ok: false, error: 'no-ceremony' });

    const options = (await client.postJson(ROUTES.registrationOptions, {}, page.csrf)).body as Json;
    const clientData = Buffer.from(
      JSON.stringify({
        type: 'webauthn.create',
        challenge: options.challenge,
        origin: site.origin,
        crossOrigin: false,
      }),
    ).toString('base64url');
    const forged = await client.postJson(
      ROUTES.registrationVerify,
      {
        id: 'AAAA',
        rawId: 'AAAA',
        type: 'public-key',
        clientExtensionResults: {},
        response: {
          clientDataJSON: clientData,
          attestationObject: Buffer.from('not cbor').toString('base64url'),
        },
      },
      page.csrf,
    );
    expect(forged.status).toBe(400);
    expect(forged.body).toMatchObject({ ok: false, error: 'verification-failed' });
    const event = site.state.lastEvent('webauthn-register', user);
    expect(event).toMatchObject({ ok: false, reason: 'verification-failed' });
    expect(event?.detail).toBeTruthy();
    expect(site.state.credentials(user)).toHaveLength(0);
    expect(site.state.signedIn(user)).toBe(false);
  });
});

describe('demo site: security key at sign-in', () => {
  it('sends a user with a key to the verify page and lists the key in the options', async () => {
    const user = newUser();
    site.state.addUser(user).credentials.push({
      id: 'q83vEjRWeJA',
      publicKey: new Uint8Array([1, 2, 3]),
      counter: 0,
      transports: ['usb'],
      fmt: 'none',
      aaguid: '00000000-0000-0000-0000-000000000000',
      userVerified: false,
      backedUp: false,
      createdAt: 0,
    });
    const page = await signIn(client, user, DEMO_PASSWORD);
    expect(page.path).toBe(ROUTES.verifyWebauthn);
    expect(
      page.$('.mfa-verify.verify-webauthn > form.verify-webauthn-form')?.getAttribute('data-webauthn'),
    ).toBe('authenticate');
    expect(page.text('.verify-webauthn-form h2.okta-form-title')).toBe(
      'Security Key or Biometric Authenticator',
    );
    expect(page.$('[data-se="webauthn-waiting"]')).not.toBeNull();
    const retry = page.$('.verify-webauthn-form input[type="submit"]');
    expect(retry?.getAttribute('value')).toBe('Retry');
    expect(retry?.getAttribute('class')).toContain('hide');
    // Enrolment is closed to a password-only session of a user with a key.
    expect((await client.postJson(ROUTES.registrationOptions, {}, page.csrf)).status).toBe(403);

    const dutch = await client.get(`${ROUTES.verifyWebauthn}?lang=nl`);
    expect(dutch.text('.verify-webauthn-form h2.okta-form-title')).toBe(
      'Beveiligingssleutel of biometrische authenticator',
    );
    expect(dutch.$('.verify-webauthn-form input[type="submit"]')?.getAttribute('value')).toBe(
      'Probeer het opnieuw',
    );
    await client.get(`${ROUTES.verifyWebauthn}?lang=en`);

    const response = await client.postJson(ROUTES.authenticationOptions, {}, page.csrf);
    expect(response.status).toBe(200);
    const options = response.body as Json;
    expect(options.rpId).toBe('localhost');
    expect(options.userVerification).toBe('preferred');
    expect(options.allowCredentials).toEqual([
      { id: 'q83vEjRWeJA', type: 'public-key', transports: ['usb'] },
    ]);
    expect(b64urlBytes(options.challenge).length).toBeGreaterThanOrEqual(16);

    site.state.setRequireUserVerification(user, true);
    const uv = await client.postJson(ROUTES.authenticationOptions, {}, page.csrf);
    expect((uv.body as Json).userVerification).toBe('required');

    const unknown = await client.postJson(
      ROUTES.authenticationVerify,
      {
        id: 'AAAA',
        rawId: 'AAAA',
        type: 'public-key',
        clientExtensionResults: {},
        response: { clientDataJSON: 'AA', authenticatorData: 'AA', signature: 'AA', userHandle: null },
      },
      page.csrf,
    );
    expect(unknown.body).toMatchObject({ ok: false, error: 'unknown-credential' });
    expect(site.state.signedIn(user)).toBe(false);
  });

  it('refuses authentication options to a user without keys', async () => {
    const { page } = await signedInWithoutFactors();
    expect((await client.postJson(ROUTES.authenticationOptions, {}, page.csrf)).status).toBe(403);
    expect((await client.get(ROUTES.verifyWebauthn)).path).toBe(ROUTES.enroll);
  });
});
