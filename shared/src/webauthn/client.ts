/**
 * What a WebAuthn client (the native host, the bridge's page side) needs of the core, without the
 * verifiers: base64url, client data, RP ID rules and the error type. Importing this entry instead of
 * `index.js` keeps the attestation stack (X.509, ASN.1) out of bundles that never verify attestations.
 */
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
