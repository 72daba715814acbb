import { parse } from 'tldts';

/**
 * The error `validateRpId` throws: a DOMException named 'SecurityError', as the WebAuthn client
 * algorithms require, so the extension can hand it to the page unchanged.
 */
function securityError(message: string): DOMException {
  return new DOMException(message, 'SecurityError');
}

const TLD_OPTIONS = { allowPrivateDomains: true, extractHostname: false, validateHostname: true } as const;
const FORBIDDEN_IN_RP_ID = /[\s/:?#@\\[\]%]/;

function isLocalhost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

/** True when `host` is an IP literal (URL serializes IPv4 in dotted form and IPv6 in brackets). */
function isIpLiteral(host: string): boolean {
  return host.startsWith('[') || parse(host, TLD_OPTIONS).isIp === true;
}

/** Normalizes a domain the way the URL parser does (lowercase, IDNA to punycode); null if invalid. */
function normalizeDomain(domain: string): string | null {
  if (domain === '' || FORBIDDEN_IN_RP_ID.test(domain)) return null;
  try {
    const url = new URL(`https://${domain}/`);
    return url.hostname;
  } catch {
    return null;
  }
}

/** True when `domain` is (only) a public suffix, ICANN or private section (e.g. `co.uk`, `github.io`). */
function isPublicSuffix(domain: string): boolean {
  const info = parse(domain, TLD_OPTIONS);
  return info.domain === null || info.publicSuffix === domain;
}

/**
 * The WebAuthn client's RP ID rules (L3 §5.1.3 step 8, §5.1.4 step 8, HTML "registrable domain suffix").
 * Returns the effective RP ID (the given `rpId`, normalized, or the origin's host) or throws a
 * DOMException named 'SecurityError' for: an unparsable or opaque origin; a non-secure origin (http is
 * allowed only for localhost); an IP address; a single-label host other than localhost; a trailing dot;
 * an `rpId` that is neither the host nor a label-aligned suffix of it; an `rpId` that is a public suffix.
 */
export function validateRpId(origin: string, rpId?: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw securityError('origin is not a valid URL');
  }
  if (url.origin === 'null') throw securityError('origin is opaque');
  const host = url.hostname;
  if (url.protocol === 'http:') {
    if (!isLocalhost(host)) throw securityError('origin is not secure (http is allowed only for localhost)');
  } else if (url.protocol !== 'https:') {
    throw securityError(`origin scheme ${url.protocol} is not allowed`);
  }
  if (isIpLiteral(host)) throw securityError('origin host is an IP address');
  if (host.endsWith('.')) throw securityError('origin host ends with a dot');
  if (!host.includes('.') && host !== 'localhost') throw securityError('origin host is a single label');

  if (rpId === undefined) {
    if (host !== 'localhost' && isPublicSuffix(host)) throw securityError('origin host is a public suffix');
    return host;
  }
  if (typeof rpId !== 'string') throw securityError('rpId is not a string');
  const id = normalizeDomain(rpId);
  if (id === null) throw securityError('rpId is not a valid domain');
  if (id.endsWith('.')) throw securityError('rpId ends with a dot');
  if (isIpLiteral(id)) throw securityError('rpId is an IP address');
  if (id === 'localhost' && host === 'localhost') return id;
  if (id !== host && !host.endsWith(`.${id}`)) {
    throw securityError('rpId is not the origin host or a registrable suffix of it');
  }
  if (isPublicSuffix(id)) throw securityError('rpId is a public suffix');
  return id;
}
