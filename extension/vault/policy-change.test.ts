/**
 * Password rules that arrive after the vault was made (Chromium's late storage.managed): the next
 * unlock with the old password opens nothing until a compliant new password is chosen; nothing is lost.
 */
import { createGuardrails, generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { inspect } from './crypto';
import { parseOtpauthUri } from './otp';
import { KEYS } from './service';
import { harness } from './test-helpers';

const URI = 'otpauth://totp/Portbase:jan?secret=JBSWY3DPEHPK3PXP&issuer=Portbase';
const OLD = 'no digits in here'; // meets the defaults (10+ characters), not a "[0-9]" policy
const NEW = 'now with digit 7 and long';
const POLICY = { passwordMinLength: 16, passwordPattern: '[0-9]', passwordPatternHint: 'Include a digit.' };

async function oracle(atMs: number): Promise<string> {
  return generate({
    secret: 'JBSWY3DPEHPK3PXP',
    epoch: Math.floor(atMs / 1000),
    guardrails: createGuardrails({ MIN_SECRET_BYTES: 10 }),
  });
}

async function vaultMadeBeforePolicy() {
  const h = harness();
  const vault = h.make();
  await vault.create(OLD);
  const a = await vault.add(parseOtpauthUri(URI));
  await vault.lock();
  h.policy = POLICY; // the administrator's policy is delivered now
  return { h, vault, id: a.id };
}

describe('password rules that arrive after the vault exists', () => {
  it('a right but non-compliant password unlocks nothing and says which rules fail', async () => {
    const { h, vault } = await vaultMadeBeforePolicy();
    await expect(vault.unlock(OLD)).rejects.toMatchObject({
      code: 'password-change-required',
      details: { problems: [{ code: 'pattern', hint: 'Include a digit.' }] },
    });
    expect((await vault.status()).state).toBe('locked');
    expect(await h.session.get(null)).toEqual({});
    await expect(vault.list()).rejects.toMatchObject({ code: 'locked' });
    // A right password is not a failed attempt: no rate limit builds up.
    expect(await h.local.get(KEYS.failures)).toEqual({});
    // A wrong password is still just wrong (the rule check never runs on it).
    await expect(vault.unlock('wrong password 123456')).rejects.toMatchObject({ code: 'wrong-password' });
  });

  it('too short under the new minimum is reported as such', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create('ten chars!'); // 10: the default minimum
    await vault.lock();
    h.policy = { passwordMinLength: 12 };
    await expect(vault.unlock('ten chars!')).rejects.toMatchObject({
      code: 'password-change-required',
      details: { problems: [{ code: 'too-short', min: 12 }] },
    });
  });

  it('with a compliant new password: unlocked, re-encrypted under it, every account kept', async () => {
    const { h, vault, id } = await vaultMadeBeforePolicy();
    const before = await inspect((await h.local.get(KEYS.current))[KEYS.current], 'vault');
    expect(await vault.unlock(OLD, NEW)).toEqual({ state: 'unlocked', accounts: 1 });
    expect((await vault.codeFor(id)).code).toBe(await oracle(h.clock.now));
    const after = await inspect((await h.local.get(KEYS.current))[KEYS.current], 'vault');
    expect(after.generation).toBe(before.generation + 1);
    expect(after.kdf.salt).not.toBe(before.kdf.salt);
    // The old generation stays as "previous" (as after any password change).
    const prev = await inspect((await h.local.get(KEYS.previous))[KEYS.previous], 'vault');
    expect(prev.generation).toBe(before.generation);
    // Survives a restart of the background, and the new password is the one that opens it.
    const restarted = h.make();
    expect(await restarted.status()).toEqual({ state: 'unlocked', accounts: 1 });
    await restarted.lock();
    await expect(restarted.unlock(OLD)).rejects.toMatchObject({ code: 'wrong-password' });
    expect(await restarted.unlock(NEW)).toEqual({ state: 'unlocked', accounts: 1 });
  });

  it('a new password that breaks the rules too is refused and changes nothing', async () => {
    const { h, vault } = await vaultMadeBeforePolicy();
    const before = (await h.local.get(KEYS.current))[KEYS.current];
    await expect(vault.unlock(OLD, 'still no digits at all')).rejects.toMatchObject({
      code: 'weak-password',
      message: 'Include a digit.',
    });
    expect((await h.local.get(KEYS.current))[KEYS.current]).toEqual(before);
    expect((await vault.status()).state).toBe('locked');
    // The old password still opens it once the change is made properly.
    expect((await vault.unlock(OLD, NEW)).state).toBe('unlocked');
  });

  it('the new password needs the right old one', async () => {
    const { vault } = await vaultMadeBeforePolicy();
    await expect(vault.unlock('not the password 1', NEW)).rejects.toMatchObject({ code: 'wrong-password' });
    expect((await vault.status()).state).toBe('locked');
  });

  it('a vault unlocked when the policy arrives stays unlocked until it locks (the check needs the password)', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(OLD);
    h.policy = POLICY;
    expect((await vault.status()).state).toBe('unlocked');
    await vault.lock();
    await expect(vault.unlock(OLD)).rejects.toMatchObject({ code: 'password-change-required' });
  });

  it('restoring the previous copy with such a password restores it but leaves it locked', async () => {
    const { h, vault, id } = await vaultMadeBeforePolicy();
    // One more generation, so the previous copy holds the first account.
    h.policy = {};
    await vault.unlock(OLD);
    await vault.add(parseOtpauthUri('otpauth://totp/Example:alice?secret=GEZDGNBVGY3TQOJQ&issuer=Example'));
    await vault.lock();
    h.policy = POLICY;
    // Damage the current record (a write cut short), as in service.test.ts.
    const cur = (await h.local.get(KEYS.current))[KEYS.current] as { ciphertext: string };
    await h.local.set({ [KEYS.current]: { ...cur, ciphertext: cur.ciphertext.slice(0, 8) } });
    const fresh = h.make();
    expect((await fresh.status()).state).toBe('damaged');
    await expect(fresh.restorePrevious(OLD)).rejects.toMatchObject({ code: 'password-change-required' });
    expect((await fresh.status()).state).toBe('locked');
    expect(await h.session.get(null)).toEqual({});
    // The restored copy is the one the next unlock opens, after choosing a new password.
    expect(await fresh.unlock(OLD, NEW)).toEqual({ state: 'unlocked', accounts: 1 });
    expect((await fresh.codeFor(id)).code).toBe(await oracle(h.clock.now));
  });

  it('a compliant password unlocks as before', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(NEW);
    await vault.lock();
    h.policy = POLICY;
    expect(await vault.unlock(NEW)).toEqual({ state: 'unlocked', accounts: 0 });
  });
});
