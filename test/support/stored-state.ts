/**
 * Stored-state attacks and migrations, written once for both browsers: a `StoredStateRig` says how to
 * open an extension page, reach the content script's world and restart the extension in each.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGuardrails, generate } from 'otplib';
import type { Page } from 'puppeteer';
import { expect } from 'vitest';
import { LEGACY_KEYS, MIGRATION_MARKER } from '../../extension/storage/migrate';
import { TRUSTED_DB_NAME } from '../../extension/storage/trusted';
import type { ContentEval, StorageProbe } from './content-script-eval';
import { PROBE_STORAGE, writeLocalSource } from './content-script-eval';
import { ROOT } from './paths';
import { awayFromBoundary, callFromPage, sendFromPage } from './vault-pages';

export interface StoredStateRig {
  /** An extension page (options.html) to send messages from; the caller closes it. */
  extensionPage(): Promise<Page>;
  /** The content script's world in a tab showing `url`. */
  contentWorld(url: string): Promise<ContentEval & { close(): Promise<void> }>;
  /** Restart the extension (runtime.reload) and wait until its background answers again. */
  restart(): Promise<void>;
}

export const LEGACY_FIXTURE = JSON.parse(
  readFileSync(join(ROOT, 'test/fixtures/storage/legacy-storage-local.json'), 'utf8'),
) as Record<string, unknown>;

export const LEGACY_EXPECTATIONS = JSON.parse(
  readFileSync(join(ROOT, 'test/fixtures/storage/legacy-expectations.json'), 'utf8'),
) as {
  oldPassword: string;
  password: string;
  accounts: Array<{ issuer: string; account: string; type: string; secret: string; digits: number }>;
  settings: Record<string, unknown>;
};

/** Poll until the extension's background answers `vault.status` from a fresh extension page. */
export async function untilBackgroundAnswers(open: () => Promise<Page>): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 200; i++) {
    let page: Page | null = null;
    try {
      page = await open();
      const r = await sendFromPage(page, { type: 'vault.status' });
      if (r && typeof r === 'object' && 'ok' in r) return;
    } catch (e) {
      last = e;
    } finally {
      await page?.close().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the extension did not answer after its restart: ${String(last)}`);
}

/** Read keys of the trusted store straight from IndexedDB, in an extension page (same origin). */
export async function readTrustedStore(page: Page, keys: string[]): Promise<Record<string, unknown>> {
  return page.evaluate(
    async (name: string, list: string[]) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(name, 1);
        r.onupgradeneeded = () => r.result.createObjectStore('kv');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const tx = db.transaction('kv', 'readonly');
      const out: Record<string, unknown> = {};
      for (const k of list) {
        const v = await new Promise((resolve, reject) => {
          const q = tx.objectStore('kv').get(k);
          q.onsuccess = () => resolve(q.result);
          q.onerror = () => reject(q.error);
        });
        if (v !== undefined) out[k] = v;
      }
      db.close();
      return out;
    },
    TRUSTED_DB_NAME,
    keys,
  );
}

/**
 * Put the extension's storage back as the previous release left it: storage.local = `legacy`, and the
 * trusted store deleted, or holding `partial` (what an interrupted first start had copied so far).
 */
export async function layOutPreviousRelease(
  page: Page,
  legacy: Record<string, unknown>,
  partial?: Record<string, unknown>,
): Promise<void> {
  await page.evaluate(
    async (name: string, items: Record<string, unknown>, copied: Record<string, unknown> | null) => {
      const g = globalThis as unknown as {
        browser?: { storage: { local: { clear(): Promise<void>; set(i: object): Promise<void> } } };
        chrome?: { storage: { local: { clear(): Promise<void>; set(i: object): Promise<void> } } };
      };
      const ext = (g.browser ?? g.chrome)!;
      await new Promise<void>((resolve, reject) => {
        const r = indexedDB.deleteDatabase(name);
        r.onsuccess = () => resolve();
        r.onerror = () => reject(r.error);
      });
      if (copied) {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const r = indexedDB.open(name, 1);
          r.onupgradeneeded = () => r.result.createObjectStore('kv');
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        const tx = db.transaction('kv', 'readwrite');
        for (const [k, v] of Object.entries(copied)) tx.objectStore('kv').put(v, k);
        await new Promise<void>((resolve, reject) => {
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
        db.close();
      }
      await ext.storage.local.clear();
      await ext.storage.local.set(items);
    },
    TRUSTED_DB_NAME,
    legacy,
    partial ?? null,
  );
}

async function oracle(secret: string): Promise<string> {
  return generate({
    secret,
    epoch: Math.floor(Date.now() / 1000),
    guardrails: createGuardrails({ MIN_SECRET_BYTES: 10 }),
  });
}

/** After a start on the previous release's storage: every account, setting and store entry is there. */
export async function expectPreviousReleaseMigrated(rig: StoredStateRig): Promise<void> {
  const page = await rig.extensionPage();
  try {
    expect((await callFromPage(page, { type: 'vault.status' })).state).toBe('locked');
    // A wrong password first (the recorded failure counter came along: one free attempt used).
    expect(
      await sendFromPage(page, { type: 'vault.unlock', password: LEGACY_EXPECTATIONS.oldPassword }),
    ).toMatchObject({ ok: false, error: { code: 'wrong-password' } });
    expect(
      await callFromPage(page, { type: 'vault.unlock', password: LEGACY_EXPECTATIONS.password }),
    ).toEqual({
      state: 'unlocked',
      accounts: LEGACY_EXPECTATIONS.accounts.length,
    });
    const list = await callFromPage(page, { type: 'vault.list' });
    expect(list.map((a) => [a.issuer, a.account])).toEqual(
      LEGACY_EXPECTATIONS.accounts.map((a) => [a.issuer, a.account]),
    );
    await awayFromBoundary();
    const portbase = list.find((a) => a.issuer === 'Portbase')!;
    expect((await callFromPage(page, { type: 'vault.code', id: portbase.id })).code).toBe(
      await oracle(LEGACY_EXPECTATIONS.accounts[0]!.secret),
    );
    const eff = await callFromPage(page, { type: 'settings.get' });
    for (const [k, v] of Object.entries(LEGACY_EXPECTATIONS.settings)) {
      expect(eff.values[k as keyof typeof eff.values]).toEqual(v);
    }
    const store = await readTrustedStore(page, ['bridge.credentials', 'fill.choices', MIGRATION_MARKER]);
    expect(store['bridge.credentials']).toEqual(LEGACY_FIXTURE['bridge.credentials']);
    expect(store['fill.choices']).toEqual(LEGACY_FIXTURE['fill.choices']);
    expect(store[MIGRATION_MARKER]).toBe(1);
    const local = await page.evaluate(async () => {
      const g = globalThis as unknown as {
        browser?: { storage: { local: { get(k: null): Promise<object> } } };
        chrome?: { storage: { local: { get(k: null): Promise<object> } } };
      };
      return Object.keys(await (g.browser ?? g.chrome)!.storage.local.get(null));
    });
    for (const k of LEGACY_KEYS) expect(local).not.toContain(k);
    await callFromPage(page, { type: 'vault.lock' });
  } finally {
    await page.close();
  }
}

const PASSWORD = 'stored state password 1';
const BOUND = 'https://login.example.com';
const SIBLING = 'https://evil.example.com';

function expectNothingOfOurs(probe: StorageProbe): void {
  // storage.local and storage.sync are open to content scripts in both browsers: nothing of ours is there.
  expect(probe.local.ok).toBe(true);
  if (probe.local.ok) {
    for (const k of LEGACY_KEYS) expect(probe.local.value).not.toHaveProperty(k);
    const text = JSON.stringify(probe.local.value);
    expect(text).not.toContain('argon2id');
    expect(text).not.toContain('accountBinding');
  }
  if (probe.sync.ok) expect(probe.sync.value).toEqual({});
  // storage.session (the derived key while unlocked) is closed to content scripts in both browsers.
  expect(probe.session.ok).toBe(false);
  // The content script's IndexedDB is the page's: the extension's database is not among them.
  if (probe.databases.ok) expect(probe.databases.value).not.toContain(TRUSTED_DB_NAME);
}

/** Source text: open a database by the trusted store's name in the content script and list its stores. */
const OPEN_TRUSTED_NAME = `async () => {
  const db = await new Promise((resolve, reject) => {
    const r = indexedDB.open(${JSON.stringify(TRUSTED_DB_NAME)});
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const stores = [...db.objectStoreNames];
  db.close();
  await new Promise((resolve) => { const d = indexedDB.deleteDatabase(${JSON.stringify(TRUSTED_DB_NAME)}); d.onsuccess = d.onerror = () => resolve(null); });
  return { origin: location.origin, stores };
}`;

/**
 * A content script (compromised renderer) reads nothing of the vault, settings or credential store,
 * and what it writes to the old keys changes nothing the background does, before or after a restart.
 */
export async function expectContentScriptLocksOut(rig: StoredStateRig, pageUrl: string): Promise<void> {
  const page = await rig.extensionPage();
  try {
    expect((await callFromPage(page, { type: 'vault.create', password: PASSWORD })).state).toBe('unlocked');
    await callFromPage(page, {
      type: 'vault.add',
      account: {
        source: 'uri',
        uri: 'otpauth://totp/Example:jan?secret=JBSWY3DPEHPK3PXP&issuer=Example',
        meta: { origins: [BOUND] },
      },
    });
    await callFromPage(page, { type: 'settings.set', patch: { accountBinding: 'origin' } });
  } finally {
    await page.close();
  }

  const world = await rig.contentWorld(pageUrl);
  try {
    expectNothingOfOurs(await world.run<StorageProbe>(PROBE_STORAGE));
    const opened = await world.run<{ origin: string; stores: string[] }>(OPEN_TRUSTED_NAME);
    expect(opened.origin).toBe(new URL(pageUrl).origin);
    expect(opened.stores).toEqual([]);
    // What a compromised renderer did before: widen the binding, fake a rate limit, damage the vault,
    // plant a credential — through the old keys.
    const written = await world.run<string[]>(
      writeLocalSource({
        'settings.user': { accountBinding: 'registrable-domain' },
        'vault.failures': { count: 60, lastAt: Date.now() },
        'vault.current': { header: '{}', ciphertext: '', digest: '' },
        'bridge.credentials': {
          'localhost x': { rpId: 'localhost', id: 'x', cosePublicKey: 'x', signCount: 0 },
        },
      }),
    );
    expect(written).toContain('settings.user');
  } finally {
    await world.close();
  }

  const expectUnmoved = async () => {
    const p = await rig.extensionPage();
    try {
      expect((await callFromPage(p, { type: 'settings.get' })).values.accountBinding).toBe('origin');
      const status = await callFromPage(p, { type: 'vault.status' });
      if (status.state === 'locked') {
        expect(status.retryAfterMs).toBe(0);
        await callFromPage(p, { type: 'vault.unlock', password: PASSWORD });
      } else {
        expect(status).toEqual({ state: 'unlocked', accounts: 1 });
      }
      expect(await callFromPage(p, { type: 'vault.forOrigin', origin: SIBLING })).toEqual([]);
      expect((await callFromPage(p, { type: 'vault.forOrigin', origin: BOUND })).length).toBe(1);
      const store = await readTrustedStore(p, ['bridge.credentials']);
      expect(store['bridge.credentials']).toBeUndefined();
    } finally {
      await p.close();
    }
  };
  await expectUnmoved();
  // A new background start does not pick the planted values up either (they are removed unread).
  await rig.restart();
  await expectUnmoved();
  const after = await rig.contentWorld(pageUrl);
  try {
    expectNothingOfOurs(await after.run<StorageProbe>(PROBE_STORAGE));
  } finally {
    await after.close();
  }
}

/** The previous release's storage, and an interrupted first start, both end with every account. */
export async function expectMigrations(rig: StoredStateRig): Promise<void> {
  // 1. First start on the previous release's storage.
  let page = await rig.extensionPage();
  await layOutPreviousRelease(page, LEGACY_FIXTURE);
  await page.close();
  await rig.restart();
  await expectPreviousReleaseMigrated(rig);

  // 2. Interrupted between copy and delete: part of it copied (one record, a stale settings copy), no
  //    marker; the old copy is still the truth.
  page = await rig.extensionPage();
  await layOutPreviousRelease(page, LEGACY_FIXTURE, {
    'vault.current': LEGACY_FIXTURE['vault.current'],
    'settings.user': { accountBinding: 'registrable-domain' },
  });
  await page.close();
  await rig.restart();
  await expectPreviousReleaseMigrated(rig);

  // 3. Interrupted after the verified copy and the marker, before the old keys were removed; one old
  //    key has been changed meanwhile (by a content script): the copy stays the truth.
  page = await rig.extensionPage();
  const copied: Record<string, unknown> = { ...LEGACY_FIXTURE, [MIGRATION_MARKER]: 1 };
  await layOutPreviousRelease(
    page,
    { ...LEGACY_FIXTURE, 'settings.user': { accountBinding: 'registrable-domain' } },
    copied,
  );
  await page.close();
  await rig.restart();
  await expectPreviousReleaseMigrated(rig);
}

/** Write keys of the trusted store straight to IndexedDB from an extension page (to damage a record). */
export async function writeTrustedStore(page: Page, items: Record<string, unknown>): Promise<void> {
  await page.evaluate(
    async (name: string, entries: Record<string, unknown>) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(name, 1);
        r.onupgradeneeded = () => r.result.createObjectStore('kv');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const tx = db.transaction('kv', 'readwrite');
      for (const [k, v] of Object.entries(entries)) tx.objectStore('kv').put(v, k);
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    TRUSTED_DB_NAME,
    items,
  );
}
