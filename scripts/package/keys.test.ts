import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_EXTENSION_KEY, EXTENSION_IDS } from '../../extension/ids';
import { extensionIdFromPublicKey, loadSigningKey, throwawayKey } from './keys';

describe('extension signing key', () => {
  it('derives the documented development ID from the development public key', () => {
    expect(extensionIdFromPublicKey(Buffer.from(DEVELOPMENT_EXTENSION_KEY, 'base64'))).toBe(
      EXTENSION_IDS.chromium,
    );
  });

  it('reads the organisation key from a file or from the environment, same ID either way', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfa-bridge-key-'));
    try {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
      writeFileSync(join(dir, 'org.pem'), pem);
      const fromFile = loadSigningKey({ file: join(dir, 'org.pem'), env: {} })!;
      const fromEnv = loadSigningKey({ env: { MFA_BRIDGE_SIGNING_KEY: pem } })!;
      expect(fromFile.chromiumId).toMatch(/^[a-p]{32}$/);
      expect(fromEnv.chromiumId).toBe(fromFile.chromiumId);
      expect(fromEnv.publicKeyBase64).toBe(fromFile.publicKeyBase64);
      expect(fromFile.throwaway).toBe(false);
      expect(loadSigningKey({ env: { MFA_BRIDGE_SIGNING_KEY_FILE: join(dir, 'org.pem') } })!.chromiumId).toBe(
        fromFile.chromiumId,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses what is not an RSA private key, and makes a fresh throw-away key when none is given', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() =>
      loadSigningKey({
        env: { MFA_BRIDGE_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
      }),
    ).toThrow(/must be an RSA key/);
    expect(() => loadSigningKey({ env: { MFA_BRIDGE_SIGNING_KEY: 'hello' } })).toThrow(
      /not a PEM private key/,
    );
    expect(() => loadSigningKey({ file: '/nonexistent/key.pem', env: {} })).toThrow(/does not exist/);
    expect(loadSigningKey({ env: {} })).toBeNull();
    const a = throwawayKey();
    const b = throwawayKey();
    expect(a.throwaway).toBe(true);
    expect(a.chromiumId).not.toBe(b.chromiumId);
  });
});
