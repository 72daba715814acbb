import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import type { OtpauthErrorCode } from './errors.js';
import { accountFromMigrationEntry } from './migration-entry.js';
import {
  MigrationAlgorithm,
  MigrationDigitCount,
  MigrationOtpParametersSchema,
  MigrationOtpType,
} from './migration-payload.js';

const secret = new Uint8Array(20).fill(1);
const entry = (
  init: Partial<{
    name: string;
    issuer: string;
    algorithm: number;
    digits: number;
    type: number;
    counter: bigint;
    secret: Uint8Array;
  }>,
) =>
  create(MigrationOtpParametersSchema, {
    secret,
    name: 'Example:alice',
    issuer: 'Example',
    type: MigrationOtpType.TOTP,
    ...init,
  });

describe('accountFromMigrationEntry', () => {
  it.each([
    [MigrationAlgorithm.UNSPECIFIED, 'SHA1'],
    [MigrationAlgorithm.SHA1, 'SHA1'],
    [MigrationAlgorithm.SHA256, 'SHA256'],
    [MigrationAlgorithm.SHA512, 'SHA512'],
  ])('maps algorithm enum %i to %s', (algorithm, want) => {
    expect(accountFromMigrationEntry(entry({ algorithm }), 1).algorithm).toBe(want);
  });

  it.each([
    [MigrationDigitCount.UNSPECIFIED, 6],
    [MigrationDigitCount.SIX, 6],
    [MigrationDigitCount.EIGHT, 8],
  ])('maps digit-count enum %i to %i digits', (digits, want) => {
    expect(accountFromMigrationEntry(entry({ digits }), 1).digits).toBe(want);
  });

  it('reads TOTP entries with period 30 and no counter', () => {
    expect(accountFromMigrationEntry(entry({ counter: 5n }), 1)).toEqual({
      type: 'totp',
      issuer: 'Example',
      account: 'alice',
      secret,
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
  });

  it('reads HOTP entries with their counter, up to the largest safe integer', () => {
    const hotp = (counter: bigint) =>
      accountFromMigrationEntry(entry({ type: MigrationOtpType.HOTP, counter }), 1);
    expect(hotp(0n)).toMatchObject({ type: 'hotp', counter: 0 });
    expect(hotp(12345n)).toMatchObject({ type: 'hotp', counter: 12345 });
    expect(hotp(BigInt(Number.MAX_SAFE_INTEGER))).toMatchObject({ counter: Number.MAX_SAFE_INTEGER });
  });

  it('takes the issuer from the name when the issuer field is empty', () => {
    expect(accountFromMigrationEntry(entry({ issuer: '', name: 'Bank:bob' }), 1)).toMatchObject({
      issuer: 'Bank',
      account: 'bob',
    });
    expect(accountFromMigrationEntry(entry({ issuer: '', name: 'bob' }), 1)).not.toHaveProperty('issuer');
  });

  it.each<[string, Parameters<typeof entry>[0], OtpauthErrorCode]>([
    ['MD5', { algorithm: MigrationAlgorithm.MD5 }, 'bad-algorithm'],
    ['unknown algorithm 9', { algorithm: 9 }, 'bad-algorithm'],
    ['unknown digit count 3', { digits: 3 }, 'bad-digits'],
    ['unspecified type', { type: MigrationOtpType.UNSPECIFIED }, 'bad-type'],
    ['unknown type 7', { type: 7 }, 'bad-type'],
    ['negative HOTP counter', { type: MigrationOtpType.HOTP, counter: -1n }, 'bad-counter'],
    ['HOTP counter above 2^53', { type: MigrationOtpType.HOTP, counter: 2n ** 53n }, 'bad-counter'],
    ['empty name', { name: '', issuer: 'x' }, 'bad-label'],
    ['empty secret', { secret: new Uint8Array(0) }, 'bad-secret'],
    ['9-byte secret', { secret: new Uint8Array(9) }, 'bad-secret'],
  ])('rejects %s, naming the entry', (_name, init, code) => {
    expect(() => accountFromMigrationEntry(entry(init), 3)).toThrowError(
      expect.objectContaining({ code, message: expect.stringMatching(/^Account 3 in this export: /) }),
    );
  });
});
