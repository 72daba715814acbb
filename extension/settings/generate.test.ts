import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { managedSchema, managedSchemaText, policyDocs } from './generate';
import { GENERATED } from './generate-cli';
import { SETTING_KEYS } from './schema';

describe('generated policy files', () => {
  it('the shipped managed_schema.json and docs/policy.md are up to date (run generate-cli.ts)', () => {
    expect(readFileSync(GENERATED.managedSchema, 'utf8')).toBe(managedSchemaText());
    expect(readFileSync(GENERATED.policyDocs, 'utf8')).toBe(policyDocs());
  });

  it('has every setting, with Chrome schema attributes only', () => {
    const s = managedSchema();
    expect(s.type).toBe('object');
    expect(Object.keys(s.properties as object)).toEqual(SETTING_KEYS);
    const allowed = new Set(['type', 'description', 'title', 'properties', 'items']);
    const walk = (n: unknown, inProps = false): void => {
      if (!n || typeof n !== 'object') return;
      for (const [k, v] of Object.entries(n)) {
        if (!inProps) expect(allowed.has(k), `attribute ${k}`).toBe(true);
        walk(v, k === 'properties' && !inProps);
      }
    };
    walk(s);
    const props = s.properties as Record<string, { type: string; items?: { properties?: object } }>;
    expect(props.autoLockMinutes?.type).toBe('integer');
    expect(props.disableExport?.type).toBe('boolean');
    expect(Object.keys(props.bridgeSites?.items?.properties ?? {})).toEqual(['match', 'mode']);
  });

  it('documents every key with its default', () => {
    const doc = policyDocs();
    for (const k of SETTING_KEYS) expect(doc).toContain(`| \`${k}\` |`);
    expect(doc).toContain('| `autoLockMinutes` | integer | `15` |');
  });
});
