import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { EXTENSION_IDS } from '../../extension/ids';
import { registerHostForFirefox } from './native-host-manifest';
import { FIREFOX_EXTENSION_DIR, FIREFOX_PATH } from './paths';

export interface FirefoxOptions {
  extension?: boolean;
  nativeHost?: boolean;
  env?: Record<string, string>;
  /** Extra about:config preferences, e.g. `{ 'security.webauth.webauthn': false }`. */
  prefs?: Record<string, unknown>;
  headless?: boolean;
}

export interface FirefoxSession {
  browser: Browser;
  home: string;
  extensionId: string;
  /** Fixed moz-extension:// host for the extension in this profile. */
  extensionOrigin: string;
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

/** Fixed internal UUID, so tests know the extension's moz-extension:// origin. */
export const FIREFOX_EXTENSION_UUID = '6b1f0c9e-4f7a-4a39-9a0e-7d2f9a1b2c3d';

/**
 * Starts Debian's Firefox ESR (WebDriver BiDi) with a throw-away HOME (so the native-messaging manifest
 * in ~/.mozilla/native-messaging-hosts/ is ours alone), installs the built extension temporarily.
 */
export async function launchFirefox(options: FirefoxOptions = {}): Promise<FirefoxSession> {
  const home = mkdtempSync(join(tmpdir(), 'mfa-bridge-firefox-'));
  if (options.nativeHost !== false) registerHostForFirefox(home);
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: options.headless ?? process.env.HEADFUL !== '1',
    userDataDir: join(home, 'profile'),
    env: { ...process.env, HOME: home, ...options.env } as Record<string, string>,
    // Firefox 153+ lets WebDriver navigate to moz-extension:// pages only with system access.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [EXTENSION_IDS.firefox]: FIREFOX_EXTENSION_UUID }),
      'extensions.autoDisableScopes': 0,
      'xpinstall.signatures.required': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'browser.shell.checkDefaultBrowser': false,
      ...options.prefs,
    },
  });
  let extensionId: string = EXTENSION_IDS.firefox;
  if (options.extension !== false) extensionId = await browser.installExtension(FIREFOX_EXTENSION_DIR);
  const extensionOrigin = `moz-extension://${FIREFOX_EXTENSION_UUID}`;
  return {
    browser,
    home,
    extensionId,
    extensionOrigin,
    async openExtensionPage(path: string) {
      const page = await browser.newPage();
      const url = `${extensionOrigin}/${path.replace(/^\//, '')}`;
      // Firefox moves the tab into the extension process; BiDi never reports that navigation as
      // finished, so wait for the document itself instead.
      void page.goto(url).catch(() => undefined);
      await page.waitForFunction(
        (u: string) => location.href === u && document.readyState === 'complete',
        { timeout: 30_000 },
        url,
      );
      return page;
    },
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
