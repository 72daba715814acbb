/**
 * The built-in hosts of the IAMconnected site profile, the one list every user of it reads through the
 * site module (extension/sites: profile, activation, look-alike check, the bridge's default `fallback`
 * mode) and the bridge's provide-script match patterns.
 *
 * Portbase's public entry point is www.iamconnected.eu; the sign-in host behind it is not public, and
 * Portbase services live under *.pcs.portbase.com. Patterns follow
 * extension/sites/hosts.ts: `*.domain` is the domain itself and every subdomain. An administrator
 * adds hosts with the `siteProfiles` policy (profile `iamconnected`).
 */
export const IAMCONNECTED_HOSTS: readonly string[] = Object.freeze([
  '*.iamconnected.eu',
  '*.pcs.portbase.com',
]);
