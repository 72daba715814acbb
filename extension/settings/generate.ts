/**
 * From the one settings schema (./schema.ts) to:
 * - Chrome's `managed_schema.json` (extension/public/, shipped by WXT as-is), and
 * - the policy documentation table (docs/policy.md).
 * Run `npx tsx extension/settings/generate-cli.ts` after changing the schema; a unit test fails
 * while the committed files differ from what this produces.
 *
 * The managed schema carries types and descriptions only. Chrome drops a policy value that fails
 * its schema (showing the error only on chrome://policy); ranges, patterns and enums are checked
 * by us instead, so an out-of-range value reaches the extension and is reported on the options
 * page as "ignored", not silently dropped. Types stay, so Windows registry values are converted.
 */
import { toJsonSchema } from '@valibot/to-json-schema';
import { EXTENSION_IDS } from '../ids';
import { defaultSettings, SETTING_KEYS, SettingsSchema, settingsEntries } from './schema';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

/** Attributes of Chrome's policy schema dialect we emit. */
const KEEP = new Set(['type', 'description', 'title', 'properties', 'items']);

function fullJsonSchema(): JsonObject {
  return toJsonSchema(SettingsSchema, { errorMode: 'ignore', typeMode: 'input' }) as unknown as JsonObject;
}

function chromeSubset(node: Json): Json {
  if (Array.isArray(node) || node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [k, val] of Object.entries(node)) {
    if (!KEEP.has(k)) continue;
    if (k === 'properties' && val && typeof val === 'object' && !Array.isArray(val)) {
      out[k] = Object.fromEntries(Object.entries(val).map(([pk, pv]) => [pk, chromeSubset(pv)]));
    } else if (k === 'items') {
      out[k] = chromeSubset(val);
    } else {
      out[k] = val;
    }
  }
  return out;
}

/** Chrome `storage.managed_schema`: an object schema with a property per setting. */
export function managedSchema(): JsonObject {
  const s = chromeSubset(fullJsonSchema()) as JsonObject;
  return { type: 'object', properties: s.properties ?? {} };
}

export function managedSchemaText(): string {
  return `${JSON.stringify(managedSchema(), null, 2)}\n`;
}

function typeText(node: JsonObject): string {
  if (node.enum && Array.isArray(node.enum))
    return node.enum.map((e) => `\`${JSON.stringify(e)}\``).join(' \\| ');
  if (node.type === 'array' && node.items && typeof node.items === 'object' && !Array.isArray(node.items)) {
    const items = node.items as JsonObject;
    if (items.type === 'object' && items.properties && typeof items.properties === 'object') {
      const props = Object.entries(items.properties as JsonObject)
        .map(([k, v]) => `${k}: ${typeText(v as JsonObject)}`)
        .join(', ');
      return `array of { ${props} }`;
    }
    return `array of ${typeText(items)}`;
  }
  if (node.type === 'object' && node.properties && typeof node.properties === 'object') {
    const props = Object.entries(node.properties as JsonObject)
      .map(([k, v]) => `${k}: ${typeText(v as JsonObject)}`)
      .join(', ');
    return `{ ${props} }`;
  }
  return String(node.type ?? '');
}

function limitsText(node: JsonObject): string {
  const parts: string[] = [];
  if (typeof node.minimum === 'number') parts.push(`≥ ${node.minimum}`);
  if (typeof node.maximum === 'number') parts.push(`≤ ${node.maximum}`);
  if (typeof node.maxLength === 'number') parts.push(`at most ${node.maxLength} characters`);
  if (typeof node.maxItems === 'number') parts.push(`at most ${node.maxItems} entries`);
  if (node.type === 'array' && node.items && typeof node.items === 'object' && !Array.isArray(node.items)) {
    const it = node.items as JsonObject;
    if (
      typeof it.pattern === 'string' ||
      (it.properties && JSON.stringify(it.properties).includes('pattern'))
    ) {
      parts.push('hosts as `host` or `*.domain`');
    }
  }
  return parts.join(', ');
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/policy.md */
export function policyDocs(): string {
  const full = fullJsonSchema();
  const props = (full.properties ?? {}) as JsonObject;
  const defaults = defaultSettings() as unknown as Record<string, Json>;
  const rows = SETTING_KEYS.map((key) => {
    const node = props[key] as JsonObject;
    const type = typeText(node);
    return `| \`${key}\` | ${cell(type).replace(/\\\\\|/g, '\\|')} | \`${cell(JSON.stringify(defaults[key]))}\` | ${cell(limitsText(node))} | ${cell(String(node.description ?? ''))} |`;
  });
  const example = {
    '3rdparty': {
      extensions: {
        [EXTENSION_IDS.chromium]: {
          passwordMinLength: 12,
          passwordPattern: '[0-9]',
          passwordPatternHint: 'Use at least one digit.',
          autoLockMinutes: 10,
          disableExport: true,
          allowedSites: ['*.portbase.com'],
          bridgeSites: [{ match: '*.portbase.com', mode: 'fallback' }],
          supportContact: 'Service desk: https://support.example.com (MFA reset)',
        },
      },
    },
  };
  return `<!-- Generated from extension/settings/schema.ts by extension/settings/generate-cli.ts. Do not edit. -->
# Settings and managed policy

Every setting below can be chosen by the user on the options page, and every one can be enforced by an
administrator through managed storage (Chrome/Chromium/Edge policy \`3rdparty.extensions.<extension id>\`,
Firefox \`policies.json\` → \`policies.3rdparty.Extensions.<extension id>\`). Effective value: default < user choice < policy. A setting
set by policy is shown locked, marked "set by your organisation".

A policy value that does not fit (wrong range, bad pattern, unknown key) is ignored and listed on the
options page under "Policy problems"; the other policy values still apply. A value of the wrong JSON
type may already be rejected by the browser (Chrome lists it on \`chrome://policy\`).

| Policy key | Type | Default | Limits | Description |
|---|---|---|---|---|
${rows.join('\n')}

## Example (Chromium on Linux)

\`/etc/chromium/policies/managed/mfa-bridge.json\`:

\`\`\`json
${JSON.stringify(example, null, 2)}
\`\`\`

Chrome reads the schema for these keys from \`managed_schema.json\` in the extension (types only; the
limits above are checked by the extension itself). Chromium watches that directory: a changed file is
applied while the browser runs.

## Example (Firefox on Linux)

\`/etc/firefox/policies/policies.json\` (Debian's \`firefox-esr\` reads this path too; otherwise
\`distribution/policies.json\` in the Firefox installation directory). No native "storage" manifest is
needed: \`storage.managed\` answers the \`3rdparty\` policy for the add-on's id. Firefox reads the file
when it starts.

\`\`\`json
${JSON.stringify({ policies: { '3rdparty': { Extensions: { [EXTENSION_IDS.firefox]: { passwordMinLength: 12, autoLockMinutes: 10, disableExport: true } } } } }, null, 2)}
\`\`\`

## A policy that arrives or changes later

Chromium fills the policy a few seconds after it starts, and administrators change policies while
browsers run. The extension follows every change at once: enforced settings are locked on open pages,
a shorter \`autoLockMinutes\` counts from the last use (an unlocked vault idle for longer locks at
once). Password rules can only be checked when the password is typed: a vault whose master password no
longer meets \`passwordMinLength\` / \`passwordPattern\` asks, at the next unlock, for a new master
password that does; its codes are shown only after that, and no account is lost.
`;
}

/** Which keys exist (for tests). */
export const documentedKeys = Object.keys(settingsEntries);
