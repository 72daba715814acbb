/**
 * Which WebAuthn requests the bridge takes on a site: `off`, `fallback` (only when the browser cannot
 * serve WebAuthn itself) or `always`. The first `bridgeSites` entry that matches wins (effective
 * settings: defaults < user < policy); a host no entry names gets `fallback` when it belongs to the
 * IAMconnected site profile (built in, or `siteProfiles` entries with profile `iamconnected`) and `off`
 * everywhere else. Opaque, non-web and unparsable origins are always `off`.
 */
import type { BridgeMode, Settings } from '../settings/schema';
import { isIamconnectedHost } from './activation';
import { hostMatches, hostOf } from './hosts';

export type { BridgeMode };
export type SiteModeSettings = Pick<Settings, 'bridgeSites' | 'siteProfiles'>;

/** The bridge mode for an origin. */
export function resolveSiteMode(origin: string, settings: SiteModeSettings): BridgeMode {
  const host = hostOf(origin);
  if (!host) return 'off';
  const rule = settings.bridgeSites.find((entry) => hostMatches(entry.match, host));
  if (rule) return rule.mode;
  return isIamconnectedHost(host, settings) ? 'fallback' : 'off';
}
