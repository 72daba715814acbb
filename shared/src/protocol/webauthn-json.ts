// WebAuthn Level 3 JSON forms (base64url strings for binary members), validated with valibot.
import * as v from 'valibot';

const b64url = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]*$/, 'must be base64url without padding'));

export const PublicKeyCredentialDescriptorJSONSchema = v.object({
  type: v.string(),
  id: b64url,
  transports: v.optional(v.array(v.string())),
});

export const AuthenticatorSelectionCriteriaSchema = v.object({
  authenticatorAttachment: v.optional(v.string()),
  residentKey: v.optional(v.string()),
  requireResidentKey: v.optional(v.boolean()),
  userVerification: v.optional(v.string()),
});

const extensionsSchema = v.optional(v.record(v.string(), v.unknown()));

export const PublicKeyCredentialCreationOptionsJSONSchema = v.object({
  rp: v.object({ id: v.optional(v.string()), name: v.string() }),
  user: v.object({
    id: v.pipe(
      b64url,
      v.minLength(1, 'user.id must not be empty'),
      v.maxLength(86, 'user.id is over 64 bytes'),
    ),
    name: v.string(),
    displayName: v.string(),
  }),
  challenge: v.pipe(b64url, v.minLength(1, 'challenge must not be empty')),
  pubKeyCredParams: v.array(v.object({ type: v.string(), alg: v.pipe(v.number(), v.integer()) })),
  timeout: v.optional(v.pipe(v.number(), v.minValue(0))),
  excludeCredentials: v.optional(v.array(PublicKeyCredentialDescriptorJSONSchema)),
  authenticatorSelection: v.optional(AuthenticatorSelectionCriteriaSchema),
  hints: v.optional(v.array(v.string())),
  attestation: v.optional(v.string()),
  attestationFormats: v.optional(v.array(v.string())),
  extensions: extensionsSchema,
});
export type PublicKeyCredentialCreationOptionsJSON = v.InferOutput<
  typeof PublicKeyCredentialCreationOptionsJSONSchema
>;

export const PublicKeyCredentialRequestOptionsJSONSchema = v.object({
  challenge: v.pipe(b64url, v.minLength(1, 'challenge must not be empty')),
  timeout: v.optional(v.pipe(v.number(), v.minValue(0))),
  rpId: v.optional(v.string()),
  allowCredentials: v.optional(v.array(PublicKeyCredentialDescriptorJSONSchema)),
  userVerification: v.optional(v.string()),
  hints: v.optional(v.array(v.string())),
  extensions: extensionsSchema,
});
export type PublicKeyCredentialRequestOptionsJSON = v.InferOutput<
  typeof PublicKeyCredentialRequestOptionsJSONSchema
>;

export const RegistrationResponseJSONSchema = v.object({
  id: b64url,
  rawId: b64url,
  type: v.literal('public-key'),
  authenticatorAttachment: v.optional(v.string()),
  clientExtensionResults: v.record(v.string(), v.unknown()),
  response: v.object({
    clientDataJSON: b64url,
    attestationObject: b64url,
    authenticatorData: v.optional(b64url),
    publicKey: v.optional(b64url),
    publicKeyAlgorithm: v.optional(v.number()),
    transports: v.optional(v.array(v.string())),
  }),
});
export type RegistrationResponseJSON = v.InferOutput<typeof RegistrationResponseJSONSchema>;

export const AuthenticationResponseJSONSchema = v.object({
  id: b64url,
  rawId: b64url,
  type: v.literal('public-key'),
  authenticatorAttachment: v.optional(v.string()),
  clientExtensionResults: v.record(v.string(), v.unknown()),
  response: v.object({
    clientDataJSON: b64url,
    authenticatorData: b64url,
    signature: b64url,
    userHandle: v.optional(b64url),
  }),
});
export type AuthenticationResponseJSON = v.InferOutput<typeof AuthenticationResponseJSONSchema>;
