/**
 * Where the extension works on a page: the site profile and fill mode of an origin, `allowedSites`,
 * account binding and the look-alike check, combined into one activation. The content script asks for
 * it on load (`fill.query`) and the background checks it again on every request a content script sends.
 */
import { IAMCONNECTED_HOSTS } from '../detect/profiles/iamconnected-hosts';
import type { FillMode, Settings, SiteProfileName } from '../settings/schema';
import { isBoundTo } from './binding';
import { hostMatches, hostOf, servedOrigin } from './hosts';
import { lookalikeOf } from './lookalike';

export type ActivationSettings = Pick<
  Settings,
  'allowedSites' | 'siteProfiles' | 'fillMode' | 'accountBinding'
>;

/** Filling allowed on this origin? `allowedSites` empty means no restriction by policy. https only, except localhost. */
export function isFillAllowed(origin: string, s: Pick<Settings, 'allowedSites'>): boolean {
  const host = hostOf(origin);
  if (!host || !servedOrigin(origin)) return false;
  if (s.allowedSites.length === 0) return true;
  return s.allowedSites.some((p) => hostMatches(p, host));
}

/** Profile assigned by settings/policy for this origin, or null. */
export function configuredProfileFor(
  origin: string,
  s: Pick<Settings, 'siteProfiles'>,
): SiteProfileName | null {
  const host = hostOf(origin);
  if (!host) return null;
  return s.siteProfiles.find((e) => hostMatches(e.match, host))?.profile ?? null;
}

/** True on the built-in IAMconnected hosts and hosts settings/policy give the IAMconnected profile. */
export function isIamconnectedHost(host: string, s: Pick<Settings, 'siteProfiles'>): boolean {
  return (
    IAMCONNECTED_HOSTS.some((p) => hostMatches(p, host)) ||
    s.siteProfiles.some((e) => e.profile === 'iamconnected' && hostMatches(e.match, host))
  );
}

/** The site profile for an origin: settings/policy first, then the built-in IAMconnected hosts. */
export function profileFor(origin: string, s: Pick<Settings, 'siteProfiles'>): SiteProfileName {
  const configured = configuredProfileFor(origin, s);
  if (configured) return configured;
  const host = hostOf(origin);
  if (host && IAMCONNECTED_HOSTS.some((p) => hostMatches(p, host))) return 'iamconnected';
  return 'generic';
}

export interface Activation {
  /** The content script observes this page. */
  active: boolean;
  profile: SiteProfileName;
  mode: FillMode;
  /** Set when the page's domain imitates a profile host or a bound site: nothing is filled, the user is told. */
  lookalikeOf?: string;
}

/** Host names the user trusts: built-in and configured profile hosts, and bound origins' hosts. */
function knownHosts(s: Pick<Settings, 'siteProfiles'>, boundOrigins: readonly string[]): string[] {
  const out = [...IAMCONNECTED_HOSTS, ...s.siteProfiles.map((e) => e.match)].map((p) =>
    p.replace(/^\*\./, ''),
  );
  for (const o of boundOrigins) {
    const h = hostOf(o);
    if (h) out.push(h);
  }
  return out;
}

/**
 * Where the content script works: IAMconnected profile hosts, `allowedSites`, and sites an account is
 * bound to; plus lookalikes of those (to warn, never to fill). Elsewhere it stops at once.
 */
export function activationFor(
  origin: string,
  s: ActivationSettings,
  boundOrigins: readonly string[],
): Activation {
  const profile = profileFor(origin, s);
  const mode = s.fillMode[profile];
  const host = hostOf(origin);
  if (!host || !isFillAllowed(origin, s)) {
    const look = host ? lookalikeOf(host, knownHosts(s, boundOrigins)) : null;
    return look
      ? { active: true, profile, mode: 'off', lookalikeOf: look }
      : { active: false, profile, mode: 'off' };
  }
  const allowedByList = s.allowedSites.length > 0 && s.allowedSites.some((p) => hostMatches(p, host));
  const active =
    profile === 'iamconnected' || allowedByList || isBoundTo(origin, boundOrigins, s.accountBinding);
  if (active) return { active, profile, mode };
  const look = lookalikeOf(host, knownHosts(s, boundOrigins));
  return look ? { active: true, profile, mode: 'off', lookalikeOf: look } : { active: false, profile, mode };
}

/**
 * The one check every content-script request passes (query answers aside): the site is in scope, not a
 * look-alike, and the fill mode is not `off`. Binding of a given account is checked where it is named.
 */
export function servesContentScript(a: Activation): boolean {
  return a.active && !a.lookalikeOf && a.mode !== 'off';
}
