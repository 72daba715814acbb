import type { ChromiumSession } from './chromium';

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
