/**
 * Which WebAuthn requests the bridge takes on a site: `off`, `fallback` (only when the browser cannot
 * serve WebAuthn itself) or `always`. The first `bridgeSites` entry that matches wins (effective
 * settings: defaults < user < policy); a host no entry names gets `fallback` when it belongs to the
 * IAMconnected site profile (built in, or `siteProfiles` entries with profile `iamconnected`) and `off`
 * everywhere else. Host patterns follow extension/settings: `host` is exact (its subdomains do not
 * match), `*.domain` is the domain and its subdomains.
 */
import { IAMCONNECTED_HOSTS } from '../detect/profiles/iamconnected-hosts';
import { type BridgeMode, hostMatches, type Settings } from '../settings/index';

export type { BridgeMode };
/** The built-in IAMconnected hosts (one list for fill and bridge: detect/profiles/iamconnected-hosts.ts). */
export { IAMCONNECTED_HOSTS };

export type SiteModeSettings = Pick<Settings, 'bridgeSites' | 'siteProfiles'>;

function hostOf(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.hostname : null;
  } catch {
    return null;
  }
}

/** The bridge mode for an origin. Opaque, non-web and unparsable origins are always `off`. */
export function resolveSiteMode(
  origin: string,
  settings: SiteModeSettings,
  builtinIamconnected: readonly string[] = IAMCONNECTED_HOSTS,
): BridgeMode {
  const host = hostOf(origin);
  if (!host) return 'off';
  const rule = settings.bridgeSites.find((entry) => hostMatches(entry.match, host));
  if (rule) return rule.mode;
  const iamconnected =
    builtinIamconnected.some((pattern) => hostMatches(pattern, host)) ||
    settings.siteProfiles.some((entry) => entry.profile === 'iamconnected' && hostMatches(entry.match, host));
  return iamconnected ? 'fallback' : 'off';
}
