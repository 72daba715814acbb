/**
 * Stored state in Chromium: a content script (driven in its isolated world over CDP, as a compromised
 * renderer would be) reaches none of the vault, settings or credential store, and what it writes to
 * the old storage.local keys changes nothing; storage written by the previous release migrates on
 * first start, also after an interrupted migration.
 */
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type ChromiumSession, launchChromium } from '../support/chromium';
import { chromiumContentWorld } from '../support/content-world';
import {
  expectContentScriptLocksOut,
  expectMigrations,
  type StoredStateRig,
  untilBackgroundAnswers,
} from '../support/stored-state';
import { serveHtml } from '../support/vault-pages';

describe('stored state in Chromium', () => {
  let chromium: ChromiumSession;
  let site: Awaited<ReturnType<typeof serveHtml>>;
  let rig: StoredStateRig;
  beforeAll(async () => {
    chromium = await launchChromium({ nativeHost: false });
    // (Not chromium.serviceWorker(): a worker target puppeteer attached to does not start again after
    // the restart below — it waits for a debugger.)
    await untilBackgroundAnswers(() => chromium.openExtensionPage('options.html'));
    site = await serveHtml(
      '<!doctype html><title>plain page</title><p>A page the content script runs in.</p>',
    );
    rig = {
      extensionPage: () => chromium.openExtensionPage('options.html'),
      async contentWorld(url) {
        const page: Page = await chromium.browser.newPage();
        const world = await chromiumContentWorld(page, chromium.extensionId, url);
        return { run: (src) => world.run(src), close: () => page.close() };
      },
      async restart() {
        // Stop the service worker for real (CDP), as Chromium does when it is idle or the browser
        // restarts; the next message starts a new background from scratch.
        const page = await chromium.openExtensionPage('options.html');
        const cdp = await page.createCDPSession();
        const states: string[] = [];
        cdp.on(
          'ServiceWorker.workerVersionUpdated',
          (e: { versions: Array<{ scriptURL: string; runningStatus: string }> }) => {
            for (const v of e.versions) {
              if (v.scriptURL.startsWith(`chrome-extension://${chromium.extensionId}/`))
                states.push(v.runningStatus);
            }
          },
        );
        await cdp.send('ServiceWorker.enable');
        await cdp.send('ServiceWorker.stopAllWorkers');
        // Something may wake it right after (an open page's request): that is a fresh start too.
        for (let i = 0; i < 300 && !states.includes('stopped'); i++)
          await new Promise((r) => setTimeout(r, 100));
        if (!states.includes('stopped')) throw new Error(`the worker did not stop (${states.join(' → ')})`);
        await page.close();
        await untilBackgroundAnswers(() => chromium.openExtensionPage('options.html'));
      },
    };
  });
  afterAll(async () => {
    await site?.close();
    await chromium?.close();
  });

  it('a content script can neither read nor write the vault, settings or credential store', async () => {
    await expectContentScriptLocksOut(rig, site.url);
  });

  it('storage written by the previous release migrates on first start, also after an interrupted migration', async () => {
    await expectMigrations(rig);
  });
});
