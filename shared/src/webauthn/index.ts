export type { AttestationType } from './attestation/index.js';
export {
  type AttestedCredentialData,
  type AuthenticatorData,
  type AuthenticatorFlags,
  MAX_CREDENTIAL_ID_LENGTH,
  parseAuthenticatorData,
} from './authenticator-data.js';
export * from './client.js';
export type { AuthenticationResponseInput, RegistrationResponseInput } from './schemas.js';
export {
  type StoredCredential,
  type VerifiedAuthentication,
  type VerifiedRegistration,
  type VerifyAuthenticationOptions,
  type VerifyRegistrationOptions,
  verifyAuthentication,
  verifyRegistration,
} from './verify.js';
