import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../settings/schema';
import { activationFor, clockOffsetMs, isBound, lookalikeOf, profileFor } from './policy';

const defaults = defaultSettings();

describe('profile and activation', () => {
  it('uses the IAMconnected profile (auto) on built-in and configured hosts, generic (click) elsewhere', () => {
    expect(profileFor('https://www.iamconnected.eu', defaults)).toBe('iamconnected');
    expect(profileFor('https://login.pcs.portbase.com', defaults)).toBe('iamconnected');
    expect(profileFor('https://example.com', defaults)).toBe('generic');
    const s = { ...defaults, siteProfiles: [{ match: 'localhost', profile: 'iamconnected' as const }] };
    expect(profileFor('http://localhost:8443', s)).toBe('iamconnected');
    expect(activationFor('https://www.iamconnected.eu', defaults, [])).toEqual({
      active: true,
      profile: 'iamconnected',
      mode: 'auto',
    });
  });

  it('is inactive on unrelated sites and active where an account is bound (mode click)', () => {
    expect(activationFor('https://news.example.com', defaults, []).active).toBe(false);
    const a = activationFor('https://app.example.com', defaults, ['https://app.example.com']);
    expect(a).toEqual({ active: true, profile: 'generic', mode: 'click' });
  });

  it('honours allowedSites: only listed sites, https only (localhost excepted)', () => {
    const s = { ...defaults, allowedSites: ['*.example.org'] };
    expect(activationFor('https://sso.example.org', s, []).active).toBe(true);
    expect(activationFor('https://www.iamconnected.eu', s, []).active).toBe(false);
    expect(activationFor('http://app.example.com', defaults, ['http://app.example.com']).active).toBe(false);
  });

  it('warns (never fills) on lookalikes of profile hosts and bound sites', () => {
    const look = activationFor('https://www.iamconnected-eu.com', defaults, []);
    expect(look).toMatchObject({ active: true, mode: 'off', lookalikeOf: 'iamconnected.eu' });
    const bound = activationFor('https://app.examp1e.com', defaults, ['https://app.example.com']);
    expect(bound).toMatchObject({ mode: 'off', lookalikeOf: 'example.com' });
  });
});

describe('lookalikeOf', () => {
  const trusted = ['iamconnected.eu', 'portbase.com'];
  it('catches added words, typos, digits for letters, Cyrillic letters and rn for m', () => {
    expect(lookalikeOf('iamconnected-login.com', trusted)).toBe('iamconnected.eu');
    expect(lookalikeOf('www.iamconnected.eu.evil.net', trusted)).toBe('iamconnected.eu');
    expect(lookalikeOf('iamconected.eu', trusted)).toBe('iamconnected.eu');
    expect(lookalikeOf('iamc0nnected.eu', trusted)).toBe('iamconnected.eu');
    expect(lookalikeOf('iаmconnected.eu', trusted)).toBe('iamconnected.eu'); // Cyrillic а
    expect(lookalikeOf('portbase-secure.net', trusted)).toBe('portbase.com');
  });
  it('leaves the real domains, their subdomains and unrelated sites alone', () => {
    expect(lookalikeOf('www.iamconnected.eu', trusted)).toBeNull();
    expect(lookalikeOf('login.pcs.portbase.com', trusted)).toBeNull();
    expect(lookalikeOf('github.com', trusted)).toBeNull();
    expect(lookalikeOf('connected.example', trusted)).toBeNull();
  });
});

describe('isBound', () => {
  it('matches the exact origin, or the registrable domain when the binding says so', () => {
    expect(isBound('https://a.example.com', ['https://a.example.com'], 'origin')).toBe(true);
    expect(isBound('https://a.example.com:8443', ['https://a.example.com'], 'origin')).toBe(false);
    expect(isBound('https://b.example.com', ['https://a.example.com'], 'origin')).toBe(false);
    expect(isBound('https://b.example.com', ['https://a.example.com'], 'registrable-domain')).toBe(true);
    expect(isBound('https://example.com.evil.net', ['https://example.com'], 'registrable-domain')).toBe(
      false,
    );
    expect(isBound('http://a.example.com', ['https://a.example.com'], 'registrable-domain')).toBe(false);
  });
});

describe('clockOffsetMs', () => {
  it('compares the Date header with the middle of the request', () => {
    const sent = Date.parse('2026-01-01T12:00:00Z');
    // Server says 12:01:00 (+ half a second for truncation), request took 200 ms.
    expect(clockOffsetMs('Thu, 01 Jan 2026 12:01:00 GMT', sent, sent + 200)).toBe(60_000 + 500 - 100);
    expect(clockOffsetMs(null, sent, sent)).toBeNull();
    expect(clockOffsetMs('not a date', sent, sent)).toBeNull();
  });
});
