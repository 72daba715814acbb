import * as v from 'valibot';

const base64url = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]*$/, 'must be base64url without padding'));

/** WebAuthn L3 `RegistrationResponseJSON` (the members we read; others are ignored). */
export const RegistrationResponseInputSchema = v.object({
  id: base64url,
  rawId: base64url,
  type: v.literal('public-key'),
  response: v.object({
    clientDataJSON: base64url,
    attestationObject: base64url,
    authenticatorData: v.optional(base64url),
    transports: v.optional(v.array(v.string())),
    publicKeyAlgorithm: v.optional(v.number()),
    publicKey: v.optional(base64url),
  }),
  authenticatorAttachment: v.optional(v.nullable(v.string())),
  clientExtensionResults: v.optional(v.record(v.string(), v.unknown())),
});

/** WebAuthn L3 `AuthenticationResponseJSON` (the members we read; others are ignored). */
export const AuthenticationResponseInputSchema = v.object({
  id: base64url,
  rawId: base64url,
  type: v.literal('public-key'),
  response: v.object({
    clientDataJSON: base64url,
    authenticatorData: base64url,
    signature: base64url,
    userHandle: v.optional(v.nullable(base64url)),
  }),
  authenticatorAttachment: v.optional(v.nullable(v.string())),
  clientExtensionResults: v.optional(v.record(v.string(), v.unknown())),
});

/**
 * What `verifyRegistration` accepts: L3 `RegistrationResponseJSON` (the protocol area's stricter schema
 * of the same name is assignable to it; `clientExtensionResults` may be absent here).
 */
export type RegistrationResponseInput = v.InferInput<typeof RegistrationResponseInputSchema>;
/** What `verifyAuthentication` accepts: L3 `AuthenticationResponseJSON`. */
export type AuthenticationResponseInput = v.InferInput<typeof AuthenticationResponseInputSchema>;
