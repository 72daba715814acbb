/**
 * The demo IAMconnected-like relying party: an Okta Classic sign-in widget look-alike with password
 * sign-in, TOTP enrolment and verification (otplib) and security-key enrolment and sign-in
 * (@simplewebauthn/server). node:http, state in memory; see test/site/README.md.
 */

import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import QRCode from 'qrcode';
import * as v from 'valibot';
import { isLang, type Lang, pickLang, TEXTS } from './i18n.js';
import {
  activatePage,
  appPage,
  demoHint,
  deviceTypePage,
  embedPage,
  enrollChoicesPage,
  enrollWebauthnPage,
  errorPage,
  type FormError,
  manualPage,
  mfaResetPage,
  type PageContext,
  ROUTES,
  scanPage,
  signInPage,
  verifyTotpPage,
  verifyWebauthnPage,
} from './pages.js';
import {
  DEMO_PASSWORD,
  DEMO_USERS,
  DemoSiteState,
  type DemoUser,
  randomId,
  type Session,
  type SiteEvent,
  type SiteSettings,
  type TotpFactor,
  USERNAME_PATTERN,
} from './state.js';
import { checkTotp, newTotpSecret, totpUri } from './totp.js';
import {
  AuthenticationResponseSchema,
  authenticationOptions,
  effectiveUserVerification,
  type OptionsRequest,
  OptionsRequestSchema,
  RegistrationResponseSchema,
  registrationOptions,
  toAuthenticationResponse,
  toRegistrationResponse,
  verifyAuthentication,
  verifyRegistration,
} from './webauthn.js';

export { ROUTES } from './pages.js';
export type { DemoUser, SiteEvent, SiteSettings, StoredCredential } from './state.js';
export { DEMO_PASSWORD, DEMO_USERS, DemoSiteState } from './state.js';

export type DemoSiteOptions = {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Host name to listen on and to put in `origin`; default `localhost` (WebAuthn needs it). */
  hostname?: string;
  /** Initial settings (render delay, SPA mode, QR delivery, WebAuthn preferences, …). */
  settings?: Partial<SiteSettings>;
};

export type DemoSite = {
  /** `http://localhost:PORT` */
  origin: string;
  port: number;
  url(path?: string): string;
  close(): Promise<void>;
  state: DemoSiteState;
};

const SESSION_COOKIE = 'sid';
const LANG_COOKIE = 'lang';
const MAX_BODY = 1024 * 1024;
const ASSET_DIR = new URL('./assets/', import.meta.url);
const ASSETS: Record<string, string> = {
  '/assets/widget.js': 'text/javascript; charset=utf-8',
  '/assets/site.css': 'text/css; charset=utf-8',
  '/assets/logo.svg': 'image/svg+xml',
};
const CSP =
  "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

type Ctx = {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  session: Session;
  lang: Lang;
  page: PageContext;
};

function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      // A malformed cookie value is ignored, like browsers' servers usually do.
    }
  }
  return cookies;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) throw new HttpError(413, 'Request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) {
    throw new HttpError(415, 'Expected an application/x-www-form-urlencoded form');
  }
  return new URLSearchParams(await readBody(req));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) throw new HttpError(415, 'Expected application/json');
  const text = await readBody(req);
  try {
    return JSON.parse(text === '' ? '{}' : text) as unknown;
  } catch {
    throw new HttpError(400, 'Malformed JSON body');
  }
}

function sameToken(a: string | undefined | null, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startDemoSite(opts: DemoSiteOptions = {}): Promise<DemoSite> {
  const hostname = opts.hostname ?? 'localhost';
  const state = new DemoSiteState(opts.settings);
  const servers: Server[] = [];
  let origin = '';
  let expectedOrigins: string[] = [];

  function send(res: ServerResponse, status: number, body: string | Buffer, type: string): void {
    res.statusCode = status;
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (state.settings.csp && type.startsWith('text/html')) res.setHeader('Content-Security-Policy', CSP);
    res.end(body);
  }

  function sendHtml(ctx: Ctx, status: number, body: string): void {
    send(ctx.res, status, body, 'text/html; charset=utf-8');
  }

  function sendJson(ctx: Ctx, status: number, value: unknown): void {
    send(ctx.res, status, JSON.stringify(value), 'application/json; charset=utf-8');
  }

  function redirect(ctx: Ctx, location: string): void {
    ctx.res.statusCode = 303;
    ctx.res.setHeader('Location', location);
    ctx.res.setHeader('Cache-Control', 'no-store');
    ctx.res.end();
  }

  function sessionUser(ctx: Ctx): DemoUser | undefined {
    return ctx.session.user ? state.users.get(ctx.session.user) : undefined;
  }

  function hasActiveFactor(user: DemoUser): boolean {
    return user.totp?.status === 'ACTIVE' || user.credentials.length > 0;
  }

  /** Where a user whose password was accepted goes next. */
  function mfaStep(user: DemoUser): string {
    const totp = user.totp?.status === 'ACTIVE';
    const keys = user.credentials.length > 0;
    if (keys && (!totp || user.preferredFactor === 'webauthn')) return ROUTES.verifyWebauthn;
    if (totp) return ROUTES.verifyTotp;
    return ROUTES.enroll;
  }

  /** The user of a session that passed the password step but not MFA, or a redirect. */
  function verifyingUser(ctx: Ctx): DemoUser | undefined {
    const user = sessionUser(ctx);
    if (!user || ctx.session.level === 'none') {
      redirect(ctx, ROUTES.signIn);
      return undefined;
    }
    if (ctx.session.level === 'mfa') {
      redirect(ctx, ROUTES.app);
      return undefined;
    }
    return user;
  }

  /** The user of a session allowed to enrol factors (fully signed in, or first enrolment), or a redirect. */
  function enrollingUser(ctx: Ctx): DemoUser | undefined {
    const user = sessionUser(ctx);
    if (!user || ctx.session.level === 'none') {
      redirect(ctx, ROUTES.signIn);
      return undefined;
    }
    if (ctx.session.level === 'password' && hasActiveFactor(user)) {
      redirect(ctx, mfaStep(user));
      return undefined;
    }
    return user;
  }

  function checkCsrf(ctx: Ctx, token: string | null | undefined): void {
    if (!sameToken(token, ctx.session.csrf)) throw new HttpError(403, ctx.page.t.sessionExpired);
  }

  /** Ceremony preferences a page URL may carry (`?uv=`, `?attestation=`, `?rk=`), passed on to the options request. */
  function ceremonyRequest(url: URL): OptionsRequest {
    const pick = <T extends string>(name: string, allowed: readonly T[]): T | undefined => {
      const value = url.searchParams.get(name);
      return allowed.find((a) => a === value);
    };
    const request: OptionsRequest = {};
    const uv = pick('uv', ['required', 'preferred', 'discouraged'] as const);
    const attestation = pick('attestation', ['none', 'direct', 'enterprise'] as const);
    const residentKey = pick('rk', ['required', 'preferred', 'discouraged'] as const);
    if (uv) request.userVerification = uv;
    if (attestation) request.attestation = attestation;
    if (residentKey) request.residentKey = residentKey;
    return request;
  }

  async function qrSource(user: DemoUser): Promise<string> {
    const factor = user.totp!;
    if (state.settings.qrImage === 'data-url') {
      return QRCode.toDataURL(totpUri(state.settings.issuer, user.name, factor.secret), {
        errorCorrectionLevel: 'M',
        margin: 4,
        width: 200,
      });
    }
    return `/api/v1/users/${user.id}/factors/${factor.id}/qr/${factor.qrNonce}`;
  }

  function codeError(ctx: Ctx, reason: string): FormError {
    const t = ctx.page.t;
    if (reason === 'code-reused') return { code: reason, message: t.codeReused };
    if (reason === 'code-required') return { code: reason, message: t.codeRequired };
    return { code: reason, message: t.codeMismatch };
  }

  /**
   * Reads a TOTP form (CSRF token and the code in `field`) and checks the code against `factor`. A
   * refused code is recorded as `kind` and answered with `page` showing the error (400 when no code
   * was typed, 403 otherwise); an accepted one spends its time step, raises the session to MFA and is
   * recorded. Returns whether the code was accepted; the caller answers an accepted one.
   */
  async function acceptTotpForm(
    ctx: Ctx,
    user: DemoUser,
    factor: TotpFactor,
    form: {
      kind: 'totp-activate' | 'totp-verify';
      field: 'passCode' | 'answer';
      page: (error: FormError) => string;
    },
  ): Promise<boolean> {
    const body = await readForm(ctx.req);
    checkCsrf(ctx, body.get('_csrf'));
    const check = await checkTotp(
      factor.secret,
      body.get(form.field) ?? '',
      state.now(),
      factor.lastTimeStep,
    );
    if (!check.ok) {
      state.record({ kind: form.kind, user: user.name, ok: false, reason: check.reason });
      sendHtml(ctx, check.reason === 'code-required' ? 400 : 403, form.page(codeError(ctx, check.reason)));
      return false;
    }
    factor.lastTimeStep = check.timeStep;
    ctx.session.level = 'mfa';
    state.record({ kind: form.kind, user: user.name, ok: true, delta: check.delta });
    return true;
  }

  async function handle(ctx: Ctx): Promise<void> {
    const { req, url, session } = ctx;
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const t = ctx.page.t;

    if (method === 'GET' && ASSETS[path]) {
      const body = await readFile(new URL(`.${path.slice('/assets'.length)}`, ASSET_DIR));
      send(ctx.res, 200, body, ASSETS[path]);
      return;
    }
    if (method === 'GET' && path === '/favicon.ico') {
      send(ctx.res, 204, '', 'image/x-icon');
      return;
    }

    if (path === '/' && method === 'GET') {
      redirect(ctx, session.level === 'mfa' ? ROUTES.app : ROUTES.signIn);
      return;
    }

    if (path === ROUTES.embed && method === 'GET') {
      const src = url.searchParams.get('src') ?? ROUTES.signIn;
      // Same-origin paths only.
      if (!src.startsWith('/') || src.startsWith('//'))
        throw new HttpError(400, 'src must be a path on this site');
      sendHtml(ctx, 200, embedPage(ctx.page, src));
      return;
    }

    if (path === ROUTES.signIn) {
      if (method === 'GET') {
        sendHtml(ctx, 200, signInPage(ctx.page, { demoHint: demoHint(DEMO_USERS, DEMO_PASSWORD) }));
        return;
      }
      if (method === 'POST') {
        const form = await readForm(req);
        checkCsrf(ctx, form.get('_csrf'));
        const username = (form.get('username') ?? '').trim();
        const password = form.get('password') ?? '';
        const fail = (error: FormError, status: number) =>
          sendHtml(
            ctx,
            status,
            signInPage(ctx.page, { error, username, demoHint: demoHint(DEMO_USERS, DEMO_PASSWORD) }),
          );
        if (username === '') return fail({ code: 'username-required', message: t.usernameRequired }, 400);
        if (password === '') return fail({ code: 'password-required', message: t.passwordRequired }, 400);
        let user = state.users.get(username);
        if (!user && USERNAME_PATTERN.test(username) && password === DEMO_PASSWORD)
          user = state.addUser(username);
        if (!user || !sameToken(password, user.password)) {
          state.record({ kind: 'password', user: username, ok: false, reason: 'bad-password' });
          return fail({ code: 'bad-credentials', message: t.unableToSignIn }, 401);
        }
        session.user = user.name;
        session.level = 'password';
        session.ceremony = undefined;
        state.record({ kind: 'password', user: user.name, ok: true });
        redirect(ctx, mfaStep(user));
        return;
      }
    }

    if (path === ROUTES.enroll && method === 'GET') {
      const user = enrollingUser(ctx);
      if (!user) return;
      sendHtml(ctx, 200, enrollChoicesPage(ctx.page, user, session.level === 'mfa' && hasActiveFactor(user)));
      return;
    }

    if (path === ROUTES.enrollFinish && method === 'POST') {
      const form = await readForm(req);
      checkCsrf(ctx, form.get('_csrf'));
      const user = enrollingUser(ctx);
      if (!user) return;
      redirect(ctx, session.level === 'mfa' && hasActiveFactor(user) ? ROUTES.app : ROUTES.enroll);
      return;
    }

    if (path === ROUTES.enrollTotp) {
      const user = enrollingUser(ctx);
      if (!user) return;
      if (user.totp?.status === 'ACTIVE') {
        redirect(ctx, ROUTES.enroll);
        return;
      }
      if (method === 'GET') {
        sendHtml(ctx, 200, deviceTypePage(ctx.page));
        return;
      }
      if (method === 'POST') {
        const form = await readForm(req);
        checkCsrf(ctx, form.get('_csrf'));
        const deviceType = form.get('__deviceType__') === 'ANDROID' ? 'ANDROID' : 'APPLE';
        user.totp = {
          id: `uft${randomId(12)}`,
          secret: newTotpSecret(state.settings.totpSecretBytes),
          status: 'PENDING_ACTIVATION',
          qrNonce: randomId(12),
          deviceType,
        };
        redirect(ctx, ROUTES.totpScan);
        return;
      }
    }

    if (path === ROUTES.totpScan || path === ROUTES.totpManual || path === ROUTES.totpActivate) {
      const user = enrollingUser(ctx);
      if (!user) return;
      const factor = user.totp;
      if (!factor || factor.status === 'ACTIVE') {
        redirect(ctx, factor ? ROUTES.enroll : ROUTES.enrollTotp);
        return;
      }
      if (path === ROUTES.totpScan && method === 'GET') {
        if (url.searchParams.get('refresh') === '1') {
          factor.secret = newTotpSecret(state.settings.totpSecretBytes);
          factor.qrNonce = randomId(12);
        }
        sendHtml(ctx, 200, scanPage(ctx.page, await qrSource(user)));
        return;
      }
      if (path === ROUTES.totpManual && method === 'GET') {
        sendHtml(ctx, 200, manualPage(ctx.page, factor.secret));
        return;
      }
      if (path === ROUTES.totpActivate && method === 'GET') {
        sendHtml(ctx, 200, activatePage(ctx.page));
        return;
      }
      if (path === ROUTES.totpActivate && method === 'POST') {
        const accepted = await acceptTotpForm(ctx, user, factor, {
          kind: 'totp-activate',
          field: 'passCode',
          page: (error) => activatePage(ctx.page, error),
        });
        if (!accepted) return;
        factor.status = 'ACTIVE';
        redirect(ctx, ROUTES.enroll);
        return;
      }
    }

    const qr = /^\/api\/v1\/users\/([^/]+)\/factors\/([^/]+)\/qr\/([^/]+)$/.exec(path);
    if (qr && method === 'GET') {
      const user = sessionUser(ctx);
      const factor = user?.totp;
      if (!user || !factor || user.id !== qr[1] || factor.id !== qr[2] || factor.qrNonce !== qr[3]) {
        throw new HttpError(404, 'No such QR code');
      }
      const png = await QRCode.toBuffer(totpUri(state.settings.issuer, user.name, factor.secret), {
        type: 'png',
        errorCorrectionLevel: 'M',
        margin: 4,
        width: 200,
      });
      send(ctx.res, 200, png, 'image/png');
      return;
    }

    if (path === ROUTES.verifyTotp) {
      const user = verifyingUser(ctx);
      if (!user) return;
      const factor = user.totp;
      if (factor?.status !== 'ACTIVE') {
        redirect(ctx, mfaStep(user));
        return;
      }
      if (method === 'GET') {
        sendHtml(ctx, 200, verifyTotpPage(ctx.page, user));
        return;
      }
      if (method === 'POST') {
        const accepted = await acceptTotpForm(ctx, user, factor, {
          kind: 'totp-verify',
          field: 'answer',
          page: (error) => verifyTotpPage(ctx.page, user, error),
        });
        if (!accepted) return;
        redirect(ctx, ROUTES.app);
        return;
      }
    }

    if (path === ROUTES.enrollWebauthn && method === 'GET') {
      const user = enrollingUser(ctx);
      if (!user) return;
      sendHtml(ctx, 200, enrollWebauthnPage(ctx.page, ceremonyRequest(url)));
      return;
    }

    if (path === ROUTES.verifyWebauthn && method === 'GET') {
      const user = verifyingUser(ctx);
      if (!user) return;
      if (user.credentials.length === 0) {
        redirect(ctx, mfaStep(user));
        return;
      }
      sendHtml(ctx, 200, verifyWebauthnPage(ctx.page, user, ceremonyRequest(url)));
      return;
    }

    if (path === ROUTES.registrationOptions || path === ROUTES.authenticationOptions) {
      if (method !== 'POST') throw new HttpError(405, 'Method not allowed');
      checkCsrf(ctx, headerValue(req, 'x-csrf-token'));
      const parsed = v.safeParse(OptionsRequestSchema, await readJson(req));
      if (!parsed.success) throw new HttpError(400, 'Bad options request');
      const registering = path === ROUTES.registrationOptions;
      const user = sessionUser(ctx);
      const allowed =
        user &&
        (registering
          ? session.level === 'mfa' || (session.level === 'password' && !hasActiveFactor(user))
          : session.level === 'password' && user.credentials.length > 0);
      if (!user || !allowed) {
        sendJson(ctx, 403, { error: 'not-allowed', message: t.sessionExpired });
        return;
      }
      const uv = effectiveUserVerification(parsed.output.userVerification, user, state.settings);
      const options = registering
        ? await registrationOptions(state.settings, user, uv, parsed.output)
        : await authenticationOptions(state.settings, user, uv);
      session.ceremony = {
        kind: registering ? 'registration' : 'authentication',
        challenge: options.challenge,
        userVerification: uv,
        user: user.name,
      };
      sendJson(ctx, 200, options);
      return;
    }

    if (path === ROUTES.registrationVerify || path === ROUTES.authenticationVerify) {
      if (method !== 'POST') throw new HttpError(405, 'Method not allowed');
      checkCsrf(ctx, headerValue(req, 'x-csrf-token'));
      const registering = path === ROUTES.registrationVerify;
      const body = await readJson(req);
      const ceremony = session.ceremony;
      const user = sessionUser(ctx);
      if (
        !ceremony ||
        !user ||
        ceremony.user !== user.name ||
        ceremony.kind !== (registering ? 'registration' : 'authentication')
      ) {
        sendJson(ctx, 400, { ok: false, error: 'no-ceremony', message: t.webauthnFailed });
        return;
      }
      session.ceremony = undefined; // a challenge is good for one answer only
      const kind = registering ? 'webauthn-register' : 'webauthn-authenticate';
      /** Records a refused answer and tells the page: one status and message whatever the reason. */
      const refuse = (
        reason: 'bad-response' | 'unknown-credential' | 'verification-failed',
        facts: Pick<SiteEvent, 'detail' | 'credentialId'>,
      ) => {
        state.record({ kind, user: user.name, ok: false, reason, ...facts });
        sendJson(ctx, 400, { ok: false, error: reason, message: t.webauthnFailed });
      };
      if (registering) {
        const parsed = v.safeParse(RegistrationResponseSchema, body);
        if (!parsed.success) {
          refuse('bad-response', { detail: v.summarize(parsed.issues) });
          return;
        }
        const outcome = await verifyRegistration(
          toRegistrationResponse(parsed.output),
          ceremony.challenge,
          expectedOrigins,
          state.settings,
          ceremony.userVerification,
          state.now(),
        );
        if (!outcome.ok) {
          refuse('verification-failed', { detail: outcome.detail });
          return;
        }
        user.credentials.push(outcome.value);
        session.level = 'mfa';
        state.record({
          kind,
          user: user.name,
          ok: true,
          userVerified: outcome.userVerified,
          credentialId: outcome.value.id,
          fmt: outcome.value.fmt,
        });
        sendJson(ctx, 200, { ok: true, next: ROUTES.enroll });
        return;
      }
      const parsed = v.safeParse(AuthenticationResponseSchema, body);
      if (!parsed.success) {
        refuse('bad-response', { detail: v.summarize(parsed.issues) });
        return;
      }
      const credential = user.credentials.find((c) => c.id === parsed.output.id);
      if (!credential) {
        refuse('unknown-credential', { credentialId: parsed.output.id });
        return;
      }
      const outcome = await verifyAuthentication(
        toAuthenticationResponse(parsed.output),
        ceremony.challenge,
        expectedOrigins,
        state.settings,
        credential,
        ceremony.userVerification,
      );
      if (!outcome.ok) {
        refuse('verification-failed', { detail: outcome.detail, credentialId: credential.id });
        return;
      }
      credential.counter = outcome.value.newCounter;
      session.level = 'mfa';
      state.record({
        kind,
        user: user.name,
        ok: true,
        userVerified: outcome.userVerified,
        credentialId: credential.id,
      });
      sendJson(ctx, 200, { ok: true, next: ROUTES.app });
      return;
    }

    if (path === ROUTES.app && method === 'GET') {
      const user = sessionUser(ctx);
      if (!user || session.level !== 'mfa') {
        redirect(ctx, ROUTES.signIn);
        return;
      }
      sendHtml(ctx, 200, appPage(ctx.page, user));
      return;
    }

    if (path === ROUTES.signOut && method === 'POST') {
      const form = await readForm(req);
      checkCsrf(ctx, form.get('_csrf'));
      if (session.user) state.record({ kind: 'sign-out', user: session.user, ok: true });
      state.sessions.delete(session.id);
      ctx.res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
      redirect(ctx, ROUTES.signIn);
      return;
    }

    if (path === ROUTES.mfaReset) {
      if (method === 'GET') {
        sendHtml(ctx, 200, mfaResetPage(ctx.page, {}));
        return;
      }
      if (method === 'POST') {
        const form = await readForm(req);
        checkCsrf(ctx, form.get('_csrf'));
        const name = (form.get('username') ?? '').trim();
        if (!state.users.has(name)) {
          sendHtml(
            ctx,
            404,
            mfaResetPage(ctx.page, { error: { code: 'unknown-user', message: t.unknownUser } }),
          );
          return;
        }
        state.resetFactors(name);
        sendHtml(ctx, 200, mfaResetPage(ctx.page, { done: name }));
        return;
      }
    }

    throw new HttpError(404, 'Not found');
  }

  function headerValue(req: IncomingMessage, name: string): string | undefined {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', origin);
    } catch {
      send(res, 400, 'Bad request target', 'text/plain; charset=utf-8');
      return;
    }
    const cookies = parseCookies(req.headers.cookie);
    const setCookies: string[] = [];
    let session = state.sessions.get(cookies.get(SESSION_COOKIE) ?? '');
    if (!session) {
      session = state.newSession();
      setCookies.push(`${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Lax`);
    }
    const queryLang = url.searchParams.get('lang');
    if (isLang(queryLang)) {
      session.lang = queryLang;
      setCookies.push(`${LANG_COOKIE}=${queryLang}; Path=/; SameSite=Lax`);
    }
    const cookieLang = cookies.get(LANG_COOKIE);
    const lang = pickLang(
      isLang(queryLang) ? queryLang : (session.lang ?? cookieLang),
      req.headers['accept-language'],
    );
    if (setCookies.length > 0) res.setHeader('Set-Cookie', setCookies);
    res.setHeader('Content-Language', lang);
    res.setHeader('Vary', 'Accept-Language, Cookie');
    const ctx: Ctx = {
      req,
      res,
      url,
      session,
      lang,
      page: { t: TEXTS[lang], lang, csrf: session.csrf, settings: state.settings, path: url.pathname },
    };
    try {
      await handle(ctx);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof HttpError ? error.message : 'Internal error';
      if (!(error instanceof HttpError))
        console.error('demo site: internal error:', error instanceof Error ? error.stack : error);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (url.pathname.startsWith('/api/webauthn/')) {
        sendJson(ctx, status, { ok: false, error: `http-${status}`, message });
      } else {
        sendHtml(ctx, status, errorPage(ctx.page, status, message));
      }
    }
  }

  const listen = (server: Server, port: number, host: string) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    onRequest(req, res).catch(() => {
      // Last resort: never let one request take the site (and the test run) down.
      if (!res.headersSent) send(res, 500, 'Internal error', 'text/plain; charset=utf-8');
      else res.destroy();
    });
  };

  let port: number;
  if (hostname === 'localhost') {
    // `localhost` may resolve to 127.0.0.1 or ::1 depending on the client: listen on both, same port.
    const v4 = createServer(handler);
    port = await listen(v4, opts.port ?? 0, '127.0.0.1');
    servers.push(v4);
    const v6 = createServer(handler);
    try {
      await listen(v6, port, '::1');
      servers.push(v6);
    } catch {
      // No IPv6 loopback on this machine: 127.0.0.1 alone serves.
    }
  } else {
    const server = createServer(handler);
    port = await listen(server, opts.port ?? 0, hostname);
    servers.push(server);
  }
  origin = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;
  expectedOrigins = [...new Set([origin, `http://localhost:${port}`])];

  return {
    origin,
    port,
    url: (path = '/') => new URL(path, origin).toString(),
    state,
    close: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}
