/**
 * Fill policy, pure: which profile and fill mode apply on an origin, whether the content script works
 * there at all, lookalike domains, and the clock offset read from a server's Date header.
 */
import { getDomain, getDomainWithoutSuffix, getHostname } from 'tldts';
import { IAMCONNECTED_HOSTS } from '../detect/profiles/iamconnected-hosts';
import type { FillMode, Settings, SiteProfileName } from '../settings/schema';
import { configuredProfileFor, hostMatches, isFillAllowed } from '../settings/sites';

/** Built-in IAMconnected profile hosts: one list, shared with the bridge (detect/profiles/iamconnected-hosts.ts). */
export { IAMCONNECTED_HOSTS };

type PolicySettings = Pick<Settings, 'allowedSites' | 'siteProfiles' | 'fillMode' | 'accountBinding'>;

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/** The site profile for an origin: settings/policy first, then the built-in IAMconnected hosts. */
export function profileFor(origin: string, s: Pick<Settings, 'siteProfiles'>): SiteProfileName {
  const configured = configuredProfileFor(origin, s);
  if (configured) return configured;
  const host = hostOf(origin);
  if (host && IAMCONNECTED_HOSTS.some((p) => hostMatches(p, host))) return 'iamconnected';
  return 'generic';
}

/** True when `origin` is one of `bound` under the binding rule (exact origin or registrable domain). */
export function isBound(
  origin: string,
  bound: readonly string[],
  binding: Settings['accountBinding'],
): boolean {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  return bound.some((b) => {
    let x: URL;
    try {
      x = new URL(b);
    } catch {
      return false;
    }
    if (x.origin === u.origin) return true;
    if (binding !== 'registrable-domain' || x.protocol !== u.protocol) return false;
    return (getDomain(x.hostname) ?? x.hostname) === (getDomain(u.hostname) ?? u.hostname);
  });
}

export interface Activation {
  /** The content script observes this page. */
  active: boolean;
  profile: SiteProfileName;
  mode: FillMode;
  /** Set when the page's domain imitates a profile host or a bound site: nothing is filled, the user is told. */
  lookalikeOf?: string;
}

/**
 * Where the content script works: IAMconnected profile hosts, `allowedSites`, and sites an account is
 * bound to; plus lookalikes of those (to warn, never to fill). Elsewhere it stops at once.
 */
export function activationFor(
  origin: string,
  s: PolicySettings,
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
    profile === 'iamconnected' || allowedByList || isBound(origin, boundOrigins, s.accountBinding);
  if (active) return { active, profile, mode };
  const look = lookalikeOf(host, knownHosts(s, boundOrigins));
  return look ? { active: true, profile, mode: 'off', lookalikeOf: look } : { active: false, profile, mode };
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

/** Folds confusable characters so "iamc0nnected" and "iаmconnected" (Cyrillic а) compare equal. */
function skeleton(label: string): string {
  const map: Record<string, string> = { '0': 'o', '1': 'l', '3': 'e', '5': 's', '7': 't', '@': 'a', $: 's' };
  const cyr: Record<string, string> = {
    а: 'a',
    е: 'e',
    о: 'o',
    р: 'p',
    с: 'c',
    х: 'x',
    у: 'y',
    і: 'i',
    ј: 'j',
    ԁ: 'd',
    ո: 'n',
  };
  return [...label.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()]
    .map((c) => cyr[c] ?? map[c] ?? c)
    .join('')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w')
    .replace(/[^a-z0-9]/g, '');
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/**
 * The trusted host that `host` imitates, or null: same registrable domain is not a lookalike; a
 * different one whose name (without the public suffix, confusables folded) contains the trusted name
 * or is within two edits of it is.
 */
export function lookalikeOf(host: string, trusted: readonly string[]): string | null {
  const h = getHostname(host) ?? host;
  const hDomain = getDomain(h, { allowPrivateDomains: true }) ?? h;
  const hName = skeleton(getDomainWithoutSuffix(h, { allowPrivateDomains: true }) ?? h);
  const hAll = skeleton(h);
  for (const t of trusted) {
    if (t === 'localhost' || /^[\d.]+$/.test(t)) continue;
    const tDomain = getDomain(t, { allowPrivateDomains: true }) ?? t;
    if (tDomain === hDomain) continue;
    const tName = skeleton(getDomainWithoutSuffix(t, { allowPrivateDomains: true }) ?? t);
    if (tName.length < 5) continue;
    if (hAll.includes(tName) || (hName.length >= 5 && editDistance(hName, tName) <= 2)) return tDomain;
  }
  return null;
}

/** Offsets below this are not worth a word (codes tolerate a step; the Date header has 1 s resolution). */
export const CLOCK_WARN_MS = 10_000;

/**
 * The local clock's offset from a server's: positive when the server is ahead. `sentAt`/`receivedAt`
 * bracket the request; the Date header is truncated to the second, so half a second is added.
 * Null when the header is missing or unreadable.
 */
export function clockOffsetMs(dateHeader: string | null, sentAt: number, receivedAt: number): number | null {
  if (!dateHeader) return null;
  const server = Date.parse(dateHeader);
  if (Number.isNaN(server)) return null;
  return server + 500 - (sentAt + receivedAt) / 2;
}
