/**
 * The bridge's content scripts exist only on the sites it serves: the page (MAIN-world) script and its
 * isolated-world relay are registered at runtime (scripting.registerContentScripts) for the hosts whose
 * mode is `fallback` or `always`, nowhere else, so a site the bridge does not serve sees the browser's own
 * WebAuthn and cannot tell the extension is installed. Registrations persist across browser sessions
 * and are updated in place, so a page loading while the background starts (or re-registers after a
 * settings change) never finds them missing. The background still decides every request.
 */
import type { SiteModeSettings } from '../../sites/bridge-mode';

export const BRIDGE_SCRIPT_IDS = {
  page: 'mfa-bridge-webauthn-page',
  relay: 'mfa-bridge-webauthn-relay',
} as const;
/** Registered by earlier versions (the page script's "provide" half); removed when found. */
const RETIRED_IDS = ['mfa-bridge-webauthn-provide'];

export interface RegisteredScript {
  id: string;
  js?: string[];
  matches?: string[];
  excludeMatches?: string[];
  runAt?: string;
  allFrames?: boolean;
  world?: string;
  persistAcrossSessions?: boolean;
  matchOriginAsFallback?: boolean;
}

/** The part of `browser.scripting` the registration uses. */
export interface ScriptingLike {
  getRegisteredContentScripts(filter?: { ids?: string[] }): Promise<RegisteredScript[]>;
  registerContentScripts(scripts: RegisteredScript[]): Promise<void>;
  updateContentScripts(scripts: RegisteredScript[]): Promise<void>;
  unregisterContentScripts(filter?: { ids?: string[] }): Promise<void>;
}

/** `host` → `*://host/*`; `*.domain` → `*://*.domain/*` (which also matches the domain itself). */
function pattern(hostPattern: string): string {
  return `*://${hostPattern}/*`;
}

/** Match patterns of the hosts whose mode is not `off`. */
export function bridgeMatchPatterns(
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

/** The two registrations for these settings (none when no site is bridged). */
export function bridgeScripts(
  settings: SiteModeSettings,
  builtinIamconnected: readonly string[],
  files: { page: string; relay: string },
): RegisteredScript[] {
  const { matches, excludeMatches } = bridgeMatchPatterns(settings, builtinIamconnected);
  if (matches.length === 0) return [];
  const common = {
    matches,
    excludeMatches,
    runAt: 'document_start',
    allFrames: true,
    persistAcrossSessions: true,
    // about:blank and srcdoc frames of a bridged page are the page's own.
    matchOriginAsFallback: true,
  };
  return [
    { id: BRIDGE_SCRIPT_IDS.relay, js: [files.relay], world: 'ISOLATED', ...common },
    { id: BRIDGE_SCRIPT_IDS.page, js: [files.page], world: 'MAIN', ...common },
  ];
}

/** What decides whether a registration must change (browsers fill in defaults when they report one). */
function shape(s: RegisteredScript): string {
  return JSON.stringify([
    s.js ?? [],
    [...(s.matches ?? [])].sort(),
    [...(s.excludeMatches ?? [])].sort(),
    s.runAt ?? 'document_idle',
    s.allFrames ?? false,
    s.world ?? 'ISOLATED',
    s.persistAcrossSessions ?? true,
    s.matchOriginAsFallback ?? false,
  ]);
}

const withoutFallback = (list: RegisteredScript[]): RegisteredScript[] =>
  list.map(({ matchOriginAsFallback: _, ...rest }) => rest);

/**
 * Brings the registrations to `wanted`: unchanged ones are left alone, changed ones updated in place,
 * missing ones registered, unwanted (and retired) ones removed. A browser that does not know
 * `matchOriginAsFallback` gets the registration without it.
 */
export async function syncBridgeScripts(scripting: ScriptingLike, wanted: RegisteredScript[]): Promise<void> {
  const ids = [...Object.values(BRIDGE_SCRIPT_IDS), ...RETIRED_IDS];
  const existing = new Map(
    (await scripting.getRegisteredContentScripts({ ids })).map((s) => [s.id, s] as const),
  );
  const wantedIds = new Set(wanted.map((s) => s.id));
  const remove = [...existing.keys()].filter((id) => !wantedIds.has(id));
  if (remove.length > 0) await scripting.unregisterContentScripts({ ids: remove });
  const update = wanted.filter((s) => {
    const have = existing.get(s.id);
    return have !== undefined && shape(have) !== shape(s) && shape(have) !== shape(withoutFallback([s])[0]!);
  });
  const add = wanted.filter((s) => !existing.has(s.id));
  const apply = async (fn: (list: RegisteredScript[]) => Promise<void>, list: RegisteredScript[]) => {
    if (list.length === 0) return;
    try {
      await fn(list);
    } catch (error) {
      if (!list.some((s) => s.matchOriginAsFallback)) throw error;
      await fn(withoutFallback(list));
    }
  };
  await apply((l) => scripting.updateContentScripts(l), update);
  await apply((l) => scripting.registerContentScripts(l), add);
}
