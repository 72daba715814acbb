/** Writes extension/public/managed_schema.json and docs/policy.md from the settings schema. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { managedSchemaText, policyDocs } from './generate';

export const GENERATED = {
  managedSchema: resolve(import.meta.dirname, '../public/managed_schema.json'),
  policyDocs: resolve(import.meta.dirname, '../../docs/policy.md'),
};

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  for (const [file, text] of [
    [GENERATED.managedSchema, managedSchemaText()],
    [GENERATED.policyDocs, policyDocs()],
  ] as const) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
  }
}
