import { formatMigrationUri, parseOtpauthUri } from '@shared/otp/index.js';
import { describe, expect, it } from 'vitest';
import { detectFormat, parse2fas, parseAegis, parseImport, parseUriLines } from './imports';
import { harness, PASSWORD } from './test-helpers';

const A = 'otpauth://totp/Portbase:jan%40example.nl?secret=JBSWY3DPEHPK3PXP&issuer=Portbase';
const B = 'otpauth://totp/Example:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example&digits=8';
const C = 'otpauth://hotp/Bank:bob?secret=MFRGGZDFMZTWQ2LK&issuer=Bank&counter=5';

/** An Aegis plain export, shaped like Aegis 3.x writes it (version 1, db version 3). */
function aegis(entries: unknown[]): string {
  return JSON.stringify({
    version: 1,
    header: { slots: null, params: null },
    db: { version: 3, entries, groups: [] },
  });
}

/** A 2FAS plain `.2fas` backup (schemaVersion 4). */
function twofas(services: unknown[]): string {
  return JSON.stringify({
    services,
    groups: [],
    updatedAt: 1704874073731,
    schemaVersion: 4,
    appVersionCode: 5000012,
  });
}

describe('imports: otpauth lines and Google Authenticator exports', () => {
  it('takes good lines and names every bad one with its reason', () => {
    const text = [`# my accounts`, A, '', 'otpauth://totp/Bad?secret=0189', 'hello', `  ${B}  `].join('\n');
    const r = parseUriLines(text);
    expect(r.items.map((i) => [i.account.issuer, i.source])).toEqual([
      ['Portbase', 'line 2'],
      ['Example', 'line 6'],
    ]);
    expect(r.skipped.map((s) => [s.source, s.name])).toEqual([
      ['line 4', 'Bad'],
      ['line 5', 'unknown line'],
    ]);
    expect(r.skipped[0]!.reason).toMatch(/base32/);
    expect(JSON.stringify(r.skipped)).not.toContain('0189');
  });

  it('takes every batch of a multi-QR export and reports a missing one', () => {
    const accounts = [A, B, C].map(parseOtpauthUri);
    const q1 = formatMigrationUri([accounts[0]!, accounts[1]!], {
      batchIndex: 0,
      batchSize: 3,
      batchId: -12345,
    });
    const q3 = formatMigrationUri([accounts[2]!], { batchIndex: 2, batchSize: 3, batchId: -12345 });
    const r = parseUriLines(`${q1}\n${q3}\n${q1}`);
    expect(r.items.map((i) => i.account.account)).toEqual(['jan@example.nl', 'alice', 'bob']);
    expect(r.items[2]!.account.counter).toBe(5);
    expect(r.skipped.map((s) => s.reason)).toEqual([
      'The same QR code was given twice.',
      'This QR code of the export was not included; scan or paste it too.',
    ]);
    expect(r.skipped[1]!.name).toBe('QR code 2 of 3');
  });

  it('reports a broken export payload', () => {
    const r = parseUriLines('otpauth-migration://offline?data=AAAA%2F%2F');
    expect(r.items).toEqual([]);
    expect(r.skipped).toHaveLength(1);
  });

  it('detects formats and refuses what it does not know', () => {
    expect(detectFormat(A)).toBe('otpauth');
    expect(detectFormat(formatMigrationUri([parseOtpauthUri(A)]))).toBe('migration');
    expect(detectFormat(aegis([]))).toBe('aegis');
    expect(detectFormat(twofas([]))).toBe('2fas');
    expect(() => detectFormat('{"a":1}')).toThrow(expect.objectContaining({ code: 'bad-import' }));
    expect(() => detectFormat('{"db":')).toThrow(expect.objectContaining({ code: 'bad-import' }));
    expect(() => detectFormat('')).toThrow(expect.objectContaining({ code: 'bad-import' }));
    expect(() => detectFormat('just words')).toThrow(expect.objectContaining({ code: 'bad-import' }));
  });
});

describe('imports: Aegis and 2FAS plain JSON', () => {
  it('reads Aegis entries, skipping unsupported types with a reason', () => {
    const r = parseAegis(
      aegis([
        {
          type: 'totp',
          uuid: '01234567-89ab-cdef-0123-456789abcdef',
          name: 'jan@example.nl',
          issuer: 'Portbase',
          note: '',
          icon: null,
          info: { secret: 'JBSWY3DPEHPK3PXP', algo: 'SHA1', digits: 6, period: 30 },
        },
        {
          type: 'hotp',
          name: 'bob',
          issuer: 'Bank',
          info: { secret: 'MFRGGZDFMZTWQ2LK', algo: 'SHA256', digits: 8, counter: 7 },
        },
        {
          type: 'steam',
          name: 'steam',
          issuer: 'Steam',
          info: { secret: 'JBSWY3DPEHPK3PXP', algo: 'SHA1', digits: 5, period: 30 },
        },
        { type: 'totp', name: 'broken', info: { secret: '!!!!', algo: 'SHA1', digits: 6, period: 30 } },
        {
          type: 'totp',
          name: 'md5',
          info: { secret: 'JBSWY3DPEHPK3PXP', algo: 'MD5', digits: 6, period: 30 },
        },
        'not an object',
      ]),
    );
    expect(
      r.items.map((i) => [i.account.issuer, i.account.type, i.account.algorithm, i.account.counter]),
    ).toEqual([
      ['Portbase', 'totp', 'SHA1', undefined],
      ['Bank', 'hotp', 'SHA256', 7],
    ]);
    expect(r.skipped.map((s) => s.source)).toEqual(['entry 3', 'entry 4', 'entry 5', 'entry 6']);
    expect(r.skipped[0]!.reason).toMatch(/not supported/);
    expect(r.skipped[2]!.reason).toMatch(/algorithm/i);
  });

  it('refuses an encrypted Aegis vault with advice', () => {
    const enc = JSON.stringify({
      version: 1,
      header: { slots: [{ type: 1 }], params: { nonce: 'x' } },
      db: 'AAAA',
    });
    expect(() => parseAegis(enc)).toThrow(
      expect.objectContaining({ code: 'bad-import', message: expect.stringMatching(/encrypted/) }),
    );
  });

  it('reads 2FAS services in the app order', () => {
    const r = parse2fas(
      twofas([
        {
          name: 'Example',
          secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
          otp: {
            label: 'Example:alice',
            account: 'alice',
            issuer: 'Example',
            digits: 8,
            period: 30,
            algorithm: 'SHA1',
            tokenType: 'TOTP',
            source: 'Link',
          },
          order: { position: 1 },
        },
        {
          name: 'Portbase',
          secret: 'JBSWY3DPEHPK3PXP',
          otp: { account: 'jan@example.nl', digits: 6, period: 30, algorithm: 'SHA1', tokenType: 'TOTP' },
          order: { position: 0 },
        },
        {
          name: 'Steam',
          secret: 'JBSWY3DPEHPK3PXP',
          otp: { tokenType: 'STEAM', digits: 5 },
          order: { position: 2 },
        },
        { name: 'nosecret', order: { position: 3 } },
      ]),
    );
    expect(r.items.map((i) => [i.account.issuer, i.account.account, i.account.digits])).toEqual([
      ['Portbase', 'jan@example.nl', 6],
      ['Example', 'alice', 8],
    ]);
    expect(r.skipped.map((s) => s.name)).toEqual(['Steam', 'service 4']);
  });

  it('refuses an encrypted 2FAS backup with advice', () => {
    expect(() =>
      parse2fas(JSON.stringify({ services: [], servicesEncrypted: 'abc:def:ghi', schemaVersion: 4 })),
    ).toThrow(expect.objectContaining({ code: 'bad-import' }));
  });
});

describe('imports into the vault', () => {
  it('export (encrypted) → wipe → import gives the same accounts; wrong export password is named', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(PASSWORD);
    const a = await vault.add(parseOtpauthUri(A), {
      label: 'IAM',
      icon: 'portbase',
      origins: ['https://iamconnected.portbase.com'],
    });
    await vault.add(parseOtpauthUri(C));
    const file = await vault.exportEncrypted('export password');
    const before = await vault.list();
    const codeBefore = (await vault.codeFor(a.id)).code;
    await vault.reset();
    await vault.create(PASSWORD);
    await expect(parseImport('auto', file, 'not it at all')).rejects.toMatchObject({
      code: 'wrong-password',
    });
    await expect(parseImport('auto', file)).rejects.toMatchObject({ code: 'wrong-password' });
    await expect(parseImport('mfa-bridge', file.slice(0, -20), 'export password')).rejects.toMatchObject({
      code: 'bad-import',
    });
    const parsed = await parseImport('auto', file, 'export password');
    const report = await vault.addMany(parsed.items, parsed.skipped);
    expect(report.added).toHaveLength(2);
    const after = await vault.list();
    const strip = (l: typeof before) => l.map(({ id: _i, createdAt: _c, updatedAt: _u, ...rest }) => rest);
    expect(strip(after)).toEqual(strip(before));
    expect((await vault.codeFor(after[0]!.id)).code).toBe(codeBefore);
    // Importing the same again adds nothing and says why.
    const again = await vault.addMany((await parseImport('auto', file, 'export password')).items);
    expect(again.added).toEqual([]);
    expect(again.skipped.map((s) => s.reason)).toEqual(['Already in the vault.', 'Already in the vault.']);
  });

  it('an import is all or nothing: a failed write adds none', async () => {
    const h = harness();
    const vault = h.make();
    await vault.create(PASSWORD);
    const set = h.local.set.bind(h.local);
    h.local.set = async () => {
      throw new Error('disk full');
    };
    const parsed = await parseImport('otpauth', `${A}\n${B}`);
    await expect(vault.addMany(parsed.items)).rejects.toThrow(/disk full/);
    h.local.set = set;
    expect(await h.make().list()).toEqual([]);
  });
});
