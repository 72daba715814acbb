import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportableAccount } from '../../../test/support/otp-arbitraries.js';
import { base64Encode } from './base64.js';
import { OtpauthError } from './errors.js';
import { formatMigrationUri } from './format-migration-uri.js';
import { parseMigrationUri } from './parse-migration-uri.js';
import { assertValidAccount } from './validate-account.js';

/** Either a batch of valid accounts or an OtpauthError: never another exception. */
function parseOrNamedError(uri: string): void {
  try {
    const batch = parseMigrationUri(uri);
    expect(batch.accounts.length).toBeGreaterThan(0);
    expect(batch.batchIndex).toBeGreaterThanOrEqual(0);
    expect(batch.batchIndex).toBeLessThan(batch.batchSize);
    for (const a of batch.accounts) assertValidAccount(a);
  } catch (error) {
    if (!(error instanceof OtpauthError)) throw error;
  }
}

const uriOf = (bytes: Uint8Array) =>
  `otpauth-migration://offline?data=${encodeURIComponent(base64Encode(bytes))}`;
const bytesOf = (uri: string) =>
  Uint8Array.from(atob(decodeURIComponent(uri.split('data=')[1]!)), (c) => c.charCodeAt(0));

describe('parseMigrationUri fuzz', () => {
  it('arbitrary bytes as data give accounts or an OtpauthError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => parseOrNamedError(uriOf(bytes))),
      {
        numRuns: 3000,
      },
    );
  });

  it('arbitrary strings give accounts or an OtpauthError', () => {
    const strings = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ maxLength: 200 }).map((s) => `otpauth-migration://offline?data=${s}`),
    );
    fc.assert(fc.property(strings, parseOrNamedError), { numRuns: 2000 });
  });

  it('valid exports with bytes changed, dropped or cut give accounts or an OtpauthError', () => {
    const mutated = fc
      .tuple(
        fc.array(exportableAccount, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: -1, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
      )
      .map(([accounts, edits, cut]) => {
        const bytes = [...bytesOf(formatMigrationUri(accounts))];
        for (const [at, value] of edits) {
          const i = at % bytes.length;
          if (value < 0) bytes.splice(i, 1);
          else bytes[i] = value;
        }
        return Uint8Array.from(bytes.slice(0, bytes.length - (cut % 4)));
      });
    fc.assert(
      fc.property(mutated, (bytes) => parseOrNamedError(uriOf(bytes))),
      { numRuns: 1500 },
    );
  });

  it('a huge export is handled without hanging', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({
      type: 'totp' as const,
      account: `user${i}`,
      secret: new Uint8Array(20).fill(i & 0xff),
      algorithm: 'SHA1' as const,
      digits: 6 as const,
      period: 30,
    }));
    expect(parseMigrationUri(formatMigrationUri(many)).accounts).toHaveLength(5000);
  });
});
