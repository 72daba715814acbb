import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium } from '../support/chromium';
import { type FirefoxSession, launchFirefox } from '../support/firefox';

describe('Chromium with the built extension', () => {
  let session: ChromiumSession;
  beforeAll(async () => {
    session = await launchChromium();
  });
  afterAll(async () => {
    await session?.close();
  });

  it('starts the background service worker with the fixed extension ID', async () => {
    const worker = await session.serviceWorker();
    expect(worker.url()).toBe(`chrome-extension://${session.extensionId}/background.js`);
    const manifest = await worker.evaluate(() =>
      (
        globalThis as unknown as {
          chrome: { runtime: { getManifest(): { name: string; manifest_version: number } } };
        }
      ).chrome.runtime.getManifest(),
    );
    expect(manifest.name).toBe('mfa-bridge');
    expect(manifest.manifest_version).toBe(3);
  });

  it('renders the popup page', async () => {
    const page = await session.openExtensionPage('popup.html');
    await page.waitForSelector('#app *');
    const text = await page.$eval('#app', (el) => el.textContent ?? '');
    expect(text).toContain('mfa-bridge');
    await page.close();
  });
});

describe('Firefox ESR with the built extension', () => {
  let session: FirefoxSession;
  beforeAll(async () => {
    session = await launchFirefox();
  });
  afterAll(async () => {
    await session?.close();
  });

  it('installs the extension under its gecko ID and renders the popup page', async () => {
    expect(session.extensionId).toBe('mfa-bridge@mfa-bridge.org');
    const page = await session.openExtensionPage('popup.html');
    await page.waitForSelector('#app *');
    const text = await page.$eval('#app', (el) => el.textContent ?? '');
    expect(text).toContain('mfa-bridge');
    await page.close();
  });
});
