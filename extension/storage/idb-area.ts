/**
 * A small key-value area over IndexedDB, shaped like `storage.local` (get/set/remove, structured
 * clone). Opened in the extension's own origin (chrome-extension:// or moz-extension://), it is
 * reachable from the background and extension pages only: content scripts' `indexedDB` is the page's.
 * Writes use strict durability: a write that resolved survives a crash, which the migration relies on
 * before it deletes the old copy.
 */
import type { WritableArea } from '../settings/effective';

const STORE = 'kv';

export class StorageAreaError extends Error {
  override readonly name = 'StorageAreaError';
  constructor(
    readonly code: 'unavailable' | 'io',
    message: string,
  ) {
    super(message);
  }
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () =>
      reject(new StorageAreaError('io', `IndexedDB request failed: ${r.error?.name ?? 'error'}`));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    const fail = () =>
      reject(new StorageAreaError('io', `IndexedDB transaction failed: ${tx.error?.name ?? 'aborted'}`));
    tx.onerror = fail;
    tx.onabort = fail;
  });
}

export class IdbArea implements WritableArea {
  private db: Promise<IDBDatabase> | null = null;

  constructor(
    private readonly name: string,
    private readonly factory: () => IDBFactory | undefined = () => globalThis.indexedDB,
  ) {}

  private open(): Promise<IDBDatabase> {
    if (this.db) return this.db;
    const opening = new Promise<IDBDatabase>((resolve, reject) => {
      const idb = this.factory();
      if (!idb) {
        reject(new StorageAreaError('unavailable', 'IndexedDB is not available in this context.'));
        return;
      }
      const r = idb.open(this.name, 1);
      r.onupgradeneeded = () => {
        if (!r.result.objectStoreNames.contains(STORE)) r.result.createObjectStore(STORE);
      };
      r.onsuccess = () => {
        const db = r.result;
        // Another context upgrading or deleting the database: let it, and reopen on the next call.
        db.onversionchange = () => {
          db.close();
          this.db = null;
        };
        db.onclose = () => {
          this.db = null;
        };
        resolve(db);
      };
      r.onerror = () =>
        reject(
          new StorageAreaError('unavailable', `IndexedDB could not be opened: ${r.error?.name ?? 'error'}`),
        );
      r.onblocked = () =>
        reject(new StorageAreaError('unavailable', 'IndexedDB is blocked by another context.'));
    });
    this.db = opening;
    opening.catch(() => {
      if (this.db === opening) this.db = null;
    });
    return opening;
  }

  private async tx(mode: IDBTransactionMode): Promise<{ store: IDBObjectStore; tx: IDBTransaction }> {
    const db = await this.open();
    const tx = db.transaction(STORE, mode, { durability: mode === 'readwrite' ? 'strict' : 'default' });
    return { store: tx.objectStore(STORE), tx };
  }

  async get(keys?: string | string[] | null): Promise<Record<string, unknown>> {
    const { store, tx } = await this.tx('readonly');
    const finished = done(tx);
    const out: Record<string, unknown> = {};
    if (keys === undefined || keys === null) {
      const [allKeys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
      allKeys.forEach((k, i) => {
        if (typeof k === 'string') out[k] = values[i];
      });
    } else {
      const list = Array.isArray(keys) ? keys : [keys];
      const values = await Promise.all(list.map((k) => request(store.get(k))));
      list.forEach((k, i) => {
        if (values[i] !== undefined) out[k] = values[i];
      });
    }
    await finished;
    return out;
  }

  /** All items in one transaction: every one is written, or none. */
  async set(items: Record<string, unknown>): Promise<void> {
    const { store, tx } = await this.tx('readwrite');
    const finished = done(tx);
    for (const [k, v] of Object.entries(items)) {
      if (v === undefined) store.delete(k);
      else store.put(v, k);
    }
    await finished;
  }

  async remove(keys: string | string[]): Promise<void> {
    const { store, tx } = await this.tx('readwrite');
    const finished = done(tx);
    for (const k of Array.isArray(keys) ? keys : [keys]) store.delete(k);
    await finished;
  }
}
