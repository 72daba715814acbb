// Where each browser looks for per-user native messaging manifests (Linux, macOS), and what they say.
import { join } from 'node:path';
import { EXTENSION_IDS, NATIVE_HOST_NAME } from '@shared/protocol/index.js';

export const BROWSERS = ['chrome', 'chromium', 'edge', 'brave', 'vivaldi', 'firefox'] as const;
export type BrowserName = (typeof BROWSERS)[number];
export type SupportedPlatform = 'linux' | 'darwin';

export class InstallError extends Error {
  override readonly name = 'InstallError';
  constructor(
    readonly code: 'UNSUPPORTED_PLATFORM' | 'UNKNOWN_BROWSER' | 'NOT_EXECUTABLE' | 'IO',
    message: string,
  ) {
    super(message);
  }
}

const LINUX: Record<BrowserName, string> = {
  chrome: '.config/google-chrome/NativeMessagingHosts',
  chromium: '.config/chromium/NativeMessagingHosts',
  edge: '.config/microsoft-edge/NativeMessagingHosts',
  brave: '.config/BraveSoftware/Brave-Browser/NativeMessagingHosts',
  vivaldi: '.config/vivaldi/NativeMessagingHosts',
  firefox: '.mozilla/native-messaging-hosts',
};

const MAC: Record<BrowserName, string> = {
  chrome: 'Library/Application Support/Google/Chrome/NativeMessagingHosts',
  chromium: 'Library/Application Support/Chromium/NativeMessagingHosts',
  edge: 'Library/Application Support/Microsoft Edge/NativeMessagingHosts',
  brave: 'Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts',
  vivaldi: 'Library/Application Support/Vivaldi/NativeMessagingHosts',
  firefox: 'Library/Application Support/Mozilla/NativeMessagingHosts',
};

export function parseBrowser(name: string): BrowserName {
  const b = name.toLowerCase() as BrowserName;
  if (!BROWSERS.includes(b)) {
    throw new InstallError('UNKNOWN_BROWSER', `unknown browser "${name}" (one of ${BROWSERS.join(', ')})`);
  }
  return b;
}

export function checkPlatform(platform: string): SupportedPlatform {
  if (platform === 'linux' || platform === 'darwin') return platform;
  throw new InstallError(
    'UNSUPPORTED_PLATFORM',
    `per-user install is implemented for Linux and macOS, not ${platform} (on Windows, register the manifest under HKCU\\Software\\<browser>\\NativeMessagingHosts\\${NATIVE_HOST_NAME})`,
  );
}

/** The per-user manifest file for `browser`. */
export function manifestPath(browser: BrowserName, platform: SupportedPlatform, home: string): string {
  const dir = (platform === 'darwin' ? MAC : LINUX)[browser];
  return join(home, dir, `${NATIVE_HOST_NAME}.json`);
}

export interface ChromiumManifest {
  name: string;
  description: string;
  path: string;
  type: 'stdio';
  allowed_origins: string[];
}
export interface FirefoxManifest {
  name: string;
  description: string;
  path: string;
  type: 'stdio';
  allowed_extensions: string[];
}
export type HostManifest = ChromiumManifest | FirefoxManifest;

export function manifestFor(
  browser: BrowserName,
  hostPath: string,
  ids: { chromium: string; firefox: string } = EXTENSION_IDS,
): HostManifest {
  const base = {
    name: NATIVE_HOST_NAME,
    description: 'mfa-bridge: FIDO2 security keys for the mfa-bridge extension',
    path: hostPath,
    type: 'stdio' as const,
  };
  return browser === 'firefox'
    ? { ...base, allowed_extensions: [ids.firefox] }
    : { ...base, allowed_origins: [`chrome-extension://${ids.chromium}/`] };
}
