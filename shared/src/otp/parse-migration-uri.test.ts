import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportableAccount } from '../../../test/support/otp-arbitraries.js';
import type { OtpAccount } from './account.js';
import { base32Decode, base32Encode } from './base32.js';
import { base64Encode } from './base64.js';
import { OtpauthError, type OtpauthErrorCode } from './errors.js';
import { formatMigrationUri } from './format-migration-uri.js';
import { parseMigrationUri } from './parse-migration-uri.js';

// Public sample exports whose contents their authors published alongside.
// extract_otp_secrets (scito): the Raspberry Pi example, with and without issuer; negative batch ids.
const RASPBERRY =
  'otpauth-migration://offline?data=CjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACjr4JKK%2B%2F%2F%2F%2F%2F8B';
const RASPBERRY_NO_ISSUER =
  'otpauth-migration://offline?data=CigKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpIAEoATACEAEYASAAKLzjp5n4%2F%2F%2F%2F%2FwE%3D';
// dim13/otpauth: a minimal payload (only type set), 10-byte secret.
const ALICE =
  'otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC';
// johncallahan/otpauth_migration: four accounts in one code, unescaped base64 with '+' and '/'.
const FOUR =
  'otpauth-migration://offline?data=Cj8KFGnEpnTMQ7KDguNWnddyGyCbSVLaEhhBQ01FIENvOmpvaG5AZXhhbXBsZS5jb20aB0FDTUUgQ28gASgBMAIKRAoUXkj+5MY2arwKjsnH2aDsbm6TAlYSG0JldGEgTHRkLjpob21lckBleGFtcGxlLmNvbRoJQmV0YSBMdGQuIAEoATACCkgKFDDFyzUNPgYoI3q/KGHBdcNU9ptWEh1DYXRzICYgRG9nczptYXJnZUBleGFtcGxlLmNvbRoLQ2F0cyAmIERvZ3MgASgBMAIKSAoUunHzbm5h/LUO0yilLMI+dYZY1eISHURhaWx5IEJ1Z2xlOnBldGVyQGV4YW1wbGUuY29tGgtEYWlseSBCdWdsZSABKAEwAhABGAEgACjDnb+uAg==';

const totp = (issuer: string | undefined, account: string, secret: string): OtpAccount => ({
  type: 'totp',
  ...(issuer === undefined ? {} : { issuer }),
  account,
  secret: base32Decode(secret),
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
});

describe('parseMigrationUri: published sample exports', () => {
  it('reads the Raspberry Pi example with its negative batch id', () => {
    const batch = parseMigrationUri(RASPBERRY);
    expect(batch.accounts).toEqual([totp('raspberrypi', 'pi@raspberrypi', '7KSQL2JTUDIS5EF65KLMRQIIGY')]);
    expect(batch).toMatchObject({ batchIndex: 0, batchSize: 1 });
    expect(batch.batchId).toBeLessThan(0);
    expect(Number.isInteger(batch.batchId)).toBe(true);
  });

  it('reads an entry without issuer', () => {
    expect(parseMigrationUri(RASPBERRY_NO_ISSUER).accounts).toEqual([
      totp(undefined, 'pi@raspberrypi', '7KSQL2JTUDIS5EF65KLMRQIIGY'),
    ]);
  });

  it('reads a minimal payload (no version or batch fields) as 1 of 1, with a 10-byte secret', () => {
    expect(parseMigrationUri(ALICE)).toEqual({
      accounts: [totp('Example', 'alice@google.com', 'JBSWY3DPEHPK3PXP')],
      batchIndex: 0,
      batchSize: 1,
      batchId: 0,
    });
  });

  it('gives each account a secret of its own, not a view into the whole payload', () => {
    for (const a of parseMigrationUri(FOUR).accounts) {
      expect(a.secret.byteOffset).toBe(0);
      expect(a.secret.buffer.byteLength).toBe(a.secret.length);
    }
  });

  it('reads four accounts from one code', () => {
    expect(parseMigrationUri(FOUR).accounts).toEqual([
      totp('ACME Co', 'john@example.com', 'NHCKM5GMIOZIHAXDK2O5O4Q3ECNUSUW2'),
      totp('Beta Ltd.', 'homer@example.com', 'LZEP5ZGGGZVLYCUOZHD5TIHMNZXJGASW'),
      totp('Cats & Dogs', 'marge@example.com', 'GDC4WNINHYDCQI32X4UGDQLVYNKPNG2W'),
      totp('Daily Bugle', 'peter@example.com', 'XJY7G3TOMH6LKDWTFCSSZQR6OWDFRVPC'),
    ]);
  });
});

describe('parseMigrationUri: batches, HOTP, every enum', () => {
  const hello = base32Decode('JBSWY3DPEHPK3PXP');
  const accounts: OtpAccount[] = [
    { type: 'totp', issuer: 'A', account: 'a1', secret: hello, algorithm: 'SHA1', digits: 6, period: 30 },
    { type: 'totp', issuer: 'B', account: 'b1', secret: hello, algorithm: 'SHA256', digits: 8, period: 30 },
    { type: 'totp', account: 'c1', secret: hello, algorithm: 'SHA512', digits: 6, period: 30 },
    {
      type: 'hotp',
      issuer: 'D',
      account: 'd1',
      secret: hello,
      algorithm: 'SHA1',
      digits: 8,
      period: 30,
      counter: 0,
    },
    {
      type: 'hotp',
      issuer: 'E',
      account: 'e1',
      secret: hello,
      algorithm: 'SHA512',
      digits: 6,
      period: 30,
      counter: 987654321,
    },
  ];

  it('reads an export split over three codes sharing a negative batch id', () => {
    const batchId = -1_234_567_890;
    const codes = [accounts.slice(0, 2), accounts.slice(2, 4), accounts.slice(4)].map((part, batchIndex) =>
      formatMigrationUri(part, { batchIndex, batchSize: 3, batchId }),
    );
    const batches = codes.map(parseMigrationUri);
    expect(batches.map((b) => [b.batchIndex, b.batchSize, b.batchId])).toEqual([
      [0, 3, batchId],
      [1, 3, batchId],
      [2, 3, batchId],
    ]);
    expect(batches.flatMap((b) => b.accounts)).toEqual(accounts);
  });

  it('accepts the largest and smallest int32 batch ids', () => {
    for (const batchId of [2 ** 31 - 1, -(2 ** 31)]) {
      expect(parseMigrationUri(formatMigrationUri(accounts, { batchId })).batchId).toBe(batchId);
    }
  });

  it('round-trips every account the format can hold (property)', () => {
    fc.assert(
      fc.property(
        fc.array(exportableAccount, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        (list, batchId) => {
          expect(parseMigrationUri(formatMigrationUri(list, { batchId }))).toEqual({
            accounts: list,
            batchIndex: 0,
            batchSize: 1,
            batchId,
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses to write what an export cannot hold', () => {
    const seven = { ...accounts[0]!, digits: 7 as const };
    const minute = { ...accounts[0]!, period: 60 };
    expect(() => formatMigrationUri([seven])).toThrowError(expect.objectContaining({ code: 'bad-digits' }));
    expect(() => formatMigrationUri([minute])).toThrowError(expect.objectContaining({ code: 'bad-period' }));
    expect(() => formatMigrationUri([])).toThrowError(expect.objectContaining({ code: 'bad-payload' }));
    expect(() => formatMigrationUri(accounts, { batchIndex: 1, batchSize: 1 })).toThrowError(
      expect.objectContaining({ code: 'bad-payload' }),
    );
    expect(() => formatMigrationUri(accounts, { batchId: 2 ** 31 })).toThrowError(
      expect.objectContaining({ code: 'bad-payload' }),
    );
  });
});

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const withBytes = (bytes: string) =>
  `otpauth-migration://offline?data=${encodeURIComponent(base64Encode(hex(bytes)))}`;
// One valid TOTP entry: secret = 10 bytes of 0x01, name "a", type TOTP.
const ENTRY = `0a0a${'01'.repeat(10)}1201613002`;

describe('parseMigrationUri: the malformed corpus', () => {
  it.each<[string, unknown, OtpauthErrorCode]>([
    ['not a string', null, 'bad-scheme'],
    ['an otpauth:// link', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP', 'bad-scheme'],
    ['another host', 'otpauth-migration://online?data=CgA%3D', 'bad-scheme'],
    ['https', 'https://example.com/?data=CgA%3D', 'bad-scheme'],
    ['no data', 'otpauth-migration://offline?', 'bad-payload'],
    ['empty data', 'otpauth-migration://offline?data=', 'bad-payload'],
    ['data twice', `${withBytes(`0a${(ENTRY.length / 2).toString(16)}${ENTRY}`)}&data=CgA%3D`, 'bad-payload'],
    ['broken %-escape', 'otpauth-migration://offline?data=%2', 'bad-payload'],
    ['not base64', 'otpauth-migration://offline?data=%%%', 'bad-payload'],
    ['impossible base64 length', 'otpauth-migration://offline?data=CgAAC', 'bad-payload'],
    ['truncated protobuf', withBytes('0a05'), 'bad-payload'],
    ['wrong wire type for accounts', withBytes('0801'), 'bad-payload'],
    ['no accounts (valid but empty message)', withBytes('10011801'), 'bad-payload'],
    [
      'batch index beyond size',
      withBytes(`0a${(ENTRY.length / 2).toString(16)}${ENTRY}18022002`),
      'bad-payload',
    ],
    [
      'negative batch size',
      withBytes(`0a${(ENTRY.length / 2).toString(16)}${ENTRY}18ffffffffffffffffff01`),
      'bad-payload',
    ],
    ['an entry without secret', withBytes('0a05120161' + '3002'), 'bad-secret'],
    ['an entry with MD5', withBytes(`0a${(ENTRY.length / 2 + 2).toString(16)}${ENTRY}2004`), 'bad-algorithm'],
    ['an entry without type', withBytes(`0a0e0a0a${'01'.repeat(10)}120161`), 'bad-type'],
    ['an entry with empty name', withBytes(`0a0e0a0a${'01'.repeat(10)}3002`), 'bad-label'],
    ['invalid UTF-8 in a name', withBytes(`0a0f0a0a${'01'.repeat(10)}1201ff3002`), 'bad-payload'],
  ])('rejects %s', (_name, uri, code) => {
    let thrown: unknown;
    try {
      parseMigrationUri(uri as string);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OtpauthError);
    expect(thrown).toMatchObject({ code });
    expect((thrown as Error).message.length).toBeGreaterThan(20);
  });

  it('does not put secrets into error messages', () => {
    const secret = new Uint8Array(9).fill(0x41);
    const uri = withBytes(`0a0e0a09${'41'.repeat(9)}1201613002`);
    expect(() => parseMigrationUri(uri)).toThrowError(OtpauthError);
    try {
      parseMigrationUri(uri);
    } catch (error) {
      expect((error as Error).message).not.toContain(base32Encode(secret));
      expect((error as Error).message).not.toContain('AAAAAAAAA');
    }
  });
});
