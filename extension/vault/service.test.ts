import { createGuardrails, generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { inspect, type VaultRecord } from './crypto';
import { parseOtpauthUri } from './otp';
import { KEYS } from './service';
import { FAST_KDF, harness, PASSWORD } from './test-helpers';

const URI = 'otpauth://totp/Portbase:jan%40example.nl?secret=JBSWY3DPEHPK3PXP&issuer=Portbase';
const URI2 = 'otpauth://totp/Example:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example&digits=8';

/** Independent oracle: otplib called directly. */
async function oracle(secretB32: string, atMs: number, digits = 6): Promise<string> {
  return generate({
    secret: secretB32,
    epoch: Math.floor(atMs / 1000),
    digits: digits as 6 | 8,
    guardrails: createGuardrails({ MIN_SECRET_BYTES: 10 }),
  });
}

describe('vault service', () => {
  it('starts uninitialised, creates, adds, and gives the same codes as otplib', async () => {
    const h = harness();
    const vault = h.make();
    expect(await vault.status()).toEqual({ state: 'uninitialised' });
    await expect(vault.list()).rejects.toMatchObject({ code: 'not-initialised' });
    expect(await vault.create(PASSWORD)).toEqual({ state: 'unlocked', accounts: 0 });
    const a = await vault.add(parseOtpauthUri(URI), {
      label: 'IAMconnected',
      origins: ['iamconnected.portbase.com'],
    });
    expect(a).not.toHaveProperty('secret');
    expect(a.origins).toEqual(['https://iamconnected.portbase.com']);
    const b = await vault.add(parseOtpauthUri(URI2));
    for (const t of [h.clock.now, h.clock.now + 29_000, h.clock.now + 31_000, 1_111_111_109_000]) {
      h.clock.now = t;
      expect((await vault.codeFor(a.id)).code).toBe(await oracle('JBSWY3DPEHPK3PXP', t));
      const c = await vault.codeFor(b.id);
      expect(c.code).toBe(await oracle('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', t, 8));
      expect(c.secondsRemaining).toBe(30 - (Math.floor(t / 1000) % 30));
    }
    await expect(vault.add(parseOtpauthUri(URI))).rejects.toMatchObject({ code: 'bad-request' });
    expect((await vault.list()).map((x) => x.issuer)).toEqual(['Portbase', 'Example']);
  });

  it('keeps the key only in session storage; persistent storage holds no secret or key', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(PASSWORD);
    await vault.add(parseOtpauthUri(URI));
    const sk = (await h.session.get(KEYS.sessionKey))[KEYS.sessionKey] as { key: string };
    expect(sk.key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const persisted = JSON.stringify([...h.local.data.entries()]);
    expect(persisted).not.toContain(sk.key);
    expect(persisted).not.toContain('jan@example.nl');
    expect(persisted).not.toContain('Portbase');
    expect(persisted).not.toContain(PASSWORD);
  });

  it('survives a service-worker restart while unlocked, and locks', async () => {
    const h = harness();
    const first = h.make();
    await first.create(PASSWORD);
    const a = await first.add(parseOtpauthUri(URI));
    const restarted = h.make();
    expect(await restarted.status()).toEqual({ state: 'unlocked', accounts: 1 });
    expect((await restarted.codeFor(a.id)).code).toBe(await oracle('JBSWY3DPEHPK3PXP', h.clock.now));
    expect((await restarted.lock()).state).toBe('locked');
    await expect(first.list()).rejects.toMatchObject({ code: 'locked' });
    await expect(restarted.codeFor(a.id)).rejects.toMatchObject({ code: 'locked' });
    expect(await h.session.get(null)).toEqual({});
    expect((await h.make().unlock(PASSWORD)).state).toBe('unlocked');
  });

  it('rate-limits wrong passwords and says when to retry', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(PASSWORD);
    await vault.lock();
    for (let i = 0; i < 3; i++) {
      await expect(vault.unlock('wrong password!!')).rejects.toMatchObject({ code: 'wrong-password' });
    }
    await expect(vault.unlock(PASSWORD)).rejects.toMatchObject({
      code: 'rate-limited',
      details: { retryAfterMs: 1000 },
    });
    expect(await vault.status()).toEqual({ state: 'locked', retryAfterMs: 1000 });
    h.clock.now += 1000;
    await expect(vault.unlock('wrong again!!!!')).rejects.toMatchObject({
      code: 'wrong-password',
      details: { retryAfterMs: 2000 },
    });
    h.clock.now += 2000;
    expect((await vault.unlock(PASSWORD)).state).toBe('unlocked');
    expect((await vault.status()).state).toBe('unlocked');
    await vault.lock();
    await expect(vault.unlock('wrong password!!')).rejects.toMatchObject({ details: { retryAfterMs: 0 } });
  });

  it('enforces the password policy on create', async () => {
    const h = harness();
    h.policy = { passwordMinLength: 16, passwordPattern: '[0-9]', passwordPatternHint: 'Use a digit.' };
    const vault = h.make();
    await expect(vault.create('short')).rejects.toMatchObject({
      code: 'weak-password',
      message: 'Use at least 16 characters. Use a digit.',
    });
    expect(await vault.status()).toEqual({ state: 'uninitialised' });
    expect((await vault.create('long enough password 1')).state).toBe('unlocked');
    await expect(vault.create('long enough password 2')).rejects.toMatchObject({
      code: 'already-initialised',
    });
  });

  it('keeps the previous generation; a damaged current record is reported and restored', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(PASSWORD);
    await vault.add(parseOtpauthUri(URI));
    await vault.add(parseOtpauthUri(URI2));
    const cur = (await h.local.get(KEYS.current))[KEYS.current] as VaultRecord;
    const prev = (await h.local.get(KEYS.previous))[KEYS.previous] as VaultRecord;
    expect((await inspect(cur, 'vault')).generation).toBe(3);
    expect((await inspect(prev, 'vault')).generation).toBe(2);
    // A write cut short: half of the ciphertext.
    await h.local.set({
      [KEYS.current]: { ...cur, ciphertext: cur.ciphertext.slice(0, cur.ciphertext.length >> 1) },
    });
    await vault.lock();
    const fresh = h.make();
    expect(await fresh.status()).toMatchObject({
      state: 'damaged',
      code: 'damaged',
      previousAvailable: true,
    });
    await expect(fresh.unlock(PASSWORD)).rejects.toMatchObject({
      code: 'damaged',
      details: { previousAvailable: true },
    });
    await expect(fresh.restorePrevious('not the password')).rejects.toMatchObject({ code: 'wrong-password' });
    expect((await fresh.restorePrevious(PASSWORD)).state).toBe('unlocked');
    expect((await fresh.list()).map((a) => a.issuer)).toEqual(['Portbase']);
    expect((await h.local.get(KEYS.damaged))[KEYS.damaged]).toBeDefined();
    // Writing again works and the restored record becomes "previous".
    await fresh.add(parseOtpauthUri(URI2));
    expect((await fresh.list()).length).toBe(2);
  });

  it('a missing current record with a previous one is damage, not an empty vault', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(PASSWORD);
    await vault.add(parseOtpauthUri(URI));
    await h.local.remove(KEYS.current);
    expect(await h.make().status()).toMatchObject({ state: 'damaged', previousAvailable: true });
    await expect(h.make().create(PASSWORD)).rejects.toMatchObject({ code: 'already-initialised' });
  });

  it('a failed write leaves the vault as it was', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(PASSWORD);
    const a = await vault.add(parseOtpauthUri(URI));
    const set = h.local.set.bind(h.local);
    h.local.set = async (items) => {
      if (KEYS.current in items) throw new Error('QUOTA_BYTES quota exceeded');
      return set(items);
    };
    await expect(vault.add(parseOtpauthUri(URI2))).rejects.toThrow(/quota/);
    h.local.set = set;
    const again = h.make();
    expect((await again.list()).map((x) => x.id)).toEqual([a.id]);
  });

  it('upgrades weak KDF parameters on the next unlock; the previous copy is re-encrypted under the upgraded key', async () => {
    const h = harness();
    await h.make(FAST_KDF).create(PASSWORD);
    await h.make(FAST_KDF).add(parseOtpauthUri(URI));
    await h.make().lock();
    const stronger = { ...FAST_KDF, memoryKiB: 16384, iterations: 2 };
    const vault = h.make(stronger);
    await vault.unlock(PASSWORD);
    const cur = await inspect((await h.local.get(KEYS.current))[KEYS.current], 'vault');
    const prev = await inspect((await h.local.get(KEYS.previous))[KEYS.previous], 'vault');
    expect(cur.kdf).toMatchObject({ memoryKiB: 16384, iterations: 2 });
    // The weak-parameter copy is gone: the previous generation is sealed under the new key.
    expect(prev.kdf).toEqual(cur.kdf);
    expect(prev.generation).toBe(cur.generation - 1);
    expect((await vault.list()).length).toBe(1);
    await vault.lock();
    expect((await h.make(stronger).unlock(PASSWORD)).state).toBe('unlocked');
  });

  it('edits, reorders, deletes', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(PASSWORD);
    const a = await vault.add(parseOtpauthUri(URI));
    const b = await vault.add(parseOtpauthUri(URI2));
    const edited = await vault.update(a.id, { label: 'Work', origins: ['https://login.example.com/path'] });
    expect(edited).toMatchObject({ label: 'Work', origins: ['https://login.example.com'] });
    expect((await vault.update(a.id, { label: null })).label).toBeUndefined();
    await expect(vault.update(a.id, { origins: ['ftp://x'] })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(vault.update('nope', { label: 'x' })).rejects.toMatchObject({ code: 'not-found' });
    expect((await vault.reorder([b.id, a.id])).map((x) => x.id)).toEqual([b.id, a.id]);
    await expect(vault.reorder([b.id])).rejects.toMatchObject({ code: 'bad-request' });
    await expect(vault.reorder([b.id, b.id])).rejects.toMatchObject({ code: 'bad-request' });
    await vault.delete(b.id);
    expect((await h.make().list()).map((x) => x.id)).toEqual([a.id]);
  });

  it('advances and saves HOTP counters', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(PASSWORD);
    // RFC 4226 Appendix D secret "12345678901234567890".
    const a = await vault.add(
      parseOtpauthUri('otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0'),
    );
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await vault.codeFor(a.id)).code);
    expect(codes).toEqual(['755224', '287082', '359152']);
    expect((await h.make().codeFor(a.id)).code).toBe('969429');
  });

  it('binds accounts to origins, per the binding setting and allowedSites', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(PASSWORD);
    const a = await vault.add(parseOtpauthUri(URI), { origins: ['https://iamconnected.portbase.com'] });
    await vault.add(parseOtpauthUri(URI2), { origins: ['http://localhost:4000'] });
    const ids = async (o: string) => (await vault.accountsForOrigin(o)).map((x) => x.id);
    expect(await ids('https://iamconnected.portbase.com')).toEqual([a.id]);
    expect(await ids('https://other.portbase.com')).toEqual([]);
    expect(await ids('http://iamconnected.portbase.com')).toEqual([]);
    h.user = { accountBinding: 'registrable-domain' };
    expect(await ids('https://other.portbase.com')).toEqual([a.id]);
    expect(await ids('https://portbase.com.evil.io')).toEqual([]);
    h.policy = { allowedSites: ['localhost'] };
    expect(await ids('https://other.portbase.com')).toEqual([]);
    expect((await vault.accountsForOrigin('http://localhost:4000')).length).toBe(1);
    await expect(vault.codeForOrigin(a.id, 'https://iamconnected.portbase.com')).rejects.toMatchObject({
      code: 'origin-not-allowed',
    });
    h.policy = {};
    expect((await vault.codeForOrigin(a.id, 'https://iamconnected.portbase.com')).code).toMatch(/^\d{6}$/);
  });

  it('exports: encrypted needs a password, plain needs the master password again; policy can disable both', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(PASSWORD);
    await vault.add(parseOtpauthUri(URI));
    await expect(vault.exportUris('wrong password!!')).rejects.toMatchObject({ code: 'wrong-password' });
    const uris = await vault.exportUris(PASSWORD);
    expect(parseOtpauthUri(uris.trim()).issuer).toBe('Portbase');
    const file = await vault.exportEncrypted('export pass 123');
    expect(file).not.toContain('Portbase');
    await expect(vault.exportEncrypted('short')).rejects.toMatchObject({ code: 'weak-password' });
    h.policy = { disableExport: true };
    await expect(vault.exportUris(PASSWORD)).rejects.toMatchObject({ code: 'export-disabled' });
    await expect(vault.exportEncrypted('export pass 123')).rejects.toMatchObject({ code: 'export-disabled' });
  });

  it('export password follows the master-password rules in force (passwordMinLength, passwordPattern)', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(PASSWORD);
    await vault.add(parseOtpauthUri(URI));
    const before = JSON.stringify([...h.local.data.entries()]);
    // The defaults ask for 10 characters: 8 no longer pass.
    await expect(vault.exportEncrypted('8 chars!')).rejects.toMatchObject({
      code: 'weak-password',
      details: { problems: [{ code: 'too-short', min: 10 }] },
    });
    h.policy = { passwordMinLength: 16, passwordPattern: '[0-9]', passwordPatternHint: 'Include a digit.' };
    await expect(vault.exportEncrypted('sixteen letters!')).rejects.toMatchObject({
      code: 'weak-password',
      message: 'Include a digit.',
      details: { problems: [{ code: 'pattern', hint: 'Include a digit.' }] },
    });
    await expect(vault.exportEncrypted('only 12 char')).rejects.toMatchObject({
      code: 'weak-password',
      details: { problems: [{ code: 'too-short', min: 16 }] },
    });
    // Refusals change nothing; a compliant password exports.
    expect(JSON.stringify([...h.local.data.entries()])).toBe(before);
    const file = await vault.exportEncrypted('sixteen letters 7');
    expect(JSON.parse(file)).toHaveProperty('ciphertext');
  });

  it('changes the password (new salt), refusing a wrong old one', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(PASSWORD);
    await vault.add(parseOtpauthUri(URI));
    await expect(vault.changePassword('nope nope nope', 'new password 123')).rejects.toMatchObject({
      code: 'wrong-password',
    });
    await vault.changePassword(PASSWORD, 'new password 123');
    await vault.lock();
    await expect(vault.unlock(PASSWORD)).rejects.toMatchObject({ code: 'wrong-password' });
    expect(await vault.unlock('new password 123')).toEqual({ state: 'unlocked', accounts: 1 });
  });

  it('gives all TOTP codes at once (never HOTP, which would use up a counter) and public info', async () => {
    const h = harness();
    const vault = h.make();
    expect((await vault.info()).generation).toBeNull();
    await vault.create(PASSWORD);
    const a = await vault.add(parseOtpauthUri(URI));
    await vault.add(parseOtpauthUri('otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0'));
    const all = await vault.codes();
    expect(Object.keys(all)).toEqual([a.id]);
    expect(all[a.id]!.code).toBe(await oracle('JBSWY3DPEHPK3PXP', h.clock.now));
    const info = await vault.info();
    expect(info).toMatchObject({ storage: 'indexeddb', keyStorage: 'storage.session', generation: 3 });
    expect(info.kdf).toEqual({ memoryKiB: 8192, iterations: 1, parallelism: 1 });
    expect(info.previousAvailable).toBe(true);
  });
});
