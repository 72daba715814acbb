/**
 * Checks the host's response before it reaches the page, with the shared core: the exact client data
 * we expect (type, challenge, origin, crossOrigin, topOrigin), then `verifyRegistration` (attestation,
 * RP ID hash, flags, credential id) or, for `get` against a key we saw registered, `verifyAuthentication`
 * (signature and counter); an assertion for a key we never saw gets the client-data, RP ID hash, flag and
 * allow-list checks. Returns the response in the exact shape the page script builds credentials from.
 */
import { decodeCtap } from '@shared/cbor/index.js';
import type {
  AuthenticationResponseJSON as HostAuthenticationJSON,
  RegistrationResponseJSON as HostRegistrationJSON,
} from '@shared/protocol/index.js';
import {
  fromBase64Url,
  parseAuthenticatorData,
  parseClientDataJSON,
  toBase64Url,
  verifyAuthentication,
  verifyRegistration,
} from '@shared/webauthn/index.js';
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
  /** base64url of the COSE_Key bytes `verifyRegistration` returned. */
  cosePublicKey: string;
  signCount: number;
}

function fail(message: string): never {
  throw new ResponseCheckError(message);
}

function decode(text: string, what: string): Uint8Array {
  try {
    return fromBase64Url(text, what);
  } catch {
    return fail(`${what} is not base64url`);
  }
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/** Byte-exact expectations a relying party's own check would not all make (crossOrigin false, no topOrigin). */
function checkClientData(text: string, type: string, expected: Expectation): void {
  let cd: ReturnType<typeof parseClientDataJSON>;
  try {
    cd = parseClientDataJSON(decode(text, 'clientDataJSON'));
  } catch {
    fail('clientDataJSON is malformed');
  }
  if (cd.type !== type) fail(`clientDataJSON type is ${cd.type}`);
  if (cd.challenge !== expected.challenge) fail('clientDataJSON challenge differs from the request');
  if (cd.origin !== expected.origin) fail('clientDataJSON origin differs from the caller');
  if ((cd.crossOrigin ?? false) !== expected.crossOrigin) fail('clientDataJSON crossOrigin is wrong');
  if (cd.topOrigin !== (expected.crossOrigin ? expected.topOrigin : undefined))
    fail('clientDataJSON topOrigin is wrong');
}

function coreOptions(expected: Expectation) {
  return {
    expectedChallenge: expected.challenge,
    expectedOrigin: expected.origin,
    expectedRpId: expected.rpId,
    requireUserVerification: expected.userVerificationRequired,
    ...(expected.crossOrigin && expected.topOrigin !== undefined
      ? { expectedTopOrigin: expected.topOrigin }
      : {}),
  };
}

function coreMessage(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: string }).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

export async function checkRegistration(
  json: HostRegistrationJSON,
  expected: Expectation,
): Promise<{ response: RegistrationResponseJSON; record: CredentialRecord }> {
  checkClientData(json.response.clientDataJSON, 'webauthn.create', expected);
  let verified: Awaited<ReturnType<typeof verifyRegistration>>;
  try {
    verified = await verifyRegistration({ response: json, ...coreOptions(expected) });
  } catch (error) {
    fail(coreMessage(error));
  }
  const attestation = decode(json.response.attestationObject, 'attestationObject');
  // authenticatorData for the page: the host's, which must equal the attested one, or derived.
  const authData = authDataFromAttestation(attestation);
  if (
    json.response.authenticatorData !== undefined &&
    json.response.authenticatorData !== toBase64Url(authData)
  ) {
    fail('authenticatorData differs from the attestation object');
  }
  if (
    json.response.publicKeyAlgorithm !== undefined &&
    json.response.publicKeyAlgorithm !== verified.algorithm
  ) {
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
      publicKeyAlgorithm: verified.algorithm,
      transports: json.response.transports ?? ['usb'],
    },
  };
  if (json.response.publicKey !== undefined) response.response.publicKey = json.response.publicKey;
  return {
    response,
    record: {
      rpId: expected.rpId,
      id: verified.credentialId,
      cosePublicKey: toBase64Url(verified.publicKey),
      signCount: verified.signCount,
    },
  };
}

function authDataFromAttestation(attestation: Uint8Array): Uint8Array {
  const map = decodeCtap(attestation);
  const authData = map instanceof Map ? map.get('authData') : undefined;
  if (!(authData instanceof Uint8Array)) fail('attestationObject has no authData');
  return authData;
}

export async function checkAssertion(
  json: HostAuthenticationJSON,
  expected: Expectation,
  allowed: readonly string[],
  known: CredentialRecord | undefined,
): Promise<{ response: AuthenticationResponseJSON; signCount: number }> {
  checkClientData(json.response.clientDataJSON, 'webauthn.get', expected);
  if (json.id !== json.rawId) fail('id differs from rawId');
  if (allowed.length > 0 && !allowed.includes(json.rawId))
    fail('the key answered with a credential the RP did not allow');
  let signCount: number;
  if (known) {
    try {
      const verified = await verifyAuthentication({
        response: json,
        credential: {
          id: known.id,
          publicKey: decode(known.cosePublicKey, 'stored key'),
          signCount: known.signCount,
        },
        ...coreOptions(expected),
      });
      signCount = verified.signCount;
    } catch (error) {
      fail(coreMessage(error));
    }
  } else {
    let authData: ReturnType<typeof parseAuthenticatorData>;
    try {
      authData = parseAuthenticatorData(decode(json.response.authenticatorData, 'authenticatorData'));
    } catch (error) {
      fail(coreMessage(error));
    }
    const expectedHash = await sha256(new TextEncoder().encode(expected.rpId));
    if (toBase64Url(authData.rpIdHash) !== toBase64Url(expectedHash))
      fail('authenticator data is for another RP ID');
    if (!authData.flags.up) fail('user presence flag is not set');
    if (expected.userVerificationRequired && !authData.flags.uv) fail('user verification flag is not set');
    signCount = authData.signCount;
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
  return { response, signCount };
}
