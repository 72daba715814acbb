/**
 * Checks the host's response before it reaches the page, with the shared core: client data (type,
 * challenge, origin, crossOrigin, topOrigin), RP ID hash, flags (UP, UV when required, AT on create),
 * credential id; for `get` against a key we saw registered, the signature. Returns the response in the
 * exact shape the page script builds credentials from.
 */
import { decodeCtap, decodeCtapPrefix } from '@shared/cbor/index.js';
import { verifyCoseSignature } from '@shared/cose/index.js';
import type {
  AuthenticationResponseJSON as HostAuthenticationJSON,
  RegistrationResponseJSON as HostRegistrationJSON,
} from '@shared/protocol/index.js';
import { fromBase64Url, parseClientDataJSON, toBase64Url } from '@shared/webauthn/index.js';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '../wire';

export class ResponseCheckError extends Error {
  override readonly name = 'ResponseCheckError';
  readonly code = 'RESPONSE_CHECK_FAILED';
}

export interface Expectation {
  origin: string;
  topOrigin?: string;
  crossOrigin: boolean;
  /** base64url, as sent to the host. */
  challenge: string;
  rpId: string;
  userVerificationRequired: boolean;
}

export interface CredentialRecord {
  rpId: string;
  /** base64url credential id. */
  id: string;
  /** base64url of the CTAP2 COSE_Key bytes. */
  cosePublicKey: string;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

function fail(message: string): never {
  throw new ResponseCheckError(message);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

function decode(text: string, what: string): Uint8Array {
  try {
    return fromBase64Url(text, what);
  } catch {
    return fail(`${what} is not base64url`);
  }
}

function checkClientData(bytes: Uint8Array, type: string, expected: Expectation): void {
  let cd: ReturnType<typeof parseClientDataJSON>;
  try {
    cd = parseClientDataJSON(bytes);
  } catch {
    fail('clientDataJSON is malformed');
  }
  if (cd.type !== type) fail(`clientDataJSON type is ${cd.type}`);
  if (cd.challenge !== expected.challenge) fail('clientDataJSON challenge differs from the request');
  if (cd.origin !== expected.origin) fail('clientDataJSON origin differs from the caller');
  if ((cd.crossOrigin ?? false) !== expected.crossOrigin) fail('clientDataJSON crossOrigin is wrong');
  if (expected.crossOrigin && cd.topOrigin !== expected.topOrigin) fail('clientDataJSON topOrigin is wrong');
}

async function checkAuthData(
  authData: Uint8Array,
  expected: Expectation,
  requireAt: boolean,
): Promise<number> {
  if (authData.length < 37) fail('authenticator data is too short');
  if (!equalBytes(authData.subarray(0, 32), await sha256(new TextEncoder().encode(expected.rpId)))) {
    fail('authenticator data is for another RP ID');
  }
  const flags = authData[32]!;
  if ((flags & FLAG_UP) === 0) fail('user presence flag is not set');
  if (expected.userVerificationRequired && (flags & FLAG_UV) === 0) fail('user verification flag is not set');
  if (requireAt && (flags & FLAG_AT) === 0) fail('attested credential data is missing');
  return flags;
}

export async function checkRegistration(
  json: HostRegistrationJSON,
  expected: Expectation,
): Promise<{ response: RegistrationResponseJSON; record: CredentialRecord }> {
  checkClientData(decode(json.response.clientDataJSON, 'clientDataJSON'), 'webauthn.create', expected);
  let attestation: unknown;
  try {
    attestation = decodeCtap(decode(json.response.attestationObject, 'attestationObject'));
  } catch {
    return fail('attestationObject is not CBOR');
  }
  const authDataValue = attestation instanceof Map ? attestation.get('authData') : undefined;
  if (!(authDataValue instanceof Uint8Array)) fail('attestationObject has no authData');
  const authData = authDataValue;
  await checkAuthData(authData, expected, true);
  if (json.response.authenticatorData !== undefined) {
    if (!equalBytes(decode(json.response.authenticatorData, 'authenticatorData'), authData)) {
      fail('authenticatorData differs from the attestation object');
    }
  }
  // Attested credential data: aaguid (16), credentialIdLength (2), credentialId, COSE key.
  const base = 37 + 16;
  if (authData.length < base + 2) fail('attested credential data is truncated');
  const idLength = (authData[base]! << 8) | authData[base + 1]!;
  const idStart = base + 2;
  const credentialId = authData.subarray(idStart, idStart + idLength);
  if (credentialId.length !== idLength) fail('credential id is truncated');
  if (!equalBytes(credentialId, decode(json.rawId, 'rawId')))
    fail('rawId differs from the attested credential id');
  if (json.id !== json.rawId) fail('id differs from rawId');
  let keyEnd: number;
  let coseKey: unknown;
  try {
    const prefix = decodeCtapPrefix(authData, idStart + idLength);
    keyEnd = prefix.end;
    coseKey = prefix.value;
  } catch {
    return fail('credential public key is not CBOR');
  }
  const alg = coseKey instanceof Map ? coseKey.get(3) : undefined;
  if (typeof alg !== 'number') fail('credential public key has no algorithm');
  if (json.response.publicKeyAlgorithm !== undefined && json.response.publicKeyAlgorithm !== alg) {
    fail('publicKeyAlgorithm differs from the credential public key');
  }
  const response: RegistrationResponseJSON = {
    id: json.id,
    rawId: json.rawId,
    type: 'public-key',
    authenticatorAttachment: 'cross-platform',
    clientExtensionResults: json.clientExtensionResults,
    response: {
      clientDataJSON: json.response.clientDataJSON,
      attestationObject: json.response.attestationObject,
      authenticatorData: toBase64Url(authData),
      publicKeyAlgorithm: alg,
      transports: json.response.transports ?? ['usb'],
    },
  };
  if (json.response.publicKey !== undefined) response.response.publicKey = json.response.publicKey;
  return {
    response,
    record: {
      rpId: expected.rpId,
      id: json.rawId,
      cosePublicKey: toBase64Url(authData.subarray(idStart + idLength, keyEnd)),
    },
  };
}

export async function checkAssertion(
  json: HostAuthenticationJSON,
  expected: Expectation,
  allowed: readonly string[],
  known: CredentialRecord | undefined,
): Promise<AuthenticationResponseJSON> {
  const clientData = decode(json.response.clientDataJSON, 'clientDataJSON');
  checkClientData(clientData, 'webauthn.get', expected);
  const authData = decode(json.response.authenticatorData, 'authenticatorData');
  await checkAuthData(authData, expected, false);
  if (json.id !== json.rawId) fail('id differs from rawId');
  if (allowed.length > 0 && !allowed.includes(json.rawId))
    fail('the key answered with a credential the RP did not allow');
  if (known) {
    const signed = new Uint8Array(authData.length + 32);
    signed.set(authData, 0);
    signed.set(await sha256(clientData), authData.length);
    let ok = false;
    try {
      ok = await verifyCoseSignature(
        decode(known.cosePublicKey, 'stored key'),
        signed,
        decode(json.response.signature, 'signature'),
      );
    } catch {
      ok = false;
    }
    if (!ok) fail('the assertion signature does not verify with the registered key');
  }
  const response: AuthenticationResponseJSON = {
    id: json.id,
    rawId: json.rawId,
    type: 'public-key',
    authenticatorAttachment: 'cross-platform',
    clientExtensionResults: json.clientExtensionResults,
    response: {
      clientDataJSON: json.response.clientDataJSON,
      authenticatorData: json.response.authenticatorData,
      signature: json.response.signature,
    },
  };
  if (json.response.userHandle !== undefined) response.response.userHandle = json.response.userHandle;
  return response;
}
