/**
 * The one settings schema. Every setting is a key of `settingsEntries`; its valibot schema says the
 * type, limits and default, and its description feeds both the Chrome `managed_schema.json` and the
 * documentation table in docs/policy.md (see ./generate.ts). Effective values: defaults < user < policy.
 */
import * as v from 'valibot';

/** `host` (exact host name, any port) or `*.domain` (the domain and every subdomain). Lower-case. */
export const HOST_PATTERN_RE =
  /^(\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const HostPattern = v.pipe(
  v.string(),
  v.regex(HOST_PATTERN_RE, 'Use a host name ("login.example.com") or "*.example.com", lower-case.'),
  v.description('A host name ("login.example.com") or "*.example.com" for a domain and its subdomains.'),
);

export const FILL_MODES = ['auto', 'click', 'off'] as const;
export type FillMode = (typeof FILL_MODES)[number];
const FillModeSchema = v.picklist(FILL_MODES);

export const SITE_PROFILES = ['iamconnected', 'generic'] as const;
export type SiteProfileName = (typeof SITE_PROFILES)[number];

export const BRIDGE_MODES = ['off', 'fallback', 'always'] as const;
export type BridgeMode = (typeof BRIDGE_MODES)[number];

export const ACCOUNT_BINDINGS = ['origin', 'registrable-domain'] as const;
export type AccountBinding = (typeof ACCOUNT_BINDINGS)[number];

export const LANGUAGES = ['auto', 'en', 'nl', 'de'] as const;
export type LanguageSetting = (typeof LANGUAGES)[number];

const SiteProfileEntry = v.object({
  match: HostPattern,
  profile: v.pipe(v.picklist(SITE_PROFILES), v.description('Which site profile to use on matching hosts.')),
});

const BridgeSiteEntry = v.object({
  match: HostPattern,
  mode: v.pipe(
    v.picklist(BRIDGE_MODES),
    v.description(
      'off: never bridge; fallback: bridge only when the browser has no usable authenticator; always: always bridge.',
    ),
  ),
});

const FillModes = v.object({
  iamconnected: v.pipe(FillModeSchema, v.description('Fill mode on IAMconnected (Okta) sign-in pages.')),
  generic: v.pipe(FillModeSchema, v.description('Fill mode on every other allowed site.')),
});

/**
 * Each setting: a schema with its default (`v.optional(schema, default)`). Keep descriptions short and
 * user-facing: they appear in Chrome's policy page and in docs/policy.md.
 */
export const settingsEntries = {
  passwordMinLength: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(8),
      v.maxValue(128),
      v.description('Minimum length of the vault master password (8-128).'),
    ),
    10,
  ),
  passwordPattern: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(500),
      v.check(isValidRegExp, 'Not a valid regular expression.'),
      v.description(
        'A regular expression (JavaScript syntax, matched anywhere unless anchored) the master password must match; empty for none.',
      ),
    ),
    '',
  ),
  passwordPatternHint: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(500),
      v.description('Text shown to users explaining the password pattern.'),
    ),
    '',
  ),
  autoLockMinutes: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(1),
      v.maxValue(1440),
      v.description('Lock the vault after this many minutes without use (1-1440).'),
    ),
    15,
  ),
  lockOnScreenLock: v.optional(
    v.pipe(v.boolean(), v.description('Lock the vault when the screen locks.')),
    true,
  ),
  disableExport: v.optional(
    v.pipe(v.boolean(), v.description('Disable every export of the vault (encrypted and plain).')),
    false,
  ),
  disableQrScan: v.optional(
    v.pipe(v.boolean(), v.description('Disable adding accounts by scanning a QR code in the current tab.')),
    false,
  ),
  disableClipboard: v.optional(
    v.pipe(v.boolean(), v.description('Do not copy codes to the clipboard from the popup.')),
    false,
  ),
  clipboardClearSeconds: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(0),
      v.maxValue(600),
      v.description('Clear a copied code from the clipboard after this many seconds (0: never).'),
    ),
    30,
  ),
  allowedSites: v.optional(
    v.pipe(
      v.array(HostPattern),
      v.maxLength(500),
      v.description('When not empty, codes are filled only on these sites (host or *.domain).'),
    ),
    [],
  ),
  siteProfiles: v.optional(
    v.pipe(
      v.array(SiteProfileEntry),
      v.maxLength(500),
      v.description('Extra hosts and the site profile to use on them, e.g. another IAMconnected host.'),
    ),
    [],
  ),
  fillMode: v.optional(
    v.pipe(
      FillModes,
      v.description(
        'Per site profile: auto (fill when the prompt appears), click (fill on user action) or off.',
      ),
    ),
    { iamconnected: 'auto', generic: 'click' },
  ),
  autoSubmit: v.optional(
    v.pipe(v.boolean(), v.description('Submit the form after a code was filled and accepted by the page.')),
    false,
  ),
  accountBinding: v.optional(
    v.pipe(
      v.picklist(ACCOUNT_BINDINGS),
      v.description(
        "How an account's sites are matched: origin (scheme, host and port) or registrable-domain (example.com and its subdomains; per the public suffix list with private domains, so two github.io sites stay apart; tenants of multi-tenant identity providers such as a.okta.com keep origin binding).",
      ),
    ),
    'origin',
  ),
  clockCompensation: v.optional(
    v.pipe(
      v.boolean(),
      v.description("Detect the computer's clock offset from servers and compensate for it in codes."),
    ),
    true,
  ),
  bridgeSites: v.optional(
    v.pipe(
      v.array(BridgeSiteEntry),
      v.maxLength(500),
      v.description('Sites where WebAuthn calls are passed to the security-key bridge, and how.'),
    ),
    [],
  ),
  supportContact: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(1000),
      v.description(
        'Support contact shown where users get stuck (MFA reset, forgotten password), e.g. a service desk phone number or URL.',
      ),
    ),
    '',
  ),
  language: v.optional(
    v.pipe(v.picklist(LANGUAGES), v.description('Interface language; auto follows the browser.')),
    'auto',
  ),
} as const;

function isValidRegExp(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}

export const SettingsSchema = v.object(settingsEntries);
export type Settings = v.InferOutput<typeof SettingsSchema>;
export type SettingKey = keyof typeof settingsEntries;
export const SETTING_KEYS = Object.keys(settingsEntries) as SettingKey[];

/** Every default, produced by the schema itself. */
export function defaultSettings(): Settings {
  return v.parse(SettingsSchema, {});
}

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(settingsEntries, key);
}

/** Validate one setting's value; returns the parsed value or the first issue's message. */
export function parseSetting<K extends SettingKey>(
  key: K,
  value: unknown,
): { ok: true; value: Settings[K] } | { ok: false; message: string } {
  const entry = settingsEntries[key];
  // `wrapped` is the schema without its default: undefined is not a valid explicit value.
  const r = v.safeParse(entry.wrapped, value);
  if (r.success) return { ok: true, value: r.output as Settings[K] };
  const issue = r.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  return { ok: false, message: path ? `${path}: ${issue.message}` : issue.message };
}
