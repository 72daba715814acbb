/**
 * For browsers without WebAuthn (e.g. Firefox with `security.webauth.webauthn` off): page-realm
 * `PublicKeyCredential`, `AuthenticatorResponse` classes and `navigator.credentials`, so pages that
 * feature-detect still offer security-key sign-in. Installed only on sites the bridge serves. The
 * statics tell the truth: no platform authenticator, no conditional mediation, no hybrid transport.
 */
import { base64urlToArrayBuffer } from './bytes';
import type { CredentialRealm } from './credential';

export interface WebAuthnEntryPoints {
  create(this: unknown, options?: CredentialCreationOptions): Promise<Credential | null>;
  get(this: unknown, options?: CredentialRequestOptions): Promise<Credential | null>;
}

type PageWindow = Window & typeof globalThis;

function illegal(): never {
  throw new TypeError('Illegal constructor');
}

function defineHidden(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: false, configurable: true });
}

function fromB64(value: unknown, what: string): ArrayBuffer {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a base64url string`);
  try {
    return base64urlToArrayBuffer(value);
  } catch {
    throw new TypeError(`${what} is not valid base64url`);
  }
}

type Json = Record<string, unknown>;

function descriptorsFromJson(list: unknown, what: string): PublicKeyCredentialDescriptor[] | undefined {
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) throw new TypeError(`${what} must be an array`);
  return list.map((item: Json, index) => ({
    ...item,
    type: 'public-key',
    id: fromB64(item?.id, `${what}[${index}].id`),
  }));
}

/** `PublicKeyCredential.parseCreationOptionsFromJSON` (WebAuthn L3 §5.1.9). */
export function parseCreationOptionsFromJSON(json: Json): PublicKeyCredentialCreationOptions {
  if (typeof json !== 'object' || json === null) throw new TypeError('options must be an object');
  const user = json.user as Json | undefined;
  if (!user) throw new TypeError('user is required');
  const out = {
    ...json,
    challenge: fromB64(json.challenge, 'challenge'),
    user: { ...user, id: fromB64(user.id, 'user.id') },
  } as unknown as PublicKeyCredentialCreationOptions;
  const exclude = descriptorsFromJson(json.excludeCredentials, 'excludeCredentials');
  if (exclude) out.excludeCredentials = exclude;
  return out;
}

/** `PublicKeyCredential.parseRequestOptionsFromJSON` (WebAuthn L3 §5.1.10). */
export function parseRequestOptionsFromJSON(json: Json): PublicKeyCredentialRequestOptions {
  if (typeof json !== 'object' || json === null) throw new TypeError('options must be an object');
  const out = {
    ...json,
    challenge: fromB64(json.challenge, 'challenge'),
  } as unknown as PublicKeyCredentialRequestOptions;
  const allow = descriptorsFromJson(json.allowCredentials, 'allowCredentials');
  if (allow) out.allowCredentials = allow;
  return out;
}

/** What a client serving only roaming security keys through the bridge can do. */
export function bridgeClientCapabilities(): Record<string, boolean> {
  return {
    conditionalCreate: false,
    conditionalGet: false,
    hybridTransport: false,
    passkeyPlatformAuthenticator: false,
    userVerifyingPlatformAuthenticator: false,
    relatedOrigins: false,
    signalAllAcceptedCredentials: false,
    signalCurrentUserDetails: false,
    signalUnknownCredential: false,
  };
}

/** True when the page has no usable WebAuthn of its own. */
export function webAuthnMissing(win: PageWindow): boolean {
  return typeof win.PublicKeyCredential !== 'function' || win.navigator.credentials == null;
}

/**
 * Installs the missing pieces. Returns the realm credentials are built in, or null when the browser's
 * own classes were kept.
 */
export function provideWebAuthn(win: PageWindow, entry: WebAuthnEntryPoints): CredentialRealm | null {
  let realm: CredentialRealm | null = null;
  if (typeof win.PublicKeyCredential !== 'function') {
    const CredentialBase: { new (): object; prototype: object } =
      typeof win.Credential === 'function'
        ? (win.Credential as unknown as { new (): object; prototype: object })
        : class Credential {
            constructor() {
              illegal();
            }
          };
    if (typeof win.Credential !== 'function') defineHidden(win, 'Credential', CredentialBase);
    class AuthenticatorResponse {
      constructor() {
        illegal();
      }
    }
    class AuthenticatorAttestationResponse extends AuthenticatorResponse {}
    class AuthenticatorAssertionResponse extends AuthenticatorResponse {}
    const PublicKeyCredential = class PublicKeyCredential extends (CredentialBase as { new (): object }) {
      constructor() {
        illegal();
        super();
      }
      static isUserVerifyingPlatformAuthenticatorAvailable(): Promise<boolean> {
        return Promise.resolve(false);
      }
      static isConditionalMediationAvailable(): Promise<boolean> {
        return Promise.resolve(false);
      }
      static getClientCapabilities(): Promise<Record<string, boolean>> {
        return Promise.resolve(bridgeClientCapabilities());
      }
      static parseCreationOptionsFromJSON(json: Json): PublicKeyCredentialCreationOptions {
        return parseCreationOptionsFromJSON(json);
      }
      static parseRequestOptionsFromJSON(json: Json): PublicKeyCredentialRequestOptions {
        return parseRequestOptionsFromJSON(json);
      }
    };
    for (const [name, cls] of Object.entries({
      AuthenticatorResponse,
      AuthenticatorAttestationResponse,
      AuthenticatorAssertionResponse,
      PublicKeyCredential,
    })) {
      defineHidden(win, name, cls);
    }
    realm = { PublicKeyCredential, AuthenticatorAttestationResponse, AuthenticatorAssertionResponse };
  }
  if (win.navigator.credentials == null) {
    const Container = (win as unknown as { CredentialsContainer?: unknown }).CredentialsContainer;
    const proto: object =
      typeof Container === 'function'
        ? (Container as { prototype: object }).prototype
        : (() => {
            class CredentialsContainer {
              constructor() {
                illegal();
              }
            }
            defineHidden(win, 'CredentialsContainer', CredentialsContainer);
            return CredentialsContainer.prototype;
          })();
    const container = Object.create(proto) as object;
    const methods = {
      create: function create(this: unknown, options?: CredentialCreationOptions) {
        return entry.create.call(this, options);
      },
      get: function get(this: unknown, options?: CredentialRequestOptions) {
        return entry.get.call(this, options);
      },
      store: function store(): Promise<never> {
        return Promise.reject(
          new win.DOMException('Storing credentials is not supported.', 'NotSupportedError'),
        );
      },
      preventSilentAccess: function preventSilentAccess(): Promise<undefined> {
        return Promise.resolve(undefined);
      },
    };
    for (const [name, fn] of Object.entries(methods)) defineHidden(container, name, fn);
    const navProto = Object.getPrototypeOf(win.navigator) as object;
    Object.defineProperty(navProto, 'credentials', {
      get: function credentials() {
        return container;
      },
      enumerable: true,
      configurable: true,
    });
  }
  return realm;
}
