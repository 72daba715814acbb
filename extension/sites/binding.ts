/**
 * Binding an account to a site. `origin` binding: the account fills on the exact origins it is bound
 * to. `registrable-domain` binding: also on every origin of the same scheme whose registrable domain
 * (public suffix list *with* its private section, so `victim.github.io` and `attacker.github.io` are
 * two sites) is the same — except on hosts of multi-tenant identity providers (./multi-tenant.ts),
 * IP addresses, `localhost` and hosts that are a public suffix themselves, where it stays the origin.
 */
import { getDomain } from 'tldts';
import type { Settings } from '../settings/schema';
import { multiTenantProviderOf } from './multi-tenant';

export type AccountBinding = Settings['accountBinding'];

/**
 * What two origins must share for an account bound to one to fill on the other: the origin itself, or
 * `scheme://registrable-domain`. Null for anything that is not an http(s) origin.
 */
export function bindingKey(origin: string, binding: AccountBinding): string | null {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  if (binding !== 'registrable-domain') return u.origin;
  const host = u.hostname.toLowerCase().replace(/\.$/, '');
  if (multiTenantProviderOf(host)) return u.origin;
  const domain = getDomain(host, { allowPrivateDomains: true });
  if (!domain || domain === 'localhost') return u.origin;
  return `${u.protocol}//${domain}`;
}

/** True when an account bound to `bound` may be filled on `origin` under the binding rule. */
export function isBoundTo(origin: string, bound: readonly string[], binding: AccountBinding): boolean {
  const key = bindingKey(origin, binding);
  if (!key) return false;
  return bound.some((b) => bindingKey(b, binding) === key);
}
