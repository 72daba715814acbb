/**
 * In-memory state of the demo sign-in site, with the hooks tests use to look inside and steer it.
 */
import { randomBytes } from 'node:crypto';
import type { Lang } from './i18n.js';

/** Every demo user signs in with this password unless created with another one. */
export const DEMO_PASSWORD = 'Portbase-Demo-1!';

/** Users that exist from the start. Any other well-formed user name is created on first sign-in. */
export const DEMO_USERS: readonly string[] = [
  'alice@example.com',
  'bob@example.com',
  'nl-gebruiker@example.nl',
];

/** User names accepted for on-the-fly creation. */
export const USERNAME_PATTERN = /^[A-Za-z0-9._%+@-]{1,64}$/;

export type UserVerificationRequirement = 'required' | 'preferred' | 'discouraged';
export type AttestationPreference = 'none' | 'direct' | 'enterprise';
export type ResidentKeyRequirement = 'required' | 'preferred' | 'discouraged';

export type TotpFactor = {
  /** Okta-style factor id (random). */
  id: string;
  /** Base32 secret (upper case, no padding), as shown under "Can't scan?". */
  secret: string;
  status: 'PENDING_ACTIVATION' | 'ACTIVE';
  /** RFC 6238 time step of the last accepted code: codes at or before it are refused (one use only). */
  lastTimeStep?: number;
  /** Changes on "Refresh code": the QR image route carries it. */
  qrNonce: string;
  deviceType?: 'APPLE' | 'ANDROID';
};

export type StoredCredential = {
  /** base64url credential id. */
  id: string;
  publicKey: Uint8Array;
  counter: number;
  transports?: string[];
  fmt: string;
  aaguid: string;
  userVerified: boolean;
  backedUp: boolean;
  createdAt: number;
};

export type DemoUser = {
  /** Okta-style user id ("00u…"), used in the QR image route. */
  id: string;
  name: string;
  password: string;
  /** WebAuthn user handle (16 random bytes). */
  webauthnUserId: Uint8Array;
  totp?: TotpFactor;
  credentials: StoredCredential[];
  /** When true, WebAuthn ceremonies ask for and require user verification. */
  requireUserVerification: boolean;
  /** Which factor the verify step opens first when both are enrolled. */
  preferredFactor: 'totp' | 'webauthn';
};

export type SiteEventKind =
  | 'password'
  | 'totp-activate'
  | 'totp-verify'
  | 'webauthn-register'
  | 'webauthn-authenticate'
  | 'mfa-reset'
  | 'sign-out';

export type SiteEvent = {
  kind: SiteEventKind;
  user: string;
  ok: boolean;
  /** Why it failed (stable words: 'bad-password', 'code-mismatch', 'code-reused', 'verification-failed', …). */
  reason?: string;
  /** Human-readable detail from the verifier (never a code or a secret). */
  detail?: string;
  at: number;
  userVerified?: boolean;
  credentialId?: string;
  fmt?: string;
  /** TOTP only: the step offset the accepted code matched (-1, 0, +1). */
  delta?: number;
};

export type PendingCeremony = {
  kind: 'registration' | 'authentication';
  challenge: string;
  userVerification: UserVerificationRequirement;
  user: string;
};

export type Session = {
  id: string;
  csrf: string;
  createdAt: number;
  lang?: Lang;
  user?: string;
  /** 'password': first factor done, MFA pending; 'mfa': fully signed in. */
  level: 'none' | 'password' | 'mfa';
  ceremony?: PendingCeremony;
};

export type SiteSettings = {
  /** Delay before the widget renders a step in the page (ms), like the JS widget does. */
  renderDelayMs: number;
  /** Submit forms with fetch and swap the widget in place (the real widget is a single-page app). */
  spa: boolean;
  /** How the enrolment QR code is delivered: an image route (as Okta does) or an inline data: URL. */
  qrImage: 'png-route' | 'data-url';
  /** Bytes in new TOTP secrets: Okta's Google Authenticator secrets are 16 base32 characters (10 bytes). */
  totpSecretBytes: number;
  /** Issuer written into the otpauth URI (and the label prefix). */
  issuer: string;
  rpName: string;
  rpID: string;
  /** Default WebAuthn user verification when neither the user nor the page asks otherwise. */
  userVerification: UserVerificationRequirement;
  attestationType: AttestationPreference;
  residentKey: ResidentKeyRequirement;
  /** Send a strict Content-Security-Policy (script-src 'self'), as production sign-in pages do. */
  csp: boolean;
  /** Render the widget in the document (as Okta does) or inside an open shadow root of its container. */
  mount: 'document' | 'shadow';
};

export const DEFAULT_SETTINGS: SiteSettings = {
  renderDelayMs: 300,
  spa: true,
  qrImage: 'png-route',
  totpSecretBytes: 10,
  issuer: 'IAMconnected',
  rpName: 'IAMconnected (demo)',
  rpID: 'localhost',
  userVerification: 'preferred',
  attestationType: 'none',
  residentKey: 'discouraged',
  csp: true,
  mount: 'document',
};

export class UnknownUserError extends Error {
  readonly code = 'unknown-user';
  constructor(name: string) {
    super(`The demo site has no user named "${name}".`);
    this.name = 'UnknownUserError';
  }
}

export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

export class DemoSiteState {
  readonly users = new Map<string, DemoUser>();
  readonly sessions = new Map<string, Session>();
  readonly events: SiteEvent[] = [];
  readonly settings: SiteSettings;
  private clock: (() => number) | null = null;

  constructor(settings: Partial<SiteSettings> = {}) {
    this.settings = { ...DEFAULT_SETTINGS, ...settings };
    for (const name of DEMO_USERS) this.addUser(name);
  }

  /** Current time in ms (the site's clock: real time unless a test set one). */
  now(): number {
    return this.clock ? this.clock() : Date.now();
  }

  /** Fix the site's clock (TOTP checks use it): a number freezes it, a function drives it, null restores real time. */
  setClock(clock: number | (() => number) | null): void {
    this.clock = clock === null ? null : typeof clock === 'number' ? () => clock : clock;
  }

  addUser(name: string, password: string = DEMO_PASSWORD): DemoUser {
    const existing = this.users.get(name);
    if (existing) return existing;
    const user: DemoUser = {
      id: `00u${randomBytes(9).toString('hex')}`,
      name,
      password,
      webauthnUserId: new Uint8Array(randomBytes(16)),
      credentials: [],
      requireUserVerification: false,
      preferredFactor: 'webauthn',
    };
    this.users.set(name, user);
    return user;
  }

  user(name: string): DemoUser {
    const user = this.users.get(name);
    if (!user) throw new UnknownUserError(name);
    return user;
  }

  /** The user's TOTP secret (base32), pending or active; undefined when none is enrolled. */
  totpSecret(name: string): string | undefined {
    return this.users.get(name)?.totp?.secret;
  }

  /** The user's registered WebAuthn credentials. */
  credentials(name: string): readonly StoredCredential[] {
    return this.users.get(name)?.credentials ?? [];
  }

  setRequireUserVerification(name: string, required: boolean): void {
    this.user(name).requireUserVerification = required;
  }

  setPreferredFactor(name: string, factor: 'totp' | 'webauthn'): void {
    this.user(name).preferredFactor = factor;
  }

  /**
   * "Reset Multifactor" (as an Okta admin does): forgets the user's TOTP secret and security keys. Sessions
   * stay as they are; pending WebAuthn ceremonies of the user are dropped. The next sign-in enrols again.
   */
  resetFactors(name: string): void {
    const user = this.user(name);
    user.totp = undefined;
    user.credentials = [];
    for (const session of this.sessions.values()) {
      if (session.user === name) session.ceremony = undefined;
    }
    this.record({ kind: 'mfa-reset', user: name, ok: true });
  }

  record(event: Omit<SiteEvent, 'at'>): SiteEvent {
    const full: SiteEvent = { ...event, at: this.now() };
    this.events.push(full);
    return full;
  }

  /** The most recent event, optionally of one kind and/or for one user. */
  lastEvent(kind?: SiteEventKind, user?: string): SiteEvent | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const event = this.events[i]!;
      if ((kind === undefined || event.kind === kind) && (user === undefined || event.user === user))
        return event;
    }
    return undefined;
  }

  newSession(): Session {
    const session: Session = { id: randomId(24), csrf: randomId(24), createdAt: this.now(), level: 'none' };
    this.sessions.set(session.id, session);
    return session;
  }

  /** Sessions of a user that completed MFA (tests check sign-in from outside the browser with it). */
  signedIn(name: string): boolean {
    for (const session of this.sessions.values()) {
      if (session.user === name && session.level === 'mfa') return true;
    }
    return false;
  }
}
