import { describe, expect, it } from 'vitest';
import { TRUSTED_AREA_NAME } from '../storage/trusted';
import { affectsSettings, SettingsCache } from './cache';
import { USER_SETTINGS_KEY } from './effective';
import { MemoryArea } from './memory-area';

function setup() {
  const local = new MemoryArea();
  const managed = new MemoryArea();
  const cache = new SettingsCache({ local, managed });
  return { local, managed, cache };
}

describe('SettingsCache', () => {
  it('keeps the value until the managed area changes, then reads the late policy', async () => {
    const { managed, cache } = setup();
    // Read in the window before Chromium delivered the policy.
    expect((await cache.get()).values.passwordMinLength).toBe(10);
    await managed.set({ passwordMinLength: 14, autoLockMinutes: 5 });
    // Still the cached value: nothing told the cache yet.
    expect((await cache.get()).values.passwordMinLength).toBe(10);
    let told = 0;
    cache.onChange(() => told++);
    expect(cache.onStorageChanged({ passwordMinLength: { newValue: 14 } }, 'managed')).toBe(true);
    expect(told).toBe(1);
    const eff = await cache.get();
    expect(eff.values.passwordMinLength).toBe(14);
    expect(eff.values.autoLockMinutes).toBe(5);
    expect(eff.enforced.sort()).toEqual(['autoLockMinutes', 'passwordMinLength']);
  });

  it("follows the user's settings, ignores other storage changes", async () => {
    const { local, cache } = setup();
    expect((await cache.get()).values.autoLockMinutes).toBe(15);
    await local.set({ [USER_SETTINGS_KEY]: { autoLockMinutes: 3 } });
    let told = 0;
    cache.onChange(() => told++);
    expect(cache.onStorageChanged({ 'vault.current': {} }, TRUSTED_AREA_NAME)).toBe(false);
    expect(cache.onStorageChanged({ 'vault.key': {} }, 'session')).toBe(false);
    // storage.local is content scripts' reach: a write there is not even a reason to read again.
    expect(cache.onStorageChanged({ [USER_SETTINGS_KEY]: {} }, 'local')).toBe(false);
    expect(told).toBe(0);
    expect((await cache.get()).values.autoLockMinutes).toBe(15);
    expect(cache.onStorageChanged({ [USER_SETTINGS_KEY]: {} }, TRUSTED_AREA_NAME)).toBe(true);
    expect(told).toBe(1);
    expect((await cache.get()).values.autoLockMinutes).toBe(3);
  });

  it('a failed read is not kept', async () => {
    const local = new MemoryArea();
    let fail = true;
    const flaky = {
      get: (k?: string | string[] | null) => (fail ? Promise.reject(new Error('io')) : local.get(k)),
      set: (i: Record<string, unknown>) => local.set(i),
      remove: (k: string | string[]) => local.remove(k),
    };
    const cache = new SettingsCache({ local: flaky, managed: null });
    await expect(cache.get()).rejects.toThrow('io');
    fail = false;
    expect((await cache.get()).values.autoLockMinutes).toBe(15);
  });

  it('unsubscribes listeners', () => {
    const { cache } = setup();
    let told = 0;
    const off = cache.onChange(() => told++);
    off();
    cache.onStorageChanged({}, 'managed');
    expect(told).toBe(0);
  });

  it('affectsSettings: managed always, the trusted store only for the user settings key, storage.local never', () => {
    expect(affectsSettings({}, 'managed')).toBe(true);
    expect(affectsSettings({ [USER_SETTINGS_KEY]: {} }, TRUSTED_AREA_NAME)).toBe(true);
    expect(affectsSettings({ other: {} }, TRUSTED_AREA_NAME)).toBe(false);
    expect(affectsSettings({ [USER_SETTINGS_KEY]: {} }, 'local')).toBe(false);
    expect(affectsSettings({ [USER_SETTINGS_KEY]: {} }, 'sync')).toBe(false);
  });
});
