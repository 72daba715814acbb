import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../test/support/paths';
import { resolveSettings, type WritableArea } from '../settings/effective';
import { MemoryArea } from '../settings/memory-area';
import { DEFAULT_KDF } from '../vault/crypto';
import { VaultService } from '../vault/service';
import {
  LEGACY_KEYS,
  MIGRATION_MARKER,
  MIGRATION_VERSION,
  MigrationError,
  migrateLegacyStorage,
} from './migrate';
import { TRUSTED_AREA_NAME, TrustedArea } from './trusted';

/** storage.local as the previous release wrote it (recorded in Chromium; see the fixture's README). */
function fixture(): Record<string, unknown> {
  return JSON.parse(
    readFileSync(join(ROOT, 'test/fixtures/storage/legacy-storage-local.json'), 'utf8'),
  ) as Record<string, unknown>;
}
const expectations = JSON.parse(
  readFileSync(join(ROOT, 'test/fixtures/storage/legacy-expectations.json'), 'utf8'),
) as { password: string; accounts: Array<{ issuer: string; account: string }> };

async function legacyWith(items: Record<string, unknown>): Promise<MemoryArea> {
  const a = new MemoryArea();
  await a.set(items);
  return a;
}

/**
 * An area that "crashes" at one step: every call counts (reads too); at step `at` it throws, either
 * before doing anything or after having done it (a crash right after the write landed).
 */
class Crashing implements WritableArea {
  constructor(
    private readonly inner: WritableArea,
    private readonly counter: { n: number; at: number; after: boolean },
  ) {}
  private async step<T>(op: () => Promise<T>): Promise<T> {
    const mine = this.counter.n++;
    if (mine === this.counter.at && !this.counter.after) throw new Error('crash');
    const out = await op();
    if (mine === this.counter.at) throw new Error('crash');
    return out;
  }
  get(keys?: string | string[] | null) {
    return this.step(() => this.inner.get(keys));
  }
  set(items: Record<string, unknown>) {
    return this.step(() => this.inner.set(items));
  }
  remove(keys: string | string[]) {
    return this.step(() => this.inner.remove(keys));
  }
}

describe('moving security state out of storage.local', () => {
  it('moves every key the previous release wrote, verifies the copy, then removes the old copies', async () => {
    const old = fixture();
    const legacy = await legacyWith(old);
    const store = new MemoryArea();
    const r = await migrateLegacyStorage(legacy, store);
    expect(r.copied.sort()).toEqual(Object.keys(old).sort());
    for (const [k, v] of Object.entries(old)) expect((await store.get(k))[k]).toEqual(v);
    expect(await legacy.get(null)).toEqual({});
    expect((await store.get(MIGRATION_MARKER))[MIGRATION_MARKER]).toBe(MIGRATION_VERSION);
    // Every key the fixture holds is one the move knows.
    for (const k of Object.keys(old)) expect(LEGACY_KEYS).toContain(k);
  });

  it('the vault opens from the moved records with every account', async () => {
    const legacy = await legacyWith(fixture());
    const area = new TrustedArea(new MemoryArea(), legacy);
    const vault = new VaultService({
      local: area,
      session: new MemoryArea(),
      settings: async () => resolveSettings((await area.get('settings.user'))['settings.user'], {}),
      kdf: DEFAULT_KDF,
    });
    expect(await vault.unlock(expectations.password)).toMatchObject({
      state: 'unlocked',
      accounts: expectations.accounts.length,
    });
    expect((await vault.list()).map((a) => [a.issuer, a.account])).toEqual(
      expectations.accounts.map((a) => [a.issuer, a.account]),
    );
    expect(await legacy.get(null)).toEqual({});
  }, 60_000);

  it('after the move, values written under the old keys are removed and never read', async () => {
    const legacy = await legacyWith(fixture());
    const store = new MemoryArea();
    await migrateLegacyStorage(legacy, store);
    const settingsBefore = (await store.get('settings.user'))['settings.user'];
    // What a compromised renderer would write.
    await legacy.set({
      'settings.user': { accountBinding: 'registrable-domain', allowedSites: ['*'] },
      'vault.failures': { count: 0, lastAt: 0 },
      'bridge.credentials': {},
    });
    const r = await migrateLegacyStorage(legacy, store);
    expect(r.copied).toEqual([]);
    expect(r.removedFromLegacy.sort()).toEqual(['bridge.credentials', 'settings.user', 'vault.failures']);
    expect((await store.get('settings.user'))['settings.user']).toEqual(settingsBefore);
    expect((await store.get('vault.failures'))['vault.failures']).toEqual(fixture()['vault.failures']);
    expect(await legacy.get(null)).toEqual({});
  });

  it('a fresh install moves nothing, and later writes to the old keys are not picked up', async () => {
    const legacy = new MemoryArea();
    const store = new MemoryArea();
    expect(await migrateLegacyStorage(legacy, store)).toEqual({ copied: [], removedFromLegacy: [] });
    await legacy.set({ 'settings.user': { accountBinding: 'registrable-domain' } });
    await migrateLegacyStorage(legacy, store);
    expect(await store.get('settings.user')).toEqual({});
  });

  it('a crash at any step loses nothing: the old copy stays until its copy read back equal, and the next start finishes', async () => {
    const old = fixture();
    // Count the steps of an undisturbed run.
    const probe = { n: 0, at: -1, after: false };
    await migrateLegacyStorage(
      new Crashing(await legacyWith(old), probe),
      new Crashing(new MemoryArea(), probe),
    );
    const steps = probe.n;
    expect(steps).toBeGreaterThan(4);
    for (const after of [false, true]) {
      for (let at = 0; at < steps; at++) {
        const legacy = await legacyWith(old);
        const store = new MemoryArea();
        const counter = { n: 0, at, after };
        await expect(
          migrateLegacyStorage(new Crashing(legacy, counter), new Crashing(store, counter)),
        ).rejects.toThrow('crash');
        // Right after the crash: every value is still in the old area, or verified in the store (marker set).
        const marker = (await store.get(MIGRATION_MARKER))[MIGRATION_MARKER];
        for (const [k, v] of Object.entries(old)) {
          const stillOld = (await legacy.get(k))[k];
          if (stillOld === undefined) {
            expect(marker, `step ${at} (${after ? 'after' : 'before'}): ${k}`).toBe(MIGRATION_VERSION);
            expect((await store.get(k))[k]).toEqual(v);
          } else {
            expect(stillOld).toEqual(v);
          }
        }
        // The next start completes the move.
        await migrateLegacyStorage(legacy, store);
        for (const [k, v] of Object.entries(old)) expect((await store.get(k))[k]).toEqual(v);
        expect(await legacy.get(null)).toEqual({});
      }
    }
  });

  it('a half-done copy from an interrupted start is replaced by the old copy, which is the truth until the marker', async () => {
    const old = fixture();
    const legacy = await legacyWith(old);
    // Interrupted earlier: a stale, different vault record and a settings copy the old area no longer has.
    const store = await legacyWith({
      'vault.current': { header: '{}', ciphertext: '', digest: '' },
      'fill.choices': { 'https://attacker.example': 'x' },
    });
    await legacy.remove('fill.choices');
    await migrateLegacyStorage(legacy, store);
    expect((await store.get('vault.current'))['vault.current']).toEqual(old['vault.current']);
    expect(await store.get('fill.choices')).toEqual({});
  });

  it('a copy that does not read back equal removes nothing (MigrationError copy-mismatch)', async () => {
    const old = fixture();
    const legacy = await legacyWith(old);
    const inner = new MemoryArea();
    const lossy: WritableArea = {
      get: async (k) => {
        const got = await inner.get(k);
        if (got['vault.current']) got['vault.current'] = { ...(got['vault.current'] as object), digest: 'x' };
        return got;
      },
      set: (i) => inner.set(i),
      remove: (k) => inner.remove(k),
    };
    const err = await migrateLegacyStorage(legacy, lossy).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect(err).toMatchObject({ code: 'copy-mismatch', key: 'vault.current' });
    expect(await legacy.get(null)).toEqual(old);
    expect(await inner.get(MIGRATION_MARKER)).toEqual({});
  });
});

describe('TrustedArea', () => {
  it('waits for the move before any read or write, retries a failed move, and reports its own writes', async () => {
    const old = fixture();
    const legacy = await legacyWith(old);
    const store = new MemoryArea();
    let failOnce = true;
    const flaky: WritableArea = {
      get: (k) => {
        if (!failOnce) return store.get(k);
        failOnce = false;
        return Promise.reject(new Error('io'));
      },
      set: (i) => store.set(i),
      remove: (k) => store.remove(k),
    };
    const area = new TrustedArea(flaky, legacy);
    await expect(area.get('settings.user')).rejects.toThrow('io');
    expect(await legacy.get(null)).toEqual(old);
    expect((await area.get('settings.user'))['settings.user']).toEqual(old['settings.user']);
    const seen: Array<[string[], string]> = [];
    area.onChanged((changes, name) => seen.push([Object.keys(changes), name]));
    await area.set({ 'settings.user': { accountBinding: 'origin' } });
    await area.remove('fill.choices');
    expect(seen).toEqual([
      [['settings.user'], TRUSTED_AREA_NAME],
      [['fill.choices'], TRUSTED_AREA_NAME],
    ]);
    expect(await legacy.get(null)).toEqual({});
  });
});
