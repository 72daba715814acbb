/**
 * The vault, background side. One instance per background context (Chrome's service worker, which
 * restarts: everything needed survives in `storage.local` (the encrypted records) and
 * `storage.session` (the derived key while unlocked); nothing else is kept but a cache).
 *
 * Storage keys (storage.local):
 *   vault.current   the newest record          vault.previous  the generation before it
 *   vault.damaged   a damaged record set aside by a restore     vault.failures  unlock rate limit
 * storage.session:
 *   vault.key       { key, keyCheck, salt } (base64) while unlocked; never in persistent storage.
 */
import type { EffectiveSettings, WritableArea } from '../settings/effective';
import { checkPassword } from '../settings/effective';
import { isBoundTo, isFillAllowed } from '../sites/index';
import {
  type AccountSummary,
  decodePayload,
  encodePayload,
  newAccountId,
  normalizeOrigin,
  sameAccount,
  summarize,
  type VaultAccount,
} from './accounts';
import {
  DEFAULT_KDF,
  type DerivedKey,
  deriveKey,
  fromBase64,
  inspect,
  type KdfParams,
  needsUpgrade,
  newKdfParams,
  openWithKey,
  openWithPassword,
  seal,
  toBase64,
  type VaultHeader,
  type VaultRecord,
} from './crypto';
import { VaultError } from './errors';
import { formatOtpauthUri, generateCode, type OtpAccount, secondsRemaining, validateOtpAccount } from './otp';

export const KEYS = {
  current: 'vault.current',
  previous: 'vault.previous',
  damaged: 'vault.damaged',
  failures: 'vault.failures',
  sessionKey: 'vault.key',
} as const;

export type VaultStatus =
  | { state: 'uninitialised' }
  | { state: 'locked'; retryAfterMs: number }
  | { state: 'unlocked'; accounts: number }
  | {
      state: 'damaged';
      code: 'damaged' | 'unsupported-version';
      message: string;
      previousAvailable: boolean;
    };

export interface AccountMeta {
  label?: string;
  icon?: string;
  origins?: string[];
}

export type AccountPatch = {
  label?: string | null;
  icon?: string | null;
  issuer?: string | null;
  account?: string;
  origins?: string[];
};

export interface VaultInfo {
  /** Where the encrypted vault lives. */
  storage: 'storage.local';
  /** Where the derived key is kept while unlocked. */
  keyStorage: 'storage.session';
  formatVersion: number | null;
  generation: number | null;
  writtenAt: number | null;
  kdf: { memoryKiB: number; iterations: number; parallelism: number } | null;
  previousAvailable: boolean;
}

export interface CodeResult {
  code: string;
  /** Seconds until this TOTP code changes (HOTP: 0). */
  secondsRemaining: number;
  period: number;
  digits: number;
  type: 'totp' | 'hotp';
}

export interface ImportItem {
  account: OtpAccount;
  meta?: AccountMeta;
  /** Where it came from, for the report (e.g. "line 3", "entry 2"); never the secret. */
  source: string;
}

export interface ImportReport {
  added: Array<{ id: string; name: string; source: string }>;
  skipped: Array<{ name: string; source: string; reason: string }>;
}

export interface VaultDeps {
  local: WritableArea;
  session: WritableArea;
  settings: () => Promise<EffectiveSettings>;
  now?: () => number;
  /** KDF parameters for new vaults and the upgrade target (tests use smaller ones). */
  kdf?: Omit<KdfParams, 'salt'>;
  /** Called on unlock and on every use while unlocked (the background reschedules auto-lock). */
  onActivity?: () => void;
  /** Called after the vault locked. */
  onLocked?: () => void;
}

interface SessionKey {
  key: string;
  keyCheck: string;
  salt: string;
}

interface Failures {
  count: number;
  lastAt: number;
}

/** Free attempts before the delay starts; then 1 s, 2 s, 4 s … capped at 5 min. */
const FREE_ATTEMPTS = 3;
const MAX_DELAY_MS = 5 * 60_000;

export function retryDelayMs(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(MAX_DELAY_MS, 1000 * 2 ** (failures - FREE_ATTEMPTS));
}

export class VaultService {
  private readonly now: () => number;
  private readonly kdf: Omit<KdfParams, 'salt'>;
  /** Decrypted accounts while unlocked, tagged with the record they came from. */
  private cache: { digest: string; header: VaultHeader; dk: DerivedKey; accounts: VaultAccount[] } | null =
    null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: VaultDeps) {
    this.now = deps.now ?? Date.now;
    this.kdf = deps.kdf ?? DEFAULT_KDF;
  }

  /** Run operations one at a time (messages arrive concurrently; writes must not interleave). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async readRecords(): Promise<{ current: unknown; previous: unknown }> {
    const got = await this.deps.local.get([KEYS.current, KEYS.previous]);
    return { current: got[KEYS.current], previous: got[KEYS.previous] };
  }

  private async previousUsable(previous: unknown): Promise<boolean> {
    if (previous === undefined) return false;
    try {
      await inspect(previous, 'vault');
      return true;
    } catch {
      return false;
    }
  }

  private async failures(): Promise<Failures> {
    const f = (await this.deps.local.get(KEYS.failures))[KEYS.failures] as Failures | undefined;
    return f && typeof f.count === 'number' && typeof f.lastAt === 'number' ? f : { count: 0, lastAt: 0 };
  }

  private async retryAfter(): Promise<number> {
    const f = await this.failures();
    return Math.max(0, f.lastAt + retryDelayMs(f.count) - this.now());
  }

  status(): Promise<VaultStatus> {
    return this.serial(() => this.statusNow());
  }

  private async statusNow(): Promise<VaultStatus> {
    const { current, previous } = await this.readRecords();
    if (current === undefined && previous === undefined) return { state: 'uninitialised' };
    if (current === undefined) {
      return {
        state: 'damaged',
        code: 'damaged',
        message: 'The vault is missing; an earlier copy is available.',
        previousAvailable: await this.previousUsable(previous),
      };
    }
    try {
      await inspect(current, 'vault');
    } catch (e) {
      const err = e instanceof VaultError ? e : new VaultError('damaged', 'The vault data is damaged.');
      return {
        state: 'damaged',
        code: err.code === 'unsupported-version' ? 'unsupported-version' : 'damaged',
        message: err.message,
        previousAvailable: await this.previousUsable(previous),
      };
    }
    const accounts = await this.loadUnlocked(current).catch(() => null);
    if (accounts) return { state: 'unlocked', accounts: accounts.length };
    return { state: 'locked', retryAfterMs: await this.retryAfter() };
  }

  /** The decrypted accounts if the session holds a key for the current record, else null. */
  private async loadUnlocked(current?: unknown): Promise<VaultAccount[] | null> {
    const rec = current ?? (await this.readRecords()).current;
    if (rec === undefined) return null;
    const digest = (rec as VaultRecord).digest;
    // The session copy is the truth (a lock elsewhere, or a browser restart, removes it).
    const sk = (await this.deps.session.get(KEYS.sessionKey))[KEYS.sessionKey] as SessionKey | undefined;
    if (!sk) {
      this.cache = null;
      return null;
    }
    if (this.cache && this.cache.digest === digest && this.cache.dk.keyCheck === sk.keyCheck) {
      return this.cache.accounts;
    }
    const dk: DerivedKey = { key: fromBase64(sk.key), keyCheck: sk.keyCheck, salt: sk.salt };
    try {
      const { plaintext, header } = await openWithKey(rec, dk, 'vault');
      const accounts = decodePayload(plaintext).accounts;
      this.cache = { digest, header, dk, accounts };
      return accounts;
    } catch (e) {
      if (e instanceof VaultError && e.code === 'locked') {
        await this.lockNow();
        return null;
      }
      throw e;
    }
  }

  private async requireUnlocked(): Promise<NonNullable<VaultService['cache']>> {
    const { current } = await this.readRecords();
    if (current === undefined) throw new VaultError('not-initialised', 'There is no vault yet.');
    const accounts = await this.loadUnlocked(current);
    if (!accounts || !this.cache) throw new VaultError('locked', 'The vault is locked.');
    this.deps.onActivity?.();
    return this.cache;
  }

  private async storeSession(dk: DerivedKey): Promise<void> {
    const sk: SessionKey = { key: toBase64(dk.key), keyCheck: dk.keyCheck, salt: dk.salt };
    await this.deps.session.set({ [KEYS.sessionKey]: sk });
  }

  /** Encrypt and write a new generation; the record it replaces becomes vault.previous. */
  private async write(accounts: VaultAccount[], dk: DerivedKey, kdf: KdfParams): Promise<void> {
    const { current } = await this.readRecords();
    let generation = 1;
    let currentOk = false;
    if (current !== undefined) {
      try {
        generation = (await inspect(current, 'vault')).generation + 1;
        currentOk = true;
      } catch {
        // A damaged current record is not kept as "previous": the good previous stays.
      }
    }
    const rec = await seal(encodePayload({ accounts }), dk, kdf, {
      kind: 'vault',
      generation,
      now: this.now(),
    });
    if (currentOk) await this.deps.local.set({ [KEYS.previous]: current });
    await this.deps.local.set({ [KEYS.current]: rec });
    const back = (await this.deps.local.get(KEYS.current))[KEYS.current];
    const header = await inspect(back, 'vault');
    this.cache = { digest: rec.digest, header, dk, accounts };
  }

  private async mutate<T>(fn: (accounts: VaultAccount[]) => T | Promise<T>): Promise<T> {
    const c = await this.requireUnlocked();
    const next = c.accounts.map((a) => ({ ...a, origins: [...a.origins] }));
    const out = await fn(next);
    await this.write(next, c.dk, c.header.kdf);
    return out;
  }

  async checkNewPassword(password: string): Promise<void> {
    const s = (await this.deps.settings()).values;
    const problems = checkPassword(password, s);
    if (problems.length) throw new VaultError('weak-password', problemText(problems), { problems });
  }

  /** Encrypt `accounts` under `password` with fresh KDF parameters and keep the new key in the session. */
  private async rekey(accounts: VaultAccount[], password: string): Promise<void> {
    const kdf = newKdfParams(this.kdf);
    const dk = await deriveKey(password, kdf);
    await this.write(accounts, dk, kdf);
    await this.storeSession(dk);
  }

  create(password: string): Promise<VaultStatus> {
    return this.serial(async () => {
      const { current, previous } = await this.readRecords();
      if (current !== undefined || previous !== undefined) {
        throw new VaultError('already-initialised', 'A vault already exists.');
      }
      await this.checkNewPassword(password);
      const kdf = newKdfParams(this.kdf);
      const dk = await deriveKey(password, kdf);
      await this.write([], dk, kdf);
      await this.storeSession(dk);
      this.deps.onActivity?.();
      return { state: 'unlocked', accounts: 0 } as const;
    });
  }

  /**
   * Unlock with the master password. The password rules in force now (they may have arrived by policy
   * after the vault was made) are checked against the typed password: a right password that breaks
   * them unlocks nothing and fails with `password-change-required` (details.problems) until the same
   * call brings `newPassword`, a compliant one; the accounts are then re-encrypted under it (the old
   * record stays as `vault.previous`, as after any change) and the vault is unlocked.
   */
  unlock(password: string, newPassword?: string): Promise<VaultStatus> {
    return this.serial(async () => {
      const wait = await this.retryAfter();
      if (wait > 0) {
        throw new VaultError('rate-limited', `Too many attempts. Try again in ${Math.ceil(wait / 1000)} s.`, {
          retryAfterMs: wait,
        });
      }
      const { current, previous } = await this.readRecords();
      if (current === undefined && previous === undefined) {
        throw new VaultError('not-initialised', 'There is no vault yet.');
      }
      if (current === undefined) {
        throw new VaultError('damaged', 'The vault is missing; an earlier copy is available.', {
          previousAvailable: await this.previousUsable(previous),
        });
      }
      const opened = await this.openOrExplain(current, previous, password);
      await this.deps.local.remove(KEYS.failures);
      if (newPassword !== undefined) {
        await this.checkNewPassword(newPassword);
        await this.rekey(opened.accounts, newPassword);
        this.deps.onActivity?.();
        return { state: 'unlocked', accounts: opened.accounts.length } as const;
      }
      const problems = checkPassword(password, (await this.deps.settings()).values);
      if (problems.length) throw passwordChangeRequired(problems);
      await this.afterOpen(opened, current, password);
      return { state: 'unlocked', accounts: this.cache?.accounts.length ?? 0 } as const;
    });
  }

  private async openOrExplain(
    record: unknown,
    previous: unknown,
    password: string,
  ): Promise<{ accounts: VaultAccount[]; header: VaultHeader; dk: DerivedKey }> {
    try {
      const { plaintext, header, dk } = await openWithPassword(record, password, 'vault');
      let accounts: VaultAccount[];
      try {
        accounts = decodePayload(plaintext).accounts;
      } catch {
        throw new VaultError('damaged', 'The vault data is damaged (unreadable contents).');
      }
      return { accounts, header, dk };
    } catch (e) {
      if (e instanceof VaultError && e.code === 'wrong-password') {
        const f = await this.failures();
        const next = { count: f.count + 1, lastAt: this.now() };
        await this.deps.local.set({ [KEYS.failures]: next });
        const retryAfterMs = retryDelayMs(next.count);
        throw new VaultError('wrong-password', 'Wrong password.', { retryAfterMs });
      }
      if (e instanceof VaultError && e.code === 'damaged') {
        throw new VaultError('damaged', e.message, {
          previousAvailable: await this.previousUsable(previous),
        });
      }
      throw e;
    }
  }

  /** After a successful password open: upgrade parameters if below target, keep the key in the session. */
  private async afterOpen(
    opened: { accounts: VaultAccount[]; header: VaultHeader; dk: DerivedKey },
    record: unknown,
    password: string,
  ): Promise<void> {
    let dk = opened.dk;
    if (needsUpgrade(opened.header, this.kdf)) {
      // Re-encrypt under a fresh salt and the current parameters; the old record becomes "previous".
      const kdf = newKdfParams(this.kdf);
      dk = await deriveKey(password, kdf);
      await this.write(opened.accounts, dk, kdf);
    } else {
      this.cache = {
        digest: (record as VaultRecord).digest,
        header: opened.header,
        dk,
        accounts: opened.accounts,
      };
    }
    await this.storeSession(dk);
    this.deps.onActivity?.();
  }

  lock(): Promise<VaultStatus> {
    return this.serial(async () => {
      await this.lockNow();
      return this.statusNow();
    });
  }

  private async lockNow(): Promise<void> {
    this.cache = null;
    await this.deps.session.remove(KEYS.sessionKey);
    this.deps.onLocked?.();
  }

  /** Damaged current record: open the previous generation with the password and make it current. */
  restorePrevious(password: string): Promise<VaultStatus> {
    return this.serial(async () => {
      const { current, previous } = await this.readRecords();
      if (previous === undefined) throw new VaultError('not-found', 'There is no earlier copy of the vault.');
      const opened = await this.openOrExplain(previous, undefined, password);
      await this.deps.local.remove(KEYS.failures);
      if (current !== undefined) await this.deps.local.set({ [KEYS.damaged]: current });
      // Write the previous generation's accounts as a new current generation (fresh IV).
      const gen = opened.header.generation;
      const rec = await seal(encodePayload({ accounts: opened.accounts }), opened.dk, opened.header.kdf, {
        kind: 'vault',
        generation: gen + 1,
        now: this.now(),
      });
      await this.deps.local.set({ [KEYS.current]: rec });
      // Restored either way (nothing lost); but a password that breaks the rules now in force opens
      // nothing here either: the vault stays locked and the next unlock asks for a new password.
      const problems = checkPassword(password, (await this.deps.settings()).values);
      if (problems.length) {
        await this.lockNow();
        throw passwordChangeRequired(problems);
      }
      this.cache = {
        digest: rec.digest,
        header: await inspect(rec, 'vault'),
        dk: opened.dk,
        accounts: opened.accounts,
      };
      await this.storeSession(opened.dk);
      this.deps.onActivity?.();
      return { state: 'unlocked', accounts: opened.accounts.length } as const;
    });
  }

  /** Remove every trace of the vault (after the user confirmed; used when nothing can be recovered). */
  reset(): Promise<VaultStatus> {
    return this.serial(async () => {
      await this.deps.local.remove([KEYS.current, KEYS.previous, KEYS.damaged, KEYS.failures]);
      await this.lockNow();
      return { state: 'uninitialised' } as const;
    });
  }

  changePassword(oldPassword: string, newPassword: string): Promise<void> {
    return this.serial(async () => {
      const c = await this.requireUnlocked();
      const { current } = await this.readRecords();
      await this.openOrExplain(current, undefined, oldPassword);
      await this.checkNewPassword(newPassword);
      await this.rekey(c.accounts, newPassword);
    });
  }

  /** Verify the master password without changing state (before plain exports). */
  private async verifyPassword(password: string): Promise<void> {
    const { current } = await this.readRecords();
    await this.openOrExplain(current, undefined, password);
    await this.deps.local.remove(KEYS.failures);
  }

  /** Public facts about the stored vault (no password needed; the header is not secret). */
  info(): Promise<VaultInfo> {
    return this.serial(async () => {
      const { current, previous } = await this.readRecords();
      const header = current === undefined ? null : await inspect(current, 'vault').catch(() => null);
      return {
        storage: 'storage.local',
        keyStorage: 'storage.session',
        formatVersion: header?.version ?? null,
        generation: header?.generation ?? null,
        writtenAt: header?.writtenAt ?? null,
        kdf: header
          ? {
              memoryKiB: header.kdf.memoryKiB,
              iterations: header.kdf.iterations,
              parallelism: header.kdf.parallelism,
            }
          : null,
        previousAvailable: await this.previousUsable(previous),
      };
    });
  }

  list(): Promise<AccountSummary[]> {
    return this.serial(async () => (await this.requireUnlocked()).accounts.map(summarize));
  }

  add(account: OtpAccount, meta: AccountMeta = {}): Promise<AccountSummary> {
    return this.serial(() =>
      this.mutate((accounts) => {
        validateOtpAccount(account);
        if (accounts.some((a) => sameAccount(a, account))) {
          throw new VaultError('bad-request', 'This account is already in the vault.');
        }
        const a = this.newAccount(account, meta);
        accounts.push(a);
        return summarize(a);
      }),
    );
  }

  private newAccount(account: OtpAccount, meta: AccountMeta): VaultAccount {
    const t = this.now();
    const a: VaultAccount = {
      type: account.type,
      account: account.account,
      secret: new Uint8Array(account.secret),
      algorithm: account.algorithm,
      digits: account.digits,
      period: account.period,
      id: newAccountId(),
      origins: normalizeOrigins(meta.origins ?? []),
      createdAt: t,
      updatedAt: t,
    };
    if (account.issuer !== undefined) a.issuer = account.issuer;
    if (account.type === 'hotp') a.counter = account.counter ?? 0;
    if (meta.label) a.label = meta.label;
    if (meta.icon) a.icon = meta.icon;
    return a;
  }

  /** Add many in one write: all of them or (on any failure) none. Duplicates are skipped and reported. */
  addMany(items: ImportItem[], skipped: ImportReport['skipped'] = []): Promise<ImportReport> {
    return this.serial(() =>
      this.mutate((accounts) => {
        const report: ImportReport = { added: [], skipped: [...skipped] };
        for (const it of items) {
          const name = it.account.issuer
            ? `${it.account.issuer} (${it.account.account})`
            : it.account.account;
          try {
            validateOtpAccount(it.account);
          } catch (e) {
            report.skipped.push({
              name,
              source: it.source,
              reason: e instanceof Error ? e.message : 'invalid',
            });
            continue;
          }
          if (accounts.some((a) => sameAccount(a, it.account))) {
            report.skipped.push({ name, source: it.source, reason: 'Already in the vault.' });
            continue;
          }
          let a: VaultAccount;
          try {
            a = this.newAccount(it.account, it.meta ?? {});
          } catch (e) {
            report.skipped.push({
              name,
              source: it.source,
              reason: e instanceof Error ? e.message : 'invalid',
            });
            continue;
          }
          accounts.push(a);
          report.added.push({ id: a.id, name, source: it.source });
        }
        return report;
      }),
    );
  }

  update(id: string, patch: AccountPatch): Promise<AccountSummary> {
    return this.serial(() =>
      this.mutate((accounts) => {
        const a = accounts.find((x) => x.id === id);
        if (!a) throw new VaultError('not-found', 'No such account.');
        if (patch.label !== undefined) setOptional(a, 'label', patch.label);
        if (patch.icon !== undefined) setOptional(a, 'icon', patch.icon);
        if (patch.issuer !== undefined) setOptional(a, 'issuer', patch.issuer);
        if (patch.account !== undefined) a.account = patch.account;
        if (patch.origins !== undefined) a.origins = normalizeOrigins(patch.origins);
        validateOtpAccount(a);
        a.updatedAt = this.now();
        return summarize(a);
      }),
    );
  }

  /** New order: `ids` must be a permutation of the current account ids. */
  reorder(ids: string[]): Promise<AccountSummary[]> {
    return this.serial(() =>
      this.mutate((accounts) => {
        const byId = new Map(accounts.map((a) => [a.id, a]));
        if (
          ids.length !== accounts.length ||
          new Set(ids).size !== ids.length ||
          !ids.every((i) => byId.has(i))
        ) {
          throw new VaultError('bad-request', 'The new order must list every account once.');
        }
        accounts.splice(0, accounts.length, ...ids.map((i) => byId.get(i)!));
        return accounts.map(summarize);
      }),
    );
  }

  delete(id: string): Promise<void> {
    return this.serial(() =>
      this.mutate((accounts) => {
        const i = accounts.findIndex((x) => x.id === id);
        if (i < 0) throw new VaultError('not-found', 'No such account.');
        accounts.splice(i, 1);
      }),
    );
  }

  /** The current code (TOTP at `atMs`, or HOTP at its counter, which then advances and is saved). */
  codeFor(id: string, atMs?: number): Promise<CodeResult> {
    return this.serial(async () => {
      const c = await this.requireUnlocked();
      const a = c.accounts.find((x) => x.id === id);
      if (!a) throw new VaultError('not-found', 'No such account.');
      return this.code(a, atMs);
    });
  }

  /** Current TOTP codes for every TOTP account (HOTP codes are made on demand: each one uses up a counter). */
  codes(atMs?: number): Promise<Record<string, CodeResult>> {
    return this.serial(async () => {
      const c = await this.requireUnlocked();
      const out: Record<string, CodeResult> = {};
      for (const a of c.accounts) if (a.type === 'totp') out[a.id] = await this.code(a, atMs);
      return out;
    });
  }

  private async code(a: VaultAccount, atMs?: number): Promise<CodeResult> {
    const at = atMs ?? this.now();
    if (a.type === 'hotp') {
      const code = await generateCode(a, at);
      await this.mutate((accounts) => {
        const x = accounts.find((y) => y.id === a.id);
        if (x) x.counter = (x.counter ?? 0) + 1;
      });
      return { code, secondsRemaining: 0, period: a.period, digits: a.digits, type: 'hotp' };
    }
    return {
      code: await generateCode(a, at),
      secondsRemaining: secondsRemaining(a, at),
      period: a.period,
      digits: a.digits,
      type: 'totp',
    };
  }

  /** Accounts that may be filled on `origin` (binding per settings; policy's allowedSites applied). */
  accountsForOrigin(origin: string): Promise<AccountSummary[]> {
    return this.serial(async () => {
      const c = await this.requireUnlocked();
      const s = (await this.deps.settings()).values;
      return c.accounts.filter((a) => accountMatchesOrigin(a, origin, s)).map(summarize);
    });
  }

  /** A code for `id`, only if that account may be filled on `origin`. */
  codeForOrigin(id: string, origin: string, atMs?: number): Promise<CodeResult> {
    return this.serial(async () => {
      const c = await this.requireUnlocked();
      const a = c.accounts.find((x) => x.id === id);
      if (!a) throw new VaultError('not-found', 'No such account.');
      const s = (await this.deps.settings()).values;
      if (!accountMatchesOrigin(a, origin, s)) {
        throw new VaultError('origin-not-allowed', 'This account is not bound to this site.');
      }
      return this.code(a, atMs);
    });
  }

  /** Our encrypted export: the accounts sealed under `exportPassword` (same KDF and container). */
  exportEncrypted(exportPassword: string): Promise<string> {
    return this.serial(async () => {
      await this.requireExportAllowed();
      const c = await this.requireUnlocked();
      if (exportPassword.length < 8) {
        throw new VaultError('weak-password', 'Use at least 8 characters for the export password.');
      }
      const kdf = newKdfParams(this.kdf);
      const dk = await deriveKey(exportPassword, kdf);
      const rec = await seal(encodePayload({ accounts: c.accounts }), dk, kdf, {
        kind: 'export',
        generation: 0,
        now: this.now(),
      });
      return JSON.stringify(rec);
    });
  }

  /** Plain otpauth URIs, one per line, after the master password was entered again. */
  exportUris(masterPassword: string): Promise<string> {
    return this.serial(async () => {
      await this.requireExportAllowed();
      const c = await this.requireUnlocked();
      await this.verifyPassword(masterPassword);
      return `${c.accounts.map((a) => formatOtpauthUri(a)).join('\n')}\n`;
    });
  }

  private async requireExportAllowed(): Promise<void> {
    if ((await this.deps.settings()).values.disableExport) {
      throw new VaultError('export-disabled', 'Export is turned off by your organisation.');
    }
  }
}

/** The user-facing text for broken password rules (never quotes the password). */
function problemText(problems: ReturnType<typeof checkPassword>): string {
  return problems
    .map((p) =>
      p.code === 'too-short'
        ? `Use at least ${p.min} characters.`
        : p.hint || 'The password does not match the required pattern.',
    )
    .join(' ');
}

function passwordChangeRequired(problems: ReturnType<typeof checkPassword>): VaultError {
  return new VaultError(
    'password-change-required',
    `Your organisation's password rules have changed: choose a new master password to unlock. ${problemText(problems)}`,
    { problems },
  );
}

function setOptional<K extends 'label' | 'icon' | 'issuer'>(a: VaultAccount, k: K, v: string | null): void {
  if (v === null || v === '') delete a[k];
  else a[k] = v;
}

function normalizeOrigins(list: string[]): string[] {
  const out: string[] = [];
  for (const o of list) {
    const r = normalizeOrigin(o);
    if (!r.ok) throw new VaultError('bad-request', r.message);
    if (!out.includes(r.origin)) out.push(r.origin);
  }
  return out;
}

/** May this account be filled on `origin`? The site module's binding rule, with `allowedSites` applied. */
export function accountMatchesOrigin(
  a: Pick<VaultAccount, 'origins'>,
  origin: string,
  s: Pick<EffectiveSettings['values'], 'accountBinding' | 'allowedSites'>,
): boolean {
  return isFillAllowed(origin, s) && isBoundTo(origin, a.origins, s.accountBinding);
}
