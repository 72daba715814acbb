/** Protocol version spoken by this build (the `hello` result's `protocol`). */
export const PROTOCOL_VERSION = 1;

/** Name of the native messaging host in browser manifests. */
export const NATIVE_HOST_NAME = 'mfa_bridge.host';

/**
 * Extension identities the host's manifests name. Mirrors extension/ids.ts (the host must not import
 * extension/); test/host/ids.test.ts fails when the two drift apart.
 */
export const EXTENSION_IDS = {
  chromium: 'jphdiiljokkbpjhkanpehokpajefgahn',
  firefox: 'mfa-bridge@mfa-bridge.org',
} as const;

/** Largest message the host sends to the browser (browsers refuse more). */
export const MAX_HOST_MESSAGE_BYTES = 1024 * 1024;
/** Largest message the host accepts from the browser; bigger frames are discarded with a ProtocolError. */
export const MAX_BROWSER_MESSAGE_BYTES = 1024 * 1024;

/** WebAuthn DOMException names, and the two host-level fault names. */
export const HOST_ERROR_NAMES = [
  'NotAllowedError',
  'InvalidStateError',
  'SecurityError',
  'AbortError',
  'NotSupportedError',
  'ConstraintError',
  'UnknownError',
  'ProtocolError',
  'DeviceError',
] as const;
export type HostErrorName = (typeof HOST_ERROR_NAMES)[number];

/**
 * The one message of every NotAllowedError a page sees from the bridge (a timeout, a user's cancel, a key
 * without any allowed credential, a refused request): the words browsers use, so a page cannot tell the
 * reasons apart (WebAuthn's privacy considerations for clients).
 */
export const NOT_ALLOWED_MESSAGE = 'The operation either timed out or was not allowed.';
