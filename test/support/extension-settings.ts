import type { ChromiumSession } from './chromium';
import type { FirefoxSession } from './firefox';
import { callFromPage } from './vault-pages';

/**
 * Merges `patch` into the extension's user settings the way the options page does: a `settings.set`
 * message to the background from an extension page (the settings live in the background's trusted
 * store, which nothing else can write). Keys set by policy or invalid values are refused there.
 */
export async function patchUserSettings(
  chromium: ChromiumSession,
  patch: Record<string, unknown>,
): Promise<void> {
  await chromium.serviceWorker();
  const page = await chromium.openExtensionPage('options.html');
  try {
    await callFromPage(page, { type: 'settings.set', patch });
  } finally {
    await page.close();
  }
}

/**
 * The same in Firefox, from the extension's options page; waits a moment after, so the background has
 * re-registered its scripts.
 */
export async function patchFirefoxUserSettings(
  firefox: FirefoxSession,
  patch: Record<string, unknown>,
): Promise<void> {
  const options = await firefox.openExtensionPage('options.html');
  try {
    await callFromPage(options, { type: 'settings.set', patch });
  } finally {
    await options.close();
  }
  await new Promise((r) => setTimeout(r, 1000));
}
