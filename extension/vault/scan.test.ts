import { formatMigrationUri, parseOtpauthUri } from '@shared/otp/index.js';
import { describe, expect, it } from 'vitest';
import { accountsFromCodes } from './scan';

const TOP = { frameOrigin: 'https://login.example.com', crossOrigin: false };
const FRAME = { frameOrigin: 'https://ads.example.net', crossOrigin: true };
const URI = 'otpauth://totp/Portbase:jan%40example.nl?secret=JBSWY3DPEHPK3PXP&issuer=Portbase';

describe('accountsFromCodes', () => {
  it('lists a single otpauth code with issuer, account name and where it was shown', () => {
    const r = accountsFromCodes([{ text: URI, ...TOP }]);
    expect(r.notAuthenticator).toBe(0);
    expect(r.accounts).toHaveLength(1);
    expect(r.accounts[0]).toMatchObject({
      issuer: 'Portbase',
      account: 'jan@example.nl',
      source: 'otpauth',
      ...TOP,
    });
    expect(parseOtpauthUri(r.accounts[0]!.uri).secret).toEqual(parseOtpauthUri(URI).secret);
  });

  it('lists every account of a migration export, one by one, each importable on its own', () => {
    const accounts = ['alice', 'bob', 'carol', 'dave'].map((name, i) => ({
      ...parseOtpauthUri(URI),
      issuer: `Issuer ${i}`,
      account: name,
    }));
    const r = accountsFromCodes([{ text: formatMigrationUri(accounts), ...FRAME }]);
    expect(r.accounts.map((a) => [a.issuer, a.account, a.source])).toEqual([
      ['Issuer 0', 'alice', 'migration'],
      ['Issuer 1', 'bob', 'migration'],
      ['Issuer 2', 'carol', 'migration'],
      ['Issuer 3', 'dave', 'migration'],
    ]);
    for (const a of r.accounts) {
      expect(a).toMatchObject(FRAME);
      expect(a.uri).toMatch(/^otpauth:\/\/totp\//);
    }
  });

  it('counts codes that are not authenticator set-up codes and never lists them', () => {
    const r = accountsFromCodes([
      { text: 'https://example.com/menu', ...TOP },
      { text: 'WIFI:S:cafe;T:WPA;P:secret;;', ...TOP },
      { text: 'otpauth://totp/x?secret=not-base32!', ...TOP },
      { text: 'otpauth-migration://offline?data=bm90LWEtcGF5bG9hZA', ...TOP },
    ]);
    expect(r).toEqual({ accounts: [], notAuthenticator: 4 });
  });

  it('keeps the authenticator codes when other codes are on the page', () => {
    const r = accountsFromCodes([
      { text: 'https://example.com', ...TOP },
      { text: URI, ...FRAME },
    ]);
    expect(r.notAuthenticator).toBe(1);
    expect(r.accounts.map((a) => a.frameOrigin)).toEqual([FRAME.frameOrigin]);
  });
});
