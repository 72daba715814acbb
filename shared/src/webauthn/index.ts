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
