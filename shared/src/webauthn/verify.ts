import * as v from 'valibot';
import { CborError } from '../cbor/errors.js';
import { decodeCtap } from '../cbor/index.js';
import { CoseError } from '../cose/errors.js';
import { type CoseKeyInfo, describeCoseKey, importDescribedKey, verifyWithSpec } from '../cose/key.js';
import { ATTESTATION_FORMATS, type AttestationType, verifyChainToAnchors } from './attestation/index.js';
import { bytesEqual, concat } from './attestation/types.js';
import {
  type AuthenticatorData,
  type AuthenticatorFlags,
  parseAuthenticatorData,
} from './authenticator-data.js';
import { fromBase64Url, toBase64Url } from './base64url.js';
import { type ClientDataType, parseClientDataJSON } from './client-data.js';
import { WebAuthnError } from './errors.js';
import {
  type AuthenticationResponseInput,
  AuthenticationResponseInputSchema,
  type RegistrationResponseInput,
  RegistrationResponseInputSchema,
} from './schemas.js';

interface CommonOptions {
  /** The challenge the relying party issued, base64url. */
  expectedChallenge: string;
  expectedOrigin: string | readonly string[];
  expectedRpId: string | readonly string[];
  /** Default true. */
  requireUserVerification?: boolean;
  /** Accept client data with `crossOrigin: true` whatever its `topOrigin`. Default false. */
  allowCrossOrigin?: boolean;
  /** Accept cross-origin client data whose `topOrigin` is one of these. */
  expectedTopOrigin?: string | readonly string[];
}

export interface VerifyRegistrationOptions extends CommonOptions {
  response: RegistrationResponseInput;
  /** DER certificates; when given, x5c attestation paths must lead to one of them. */
  trustAnchors?: readonly Uint8Array[];
}

export interface VerifiedRegistration {
  /** base64url */
  credentialId: string;
  /** The credential public key as COSE_Key bytes (store these). */
  publicKey: Uint8Array;
  /** COSE algorithm identifier. */
  algorithm: number;
  signCount: number;
  /** AAGUID in UUID form. */
  aaguid: string;
  flags: AuthenticatorFlags;
  fmt: string;
  attestationType: AttestationType;
}

export interface StoredCredential {
  /** base64url credential ID. */
  id: string;
  /** COSE_Key bytes as returned by `verifyRegistration`. */
  publicKey: Uint8Array;
  signCount: number;
}

export interface VerifyAuthenticationOptions extends CommonOptions {
  response: AuthenticationResponseInput;
  credential: StoredCredential;
}

export interface VerifiedAuthentication {
  signCount: number;
  flags: AuthenticatorFlags;
}

// ---- helpers ----

const rpIdHashes = new Map<string, Uint8Array>();
const encoder = new TextEncoder();

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
}

async function rpIdHash(rpId: string): Promise<Uint8Array> {
  let h = rpIdHashes.get(rpId);
  if (h === undefined) {
    h = await sha256(encoder.encode(rpId));
    if (rpIdHashes.size >= 256) rpIdHashes.clear();
    rpIdHashes.set(rpId, h);
  }
  return h;
}

const asList = (x: string | readonly string[]): readonly string[] => (typeof x === 'string' ? [x] : x);

function parseShape<T>(schema: v.GenericSchema<unknown, T>, input: unknown, what: string): T {
  const result = v.safeParse(schema, input);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    throw new WebAuthnError('INVALID_INPUT', `${what}${path ? `.${path}` : ''}: ${issue.message}`);
  }
  return result.output;
}

function checkClientData(clientDataJSON: Uint8Array, type: ClientDataType, opts: CommonOptions): void {
  const cd = parseClientDataJSON(clientDataJSON);
  if (cd.type !== type)
    throw new WebAuthnError('CLIENT_DATA_TYPE', `client data type is ${cd.type}, expected ${type}`);
  const expected = fromBase64Url(opts.expectedChallenge, 'expectedChallenge');
  let got: Uint8Array;
  try {
    got = fromBase64Url(cd.challenge, 'client data challenge');
  } catch {
    throw new WebAuthnError('CHALLENGE_MISMATCH', 'client data challenge is not base64url');
  }
  if (!bytesEqual(got, expected))
    throw new WebAuthnError('CHALLENGE_MISMATCH', 'client data challenge does not match');
  if (!asList(opts.expectedOrigin).includes(cd.origin)) {
    throw new WebAuthnError('ORIGIN_MISMATCH', `client data origin ${cd.origin} is not expected`);
  }
  const topOrigins = opts.expectedTopOrigin === undefined ? undefined : asList(opts.expectedTopOrigin);
  if (cd.crossOrigin === true && opts.allowCrossOrigin !== true) {
    if (topOrigins === undefined)
      throw new WebAuthnError('CROSS_ORIGIN', 'client data is from a cross-origin frame');
    if (cd.topOrigin === undefined || !topOrigins.includes(cd.topOrigin)) {
      throw new WebAuthnError('TOP_ORIGIN_MISMATCH', 'client data topOrigin is not expected');
    }
  } else if (topOrigins !== undefined && cd.topOrigin !== undefined && !topOrigins.includes(cd.topOrigin)) {
    throw new WebAuthnError('TOP_ORIGIN_MISMATCH', 'client data topOrigin is not expected');
  }
}

async function checkAuthData(authData: AuthenticatorData, opts: CommonOptions): Promise<void> {
  let match = false;
  for (const id of asList(opts.expectedRpId)) {
    if (bytesEqual(authData.rpIdHash, await rpIdHash(id))) {
      match = true;
      break;
    }
  }
  if (!match) throw new WebAuthnError('RP_ID_HASH_MISMATCH', 'authenticator data is for another RP ID');
  if (!authData.flags.up) throw new WebAuthnError('USER_NOT_PRESENT', 'user presence flag is not set');
  if (opts.requireUserVerification !== false && !authData.flags.uv) {
    throw new WebAuthnError('USER_NOT_VERIFIED', 'user verification was required but not performed');
  }
}

function coseToWebAuthn(err: unknown): never {
  if (err instanceof CoseError) {
    const code =
      err.code === 'COSE_ALGORITHM_UNSUPPORTED' || err.code === 'COSE_ALGORITHM_NOT_ALLOWED'
        ? 'ALGORITHM_UNSUPPORTED'
        : 'PUBLIC_KEY_INVALID';
    throw new WebAuthnError(code, `credential public key: ${err.message}`, { cause: err });
  }
  throw err;
}

interface CachedKey {
  bytes: Uint8Array;
  info: CoseKeyInfo;
  key: CryptoKey;
}

/** Imported keys by credential ID, so an assertion costs a signature check rather than an import. */
const keyCache = new Map<string, CachedKey>();
const KEY_CACHE_SIZE = 1024;

async function credentialKey(id: string, bytes: Uint8Array): Promise<CachedKey> {
  const hit = keyCache.get(id);
  if (hit !== undefined && bytesEqual(hit.bytes, bytes)) return hit;
  let entry: CachedKey;
  try {
    const info = describeCoseKey(bytes);
    entry = { bytes: bytes.slice(), info, key: await importDescribedKey(info) };
  } catch (err) {
    coseToWebAuthn(err);
  }
  if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value!);
  keyCache.set(id, entry);
  return entry;
}

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof WebAuthnError) throw err;
    throw new WebAuthnError(
      'INVALID_INPUT',
      `unexpected failure: ${(err as Error)?.message ?? String(err)}`,
      {
        cause: err,
      },
    );
  }
}

function uuid(bytes: Uint8Array): string {
  const h = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---- registration ----

/**
 * Verifies a registration (L3 §7.1) from its L3 JSON form: client data, authenticator data, the
 * credential public key and the attestation statement (none, packed, fido-u2f, tpm, android-key,
 * apple; x5c paths checked against `trustAnchors` when given). Throws `WebAuthnError` with a `code`.
 */
export function verifyRegistration(options: VerifyRegistrationOptions): Promise<VerifiedRegistration> {
  return guard(async () => {
    const response = parseShape(RegistrationResponseInputSchema, options.response, 'response');
    if (response.id !== response.rawId)
      throw new WebAuthnError('CREDENTIAL_ID_MISMATCH', 'id and rawId differ');
    const rawId = fromBase64Url(response.rawId, 'rawId');
    const clientDataJSON = fromBase64Url(response.response.clientDataJSON, 'clientDataJSON');
    checkClientData(clientDataJSON, 'webauthn.create', options);

    let attObj: unknown;
    try {
      attObj = decodeCtap(fromBase64Url(response.response.attestationObject, 'attestationObject'));
    } catch (err) {
      if (err instanceof CborError) {
        throw new WebAuthnError('ATTESTATION_OBJECT_MALFORMED', `attestationObject: ${err.message}`, {
          cause: err,
        });
      }
      throw err;
    }
    if (!(attObj instanceof Map))
      throw new WebAuthnError('ATTESTATION_OBJECT_MALFORMED', 'attestationObject is not a map');
    const fmt = attObj.get('fmt');
    const attStmt = attObj.get('attStmt');
    const authDataBytes = attObj.get('authData');
    if (typeof fmt !== 'string' || !(attStmt instanceof Map) || !(authDataBytes instanceof Uint8Array)) {
      throw new WebAuthnError(
        'ATTESTATION_OBJECT_MALFORMED',
        'attestationObject lacks fmt, attStmt or authData',
      );
    }
    const authData = parseAuthenticatorData(authDataBytes);
    await checkAuthData(authData, options);
    const acd = authData.attestedCredentialData;
    if (acd === undefined) {
      throw new WebAuthnError(
        'AUTH_DATA_MALFORMED',
        'registration authenticator data has no attested credential data',
      );
    }
    if (!bytesEqual(acd.credentialId, rawId)) {
      throw new WebAuthnError(
        'CREDENTIAL_ID_MISMATCH',
        'credential ID in authenticator data differs from rawId',
      );
    }
    const verifier = ATTESTATION_FORMATS.get(fmt);
    if (verifier === undefined) {
      throw new WebAuthnError('ATTESTATION_FORMAT_UNSUPPORTED', `attestation format ${fmt} is not supported`);
    }
    const cached = await credentialKey(response.rawId, acd.publicKeyBytes);
    const clientDataHash = await sha256(clientDataJSON);
    const result = await verifier({
      attStmt,
      authData: authDataBytes,
      parsedAuthData: authData,
      clientDataHash,
      credentialKey: cached.info,
    });
    if (options.trustAnchors !== undefined && result.x5c !== undefined) {
      await verifyChainToAnchors(result.x5c, [...options.trustAnchors]);
    }
    return {
      credentialId: toBase64Url(acd.credentialId),
      publicKey: acd.publicKeyBytes.slice(),
      algorithm: cached.info.alg,
      signCount: authData.signCount,
      aaguid: uuid(acd.aaguid),
      flags: authData.flags,
      fmt,
      attestationType: result.type,
    };
  });
}

// ---- authentication ----

/**
 * Verifies an assertion (L3 §7.2) from its L3 JSON form against a stored credential. Imported keys are
 * cached by credential ID. Throws `WebAuthnError` with a `code`.
 */
export function verifyAuthentication(options: VerifyAuthenticationOptions): Promise<VerifiedAuthentication> {
  return guard(async () => {
    const response = parseShape(AuthenticationResponseInputSchema, options.response, 'response');
    const { credential } = options;
    if (response.id !== response.rawId || response.rawId !== credential.id) {
      throw new WebAuthnError('CREDENTIAL_ID_MISMATCH', 'assertion is for another credential');
    }
    const clientDataJSON = fromBase64Url(response.response.clientDataJSON, 'clientDataJSON');
    // Hash on Web Crypto's thread while the checks below run; awaited before the signature check.
    const clientDataHash = sha256(clientDataJSON);
    clientDataHash.catch(() => undefined);
    checkClientData(clientDataJSON, 'webauthn.get', options);
    const authDataBytes = fromBase64Url(response.response.authenticatorData, 'authenticatorData');
    const authData = parseAuthenticatorData(authDataBytes);
    if (authData.flags.at) {
      throw new WebAuthnError(
        'AUTH_DATA_FLAGS',
        'assertion authenticator data must not carry attested credential data',
      );
    }
    await checkAuthData(authData, options);
    const signature = fromBase64Url(response.response.signature, 'signature');
    const { info, key } = await credentialKey(credential.id, credential.publicKey);
    const signed = concat(authDataBytes, await clientDataHash);
    if (!(await verifyWithSpec(info.spec, key, signed, signature))) {
      throw new WebAuthnError('SIGNATURE_INVALID', 'assertion signature is invalid');
    }
    if ((authData.signCount > 0 || credential.signCount > 0) && authData.signCount <= credential.signCount) {
      throw new WebAuthnError(
        'SIGN_COUNT_REGRESSION',
        `signature counter ${authData.signCount} is not above the stored ${credential.signCount} (possible cloned authenticator)`,
      );
    }
    return { signCount: authData.signCount, flags: authData.flags };
  });
}
