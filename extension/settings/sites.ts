/** Host-pattern helpers over effective settings, for the fill, detect and bridge code. */
import type { BridgeMode, FillMode, Settings, SiteProfileName } from './schema';

/** `pattern` is `host` (exact, any port) or `*.domain` (the domain itself and every subdomain). */
export function hostMatches(pattern: string, host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase();
  if (p.startsWith('*.')) {
    const domain = p.slice(2);
    return h === domain || h.endsWith(`.${domain}`);
  }
  return h === p;
}

function hostOf(originOrUrl: string): string | null {
  try {
    return new URL(originOrUrl).hostname;
  } catch {
    return null;
  }
}

/** Filling allowed on this origin? `allowedSites` empty means no restriction by policy. https only, except localhost. */
export function isFillAllowed(origin: string, s: Pick<Settings, 'allowedSites'>): boolean {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  const local = u.hostname === 'localhost' || u.hostname.endsWith('.localhost');
  if (u.protocol !== 'https:' && !(local && u.protocol === 'http:')) return false;
  if (s.allowedSites.length === 0) return true;
  return s.allowedSites.some((p) => hostMatches(p, u.hostname));
}

/** Extra profile assigned by settings for this origin, or null (the detect code applies its built-ins). */
export function configuredProfileFor(
  origin: string,
  s: Pick<Settings, 'siteProfiles'>,
): SiteProfileName | null {
  const host = hostOf(origin);
  if (!host) return null;
  return s.siteProfiles.find((e) => hostMatches(e.match, host))?.profile ?? null;
}

export function fillModeFor(profile: SiteProfileName, s: Pick<Settings, 'fillMode'>): FillMode {
  return s.fillMode[profile];
}

/** Bridge mode for this origin: the first matching `bridgeSites` entry, else 'off'. */
export function bridgeModeFor(origin: string, s: Pick<Settings, 'bridgeSites'>): BridgeMode {
  const host = hostOf(origin);
  if (!host) return 'off';
  return s.bridgeSites.find((e) => hostMatches(e.match, host))?.mode ?? 'off';
}
