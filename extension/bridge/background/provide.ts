/**
 * Match patterns for the runtime-registered provide script: the hosts whose mode is not `off`. The
 * background still decides every request; the patterns only say where a browser without WebAuthn gets
 * `navigator.credentials` / `PublicKeyCredential` from the bridge.
 */
import type { SiteModeSettings } from '../../sites/bridge-mode';

/** `host` → `*://host/*`; `*.domain` → `*://*.domain/*` (which also matches the domain itself). */
function pattern(hostPattern: string): string {
  return `*://${hostPattern}/*`;
}

export function provideMatchPatterns(
  settings: SiteModeSettings,
  builtinIamconnected: readonly string[],
): { matches: string[]; excludeMatches: string[] } {
  const matches = new Set<string>();
  const excludeMatches = new Set<string>();
  for (const entry of settings.bridgeSites) {
    if (entry.mode === 'off') excludeMatches.add(pattern(entry.match));
    else matches.add(pattern(entry.match));
  }
  const iamconnected = [
    ...builtinIamconnected,
    ...settings.siteProfiles.filter((e) => e.profile === 'iamconnected').map((e) => e.match),
  ];
  for (const host of iamconnected) {
    const p = pattern(host);
    if (!excludeMatches.has(p)) matches.add(p);
  }
  // An exact `off` entry listed before a broader allowed one wins in resolveSiteMode; a broader `off`
  // entry must not hide a more specific allowed entry: drop exclusions that equal an allowed pattern.
  for (const p of matches) excludeMatches.delete(p);
  return { matches: [...matches], excludeMatches: [...excludeMatches] };
}
