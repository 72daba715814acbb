/**
 * Moving security state out of `storage.local` (which content scripts can read and write) into the
 * trusted store. Runs in the background before any other use of the trusted store, and is idempotent:
 *
 *   1. marker set → the move is done: only remove what is left under the old keys (a copy written
 *      back by a content script, or old copies a crash kept) and never read it.
 *   2. otherwise the old copy is the truth: copy every old key (overwriting any half-done copy, and
 *      removing copies of keys no longer there), read the copy back and compare;
 *   3. only then set the marker, and only then delete the old keys.
 * A crash at any point leaves either the old copy intact (the next start copies again) or a verified
 * copy with the marker set (the next start only cleans up). Nothing is deleted before its copy was read
 * back equal.
 */
import type { WritableArea } from '../settings/effective';

/** Every key the extension kept in `storage.local` up to and including format 0. */
export const LEGACY_KEYS = [
  'vault.current',
  'vault.previous',
  'vault.damaged',
  'vault.failures',
  'settings.user',
  'bridge.credentials',
  'fill.choices',
] as const;

/** In the trusted store: the layout version the move completed for. */
export const MIGRATION_MARKER = 'storage.migrated';
export const MIGRATION_VERSION = 1;

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly code: 'copy-mismatch',
    message: string,
    readonly key?: string,
  ) {
    super(message);
  }
}

export interface MigrationResult {
  /** Keys copied this time (empty when the move was already done). */
  copied: string[];
  /** Keys removed from the old area (old copies, or values written there after the move). */
  removedFromLegacy: string[];
}

/** Same stored value? (storage.local values are JSON-shaped: compare their canonical JSON.) */
function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([p], [q]) => (p < q ? -1 : 1)))
      : v,
  );
}

export async function migrateLegacyStorage(
  legacy: WritableArea,
  store: WritableArea,
): Promise<MigrationResult> {
  const keys = [...LEGACY_KEYS];
  const marker = (await store.get(MIGRATION_MARKER))[MIGRATION_MARKER];
  if (marker === MIGRATION_VERSION) {
    const left = Object.keys(await legacy.get(keys));
    if (left.length) await legacy.remove(left);
    return { copied: [], removedFromLegacy: left };
  }
  const old = await legacy.get(keys);
  const present = keys.filter((k) => old[k] !== undefined);
  const absent = keys.filter((k) => old[k] === undefined);
  // One write: the copy of every old key, and no stale copy of a key that is gone.
  const items: Record<string, unknown> = {};
  for (const k of present) items[k] = old[k];
  if (present.length) await store.set(items);
  if (absent.length) await store.remove(absent);
  const back = await store.get(keys);
  for (const k of keys) {
    if (!sameValue(back[k], old[k])) {
      throw new MigrationError(
        'copy-mismatch',
        `The copy of "${k}" does not read back equal; nothing was removed.`,
        k,
      );
    }
  }
  await store.set({ [MIGRATION_MARKER]: MIGRATION_VERSION });
  if (present.length) await legacy.remove(present);
  return { copied: present, removedFromLegacy: present };
}
