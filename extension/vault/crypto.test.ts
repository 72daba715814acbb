import { describe, expect, it } from 'vitest';
import {
  DEFAULT_KDF,
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
  VAULT_VERSION,
  type VaultRecord,
} from './crypto';

const FAST: Omit<KdfParams, 'salt'> = { alg: 'argon2id', memoryKiB: 8192, iterations: 1, parallelism: 1 };
const enc = new TextEncoder();

async function sealed(text = 'secret payload', password = 'correct horse battery') {
  const kdf = newKdfParams(FAST);
  const dk = await deriveKey(password, kdf);
  const rec = await seal(enc.encode(text), dk, kdf, { kind: 'vault', generation: 4 });
  return { rec, dk, kdf };
}

async function digestOf(header: string, ciphertext: string): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', enc.encode(`${header}\n${ciphertext}`));
  return toBase64(new Uint8Array(d));
}

/** Re-sign the unkeyed digest, as a deliberate tamperer (not a disk error) would. */
async function resign(r: VaultRecord): Promise<VaultRecord> {
  return { ...r, digest: await digestOf(r.header, r.ciphertext) };
}

describe('vault container', () => {
  it('round-trips with the password and with the derived key', async () => {
    const { rec, dk } = await sealed('hello vault');
    const a = await openWithPassword(rec, 'correct horse battery', 'vault');
    expect(new TextDecoder().decode(a.plaintext)).toBe('hello vault');
    expect(a.header.generation).toBe(4);
    expect(a.header.version).toBe(VAULT_VERSION);
    const b = await openWithKey(structuredClone(rec), dk, 'vault');
    expect(new TextDecoder().decode(b.plaintext)).toBe('hello vault');
  });

  it('uses a fresh salt per vault and a fresh 96-bit IV per write', async () => {
    const { rec, dk, kdf } = await sealed();
    const again = await seal(enc.encode('secret payload'), dk, kdf, { kind: 'vault', generation: 5 });
    const h1 = JSON.parse(rec.header);
    const h2 = JSON.parse(again.header);
    expect(fromBase64(h1.iv)).toHaveLength(12);
    expect(h1.iv).not.toBe(h2.iv);
    expect(rec.ciphertext).not.toBe(again.ciphertext);
    expect(newKdfParams().salt).not.toBe(newKdfParams().salt);
    expect(fromBase64(kdf.salt)).toHaveLength(16);
  });

  it('the record holds no plaintext', async () => {
    const { rec } = await sealed('JBSWY3DPEHPK3PXP-plaintext-marker');
    expect(JSON.stringify(rec)).not.toContain('plaintext-marker');
  });

  it('tells a wrong password from damage', async () => {
    const { rec } = await sealed();
    await expect(openWithPassword(rec, 'wrong horse battery', 'vault')).rejects.toMatchObject({
      code: 'wrong-password',
    });
  });

  it('reports every bit flip in the ciphertext as damage, before asking for a password', async () => {
    const { rec } = await sealed('x'.repeat(40));
    const ct = fromBase64(rec.ciphertext);
    for (let bit = 0; bit < ct.length * 8; bit += 7) {
      const flipped = new Uint8Array(ct);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      const bad = { ...rec, ciphertext: toBase64(flipped) };
      await expect(inspect(bad, 'vault')).rejects.toMatchObject({ code: 'damaged' });
    }
  });

  it('reports deliberate tampering (digest re-signed) as damage with the right password', async () => {
    const { rec } = await sealed('y'.repeat(40));
    const ct = fromBase64(rec.ciphertext);
    ct[3]! ^= 0x10;
    const bad = await resign({ ...rec, ciphertext: toBase64(ct) });
    await expect(openWithPassword(bad, 'correct horse battery', 'vault')).rejects.toMatchObject({
      code: 'damaged',
    });
  });

  it('authenticates the header (generation, IV, kind are additional data)', async () => {
    const { rec } = await sealed();
    const h = JSON.parse(rec.header);
    const variants = [
      { ...h, generation: h.generation + 1 },
      { ...h, writtenAt: h.writtenAt + 1 },
      { ...h, iv: toBase64(new Uint8Array(12)) },
    ];
    for (const v of variants) {
      const bad = await resign({ ...rec, header: JSON.stringify(v) });
      await expect(openWithPassword(bad, 'correct horse battery', 'vault')).rejects.toMatchObject({
        code: 'damaged',
      });
    }
    // An export cannot be opened as the vault, nor the vault as an export.
    await expect(inspect(rec, 'export')).rejects.toMatchObject({ code: 'damaged' });
  });

  it('reports truncation and garbage as damage', async () => {
    const { rec } = await sealed();
    const json = JSON.stringify(rec);
    for (const cut of [0, 10, json.length >> 1, json.length - 2]) {
      let value: unknown;
      try {
        value = JSON.parse(json.slice(0, cut));
      } catch {
        value = json.slice(0, cut);
      }
      await expect(inspect(value, 'vault')).rejects.toMatchObject({ code: 'damaged' });
    }
    const short = { ...rec, ciphertext: rec.ciphertext.slice(0, 8) };
    await expect(inspect(short, 'vault')).rejects.toMatchObject({ code: 'damaged' });
    for (const junk of [null, 42, [], {}, { header: 1, ciphertext: 2, digest: 3 }]) {
      await expect(inspect(junk, 'vault')).rejects.toMatchObject({ code: 'damaged' });
    }
  });

  it('refuses a newer format version by name, and a header asking for absurd KDF cost as damage', async () => {
    const { rec } = await sealed();
    const h = JSON.parse(rec.header);
    const newer = await resign({ ...rec, header: JSON.stringify({ ...h, version: VAULT_VERSION + 1 }) });
    await expect(inspect(newer, 'vault')).rejects.toMatchObject({ code: 'unsupported-version' });
    const huge = await resign({
      ...rec,
      header: JSON.stringify({ ...h, kdf: { ...h.kdf, memoryKiB: 64 * 1024 * 1024 } }),
    });
    await expect(inspect(huge, 'vault')).rejects.toMatchObject({ code: 'damaged' });
    const old = await resign({ ...rec, header: JSON.stringify({ ...h, version: 0 }) });
    await expect(inspect(old, 'vault')).rejects.toMatchObject({ code: 'damaged' });
  });

  it('asks for an upgrade when parameters are below the defaults', async () => {
    const { rec } = await sealed();
    const h = await inspect(rec, 'vault');
    expect(needsUpgrade(h)).toBe(true);
    expect(needsUpgrade(h, FAST)).toBe(false);
    expect(DEFAULT_KDF.memoryKiB).toBeGreaterThanOrEqual(64 * 1024);
    expect(DEFAULT_KDF.iterations).toBeGreaterThanOrEqual(3);
  });
});
