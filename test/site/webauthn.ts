/**
 * The demo site's WebAuthn relying party, on @simplewebauthn/server: options for the browser and
 * verification of what comes back. Request bodies are checked with valibot before they reach it.
 */
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import * as v from 'valibot';
import type { DemoUser, SiteSettings, StoredCredential, UserVerificationRequirement } from './state.js';

const TIMEOUT_MS = 60_000;

const base64url = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]*$/, 'expected base64url'));
const attachment = v.nullish(v.picklist(['platform', 'cross-platform']));
const extensionResults = v.looseObject({});

/** What registration and authentication responses share: the credential around `response`. */
const credentialEntries = {
  id: base64url,
  rawId: base64url,
  type: v.literal('public-key'),
  authenticatorAttachment: attachment,
  clientExtensionResults: extensionResults,
};

export const RegistrationResponseSchema = v.looseObject({
  ...credentialEntries,
  response: v.looseObject({
    clientDataJSON: base64url,
    attestationObject: base64url,
    authenticatorData: v.optional(base64url),
    transports: v.optional(v.array(v.string())),
    publicKeyAlgorithm: v.nullish(v.number()),
    publicKey: v.nullish(base64url),
  }),
});

export const AuthenticationResponseSchema = v.looseObject({
  ...credentialEntries,
  response: v.looseObject({
    clientDataJSON: base64url,
    authenticatorData: base64url,
    signature: base64url,
    userHandle: v.optional(v.nullable(base64url)),
  }),
});

/** Body of POST /api/webauthn/{registration,authentication}/options (all optional: the site's settings decide otherwise). */
export const OptionsRequestSchema = v.strictObject({
  userVerification: v.optional(v.picklist(['required', 'preferred', 'discouraged'])),
  /** Registration only. */
  attestation: v.optional(v.picklist(['none', 'direct', 'enterprise'])),
  /** Registration only. */
  residentKey: v.optional(v.picklist(['required', 'preferred', 'discouraged'])),
});
export type OptionsRequest = v.InferOutput<typeof OptionsRequestSchema>;

/** The shared credential fields of a parsed response, as @simplewebauthn/server takes them. */
function credentialFields(
  parsed:
    | v.InferOutput<typeof RegistrationResponseSchema>
    | v.InferOutput<typeof AuthenticationResponseSchema>,
): Omit<AuthenticationResponseJSON, 'response'> {
  return {
    id: parsed.id,
    rawId: parsed.rawId,
    type: parsed.type,
    authenticatorAttachment: parsed.authenticatorAttachment ?? undefined,
    clientExtensionResults: parsed.clientExtensionResults,
  };
}

export function toRegistrationResponse(
  parsed: v.InferOutput<typeof RegistrationResponseSchema>,
): RegistrationResponseJSON {
  return {
    ...credentialFields(parsed),
    response: {
      clientDataJSON: parsed.response.clientDataJSON,
      attestationObject: parsed.response.attestationObject,
      authenticatorData: parsed.response.authenticatorData,
      transports: parsed.response.transports,
      publicKeyAlgorithm: parsed.response.publicKeyAlgorithm ?? undefined,
      publicKey: parsed.response.publicKey ?? undefined,
    },
  };
}

export function toAuthenticationResponse(
  parsed: v.InferOutput<typeof AuthenticationResponseSchema>,
): AuthenticationResponseJSON {
  return {
    ...credentialFields(parsed),
    response: {
      clientDataJSON: parsed.response.clientDataJSON,
      authenticatorData: parsed.response.authenticatorData,
      signature: parsed.response.signature,
      userHandle: parsed.response.userHandle ?? undefined,
    },
  };
}

/** Effective user verification: the page's request, else the user's setting, else the site default. */
export function effectiveUserVerification(
  requested: UserVerificationRequirement | undefined,
  user: DemoUser,
  settings: SiteSettings,
): UserVerificationRequirement {
  if (requested) return requested;
  return user.requireUserVerification ? 'required' : settings.userVerification;
}

export function registrationOptions(
  settings: SiteSettings,
  user: DemoUser,
  userVerification: UserVerificationRequirement,
  request: OptionsRequest = {},
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: settings.rpName,
    rpID: settings.rpID,
    userName: user.name,
    userDisplayName: user.name,
    userID: new Uint8Array(user.webauthnUserId),
    timeout: TIMEOUT_MS,
    attestationType: request.attestation ?? settings.attestationType,
    excludeCredentials: user.credentials.map((c) => ({ id: c.id, transports: c.transports })),
    authenticatorSelection: { residentKey: request.residentKey ?? settings.residentKey, userVerification },
  });
}

export function authenticationOptions(
  settings: SiteSettings,
  user: DemoUser,
  userVerification: UserVerificationRequirement,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: settings.rpID,
    timeout: TIMEOUT_MS,
    userVerification,
    allowCredentials: user.credentials.map((c) => ({ id: c.id, transports: c.transports })),
  });
}

export type CeremonyOutcome<T> =
  | { ok: true; value: T; userVerified: boolean }
  | { ok: false; detail: string };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function verifyRegistration(
  response: RegistrationResponseJSON,
  expectedChallenge: string,
  expectedOrigin: string[],
  settings: SiteSettings,
  userVerification: UserVerificationRequirement,
  now: number,
): Promise<CeremonyOutcome<StoredCredential>> {
  try {
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge,
      expectedOrigin,
      expectedRPID: settings.rpID,
      requireUserVerification: userVerification === 'required',
    });
    if (!result.verified) return { ok: false, detail: 'registration response not verified' };
    const info = result.registrationInfo;
    return {
      ok: true,
      userVerified: info.userVerified,
      value: {
        id: info.credential.id,
        publicKey: info.credential.publicKey,
        counter: info.credential.counter,
        transports: info.credential.transports ?? response.response.transports,
        fmt: info.fmt,
        aaguid: info.aaguid,
        userVerified: info.userVerified,
        backedUp: info.credentialBackedUp,
        createdAt: now,
      },
    };
  } catch (error) {
    return { ok: false, detail: message(error) };
  }
}

export async function verifyAuthentication(
  response: AuthenticationResponseJSON,
  expectedChallenge: string,
  expectedOrigin: string[],
  settings: SiteSettings,
  credential: StoredCredential,
  userVerification: UserVerificationRequirement,
): Promise<CeremonyOutcome<{ newCounter: number }>> {
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin,
      expectedRPID: settings.rpID,
      credential: {
        id: credential.id,
        publicKey: new Uint8Array(credential.publicKey),
        counter: credential.counter,
        transports: credential.transports,
      },
      requireUserVerification: userVerification === 'required',
    });
    if (!result.verified) return { ok: false, detail: 'authentication response not verified' };
    return {
      ok: true,
      userVerified: result.authenticationInfo.userVerified,
      value: { newCounter: result.authenticationInfo.newCounter },
    };
  } catch (error) {
    return { ok: false, detail: message(error) };
  }
}
