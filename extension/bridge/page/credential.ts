/**
 * Credentials built in the page's realm from the host's L3 JSON: objects whose prototypes are the
 * page's own `PublicKeyCredential` / `AuthenticatorAttestationResponse` / `AuthenticatorAssertionResponse`
 * (so `instanceof` holds) with own properties and methods (so no native getter is ever invoked on them
 * and nothing throws "Illegal invocation").
 */
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '../wire';
import { base64urlToArrayBuffer } from './bytes';
import type { JsonObject, JsonValue } from './options';

export interface CredentialRealm {
  PublicKeyCredential: { prototype: object };
  AuthenticatorAttestationResponse: { prototype: object };
  AuthenticatorAssertionResponse: { prototype: object };
}

type Props = Record<string, unknown>;

function defineOwn<T extends object>(target: T, props: Props): T {
  const descriptors: PropertyDescriptorMap = {};
  for (const [key, value] of Object.entries(props)) {
    descriptors[key] = { value, enumerable: false, writable: false, configurable: true };
  }
  Object.defineProperties(target, descriptors);
  return target;
}

/** Methods look like the browser's: named, and not constructible. */
function method<A extends unknown[], R>(name: string, fn: (...args: A) => R): (...args: A) => R {
  const m = { [name]: (...args: A): R => fn(...args) }[name]!;
  return m;
}

function cloneJson(value: JsonValue): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

/** Client extension outputs with their binary members as ArrayBuffers (prf, largeBlob). */
export function extensionResultsFromJson(json: JsonObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if (key === 'prf' && value && typeof value === 'object' && !Array.isArray(value)) {
      const prf: Record<string, unknown> = { ...(cloneJson(value) as JsonObject) };
      const results = (value as JsonObject).results;
      if (results && typeof results === 'object' && !Array.isArray(results)) {
        const r: Record<string, ArrayBuffer> = {};
        for (const [name, b64] of Object.entries(results)) {
          if (typeof b64 === 'string') r[name] = base64urlToArrayBuffer(b64);
        }
        prf.results = r;
      }
      out.prf = prf;
    } else if (key === 'largeBlob' && value && typeof value === 'object' && !Array.isArray(value)) {
      const lb: Record<string, unknown> = { ...(cloneJson(value) as JsonObject) };
      const blob = (value as JsonObject).blob;
      if (typeof blob === 'string') lb.blob = base64urlToArrayBuffer(blob);
      out.largeBlob = lb;
    } else {
      out[key] = cloneJson(value as JsonValue);
    }
  }
  return out;
}

/**
 * The page-realm `PublicKeyCredential` around a built response: the fields both ceremonies share, and a
 * `toJSON()` that gives the L3 JSON with `responseJson` as its `response`.
 */
function buildCredential(
  realm: CredentialRealm,
  json: RegistrationResponseJSON | AuthenticationResponseJSON,
  response: object,
  responseJson: () => JsonObject,
): object {
  const attachment = json.authenticatorAttachment ?? 'cross-platform';
  const extensions = json.clientExtensionResults as JsonObject;
  const toJSON = (): JsonObject => ({
    id: json.id,
    rawId: json.rawId,
    response: responseJson(),
    authenticatorAttachment: attachment,
    clientExtensionResults: cloneJson(extensions),
    type: 'public-key',
  });
  return defineOwn(Object.create(realm.PublicKeyCredential.prototype) as object, {
    id: json.id,
    rawId: base64urlToArrayBuffer(json.rawId),
    type: 'public-key',
    response,
    authenticatorAttachment: attachment,
    getClientExtensionResults: method('getClientExtensionResults', () =>
      extensionResultsFromJson(extensions),
    ),
    toJSON: method('toJSON', toJSON),
  });
}

export function buildRegistrationCredential(realm: CredentialRealm, json: RegistrationResponseJSON): object {
  const r = json.response;
  const transports = [...r.transports];
  const response = defineOwn(Object.create(realm.AuthenticatorAttestationResponse.prototype) as object, {
    clientDataJSON: base64urlToArrayBuffer(r.clientDataJSON),
    attestationObject: base64urlToArrayBuffer(r.attestationObject),
    getTransports: method('getTransports', () => [...transports]),
    getAuthenticatorData: method('getAuthenticatorData', () => base64urlToArrayBuffer(r.authenticatorData)),
    getPublicKey: method('getPublicKey', () =>
      r.publicKey === undefined ? null : base64urlToArrayBuffer(r.publicKey),
    ),
    getPublicKeyAlgorithm: method('getPublicKeyAlgorithm', () => r.publicKeyAlgorithm),
  });
  return buildCredential(realm, json, response, () => {
    const resp: JsonObject = {
      clientDataJSON: r.clientDataJSON,
      authenticatorData: r.authenticatorData,
      transports: [...transports],
    };
    if (r.publicKey !== undefined) resp.publicKey = r.publicKey;
    resp.publicKeyAlgorithm = r.publicKeyAlgorithm;
    resp.attestationObject = r.attestationObject;
    return resp;
  });
}

export function buildAssertionCredential(realm: CredentialRealm, json: AuthenticationResponseJSON): object {
  const r = json.response;
  const userHandle = r.userHandle ?? null;
  const response = defineOwn(Object.create(realm.AuthenticatorAssertionResponse.prototype) as object, {
    clientDataJSON: base64urlToArrayBuffer(r.clientDataJSON),
    authenticatorData: base64urlToArrayBuffer(r.authenticatorData),
    signature: base64urlToArrayBuffer(r.signature),
    userHandle: userHandle === null ? null : base64urlToArrayBuffer(userHandle),
  });
  return buildCredential(realm, json, response, () => {
    const resp: JsonObject = {
      clientDataJSON: r.clientDataJSON,
      authenticatorData: r.authenticatorData,
      signature: r.signature,
    };
    if (userHandle !== null) resp.userHandle = userHandle;
    return resp;
  });
}
