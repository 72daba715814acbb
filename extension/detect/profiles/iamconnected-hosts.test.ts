import { describe, expect, it } from 'vitest';
import { bridgeMatchPatterns } from '../../bridge/background/register';
import { defaultSettings } from '../../settings/schema';
import { profileFor, resolveSiteMode } from '../../sites/index';
import { IAMCONNECTED_HOSTS } from './iamconnected-hosts';

const defaults = defaultSettings();

/** Hosts each pattern covers (the domain itself, a subdomain, a nested one) and near misses. */
function samples(pattern: string): { inside: string[]; outside: string[] } {
  const domain = pattern.replace(/^\*\./, '');
  const inside = pattern.startsWith('*.') ? [domain, `www.${domain}`, `a.b.${domain}`] : [domain];
  const outside = [
    `${domain}.evil.test`,
    `x${domain}`,
    ...(pattern.startsWith('*.') ? [] : [`www.${domain}`]),
  ];
  return { inside, outside };
}

describe('the built-in IAMconnected host list', () => {
  it('is one frozen list', () => {
    expect(Object.isFrozen(IAMCONNECTED_HOSTS)).toBe(true);
    expect(IAMCONNECTED_HOSTS).toContain('*.iamconnected.eu');
    expect(IAMCONNECTED_HOSTS).toContain('*.pcs.portbase.com');
  });

  it('fill profile and bridge mode agree on every listed host and on near misses', () => {
    const none = { bridgeSites: [], siteProfiles: [] };
    for (const pattern of IAMCONNECTED_HOSTS) {
      const { inside, outside } = samples(pattern);
      for (const host of inside) {
        expect(profileFor(`https://${host}`, defaults), host).toBe('iamconnected');
        expect(resolveSiteMode(`https://${host}`, none), host).toBe('fallback');
      }
      for (const host of outside) {
        expect(profileFor(`https://${host}`, defaults), host).toBe('generic');
        expect(resolveSiteMode(`https://${host}`, none), host).toBe('off');
      }
    }
    // The public entry point named in the reference is covered by both.
    expect(profileFor('https://www.iamconnected.eu', defaults)).toBe('iamconnected');
    expect(resolveSiteMode('https://www.iamconnected.eu', none)).toBe('fallback');
  });

  it("the bridge's content scripts are registered for every listed host", () => {
    const { matches } = bridgeMatchPatterns({ bridgeSites: [], siteProfiles: [] }, IAMCONNECTED_HOSTS);
    expect(matches.sort()).toEqual(IAMCONNECTED_HOSTS.map((p) => `*://${p}/*`).sort());
  });
});
