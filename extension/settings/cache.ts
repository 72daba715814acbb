/**
 * Effective settings, read once and kept until user or policy storage changes. Chromium fills
 * `storage.managed` a few seconds after the browser starts, so a read in that window misses the
 * administrator's policy: the owner forwards every `storage.onChanged` event to `onStorageChanged`,
 * which drops the cached value when the `managed` area or the user's settings changed, and tells its
 * listeners (to re-evaluate timers such as auto-lock).
 */
import { TRUSTED_AREA_NAME } from '../storage/trusted';
import {
  type EffectiveSettings,
  getEffectiveSettings,
  type SettingsAreas,
  USER_SETTINGS_KEY,
} from './effective';

/**
 * Does a change event touch the effective settings? `storage.onChanged`'s 'managed' area, or the
 * trusted store's user settings. `storage.local` never does: the user's settings no longer live there,
 * and what a content script writes there must not even cost a re-read.
 */
export function affectsSettings(changes: Record<string, unknown>, areaName: string): boolean {
  if (areaName === 'managed') return true;
  return areaName === TRUSTED_AREA_NAME && Object.hasOwn(changes, USER_SETTINGS_KEY);
}

export class SettingsCache {
  private value: Promise<EffectiveSettings> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly areas: SettingsAreas) {}

  /** The effective settings (a read that fails is not cached: the next call reads again). */
  get(): Promise<EffectiveSettings> {
    if (!this.value) {
      const read = getEffectiveSettings(this.areas);
      this.value = read;
      read.catch(() => {
        if (this.value === read) this.value = null;
      });
    }
    return this.value;
  }

  /** Forget the cached value; the next `get()` reads storage again. Calls already answered keep theirs. */
  invalidate(): void {
    this.value = null;
  }

  /** Called after the cache was dropped because the settings changed. Returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Feed `storage.onChanged` events here. Returns true when the settings may have changed. */
  onStorageChanged(changes: Record<string, unknown>, areaName: string): boolean {
    if (!affectsSettings(changes, areaName)) return false;
    this.invalidate();
    for (const l of this.listeners) l();
    return true;
  }
}
