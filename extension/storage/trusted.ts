/**
 * The trusted store: the one place persistent security state lives — the vault's records and its
 * unlock-failure counter, the user's settings, the WebAuthn bridge's credential store, fill choices.
 *
 * Why not `storage.local`: content scripts can read and write it in both browsers (measured: Chromium
 * 156 and Firefox 153 ESR), so a compromised renderer could copy the ciphertext for offline guessing or
 * change `accountBinding`. Chromium's `storage.local.setAccessLevel('TRUSTED_CONTEXTS')` closes it, but
 * only for the current browser session and only once the background ran; Firefox has no
 * `setAccessLevel` at all. IndexedDB in the extension's own origin is reachable from the background and
 * extension pages only, in both browsers. (WXT's `storage` helper wraps the same `storage.*` areas.)
 *
 * Only the background uses this store; extension pages ask the background by message. The first use
 * moves the old `storage.local` keys over (./migrate.ts) before anything is read or written.
 * `storage.session` (the derived key while unlocked, caches) stays: content scripts cannot reach it in
 * either browser.
 */
import { browser } from 'wxt/browser';
import type { WritableArea } from '../settings/effective';
import { IdbArea } from './idb-area';
import { type MigrationResult, migrateLegacyStorage } from './migrate';

/** The area name change events carry (like `storage.onChanged`'s 'local', 'managed'). */
export const TRUSTED_AREA_NAME = 'trusted';
export const TRUSTED_DB_NAME = 'mfa-bridge';

export type TrustedChangeListener = (
  changes: Record<string, { newValue?: unknown }>,
  areaName: string,
) => void;

/** An area that waits for the move of the old keys, and tells listeners in this context about writes. */
export class TrustedArea implements WritableArea {
  private ready: Promise<MigrationResult> | null = null;
  private readonly listeners = new Set<TrustedChangeListener>();

  constructor(
    private readonly store: WritableArea,
    private readonly legacy: WritableArea,
  ) {}

  /** The move of the old keys (once; a failed attempt is tried again by the next call). */
  migrated(): Promise<MigrationResult> {
    if (!this.ready) {
      const run = migrateLegacyStorage(this.legacy, this.store);
      this.ready = run;
      run.catch((e: unknown) => {
        if (this.ready === run) this.ready = null;
        console.error(
          'storage: moving state out of storage.local failed',
          e instanceof Error ? e.name : typeof e,
        );
      });
    }
    return this.ready;
  }

  async get(keys?: string | string[] | null): Promise<Record<string, unknown>> {
    await this.migrated();
    return this.store.get(keys);
  }

  async set(items: Record<string, unknown>): Promise<void> {
    await this.migrated();
    await this.store.set(items);
    this.tell(Object.fromEntries(Object.entries(items).map(([k, v]) => [k, { newValue: v }])));
  }

  async remove(keys: string | string[]): Promise<void> {
    await this.migrated();
    await this.store.remove(keys);
    this.tell(Object.fromEntries((Array.isArray(keys) ? keys : [keys]).map((k) => [k, {}])));
  }

  /** Writes made through this area, in this context. Returns an unsubscribe function. */
  onChanged(listener: TrustedChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tell(changes: Record<string, { newValue?: unknown }>): void {
    for (const l of this.listeners) {
      try {
        l(changes, TRUSTED_AREA_NAME);
      } catch (e) {
        console.error('storage: change listener failed', e instanceof Error ? e.name : typeof e);
      }
    }
  }
}

let area: TrustedArea | null = null;

/** The background's trusted store (IndexedDB in the extension's origin), created on first use. */
export function trustedArea(): TrustedArea {
  area ??= new TrustedArea(
    new IdbArea(TRUSTED_DB_NAME),
    (browser.storage as unknown as { local: WritableArea }).local,
  );
  return area;
}
