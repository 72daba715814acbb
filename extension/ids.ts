/** Extension identities: the native host's manifests and managed policy name these. */
export const EXTENSION_IDS = {
  /** Derived from the public key in wxt.config.ts (manifest `key`). */
  chromium: 'jphdiiljokkbpjhkanpehokpajefgahn',
  /** browser_specific_settings.gecko.id */
  firefox: 'mfa-bridge@mfa-bridge.org',
} as const;

/** Name of the native messaging host in browser manifests. */
export const NATIVE_HOST_NAME = 'mfa_bridge.host';
