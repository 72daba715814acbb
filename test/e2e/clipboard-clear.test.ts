/**
 * Clearing a copied code off the clipboard with the popup closed (Chromium, built extension): the
 * background's offscreen document clears it after `clipboardClearSeconds` if the clipboard still holds
 * the code, and leaves alone what the user copied after it. The clipboard is read from a localhost page
 * given clipboard access through CDP (Browser.grantPermissions), as a user's other tab would see it.
 */
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium } from '../support/chromium';
import { copyFromPopupAndClose, seedClipboardVault, serveHtml } from '../support/vault-pages';

/** The extension APIs used inside `evaluate()` callbacks (they run in the extension, not here). */
declare const chrome: {
  storage: { session: { get(key: string): Promise<Record<string, unknown>> } };
  runtime: { getContexts(f: { contextTypes: string[] }): Promise<unknown[]> };
  offscreen: { closeDocument(): Promise<void> };
};

const PASSWORD = 'correct horse battery staple';
const CLEAR_SECONDS = 3;

describe('clipboard clearing in Chromium', () => {
  let session: ChromiumSession;
  let reader: Page;
  let site: Awaited<ReturnType<typeof serveHtml>>;
  const logged: string[] = [];

  beforeAll(async () => {
    session = await launchChromium({ nativeHost: false });
    const worker = await session.serviceWorker();
    worker.on('console', (m) => logged.push(m.text()));
    const page = await session.openExtensionPage('options.html');
    await seedClipboardVault(page, PASSWORD, CLEAR_SECONDS);
    await page.close();
    site = await serveHtml('<!doctype html><title>Another tab</title><p>reads the clipboard</p>');
    const cdp = await session.browser.target().createCDPSession();
    const origin = new URL(site.url).origin;
    await cdp.send('Browser.grantPermissions', {
      origin,
      permissions: ['clipboardReadWrite', 'clipboardSanitizedWrite'],
    });
    // Kept attached: the grant ends with the CDP session that made it.
    reader = await session.browser.newPage();
    await reader.goto(site.url);
  });
  afterAll(async () => {
    await site?.close();
    await session?.close();
  });

  async function readClipboard(): Promise<string> {
    await reader.bringToFront();
    return reader.evaluate(() => navigator.clipboard.readText());
  }

  /** Until the background has no clear pending and the offscreen document is gone. */
  async function clearDone(): Promise<void> {
    const worker = await session.serviceWorker();
    for (let i = 0; i < 200; i++) {
      const [pending, docs] = await worker.evaluate(async () => [
        Object.keys(await chrome.storage.session.get('clipboard.pending')).length,
        (await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] })).length,
      ]);
      if (pending === 0 && docs === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the clear never finished');
  }

  it('clears the code after the delay although the popup was closed', async () => {
    const code = await copyFromPopupAndClose(() => session.openExtensionPage('popup.html'), CLEAR_SECONDS);
    expect(code).toMatch(/^\d{6}$/);
    // Still there right after closing the popup: the clearing is the background's, later.
    expect(await readClipboard()).toBe(code);
    await clearDone();
    expect(await readClipboard()).toBe('');
  });

  it('leaves alone what the user copied after the code', async () => {
    const code = await copyFromPopupAndClose(() => session.openExtensionPage('popup.html'), CLEAR_SECONDS);
    expect(await readClipboard()).toBe(code);
    await reader.evaluate(() => navigator.clipboard.writeText('the user copied this afterwards'));
    await clearDone();
    expect(await readClipboard()).toBe('the user copied this afterwards');
  });

  it('still clears when the offscreen document was gone in between (the alarm finishes it)', async () => {
    const code = await copyFromPopupAndClose(() => session.openExtensionPage('popup.html'), CLEAR_SECONDS);
    const worker = await session.serviceWorker();
    await worker.evaluate(() => chrome.offscreen.closeDocument());
    expect(await readClipboard()).toBe(code);
    await clearDone();
    expect(await readClipboard()).toBe('');
  });

  it('never logs a code', () => {
    expect(logged.filter((l) => /\d{6}/.test(l))).toEqual([]);
  });
});
