/**
 * Stored state in Firefox ESR: a content script (code run by `scripting.executeScript` in the sandbox
 * Firefox gives our content scripts in that tab) reaches none of the vault, settings or credential
 * store, and what it writes to the old storage.local keys changes nothing; storage written by the
 * previous release migrates on first start, also after an interrupted migration.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { firefoxContentWorld, openFirefoxExtensionPage } from '../support/content-script-eval';
import { type FirefoxSession, launchFirefox } from '../support/firefox';
import {
  expectContentScriptLocksOut,
  expectMigrations,
  type StoredStateRig,
  untilBackgroundAnswers,
} from '../support/stored-state';
import { serveHtml } from '../support/vault-pages';

describe('stored state in Firefox ESR', () => {
  let firefox: FirefoxSession;
  let site: Awaited<ReturnType<typeof serveHtml>>;
  let rig: StoredStateRig;
  beforeAll(async () => {
    firefox = await launchFirefox({ nativeHost: false });
    site = await serveHtml(
      '<!doctype html><title>plain page</title><p>A page the content script runs in.</p>',
    );
    await untilBackgroundAnswers(() => openFirefoxExtensionPage(firefox, 'options.html'));
    rig = {
      extensionPage: () => openFirefoxExtensionPage(firefox, 'options.html'),
      contentWorld: (url) => firefoxContentWorld(firefox, url),
      async restart() {
        // runtime.reload(): the background page starts again from scratch (storage and IndexedDB stay).
        const page = await openFirefoxExtensionPage(firefox, 'options.html');
        await page
          .evaluate(() => {
            setTimeout(
              () =>
                (
                  globalThis as unknown as { browser: { runtime: { reload(): void } } }
                ).browser.runtime.reload(),
              0,
            );
          })
          .catch(() => undefined);
        await new Promise((r) => setTimeout(r, 500));
        await page.close().catch(() => undefined);
        await untilBackgroundAnswers(() => openFirefoxExtensionPage(firefox, 'options.html'));
      },
    };
  });
  afterAll(async () => {
    await site?.close();
    await firefox?.close();
  });

  it('a content script can neither read nor write the vault, settings or credential store', async () => {
    await expectContentScriptLocksOut(rig, site.url);
  });

  it('storage written by the previous release migrates on first start, also after an interrupted migration', async () => {
    await expectMigrations(rig);
  });
});
