import type { ChromiumSession } from './chromium';
import type { FirefoxSession } from './firefox';

interface ChromeStorageGlobal {
  storage: {
    local: {
      get(key: string): Promise<Record<string, unknown>>;
      set(items: Record<string, unknown>): Promise<void>;
    };
  };
}

/**
 * Merges `patch` into the extension's user settings (storage.local `settings.user`) from its service
 * worker, as the options page would; the extension validates them against its schema when it reads them.
 */
export async function patchUserSettings(
  chromium: ChromiumSession,
  patch: Record<string, unknown>,
): Promise<void> {
  const worker = await chromium.serviceWorker();
  await worker.evaluate(async (changes) => {
    const chrome = (globalThis as unknown as { chrome: ChromeStorageGlobal }).chrome;
    const key = 'settings.user';
    const current = ((await chrome.storage.local.get(key))[key] ?? {}) as Record<string, unknown>;
    await chrome.storage.local.set({ [key]: { ...current, ...changes } });
  }, patch);
}

/**
 * The same in Firefox, from the extension's options page (Firefox's background page is not reachable
 * through WebDriver BiDi); waits a moment after, so the background has re-registered its scripts.
 */
export async function patchFirefoxUserSettings(
  firefox: FirefoxSession,
  patch: Record<string, unknown>,
): Promise<void> {
  const options = await firefox.openExtensionPage('options.html');
  try {
    await options.evaluate(async (changes) => {
      const ext = (globalThis as unknown as { browser: ChromeStorageGlobal }).browser;
      const key = 'settings.user';
      const current = ((await ext.storage.local.get(key))[key] ?? {}) as Record<string, unknown>;
      await ext.storage.local.set({ [key]: { ...current, ...changes } });
    }, patch);
  } finally {
    await options.close();
  }
  await new Promise((r) => setTimeout(r, 1000));
}
