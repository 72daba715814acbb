/**
 * Public half of the development signing key (the manifest `key` of unpacked builds): gives them the
 * stable development ID below. Release builds are signed with the organisation's own key
 * (`npm run package`), which gives them their own ID.
 */
export const DEVELOPMENT_EXTENSION_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvbfwcYrl4RtFbvleppAOGaTYRcbvj9laUVadAFx8qPOKz/jl8c0W6Jnymt/6XAu4Z6I9pQkL1owtUATw3jANl/ey2iloQGBdcdRm6lNRj3b4vaFGlGPru3uAmEa15qhF1EaVkGXz4kyLqxYQgt0ZXLFJEcZfaMlgHg6PNnQn0TRuMKAhdTzH9ue4LkAL9yf1nnIkicNnToG0nsBx9qXx5YyPw/P62sz2MvjvQr385skLOAdHDWdYz0sBss74SQPkg2Lg99Oayo3AB+6dxgdKYUBAqpVZk3rgnRA6Zf9J63m4uOe9BklXQ7ZYAMfupBob5nEYTiFHePkXywQ+iUGLgwIDAQAB';

/** Extension identities: the native host's manifests and managed policy name these. */
export const EXTENSION_IDS = {
  /** Derived from DEVELOPMENT_EXTENSION_KEY (scripts/package/keys.test.ts checks it). */
  chromium: 'jphdiiljokkbpjhkanpehokpajefgahn',
  /** browser_specific_settings.gecko.id */
  firefox: 'mfa-bridge@mfa-bridge.org',
} as const;

/** Name of the native messaging host in browser manifests. */
export const NATIVE_HOST_NAME = 'mfa_bridge.host';
