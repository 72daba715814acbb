// Launcher scripts for the native host: the one `npm run build:host` writes for development
// (native-host/dist/mfa-bridge-host, absolute paths to this checkout's Node) and the ones the release
// packages ship (paths relative to the launcher, the bundled Node runtime).
//
// Browsers start native hosts with the user's environment. Node reads some variables at start-up
// that make it load and run other code or files: NODE_OPTIONS (--require, --import, --inspect…),
// NODE_PATH (where bare module names resolve), NODE_COMPILE_CACHE, NODE_ICU_DATA, NODE_REPL_* …, and
// OpenSSL reads OPENSSL_CONF (which can load engines/providers, i.e. shared libraries); the dynamic
// loader reads LD_PRELOAD / DYLD_INSERT_LIBRARIES. The host needs none of them, so every NODE_*
// variable and those are cleared before Node starts. The host opens no TLS connections, so this also
// drops NODE_EXTRA_CA_CERTS, whose CA bundle (common on managed machines) cost ~90 ms of every start.
// MFA_BRIDGE_* (transport, log) is kept.

/** NODE_* variables Node documents, cleared by name (a builtin, no process started). */
export const KNOWN_NODE_ENV = [
  'NODE_OPTIONS',
  'NODE_PATH',
  'NODE_EXTRA_CA_CERTS',
  'NODE_ICU_DATA',
  'NODE_COMPILE_CACHE',
  'NODE_DISABLE_COMPILE_CACHE',
  'NODE_REPL_EXTERNAL_MODULE',
  'NODE_REPL_HISTORY',
  'NODE_V8_COVERAGE',
  'NODE_DEBUG',
  'NODE_DEBUG_NATIVE',
  'NODE_PENDING_DEPRECATION',
  'NODE_PENDING_PIPE_INSTANCES',
  'NODE_PRESERVE_SYMLINKS',
  'NODE_REDIRECT_WARNINGS',
  'NODE_NO_WARNINGS',
  'NODE_DISABLE_COLORS',
  'NODE_TLS_REJECT_UNAUTHORIZED',
  'NODE_SKIP_PLATFORM_CHECK',
  'NODE_UNIQUE_ID',
  'NODE_CHANNEL_FD',
  'NODE_CHANNEL_SERIALIZATION_MODE',
  'NODE_USE_ENV_PROXY',
  'NODE_USE_SYSTEM_CA',
  'NODE_TEST_CONTEXT',
  'NODE_ENV',
];

/** Variables cleared besides every NODE_* one. */
export const CLEARED_ENV = [
  'OPENSSL_CONF',
  'OPENSSL_ENGINES',
  'OPENSSL_MODULES',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
  'LD_AUDIT',
  'DYLD_INSERT_LIBRARIES',
  'DYLD_LIBRARY_PATH',
  'DYLD_FRAMEWORK_PATH',
];

const shQuote = (s) => `'${s.replace(/'/g, "'\\''")}'`;

const SH_CLEAR = [
  '# Clear what would make Node (or the loader) run other code: every NODE_* variable and these.',
  '# Known names go by the builtin `unset`; env and sed run only when some other NODE_* is left.',
  `unset ${KNOWN_NODE_ENV.join(' ')}`,
  'case $(export -p) in *NODE_*)',
  `  for v in $(env | sed -n 's/^\\(NODE_[A-Za-z0-9_]*\\)=.*/\\1/p'); do unset "$v"; done ;;`,
  'esac',
  `unset ${CLEARED_ENV.join(' ')}`,
];

/** Development launcher: absolute paths to this machine's Node and the checkout's bundle. */
export function devLauncher(nodePath, bundlePath) {
  return [
    '#!/bin/sh',
    '# mfa-bridge native host launcher (development build, written by native-host/build.mjs).',
    ...SH_CLEAR,
    `exec ${shQuote(nodePath)} ${shQuote(bundlePath)} "$@"`,
    '',
  ].join('\n');
}

/**
 * Release launcher for Linux and macOS: runs `runtime/node` on `mfa-bridge-host.mjs`, both found
 * beside the launcher's real location (symbolic links to it, e.g. from /usr/bin, are followed).
 */
export function releaseShLauncher() {
  return [
    '#!/bin/sh',
    '# mfa-bridge native host launcher: runs the bundled Node runtime on the host code beside it.',
    '# The few tools used here are found even when the browser passes no usable PATH.',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion
    'PATH="/usr/bin:/bin${PATH:+:$PATH}"',
    'self=$0',
    '# Follow a symbolic link to the launcher (e.g. /usr/bin/mfa-bridge-host); browsers run it directly.',
    'if [ -L "$0" ] && real=$(readlink -f -- "$0" 2>/dev/null) && [ -n "$real" ]; then self=$real; fi',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion
    'here=${self%/*}',
    '[ "$here" = "$self" ] && here=.',
    ...SH_CLEAR,
    'exec "$here/runtime/node" "$here/mfa-bridge-host.mjs" "$@"',
    '',
  ].join('\n');
}

/** Release launcher for Windows (browsers start `.cmd` hosts through cmd.exe). */
export function releaseCmdLauncher() {
  return [
    '@echo off',
    'rem mfa-bridge native host launcher: runs the bundled Node runtime on the host code beside it.',
    'setlocal',
    'rem Clear what would make Node run other code: every NODE_* variable and these.',
    `for /f "delims==" %%V in ('set NODE_ 2^>nul') do set "%%V="`,
    ...CLEARED_ENV.map((v) => `set "${v}="`),
    '"%~dp0runtime\\node.exe" "%~dp0mfa-bridge-host.mjs" %*',
    '',
  ].join('\r\n');
}
