import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../settings/schema';
import { profileFor } from './activation';
import { type BridgeMode, resolveSiteMode, type SiteModeSettings } from './bridge-mode';

const none: SiteModeSettings = { bridgeSites: [], siteProfiles: [] };

describe('bridge mode per site', () => {
  const TABLE: Array<[string, string, SiteModeSettings, BridgeMode]> = [
    ['built-in IAMconnected host', 'https://www.iamconnected.eu', none, 'fallback'],
    ['built-in IAMconnected subdomain', 'https://login.pcs.portbase.com', none, 'fallback'],
    ['unrelated site', 'https://example.com', none, 'off'],
    [
      'IAMconnected profile by settings',
      'http://localhost:3000',
      { bridgeSites: [], siteProfiles: [{ match: 'localhost', profile: 'iamconnected' }] },
      'fallback',
    ],
    [
      'bridgeSites entry',
      'http://localhost:3000',
      { bridgeSites: [{ match: 'localhost', mode: 'fallback' }], siteProfiles: [] },
      'fallback',
    ],
    [
      'bridgeSites entry turns a profile host off',
      'https://www.iamconnected.eu',
      { bridgeSites: [{ match: 'www.iamconnected.eu', mode: 'off' }], siteProfiles: [] },
      'off',
    ],
    [
      'first entry wins',
      'https://login.example.com',
      {
        bridgeSites: [
          { match: 'login.example.com', mode: 'always' },
          { match: '*.example.com', mode: 'off' },
        ],
        siteProfiles: [],
      },
      'always',
    ],
    [
      'opaque origin',
      'null',
      { bridgeSites: [{ match: 'localhost', mode: 'always' }], siteProfiles: [] },
      'off',
    ],
    ['extension origin', 'chrome-extension://abc', none, 'off'],
  ];
  it.each(TABLE)('%s', (_name, origin, s, mode) => {
    expect(resolveSiteMode(origin, s)).toBe(mode);
  });

  it('agrees with the fill profile: every IAMconnected origin is bridged (fallback) by default', () => {
    const s = {
      ...defaultSettings(),
      siteProfiles: [{ match: 'sso.example.nl', profile: 'iamconnected' as const }],
    };
    for (const origin of [
      'https://www.iamconnected.eu',
      'https://a.pcs.portbase.com',
      'https://sso.example.nl',
      'https://example.com',
    ]) {
      expect(resolveSiteMode(origin, s) === 'fallback', origin).toBe(
        profileFor(origin, s) === 'iamconnected',
      );
    }
  });
});
