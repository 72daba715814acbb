/**
 * Host names of web origins and the host patterns settings and policy use (`allowedSites`,
 * `siteProfiles`, `bridgeSites`): `host` is exact (any port, its subdomains do not match), `*.domain`
 * is the domain itself and every subdomain.
 */

/** The host of an http(s) origin or URL, lower-case, without a trailing dot; null for anything else. */
export function hostOf(originOrUrl: string): string | null {
  let u: URL;
  try {
    u = new URL(originOrUrl);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  return u.hostname.toLowerCase().replace(/\.$/, '');
}

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

/** localhost and its subdomains (the only hosts served over plain http). */
export function isLocalhost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

/**
 * The origin of a URL the extension serves at all — https, or plain http on localhost and its
 * subdomains — or null. The one rule for filling, binding an account and the popup's "this site".
 */
export function servedOrigin(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const host = hostOf(url);
  if (!host) return null;
  if (u.protocol === 'https:' || (u.protocol === 'http:' && isLocalhost(host))) return u.origin;
  return null;
}
