export {
  ApduStatusError,
  type CommandApdu,
  Ctap1Error,
  type Ctap1ErrorCode,
  type DecodedCommandApdu,
  decodeCommandApdu,
  decodeResponseApdu,
  encodeCommandApdu,
  encodeResponseApdu,
  type ResponseApdu,
  SW,
  swName,
  U2F_AUTH,
  U2F_INS,
} from './apdu.js';
export { Ctap1, type PollOptions } from './client.js';
export {
  authenticateRequest,
  derElementLength,
  parseAuthentication,
  parseRegistration,
  parseVersion,
  registerRequest,
  type U2fAuthentication,
  type U2fAuthMode,
  type U2fRegistration,
  versionRequest,
} from './messages.js';
export {
  attestationFromRegistration,
  authDataFromAuthentication,
  coseKeyFromU2fPoint,
  type U2fAttestation,
} from './webauthn.js';
