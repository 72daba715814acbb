/**
 * A mocked Okta org for the real `@okta/okta-signin-widget` (served from its npm package's `dist/`):
 * the Identity Engine's IDX API (`introspect`, `identify`, `challenge`, `challenge/answer`,
 * `credential/enroll`) and the Classic Engine's `/api/v1/authn` (primary auth, factor verify, enrol,
 * activate), with response shapes as the widget documents and consumes them. The org really checks what
 * it receives: passwords, TOTP codes (otplib, each step once) and WebAuthn responses
 * (@simplewebauthn/server). State in memory; every check is recorded as an event for the tests.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import {
  decodeAttestationObject,
  isoBase64URL,
  parseAuthenticatorData,
} from '@simplewebauthn/server/helpers';
import QRCode from 'qrcode';
import { checkTotp, newTotpSecret, totpUri } from '../site/totp.js';

const WIDGET_DIST = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../node_modules/@okta/okta-signin-widget/dist',
);

export const ORG_PASSWORD = 'Widget-Pass-2024!';

export type Engine = 'idx' | 'classic';
export type Lang = 'en' | 'nl' | 'de';

export interface OrgKey {
  id: string;
  publicKey: Uint8Array;
  counter: number;
}

export interface OrgUser {
  login: string;
  /** Base32 TOTP secret; `totpActive` once the first code was accepted. */
  totpSecret?: string;
  totpActive: boolean;
  lastTimeStep?: number;
  keys: OrgKey[];
  /** Sign-in factors the org asks for, in the chooser's order (IDX) / factor list (Classic). */
  enrol: Array<'totp' | 'key'>;
}

export interface OrgEvent {
  kind: 'password' | 'totp-verify' | 'totp-activate' | 'key-enrol' | 'key-verify' | 'signed-in';
  login: string;
  ok: boolean;
  reason?: string;
  engine: Engine;
}

type Step =
  | { at: 'identify' }
  | { at: 'choose' }
  | { at: 'totp' }
  | { at: 'totp-enroll' }
  | { at: 'key'; challenge: string }
  | { at: 'key-enroll'; challenge: string }
  | { at: 'choose-enroll' }
  | { at: 'done' };

interface Transaction {
  handle: string;
  engine: Engine;
  login?: string;
  step: Step;
}

const MIME: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.gif': 'image/gif',
  '.map': 'application/json',
};

const AUTH = {
  password: { id: 'aut-password', key: 'okta_password', type: 'password', displayName: 'Password' },
  totp: { id: 'aut-google-otp', key: 'google_otp', type: 'app', displayName: 'Google Authenticator' },
  key: {
    id: 'aut-webauthn',
    key: 'webauthn',
    type: 'security_key',
    displayName: 'Security Key or Biometric',
  },
} as const;

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

export class OktaOrg {
  readonly users = new Map<string, OrgUser>();
  readonly events: OrgEvent[] = [];
  private readonly tx = new Map<string, Transaction>();
  private server: Server | null = null;
  origin = '';
  /** The host name pages are served under (RP ID): `localhost` unless a test says otherwise. */
  rpId = 'localhost';

  addUser(login: string, enrol: Array<'totp' | 'key'>, totpSecret?: string): OrgUser {
    const u: OrgUser = { login, totpActive: !!totpSecret, keys: [], enrol };
    if (totpSecret) u.totpSecret = totpSecret;
    this.users.set(login, u);
    return u;
  }

  lastEvent(kind: OrgEvent['kind'], login: string): OrgEvent | undefined {
    return this.events.filter((e) => e.kind === kind && e.login === login).at(-1);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(e instanceof Error ? e.message : 'error');
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    const { port } = this.server.address() as AddressInfo;
    this.origin = `http://localhost:${port}`;
    return this.origin;
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server?.closeAllConnections();
  }

  /** The sign-in page for an engine and language (the test navigates here). */
  url(engine: Engine, lang: Lang = 'en'): string {
    return `${this.origin}/signin?engine=${engine}&lang=${lang}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const origin = `http://${req.headers.host ?? 'localhost'}`;
    if (req.method === 'GET' && url.pathname.startsWith('/widget/')) return this.asset(url.pathname, res);
    if (req.method === 'GET' && url.pathname === '/signin') return this.page(url, res);
    if (req.method === 'GET' && url.pathname === '/app/home') {
      const login = url.searchParams.get('user') ?? '';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><title>Home</title><p id="signed-in" data-user="${encodeURIComponent(login)}">ok</p>`,
      );
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    const body = await readJson(req);
    if (url.pathname.startsWith('/idp/idx/')) return this.idx(url.pathname.slice(9), body, origin, res);
    if (url.pathname.startsWith('/api/v1/authn')) return this.classic(url.pathname, body, origin, res);
    res.writeHead(404).end();
  }

  private async asset(path: string, res: ServerResponse): Promise<void> {
    const rel = normalize(path.slice('/widget/'.length)).replace(/^(\.\.[/\\])+/, '');
    try {
      const data = await readFile(join(WIDGET_DIST, rel));
      res.writeHead(200, { 'content-type': MIME[extname(rel)] ?? 'application/octet-stream' });
      res.end(data);
    } catch {
      res.writeHead(404).end();
    }
  }

  private page(url: URL, res: ServerResponse): void {
    const engine: Engine = url.searchParams.get('engine') === 'classic' ? 'classic' : 'idx';
    const lang = (['en', 'nl', 'de'] as const).find((l) => l === url.searchParams.get('lang')) ?? 'en';
    const handle = b64u(randomBytes(18));
    this.tx.set(handle, { handle, engine, step: { at: 'identify' } });
    const config = {
      baseUrl: '__ORIGIN__',
      language: lang === 'nl' ? 'nl-NL' : lang,
      assets: { baseUrl: '/widget' },
      ...(engine === 'idx'
        ? { stateToken: handle }
        : { useClassicEngine: true, features: { webauthn: true } }),
    };
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>Sign in</title>
<link rel="stylesheet" href="/widget/css/okta-sign-in.min.css">
<script src="/widget/js/okta-sign-in.min.js"></script></head>
<body><div id="okta-login-container"></div>
<script>
const config = ${JSON.stringify(config)};
config.baseUrl = location.origin;
const widget = new OktaSignIn(config);
widget.renderEl({ el: '#okta-login-container' }, function (res) {
  if (res.status === 'SUCCESS') location.href = '/app/home?user=' + encodeURIComponent(res.user.profile.login);
}, function (err) { document.body.setAttribute('data-widget-error', String(err && err.message)); });
</script></body></html>`);
  }

  // ---- Identity Engine (IDX) -------------------------------------------------------------------

  private async idx(op: string, body: Record<string, unknown>, origin: string, res: ServerResponse) {
    const handle = String(body.stateHandle ?? body.stateToken ?? '');
    const t = this.tx.get(handle);
    if (!t) return sendJson(res, 401, idxError(origin, 'The session has expired.', handle));
    if (op === 'introspect') return sendJson(res, 200, await this.idxState(t, origin));
    if (op === 'cancel') {
      t.step = { at: 'identify' };
      delete t.login;
      return sendJson(res, 200, await this.idxState(t, origin));
    }
    if (op === 'identify') {
      const login = String(body.identifier ?? '');
      const pass = (body.credentials as { passcode?: unknown } | undefined)?.passcode;
      const user = this.users.get(login);
      const ok = !!user && pass === ORG_PASSWORD;
      this.events.push({ kind: 'password', login, ok, engine: 'idx' });
      if (!ok)
        return sendJson(
          res,
          401,
          idxError(origin, 'Unable to sign in', handle, await this.idxState(t, origin)),
        );
      t.login = login;
      t.step = this.afterPassword(user);
      return sendJson(res, 200, await this.idxState(t, origin));
    }
    const user = t.login ? this.users.get(t.login) : undefined;
    if (!user) return sendJson(res, 400, idxError(origin, 'No user', handle));
    if (op === 'challenge' || op === 'credential/enroll') {
      const id = String((body.authenticator as { id?: unknown } | undefined)?.id ?? '');
      const enrolling = op === 'credential/enroll';
      if (id === AUTH.totp.id) t.step = enrolling ? this.totpEnroll(user) : { at: 'totp' };
      else if (id === AUTH.key.id)
        t.step = { at: enrolling ? 'key-enroll' : 'key', challenge: b64u(randomBytes(32)) };
      else return sendJson(res, 400, idxError(origin, 'Unknown authenticator', handle));
      return sendJson(res, 200, await this.idxState(t, origin));
    }
    if (op === 'challenge/answer') {
      const creds = (body.credentials ?? {}) as Record<string, unknown>;
      const fail = await this.answer(t, user, creds, origin, 'idx');
      if (fail) return sendJson(res, 400, idxError(origin, fail, handle, await this.idxState(t, origin)));
      return sendJson(res, 200, await this.idxState(t, origin));
    }
    res.writeHead(404).end();
  }

  /** Where a user goes after the password: enrol what is missing, else the chooser or the one factor. */
  private afterPassword(user: OrgUser): Step {
    const missing = user.enrol.filter((f) => (f === 'totp' ? !user.totpActive : user.keys.length === 0));
    if (missing.length > 1) return { at: 'choose-enroll' };
    if (missing[0] === 'totp') return this.totpEnroll(user);
    if (missing[0] === 'key') return { at: 'key-enroll', challenge: b64u(randomBytes(32)) };
    if (user.enrol.length > 1) return { at: 'choose' };
    return user.enrol[0] === 'key' ? { at: 'key', challenge: b64u(randomBytes(32)) } : { at: 'totp' };
  }

  private totpEnroll(user: OrgUser): Step {
    if (!user.totpActive) user.totpSecret = newTotpSecret(10);
    return { at: 'totp-enroll' };
  }

  /** Checks a code or WebAuthn response for the current step; null when accepted (step moves on). */
  private async answer(
    t: Transaction,
    user: OrgUser,
    creds: Record<string, unknown>,
    origin: string,
    engine: Engine,
  ): Promise<string | null> {
    const step = t.step;
    // The widget encodes WebAuthn data in standard base64 (CryptoUtil.binToStr); the verifier reads base64url.
    const b64url = (v: unknown): string => Buffer.from(String(v ?? ''), 'base64').toString('base64url');
    for (const k of ['clientData', 'attestation', 'authenticatorData', 'signatureData'])
      if (typeof creds[k] === 'string') creds[k] = b64url(creds[k]);
    if (step.at === 'totp' || step.at === 'totp-enroll') {
      const kind = step.at === 'totp' ? 'totp-verify' : 'totp-activate';
      const r = await checkTotp(
        user.totpSecret ?? '',
        String(creds.passcode ?? ''),
        Date.now(),
        user.lastTimeStep,
      );
      this.events.push({ kind, login: user.login, ok: r.ok, ...(r.ok ? {} : { reason: r.reason }), engine });
      if (!r.ok) return 'Invalid code. Try again.';
      user.lastTimeStep = r.timeStep;
      user.totpActive = true;
      t.step = engine === 'idx' ? this.afterPassword(user) : { at: 'done' };
      if (t.step.at === 'choose' || t.step.at === 'totp' || t.step.at === 'key') t.step = { at: 'done' };
      return null;
    }
    if (step.at === 'key-enroll') {
      try {
        // The widget sends no credential ID on enrolment: it is the one in the attested authenticator data.
        const attestation = String(creds.attestation ?? '');
        const authData = decodeAttestationObject(isoBase64URL.toBuffer(attestation)).get('authData');
        const credentialId = parseAuthenticatorData(authData).credentialID;
        if (!credentialId) throw new Error('no attested credential');
        const id = isoBase64URL.fromBuffer(credentialId);
        const response: RegistrationResponseJSON = {
          id,
          rawId: id,
          type: 'public-key',
          clientExtensionResults: {},
          response: {
            clientDataJSON: String(creds.clientData ?? ''),
            attestationObject: attestation,
          },
        };
        const v = await verifyRegistrationResponse({
          response,
          expectedChallenge: step.challenge,
          expectedOrigin: origin,
          expectedRPID: this.rpId,
          requireUserVerification: false,
        });
        if (!v.verified || !v.registrationInfo) throw new Error('not verified');
        const c = v.registrationInfo.credential;
        user.keys.push({ id: c.id, publicKey: c.publicKey, counter: c.counter });
        this.events.push({ kind: 'key-enrol', login: user.login, ok: true, engine });
      } catch (e) {
        this.events.push({
          kind: 'key-enrol',
          login: user.login,
          ok: false,
          reason: (e as Error).message,
          engine,
        });
        return 'Security key enrolment failed.';
      }
      t.step = engine === 'idx' ? this.afterPassword(user) : { at: 'done' };
      if (t.step.at === 'choose' || t.step.at === 'totp' || t.step.at === 'key') t.step = { at: 'done' };
      return null;
    }
    if (step.at === 'key') {
      try {
        const id = String(creds.credentialId ?? creds.id ?? '');
        const key = user.keys.find((k) => k.id === id) ?? (user.keys.length === 1 ? user.keys[0] : undefined);
        if (!key) throw new Error('unknown credential');
        const response: AuthenticationResponseJSON = {
          id: key.id,
          rawId: key.id,
          type: 'public-key',
          clientExtensionResults: {},
          response: {
            clientDataJSON: String(creds.clientData ?? ''),
            authenticatorData: String(creds.authenticatorData ?? ''),
            signature: String(creds.signatureData ?? ''),
          },
        };
        const v = await verifyAuthenticationResponse({
          response,
          expectedChallenge: step.challenge,
          expectedOrigin: origin,
          expectedRPID: [this.rpId, origin],
          credential: { id: key.id, publicKey: new Uint8Array(key.publicKey), counter: key.counter },
          requireUserVerification: false,
        });
        if (!v.verified) throw new Error('not verified');
        key.counter = v.authenticationInfo.newCounter;
        this.events.push({ kind: 'key-verify', login: user.login, ok: true, engine });
      } catch (e) {
        this.events.push({
          kind: 'key-verify',
          login: user.login,
          ok: false,
          reason: (e as Error).message,
          engine,
        });
        return 'Security key verification failed.';
      }
      t.step = { at: 'done' };
      return null;
    }
    return 'Nothing to answer.';
  }

  private async idxState(t: Transaction, origin: string): Promise<Record<string, unknown>> {
    const h = t.handle;
    const form = (name: string, path: string, value: unknown[], extra: object = {}) => ({
      rel: ['create-form'],
      name,
      href: `${origin}/idp/idx/${path}`,
      method: 'POST',
      accepts: 'application/json; okta-version=1.0.0',
      produces: 'application/ion+json; okta-version=1.0.0',
      value: [...value, stateHandleField(h)],
      ...extra,
    });
    const user = t.login ? this.users.get(t.login) : undefined;
    const base: Record<string, unknown> = {
      stateHandle: h,
      version: '1.0.0',
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
      intent: 'LOGIN',
      cancel: form('cancel', 'cancel', []),
      app: { type: 'object', value: { name: 'oidc_client', label: 'IAMconnected', id: 'app-1' } },
      ...(user ? { user: { type: 'object', value: { id: 'u-1', identifier: user.login } } } : {}),
    };
    const option = (a: (typeof AUTH)['totp' | 'key'], i: number) => ({
      label: a.displayName,
      value: {
        form: {
          value: [
            { name: 'id', required: true, value: a.id, mutable: false },
            {
              name: 'methodType',
              required: false,
              value: a.key === 'webauthn' ? 'webauthn' : 'otp',
              mutable: false,
            },
          ],
        },
      },
      relatesTo: `$.authenticators.value[${i}]`,
    });
    const factors = (user?.enrol ?? []).map((f) => AUTH[f]);
    const authList = factors.map((a) => ({
      ...a,
      methods: [{ type: a.key === 'webauthn' ? 'webauthn' : 'otp' }],
    }));
    const chooser = (enrol: boolean) =>
      form(
        enrol ? 'select-authenticator-enroll' : 'select-authenticator-authenticate',
        enrol ? 'credential/enroll' : 'challenge',
        [{ name: 'authenticator', type: 'object', options: factors.map((a, i) => option(a, i)) }],
      );
    // Enrolled authenticators only, each security key with its credential ID: the widget builds
    // allowCredentials / excludeCredentials from these.
    const enrolled = [
      ...(user?.totpActive ? [{ ...AUTH.totp, methods: [{ type: 'otp' }] }] : []),
      ...(user?.keys ?? []).map((k) => ({
        ...AUTH.key,
        credentialId: k.id,
        methods: [{ type: 'webauthn' }],
      })),
    ];
    const lists = {
      authenticators: { type: 'array', value: authList },
      authenticatorEnrollments: { type: 'array', value: enrolled },
    };
    const passcode = [
      {
        name: 'credentials',
        type: 'object',
        form: { value: [{ name: 'passcode', label: 'Enter code', required: true, visible: true }] },
        required: true,
      },
    ];
    const step = t.step;
    switch (step.at) {
      case 'identify':
        return {
          ...base,
          remediation: {
            type: 'array',
            value: [
              form('identify', 'identify', [
                { name: 'identifier', label: 'Username', required: true },
                {
                  name: 'credentials',
                  type: 'object',
                  form: { value: [{ name: 'passcode', label: 'Password', secret: true }] },
                  required: true,
                },
                { name: 'rememberMe', label: 'Keep me signed in', type: 'boolean' },
              ]),
            ],
          },
          currentAuthenticator: {
            type: 'object',
            value: { ...AUTH.password, methods: [{ type: 'password' }] },
          },
        };
      case 'choose':
      case 'choose-enroll':
        return {
          ...base,
          ...lists,
          remediation: { type: 'array', value: [chooser(step.at === 'choose-enroll')] },
        };
      case 'totp':
        return {
          ...base,
          ...lists,
          remediation: {
            type: 'array',
            value: [
              form('challenge-authenticator', 'challenge/answer', passcode, {
                relatesTo: ['$.currentAuthenticatorEnrollment'],
              }),
              ...(factors.length > 1 ? [chooser(false)] : []),
            ],
          },
          currentAuthenticatorEnrollment: {
            type: 'object',
            value: { ...AUTH.totp, methods: [{ type: 'otp' }] },
          },
        };
      case 'totp-enroll': {
        const uri = totpUri('IAMconnected', user!.login, user!.totpSecret!);
        const qr = await QRCode.toDataURL(uri);
        return {
          ...base,
          ...lists,
          remediation: {
            type: 'array',
            value: [
              form('enroll-authenticator', 'challenge/answer', passcode, {
                relatesTo: ['$.currentAuthenticator'],
              }),
              ...(factors.length > 1 ? [chooser(true)] : []),
            ],
          },
          currentAuthenticator: {
            type: 'object',
            value: {
              ...AUTH.totp,
              methods: [{ type: 'otp' }],
              contextualData: {
                qrcode: { method: 'embedded', href: qr, type: 'image/png' },
                sharedSecret: user!.totpSecret,
              },
            },
          },
        };
      }
      case 'key': {
        const opts = await generateAuthenticationOptions({
          rpID: this.rpId,
          challenge: Buffer.from(step.challenge, 'base64url'),
          allowCredentials: [],
          userVerification: 'discouraged',
        });
        return {
          ...base,
          ...lists,
          remediation: {
            type: 'array',
            value: [
              form(
                'challenge-authenticator',
                'challenge/answer',
                [
                  {
                    name: 'credentials',
                    type: 'object',
                    required: true,
                    form: {
                      value: ['clientData', 'authenticatorData', 'signatureData'].map((name) => ({
                        name,
                        required: true,
                        visible: false,
                      })),
                    },
                  },
                ],
                { relatesTo: ['$.currentAuthenticatorEnrollment'] },
              ),
              ...(factors.length > 1 ? [chooser(false)] : []),
            ],
          },
          currentAuthenticatorEnrollment: {
            type: 'object',
            value: {
              ...AUTH.key,
              methods: [{ type: 'webauthn' }],
              contextualData: {
                challengeData: { challenge: opts.challenge, userVerification: 'discouraged' },
              },
            },
          },
        };
      }
      case 'key-enroll': {
        const opts = await generateRegistrationOptions({
          rpName: 'IAMconnected',
          rpID: this.rpId,
          userName: user!.login,
          challenge: Buffer.from(step.challenge, 'base64url'),
          attestationType: 'none',
          authenticatorSelection: { userVerification: 'discouraged', residentKey: 'discouraged' },
        });
        return {
          ...base,
          ...lists,
          remediation: {
            type: 'array',
            value: [
              form(
                'enroll-authenticator',
                'challenge/answer',
                [
                  {
                    name: 'credentials',
                    form: {
                      value: ['clientData', 'attestation'].map((name) => ({
                        name,
                        required: true,
                        visible: false,
                      })),
                    },
                  },
                ],
                { relatesTo: ['$.currentAuthenticator'] },
              ),
              ...(factors.length > 1 ? [chooser(true)] : []),
            ],
          },
          currentAuthenticator: {
            type: 'object',
            value: {
              ...AUTH.key,
              methods: [{ type: 'webauthn' }],
              contextualData: {
                activationData: {
                  rp: { name: 'IAMconnected' },
                  user: opts.user,
                  pubKeyCredParams: opts.pubKeyCredParams,
                  challenge: opts.challenge,
                  attestation: 'none',
                  authenticatorSelection: { userVerification: 'discouraged' },
                },
              },
            },
          },
        };
      }
      case 'done':
        this.events.push({ kind: 'signed-in', login: user?.login ?? '', ok: true, engine: 'idx' });
        return {
          ...base,
          success: {
            name: 'success-redirect',
            href: `${origin}/app/home?user=${encodeURIComponent(user?.login ?? '')}`,
          },
        };
    }
  }

  // ---- Classic Engine (/api/v1/authn) ----------------------------------------------------------

  private async classic(path: string, body: Record<string, unknown>, origin: string, res: ServerResponse) {
    if (path === '/api/v1/authn') {
      if (body.stateToken) {
        const t = this.tx.get(String(body.stateToken));
        if (!t) return sendJson(res, 401, classicError('E0000011', 'Invalid token provided'));
        return sendJson(res, 200, await this.classicState(t, origin));
      }
      const login = String(body.username ?? '');
      const user = this.users.get(login);
      const ok = !!user && body.password === ORG_PASSWORD;
      this.events.push({ kind: 'password', login, ok, engine: 'classic' });
      if (!ok) return sendJson(res, 401, classicError('E0000004', 'Authentication failed'));
      const handle = b64u(randomBytes(18));
      const t: Transaction = { handle, engine: 'classic', login, step: { at: 'identify' } };
      this.tx.set(handle, t);
      const missing = user.enrol.filter((f) => (f === 'totp' ? !user.totpActive : user.keys.length === 0));
      t.step = missing.length ? { at: 'choose-enroll' } : { at: 'choose' };
      return sendJson(res, 200, await this.classicState(t, origin));
    }
    const m = /^\/api\/v1\/authn\/(?:factors\/([^/]+)\/(verify|lifecycle\/activate)|factors|cancel)$/.exec(
      path,
    );
    const t = this.tx.get(String(body.stateToken ?? ''));
    const user = t?.login ? this.users.get(t.login) : undefined;
    if (!m || !t || !user) return sendJson(res, 401, classicError('E0000011', 'Invalid token provided'));
    if (path === '/api/v1/authn/cancel') return sendJson(res, 200, {});
    if (path === '/api/v1/authn/factors') {
      // Enrol: { factorType, provider }.
      if (body.factorType === 'token:software:totp') t.step = this.totpEnroll(user);
      else if (body.factorType === 'webauthn')
        t.step = { at: 'key-enroll', challenge: b64u(randomBytes(32)) };
      else return sendJson(res, 400, classicError('E0000001', 'Unsupported factor'));
      return sendJson(res, 200, await this.classicState(t, origin));
    }
    const [, factorId, action] = m;
    if (action === 'verify' && factorId === 'fac-key' && !body.clientData) {
      t.step = { at: 'key', challenge: b64u(randomBytes(32)) };
      return sendJson(res, 200, await this.classicState(t, origin));
    }
    if (action === 'verify' && factorId === 'fac-totp') t.step = { at: 'totp' };
    const creds = {
      passcode: body.passCode,
      clientData: body.clientData,
      attestation: body.attestation,
      authenticatorData: body.authenticatorData,
      signatureData: body.signatureData,
    };
    const fail = await this.answer(t, user, creds, origin, 'classic');
    if (fail) return sendJson(res, 403, classicError('E0000068', fail));
    return sendJson(res, 200, await this.classicState(t, origin));
  }

  private async classicState(t: Transaction, origin: string): Promise<Record<string, unknown>> {
    const user = this.users.get(t.login ?? '')!;
    const profile = {
      login: user.login,
      firstName: 'Test',
      lastName: 'User',
      locale: 'en_US',
      timeZone: 'Europe/Amsterdam',
    };
    const base = {
      stateToken: t.handle,
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
      _links: { cancel: { href: `${origin}/api/v1/authn/cancel`, hints: { allow: ['POST'] } } },
    };
    const link = (p: string) => ({ href: `${origin}${p}`, hints: { allow: ['POST'] } });
    const totpFactor = {
      id: 'fac-totp',
      factorType: 'token:software:totp',
      provider: 'GOOGLE',
      vendorName: 'GOOGLE',
      profile: { credentialId: user.login },
      _links: { verify: link('/api/v1/authn/factors/fac-totp/verify') },
    };
    const keyFactor = {
      id: 'fac-key',
      factorType: 'webauthn',
      provider: 'FIDO',
      vendorName: 'FIDO',
      profile: { credentialId: user.keys[0]?.id ?? '', authenticatorName: 'Security Key' },
      _links: { verify: link('/api/v1/authn/factors/fac-key/verify') },
    };
    const step = t.step;
    switch (step.at) {
      case 'choose':
        return {
          ...base,
          status: 'MFA_REQUIRED',
          _embedded: {
            user: { id: 'u-1', profile },
            factors: user.enrol.map((f) => (f === 'totp' ? totpFactor : keyFactor)),
            policy: { allowRememberDevice: false },
          },
        };
      case 'choose-enroll':
        return {
          ...base,
          status: 'MFA_ENROLL',
          _embedded: {
            user: { id: 'u-1', profile },
            factors: user.enrol.map((f) =>
              f === 'totp'
                ? {
                    factorType: 'token:software:totp',
                    provider: 'GOOGLE',
                    vendorName: 'GOOGLE',
                    enrollment: 'REQUIRED',
                    status: user.totpActive ? 'ACTIVE' : 'NOT_SETUP',
                    _links: { enroll: link('/api/v1/authn/factors') },
                  }
                : {
                    factorType: 'webauthn',
                    provider: 'FIDO',
                    vendorName: 'FIDO',
                    enrollment: 'REQUIRED',
                    status: user.keys.length ? 'ACTIVE' : 'NOT_SETUP',
                    _links: { enroll: link('/api/v1/authn/factors') },
                  },
            ),
          },
          _links: { ...base._links },
        };
      case 'totp-enroll': {
        const uri = totpUri('IAMconnected', user.login, user.totpSecret!);
        return {
          ...base,
          status: 'MFA_ENROLL_ACTIVATE',
          factorResult: 'WAITING',
          _embedded: {
            user: { id: 'u-1', profile },
            factor: {
              id: 'fac-totp',
              factorType: 'token:software:totp',
              provider: 'GOOGLE',
              vendorName: 'GOOGLE',
              profile: { credentialId: user.login },
              _embedded: {
                activation: {
                  timeStep: 30,
                  sharedSecret: user.totpSecret,
                  encoding: 'base32',
                  keyLength: 16,
                  _links: { qrcode: { href: await QRCode.toDataURL(uri), type: 'image/png' } },
                },
              },
            },
          },
          _links: {
            ...base._links,
            next: { name: 'activate', ...link('/api/v1/authn/factors/fac-totp/lifecycle/activate') },
            prev: link('/api/v1/authn/previous'),
          },
        };
      }
      case 'key-enroll': {
        const opts = await generateRegistrationOptions({
          rpName: 'IAMconnected',
          rpID: this.rpId,
          userName: user.login,
          challenge: Buffer.from(step.challenge, 'base64url'),
          attestationType: 'none',
          authenticatorSelection: { userVerification: 'discouraged', residentKey: 'discouraged' },
        });
        return {
          ...base,
          status: 'MFA_ENROLL_ACTIVATE',
          factorResult: 'WAITING',
          _embedded: {
            user: { id: 'u-1', profile },
            factor: {
              id: 'fac-key',
              factorType: 'webauthn',
              provider: 'FIDO',
              vendorName: 'FIDO',
              _embedded: {
                activation: {
                  rp: { name: 'IAMconnected' },
                  user: opts.user,
                  pubKeyCredParams: opts.pubKeyCredParams,
                  challenge: opts.challenge,
                  attestation: 'none',
                  authenticatorSelection: { userVerification: 'discouraged' },
                  u2fParams: { appid: origin },
                  excludeCredentials: [],
                },
              },
            },
          },
          _links: {
            ...base._links,
            next: { name: 'activate', ...link('/api/v1/authn/factors/fac-key/lifecycle/activate') },
          },
        };
      }
      case 'key':
        return {
          ...base,
          status: 'MFA_CHALLENGE',
          factorResult: 'CHALLENGE',
          _embedded: {
            user: { id: 'u-1', profile },
            factor: {
              ...keyFactor,
              _embedded: { challenge: { challenge: step.challenge, extensions: { appid: origin } } },
            },
            // With a factor list the widget reads the challenge here, and allowCredentials from the list.
            factors: [keyFactor],
            challenge: { challenge: step.challenge, extensions: { appid: origin } },
          },
          _links: {
            ...base._links,
            next: { name: 'verify', ...link('/api/v1/authn/factors/fac-key/verify') },
          },
        };
      case 'done':
        this.events.push({ kind: 'signed-in', login: user.login, ok: true, engine: 'classic' });
        return {
          ...base,
          status: 'SUCCESS',
          sessionToken: b64u(randomBytes(12)),
          _embedded: { user: { id: 'u-1', profile } },
        };
      default:
        return {
          ...base,
          status: 'MFA_REQUIRED',
          _embedded: { user: { id: 'u-1', profile }, factors: [totpFactor] },
        };
    }
  }
}

function stateHandleField(h: string) {
  return { name: 'stateHandle', required: true, value: h, visible: false, mutable: false };
}

function idxError(origin: string, message: string, handle: string, state?: Record<string, unknown>) {
  return {
    ...(state ?? { stateHandle: handle, version: '1.0.0', intent: 'LOGIN' }),
    messages: { type: 'array', value: [{ message, i18n: { key: 'errors.E0000004' }, class: 'ERROR' }] },
    ...(state
      ? {}
      : {
          cancel: {
            rel: ['create-form'],
            name: 'cancel',
            href: `${origin}/idp/idx/cancel`,
            method: 'POST',
            value: [stateHandleField(handle)],
          },
        }),
  };
}

function classicError(code: string, summary: string) {
  return {
    errorCode: code,
    errorSummary: summary,
    errorLink: code,
    errorId: b64u(randomBytes(8)),
    errorCauses: [],
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 1_000_000) throw new Error('body too large');
    chunks.push(c as Buffer);
  }
  if (!chunks.length) return {};
  try {
    const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export async function startOktaOrg(): Promise<OktaOrg> {
  const org = new OktaOrg();
  await org.start();
  return org;
}
