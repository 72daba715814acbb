// Which extension the manifests name. A development build names the development IDs; a release
// package carries `extension-ids.json` beside its launcher, written by `npm run package` from the
// organisation's signing key, so `install` and `doctor` of that package name the organisation's build.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXTENSION_IDS } from '@shared/protocol/index.js';
import * as v from 'valibot';
import { InstallError } from './manifests.js';

export const EXTENSION_IDS_FILE = 'extension-ids.json';

export const ExtensionIdsSchema = v.object({
  /** 32 letters a-p: the first 128 bits of SHA-256 of the signing key's public key. */
  chromium: v.pipe(v.string(), v.regex(/^[a-p]{32}$/)),
  /** Firefox add-on ID (browser_specific_settings.gecko.id). */
  firefox: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
});
export type ExtensionIds = v.InferOutput<typeof ExtensionIdsSchema>;

export const DEVELOPMENT_IDS: ExtensionIds = { ...EXTENSION_IDS };

/** The IDs named by `extension-ids.json` beside `hostPath`, or the development IDs when there is none. */
export function extensionIdsFor(hostPath: string): ExtensionIds {
  const file = join(dirname(hostPath), EXTENSION_IDS_FILE);
  if (!existsSync(file)) return DEVELOPMENT_IDS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InstallError('IO', `${file} is not valid JSON (${(err as Error).message})`);
  }
  const r = v.safeParse(ExtensionIdsSchema, parsed);
  if (!r.success)
    throw new InstallError('IO', `${file} does not name the extension IDs: ${r.issues[0].message}`);
  return r.output;
}
