import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Built extensions (`npm run build`). */
export const CHROME_EXTENSION_DIR = join(ROOT, 'dist', 'chrome-mv3');
export const FIREFOX_EXTENSION_DIR = join(ROOT, 'dist', 'firefox-mv3');
/** The native host launcher that browser manifests point at. */
export const HOST_LAUNCHER = join(ROOT, 'native-host', 'dist', 'mfa-bridge-host');

export const CHROMIUM_PATH = process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium';
export const FIREFOX_PATH = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';
