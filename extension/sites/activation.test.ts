import { describe, expect, it } from 'vitest';
import { defaultSettings, type Settings } from '../settings/schema';
import {
  type Activation,
  activationFor,
  configuredProfileFor,
  isFillAllowed,
  profileFor,
  servesContentScript,
} from './activation';

const defaults = defaultSettings();
const withProfile = (match: string): Settings => ({
  ...defaults,
  siteProfiles: [{ match, profile: 'iamconnected' }],
});

describe('profiles', () => {
  it.each([
    ['https://www.iamconnected.eu', defaults, 'iamconnected'],
    ['https://login.pcs.portbase.com', defaults, 'iamconnected'],
    ['https://example.com', defaults, 'generic'],
    ['http://localhost:8443', withProfile('localhost'), 'iamconnected'],
    ['https://sso.example.nl', withProfile('sso.example.nl'), 'iamconnected'],
    ['https://x.sso.example.nl', withProfile('sso.example.nl'), 'generic'],
    ['null', withProfile('localhost'), 'generic'],
  ] as const)('%s → %s', (origin, s, profile) => {
    expect(profileFor(origin, s)).toBe(profile);
  });
  it('configured profiles come from settings only', () => {
    expect(configuredProfileFor('https://sso.example.nl/x', withProfile('sso.example.nl'))).toBe(
      'iamconnected',
    );
    expect(configuredProfileFor('https://www.iamconnected.eu', defaults)).toBeNull();
  });
});

describe('allowed sites', () => {
  const policy = { allowedSites: ['*.portbase.com', 'localhost'] };
  const TABLE: Array<[string, Pick<Settings, 'allowedSites'>, boolean]> = [
    ['https://iamconnected.portbase.com', policy, true],
    ['http://localhost:8080', policy, true],
    ['http://iamconnected.portbase.com', policy, false],
    ['https://example.com', policy, false],
    ['https://example.com', { allowedSites: [] }, true],
    ['http://example.com', { allowedSites: [] }, false],
    ['http://app.localhost:3000', { allowedSites: [] }, true],
    ['null', { allowedSites: [] }, false],
    ['chrome-extension://abc', { allowedSites: [] }, false],
  ];
  it.each(TABLE)('%s with %j → %s', (origin, s, allowed) => {
    expect(isFillAllowed(origin, s)).toBe(allowed);
  });
});

describe('activation', () => {
  const off = { ...defaults, fillMode: { iamconnected: 'off' as const, generic: 'off' as const } };
  // [origin, settings, bound origins, expected activation, content script served]
  const TABLE: Array<[string, string, Settings, string[], Activation, boolean]> = [
    [
      'IAMconnected host',
      'https://www.iamconnected.eu',
      defaults,
      [],
      { active: true, profile: 'iamconnected', mode: 'auto' },
      true,
    ],
    [
      'unrelated site',
      'https://news.example.com',
      defaults,
      [],
      { active: false, profile: 'generic', mode: 'click' },
      false,
    ],
    [
      'bound site',
      'https://app.example.com',
      defaults,
      ['https://app.example.com'],
      { active: true, profile: 'generic', mode: 'click' },
      true,
    ],
    [
      'bound site, fill mode off',
      'https://app.example.com',
      off,
      ['https://app.example.com'],
      { active: true, profile: 'generic', mode: 'off' },
      false,
    ],
    [
      'IAMconnected, fill mode off',
      'https://www.iamconnected.eu',
      off,
      [],
      { active: true, profile: 'iamconnected', mode: 'off' },
      false,
    ],
    [
      'plain http, bound',
      'http://app.example.com',
      defaults,
      ['http://app.example.com'],
      { active: false, profile: 'generic', mode: 'off' },
      false,
    ],
    [
      'allowed by list',
      'https://sso.example.org',
      { ...defaults, allowedSites: ['*.example.org'] },
      [],
      { active: true, profile: 'generic', mode: 'click' },
      true,
    ],
    [
      'outside allowedSites',
      'https://www.iamconnected.eu',
      { ...defaults, allowedSites: ['*.example.org'] },
      [],
      { active: false, profile: 'iamconnected', mode: 'off' },
      false,
    ],
    [
      'bound, outside allowedSites',
      'https://app.example.com',
      { ...defaults, allowedSites: ['*.example.org'] },
      ['https://app.example.com'],
      { active: false, profile: 'generic', mode: 'off' },
      false,
    ],
    [
      'look-alike of a profile host',
      'https://www.iamconnected-eu.com',
      defaults,
      [],
      { active: true, profile: 'generic', mode: 'off', lookalikeOf: 'iamconnected.eu' },
      false,
    ],
    [
      'look-alike of a bound site',
      'https://app.examp1e.com',
      defaults,
      ['https://app.example.com'],
      { active: true, profile: 'generic', mode: 'off', lookalikeOf: 'example.com' },
      false,
    ],
    [
      'another tenant of the bound IdP',
      'https://b.okta.com',
      { ...defaults, accountBinding: 'registrable-domain' },
      ['https://a.okta.com'],
      { active: false, profile: 'generic', mode: 'click' },
      false,
    ],
    [
      'another user site on github.io',
      'https://attacker.github.io',
      { ...defaults, accountBinding: 'registrable-domain' },
      ['https://victim.github.io'],
      { active: false, profile: 'generic', mode: 'click' },
      false,
    ],
    [
      'same registrable domain',
      'https://www.example.com',
      { ...defaults, accountBinding: 'registrable-domain' },
      ['https://login.example.com'],
      { active: true, profile: 'generic', mode: 'click' },
      true,
    ],
    [
      'opaque origin',
      'null',
      defaults,
      ['https://app.example.com'],
      { active: false, profile: 'generic', mode: 'off' },
      false,
    ],
  ];
  it.each(TABLE)('%s', (_name, origin, s, bound, activation, served) => {
    const a = activationFor(origin, s, bound);
    expect(a).toEqual(activation);
    expect(servesContentScript(a)).toBe(served);
  });
});
