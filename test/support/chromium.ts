import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page, type WebWorker } from 'puppeteer';
import { EXTENSION_IDS } from '../../extension/ids';
import { registerHostForChromium } from './native-host-manifest';
import { CHROME_EXTENSION_DIR, CHROMIUM_PATH } from './paths';

export interface ChromiumOptions {
  /** Load the built extension (dist/chrome-mv3). Default true. */
  extension?: boolean;
  /** Register the native host in the profile's NativeMessagingHosts/. Default true. */
  nativeHost?: boolean;
  /** Environment for the browser, inherited by the native host it starts (e.g. MFA_BRIDGE_TRANSPORT). */
  env?: Record<string, string>;
  /** Extra command-line switches. */
  args?: string[];
  /** Run with a visible window (default: headless unless HEADFUL=1). */
  headless?: boolean;
  /** Profile directory to use (and keep on close), e.g. to start the browser again on it. */
  userDataDir?: string;
}

export interface ChromiumSession {
  browser: Browser;
  userDataDir: string;
  extensionId: string;
  /** The extension's background service worker (waits for it to start). */
  serviceWorker(): Promise<WebWorker>;
  /** Opens an extension page, e.g. `popup.html`, in a new tab. */
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Starts Debian's Chromium on a throw-away profile with the built extension and native host registered. */
export async function launchChromium(options: ChromiumOptions = {}): Promise<ChromiumSession> {
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'mfa-bridge-chromium-'));
  if (options.nativeHost !== false) registerHostForChromium(userDataDir);
  const withExtension = options.extension !== false;
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: options.headless ?? process.env.HEADFUL !== '1',
    userDataDir,
    pipe: true,
    enableExtensions: withExtension ? [CHROME_EXTENSION_DIR] : false,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
    env: { ...process.env, ...options.env } as Record<string, string>,
  });
  const extensionId = EXTENSION_IDS.chromium;
  return {
    browser,
    userDataDir,
    extensionId,
    async serviceWorker() {
      const target = await browser.waitForTarget(
        (t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${extensionId}/`),
        { timeout: 30_000 },
      );
      const worker = await target.worker();
      if (!worker) throw new Error('extension service worker target has no worker');
      // The worker target appears before the extension APIs are bound into it.
      for (let i = 0; i < 300; i++) {
        const ready = await worker.evaluate(
          () => !!(globalThis as { chrome?: { runtime?: { id?: string } } }).chrome?.runtime?.id,
        );
        if (ready) return worker;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('extension APIs never appeared in the service worker');
    },
    async openExtensionPage(path: string) {
      const page = await browser.newPage();
      await page.goto(`chrome-extension://${extensionId}/${path.replace(/^\//, '')}`);
      return page;
    },
    async close() {
      await browser.close().catch(() => undefined);
      if (!options.userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
