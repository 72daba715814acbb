/**
 * Effective settings: defaults < user choices (the trusted store, ../storage/trusted.ts) < managed
 * policy (storage.managed).
 * Policy is read once per call and awaited, never raced against a timeout. Each policy key is
 * validated on its own: a bad value is reported in `policyIssues` and ignored; the others still apply.
 */
import { browser } from 'wxt/browser';
import { trustedArea } from '../storage/trusted';
import {
  defaultSettings,
  isSettingKey,
  parseSetting,
  SETTING_KEYS,
  type SettingKey,
  type Settings,
} from './schema';

/** The part of a `storage.*` area these functions use (chrome.storage / browser.storage both fit). */
export interface ReadableArea {
  get(keys?: string | string[] | null): Promise<Record<string, unknown>>;
}
export interface WritableArea extends ReadableArea {
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

export const USER_SETTINGS_KEY = 'settings.user';

export type SettingSource = 'default' | 'user' | 'policy';

export interface SettingIssue {
  /** The policy or user key as given (may be unknown to us). */
  key: string;
  message: string;
}

export interface EffectiveSettings {
  values: Settings;
  source: Record<SettingKey, SettingSource>;
  /** Keys whose value is set by the organisation's policy (shown locked in the UI). */
  enforced: SettingKey[];
  /** Invalid or unknown policy values: shown on the options page, ignored. */
  policyIssues: SettingIssue[];
  /** Invalid stored user values (e.g. written by an older version): ignored. */
  userIssues: SettingIssue[];
  /** 'read': policy storage answered (possibly empty); 'unavailable': the browser has none (e.g. Firefox without a managed manifest). */
  policyStatus: 'read' | 'unavailable';
  policyError?: string;
}

/** Pure merge: defaults < user < policy. */
export function resolveSettings(
  user: unknown,
  policy: unknown,
  policyStatus: EffectiveSettings['policyStatus'] = 'read',
): EffectiveSettings {
  const values = defaultSettings();
  const source = Object.fromEntries(SETTING_KEYS.map((k) => [k, 'default'])) as Record<
    SettingKey,
    SettingSource
  >;
  const userIssues: SettingIssue[] = [];
  const policyIssues: SettingIssue[] = [];
  const enforced: SettingKey[] = [];

  const apply = (raw: unknown, from: 'user' | 'policy', issues: SettingIssue[]) => {
    if (raw === undefined || raw === null) return;
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      issues.push({ key: '*', message: `The ${from} settings are not an object.` });
      return;
    }
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      if (!isSettingKey(key)) {
        issues.push({ key, message: 'Unknown setting.' });
        continue;
      }
      const parsed = parseSetting(key, value);
      if (!parsed.ok) {
        issues.push({ key, message: parsed.message });
        continue;
      }
      (values as Record<SettingKey, unknown>)[key] = parsed.value;
      source[key] = from;
      if (from === 'policy') enforced.push(key);
    }
  };
  apply(user, 'user', userIssues);
  apply(policy, 'policy', policyIssues);
  return { values, source, enforced, policyIssues, userIssues, policyStatus };
}

export interface SettingsAreas {
  /** Where the user's choices live: the background's trusted store (never `storage.local`). */
  local: WritableArea;
  /** null when the browser has no managed storage at all. */
  managed: ReadableArea | null;
}

/** Read the managed policy, awaited. Firefox rejects when no managed manifest exists: that is "no policy". */
export async function readPolicy(
  managed: ReadableArea | null,
): Promise<{ policy: Record<string, unknown>; status: EffectiveSettings['policyStatus']; error?: string }> {
  if (!managed) return { policy: {}, status: 'unavailable' };
  try {
    const policy = await managed.get(null);
    return { policy: policy ?? {}, status: 'read' };
  } catch (e) {
    return { policy: {}, status: 'unavailable', error: e instanceof Error ? e.message : String(e) };
  }
}

export async function getEffectiveSettings(areas?: SettingsAreas): Promise<EffectiveSettings> {
  const a = areas ?? (await defaultAreas());
  const [{ policy, status, error }, stored] = await Promise.all([
    readPolicy(a.managed),
    a.local.get(USER_SETTINGS_KEY),
  ]);
  const eff = resolveSettings(stored[USER_SETTINGS_KEY], policy, status);
  if (error !== undefined) eff.policyError = error;
  return eff;
}

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(
    readonly code: 'enforced-by-policy' | 'invalid-value' | 'unknown-setting',
    message: string,
    readonly key: string,
  ) {
    super(message);
  }
}

/**
 * Store user choices. A key enforced by policy, an unknown key or an invalid value throws
 * SettingsError and nothing is written. `undefined` removes the user's choice (back to default).
 */
export async function setUserSettings(
  patch: Partial<Record<SettingKey, unknown>>,
  areas?: SettingsAreas,
): Promise<EffectiveSettings> {
  const a = areas ?? (await defaultAreas());
  const eff = await getEffectiveSettings(a);
  const stored = (await a.local.get(USER_SETTINGS_KEY))[USER_SETTINGS_KEY];
  const next: Record<string, unknown> =
    stored && typeof stored === 'object' && !Array.isArray(stored) ? { ...stored } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (!isSettingKey(key)) throw new SettingsError('unknown-setting', `Unknown setting "${key}".`, key);
    if (eff.enforced.includes(key)) {
      throw new SettingsError('enforced-by-policy', `"${key}" is set by your organisation.`, key);
    }
    if (value === undefined) {
      delete next[key];
      continue;
    }
    const parsed = parseSetting(key, value);
    if (!parsed.ok) throw new SettingsError('invalid-value', `${key}: ${parsed.message}`, key);
    next[key] = parsed.value;
  }
  await a.local.set({ [USER_SETTINGS_KEY]: next });
  return getEffectiveSettings(a);
}

/** The real areas (background only: extension pages ask the background with `settings.get`). */
export async function defaultAreas(): Promise<SettingsAreas> {
  const storage = browser.storage as unknown as { managed?: ReadableArea };
  return { local: trustedArea(), managed: storage.managed ?? null };
}

/** Password rule check from effective settings; returns user-facing problems (empty when fine). */
export function checkPassword(
  password: string,
  s: Pick<Settings, 'passwordMinLength' | 'passwordPattern' | 'passwordPatternHint'>,
): Array<{ code: 'too-short' | 'pattern'; min?: number; hint?: string }> {
  const problems: Array<{ code: 'too-short' | 'pattern'; min?: number; hint?: string }> = [];
  if ([...password].length < s.passwordMinLength)
    problems.push({ code: 'too-short', min: s.passwordMinLength });
  if (s.passwordPattern && !new RegExp(s.passwordPattern, 'u').test(password)) {
    problems.push({ code: 'pattern', hint: s.passwordPatternHint });
  }
  return problems;
}
