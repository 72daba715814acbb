/**
 * Clearing a copied code off the clipboard with the popup closed, in Firefox ESR's own build: its
 * background page clears it after `clipboardClearSeconds` if the clipboard still holds the code, and
 * leaves alone what the user copied after it. The clipboard is read from the extension's options page
 * (the manifest's clipboardRead lets extension pages read it without a prompt).
 */
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FirefoxSession, launchFirefox } from '../support/firefox';
import { copyFromPopupAndClose, seedClipboardVault } from '../support/vault-pages';

/** The extension APIs used inside `evaluate()` callbacks (they run in the extension, not here). */
declare const browser: {
  storage: { session: { get(key: string): Promise<Record<string, unknown>> } };
};

const PASSWORD = 'correct horse battery staple';
const CLEAR_SECONDS = 3;

describe('clipboard clearing in Firefox ESR', () => {
  let session: FirefoxSession;
  let reader: Page;

  beforeAll(async () => {
    session = await launchFirefox({ nativeHost: false });
    reader = await session.openExtensionPage('options.html');
    await seedClipboardVault(reader, PASSWORD, CLEAR_SECONDS);
  });
  afterAll(async () => {
    await session?.close();
  });

  async function readClipboard(): Promise<string> {
    await reader.bringToFront();
    return reader.evaluate(() => navigator.clipboard.readText());
  }

  /** Until the background has no clear pending. */
  async function clearDone(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const pending = await reader.evaluate(
        async () => Object.keys(await browser.storage.session.get('clipboard.pending')).length,
      );
      if (pending === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the clear never finished');
  }

  it('clears the code after the delay although the popup was closed', async () => {
    const code = await copyFromPopupAndClose(() => session.openExtensionPage('popup.html'), CLEAR_SECONDS);
    expect(code).toMatch(/^\d{6}$/);
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
});
