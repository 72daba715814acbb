/**
 * A new master password revokes the old one: the previous generation kept for recovery is re-encrypted
 * under the new key (or dropped), restoring it is offered only when the current record is damaged, and
 * restoring is rate-limited like unlock.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../test/support/paths';
import { decodePayload } from './accounts';
import { DEFAULT_KDF, inspect, openWithPassword, toBase64, type VaultRecord } from './crypto';
import { VaultError } from './errors';
import { parseOtpauthUri } from './otp';
import { KEYS } from './service';
import { FAST_KDF, harness, PASSWORD } from './test-helpers';

const URI = 'otpauth://totp/Portbase:jan%40example.nl?secret=JBSWY3DPEHPK3PXP&issuer=Portbase';
const URI2 = 'otpauth://totp/Example:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example&digits=8';
const NEW = 'a brand new password 42';

/** Every stored record (current, previous, damaged), by key. */
async function records(h: ReturnType<typeof harness>): Promise<Record<string, unknown>> {
  return h.local.get([KEYS.current, KEYS.previous, KEYS.damaged]);
}

/** Which stored records `password` opens. */
async function openedBy(h: ReturnType<typeof harness>, password: string): Promise<string[]> {
  const out: string[] = [];
  for (const [key, rec] of Object.entries(await records(h))) {
    try {
      await openWithPassword(rec, password, 'vault');
      out.push(key);
    } catch (e) {
      if (!(e instanceof VaultError)) throw e;
    }
  }
  return out;
}

/** Flip one ciphertext byte and recompute the unkeyed digest: only AES-GCM's tag notices. */
async function forgeIntactLooking(rec: VaultRecord): Promise<VaultRecord> {
  const ct = atob(rec.ciphertext);
  const flipped = String.fromCharCode(ct.charCodeAt(0) ^ 1) + ct.slice(1);
  const ciphertext = btoa(flipped);
  const digest = toBase64(
    new Uint8Array(
      await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${rec.header}\n${ciphertext}`)),
    ),
  );
  return { header: rec.header, ciphertext, digest };
}

describe('previous generation after a new master password', () => {
  it('after a password change the old password opens no stored record; the previous copy is under the new key', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(PASSWORD);
    await vault.add(parseOtpauthUri(URI));
    await vault.add(parseOtpauthUri(URI2));
    await vault.changePassword(PASSWORD, NEW);
    expect(await openedBy(h, PASSWORD)).toEqual([]);
    expect((await openedBy(h, NEW)).sort()).toEqual([KEYS.current, KEYS.previous].sort());
    // The previous copy still holds the accounts (recovery keeps working, under the new password).
    const prev = (await h.local.get(KEYS.previous))[KEYS.previous];
    const { plaintext } = await openWithPassword(prev, NEW, 'vault');
    expect(decodePayload(plaintext).accounts.map((a) => a.issuer)).toEqual(['Portbase', 'Example']);
  });

  it('after unlock with a required new password (policy change) the old password opens nothing', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(PASSWORD);
    await vault.add(parseOtpauthUri(URI));
    await vault.lock();
    h.policy = { passwordPattern: '[0-9]' };
    await vault.unlock(PASSWORD, NEW);
    expect(await openedBy(h, PASSWORD)).toEqual([]);
    expect(await openedBy(h, NEW)).toContain(KEYS.previous);
  });

  it('after a KDF upgrade on unlock the previous copy is sealed under the upgraded key', async () => {
    const h = harness();
    await h.make().create(PASSWORD);
    await h.make().add(parseOtpauthUri(URI));
    await h.make().lock();
    const stronger = { ...FAST_KDF, memoryKiB: 2 * FAST_KDF.memoryKiB };
    const upgraded = h.make(stronger);
    await upgraded.unlock(PASSWORD);
    const got = await records(h);
    const cur = await inspect(got[KEYS.current], 'vault');
    const prev = await inspect(got[KEYS.previous], 'vault');
    expect(cur.kdf.memoryKiB).toBe(stronger.memoryKiB);
    expect(prev.kdf).toEqual(cur.kdf);
    expect(prev.keyCheck).toBe(cur.keyCheck);
    expect(prev.generation).toBe(cur.generation - 1);
  });

  it('a vault written before this rule (recorded from the previous release) drops its old-password copy at the first unlock', async () => {
    const fixture = JSON.parse(
      readFileSync(join(ROOT, 'test/fixtures/storage/legacy-storage-local.json'), 'utf8'),
    ) as Record<string, unknown>;
    const expectations = JSON.parse(
      readFileSync(join(ROOT, 'test/fixtures/storage/legacy-expectations.json'), 'utf8'),
    ) as { oldPassword: string; password: string; accounts: unknown[] };
    const h = harness();
    await h.local.set(fixture);
    // As recorded: the previous generation opens with the password the user replaced.
    expect(await openedBy(h, expectations.oldPassword)).toEqual([KEYS.previous]);
    const vault = h.make(DEFAULT_KDF);
    h.clock.now = Date.now();
    expect(await vault.unlock(expectations.password)).toEqual({
      state: 'unlocked',
      accounts: expectations.accounts.length,
    });
    expect(await openedBy(h, expectations.oldPassword)).toEqual([]);
    expect((await vault.info()).previousAvailable).toBe(false);
    expect((await vault.list()).length).toBe(expectations.accounts.length);
    // The next write keeps a previous copy again, under the current key.
    await vault.add(parseOtpauthUri(URI2));
    expect(await openedBy(h, expectations.password)).toContain(KEYS.previous);
  }, 60_000);

  it('restorePrevious never rolls back a healthy vault', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(PASSWORD);
    await vault.add(parseOtpauthUri(URI));
    await vault.add(parseOtpauthUri(URI2));
    await vault.lock();
    const before = JSON.stringify(await records(h));
    await expect(h.make().restorePrevious(PASSWORD)).rejects.toMatchObject({ code: 'not-damaged' });
    expect(JSON.stringify(await records(h))).toBe(before);
    expect((await h.make().status()).state).toBe('locked');
    await vault.unlock(PASSWORD);
    expect((await vault.list()).map((a) => a.issuer)).toEqual(['Portbase', 'Example']);
  });

  it('restorePrevious is rate-limited like unlock, and its wrong passwords count', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(PASSWORD);
    await vault.add(parseOtpauthUri(URI));
    await vault.add(parseOtpauthUri(URI2));
    await vault.lock();
    // On a healthy vault, guesses through restore count like guesses through unlock.
    for (let i = 0; i < 3; i++) {
      await expect(vault.restorePrevious(`guess number ${i}`)).rejects.toMatchObject({
        code: 'wrong-password',
      });
    }
    await expect(vault.unlock(PASSWORD)).rejects.toMatchObject({ code: 'rate-limited' });
    h.clock.now += 60_000;
    await vault.unlock(PASSWORD);
    // A damaged current record: restore honours the waiting period built up by unlock too.
    const cur = (await h.local.get(KEYS.current))[KEYS.current] as VaultRecord;
    await h.local.set({ [KEYS.current]: { ...cur, ciphertext: cur.ciphertext.slice(0, 12) } });
    await vault.lock();
    const fresh = h.make();
    for (let i = 0; i < 3; i++) {
      await expect(fresh.unlock(`guess number ${i}`)).rejects.toMatchObject({ code: 'damaged' });
      await expect(fresh.restorePrevious(`guess number ${i}`)).rejects.toMatchObject({
        code: 'wrong-password',
      });
    }
    const limited = fresh.restorePrevious(PASSWORD);
    await expect(limited).rejects.toMatchObject({ code: 'rate-limited' });
    const retry = (await limited.catch((e: VaultError) => e)) as VaultError;
    expect(retry.details.retryAfterMs).toBeGreaterThan(0);
    expect((await h.local.get(KEYS.current))[KEYS.current]).toEqual({
      ...cur,
      ciphertext: cur.ciphertext.slice(0, 12),
    });
    h.clock.now += retry.details.retryAfterMs ?? 0;
    expect((await fresh.restorePrevious(PASSWORD)).state).toBe('unlocked');
    expect((await fresh.list()).map((a) => a.issuer)).toEqual(['Portbase']);
  });

  it('restores when the current record passes its checksum but fails authentication', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(PASSWORD);
    await vault.add(parseOtpauthUri(URI));
    await vault.add(parseOtpauthUri(URI2));
    await vault.lock();
    const cur = (await h.local.get(KEYS.current))[KEYS.current] as VaultRecord;
    const forged = await forgeIntactLooking(cur);
    await h.local.set({ [KEYS.current]: forged });
    const fresh = h.make();
    await expect(fresh.unlock(PASSWORD)).rejects.toMatchObject({
      code: 'damaged',
      details: { previousAvailable: true },
    });
    await expect(fresh.restorePrevious('not the password')).rejects.toMatchObject({ code: 'wrong-password' });
    expect((await fresh.restorePrevious(PASSWORD)).state).toBe('unlocked');
    expect((await fresh.list()).map((a) => a.issuer)).toEqual(['Portbase']);
    expect((await h.local.get(KEYS.damaged))[KEYS.damaged]).toEqual(forged);
  });
});
