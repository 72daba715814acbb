export type { AttestationType } from './attestation/index.js';
export {
  type AttestedCredentialData,
  type AuthenticatorData,
  type AuthenticatorFlags,
  MAX_CREDENTIAL_ID_LENGTH,
  parseAuthenticatorData,
} from './authenticator-data.js';
export { fromBase64Url, toBase64Url } from './base64url.js';
export {
  buildClientDataJSON,
  type ClientDataInput,
  type ClientDataType,
  type CollectedClientData,
  parseClientDataJSON,
} from './client-data.js';
export { WebAuthnError, type WebAuthnErrorCode } from './errors.js';
export { validateRpId } from './rp-id.js';
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
