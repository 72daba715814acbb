import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inspect } from './crypto';
import { VaultError } from './errors';
import { parseImport } from './imports';
import { OtpauthError } from './otp';

const named = (e: unknown) => e instanceof VaultError || e instanceof OtpauthError;

describe('import and container parsers take arbitrary input and throw only named errors', () => {
  it('parseImport(auto) on arbitrary text', async () => {
    const text = fc.oneof(
      fc.string(),
      fc.json(),
      fc.string().map((s) => `otpauth://totp/${s}`),
      fc.string().map((s) => `otpauth-migration://offline?data=${s}`),
      fc.jsonValue().map((v) => JSON.stringify({ version: 1, header: { slots: null }, db: v })),
      fc.jsonValue().map((v) => JSON.stringify({ services: [v], schemaVersion: 4 })),
    );
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        try {
          const r = await parseImport('auto', t, 'some password');
          expect(Array.isArray(r.items) && Array.isArray(r.skipped)).toBe(true);
        } catch (e) {
          expect(named(e), String(e)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('inspect() on arbitrary JSON values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (v) => {
        await expect(inspect(v, 'vault')).rejects.toBeInstanceOf(VaultError);
      }),
      { numRuns: 300 },
    );
  });
});
