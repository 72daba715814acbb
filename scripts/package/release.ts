// Everything `npm run package` produces, from one signing key and one base URL.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExtensionIds } from '../../native-host/src/install/ids';
import { tarGz, zipDir } from './archive';
import { buildDeb } from './deb';
import { CRX_NAME, packageChromium, packageFirefox, UPDATES_JSON, UPDATES_XML, XPI_NAME } from './extension';
import { buildHostFolder, packageVersion } from './host';
import { loadSigningKey, type SigningKey, throwawayKey } from './keys';
import { buildMacPackage } from './macos';
import { buildMsi } from './msi';
import { writePolicyTemplates } from './policies';
import { parseTarget, ROOT } from './targets';

export const DEFAULT_FIREFOX_ID = 'mfa-bridge@mfa-bridge.org';
export const DEFAULT_BASE_URL = 'https://mfa-bridge.example.com/extension/';

export interface ReleaseOptions {
  out: string;
  targets: string[];
  keyFile?: string;
  /** Given directly (tests); otherwise from keyFile / the environment / a throw-away one. */
  key?: SigningKey;
  baseUrl?: string;
  firefoxId?: string;
  log?: (line: string) => void;
  runtimeCache?: string;
  /** Skip the CRX and XPI (tests of the host alone). */
  skipExtension?: boolean;
  /** Skip the .deb, .msi and macOS package. */
  skipSystemPackages?: boolean;
  /** Skip the archives of host folders (tests that only need the folders). */
  skipArchives?: boolean;
}

export interface Release {
  out: string;
  version: string;
  key: SigningKey;
  ids: ExtensionIds;
  baseUrl: string;
  hostFolders: Record<string, string>;
}

export async function packageRelease(o: ReleaseOptions): Promise<Release> {
  const log = o.log ?? (() => undefined);
  const out = resolve(ROOT, o.out);
  const version = packageVersion();
  let key = o.key ?? loadSigningKey(o.keyFile ? { file: o.keyFile } : {});
  if (!key) {
    key = throwawayKey();
    log(
      'WARNING: no signing key given (--key FILE, MFA_BRIDGE_SIGNING_KEY_FILE or MFA_BRIDGE_SIGNING_KEY): ' +
        `signed with a throw-away key, extension ID ${key.chromiumId}. Browsers cannot update this build from a later one.`,
    );
  } else {
    log(`signing key: ${key.source} (extension ID ${key.chromiumId})`);
  }
  if (!o.baseUrl)
    log(`no --base-url: the update manifests and policy templates name ${DEFAULT_BASE_URL} (a placeholder)`);
  const baseUrl = (o.baseUrl ?? DEFAULT_BASE_URL).replace(/\/?$/, '/');
  const ids: ExtensionIds = { chromium: key.chromiumId, firefox: o.firefoxId ?? DEFAULT_FIREFOX_ID };
  mkdirSync(out, { recursive: true });
  const hostFolders: Record<string, string> = {};
  for (const name of o.targets) {
    const target = parseTarget(name);
    const folderName = `mfa-bridge-host-${version}-${target.name}`;
    const dir = join(out, folderName);
    buildHostFolder({ target, dir, ids, ...(o.runtimeCache ? { runtimeCache: o.runtimeCache } : {}) });
    hostFolders[target.name] = dir;
    if (!o.skipArchives) {
      if (target.os === 'win32') {
        rmSync(`${dir}.zip`, { force: true });
        await zipDir(dir, `${dir}.zip`);
        log(`wrote ${dir}.zip`);
      } else {
        tarGz(dir, `${dir}.tar.gz`);
        log(`wrote ${dir}.tar.gz`);
      }
    }
  }
  writeFileSync(join(out, 'extension-ids.json'), `${JSON.stringify(ids, null, 2)}\n`);
  if (!o.skipExtension) {
    const extDir = join(out, 'extension');
    mkdirSync(extDir, { recursive: true });
    await packageChromium(key, baseUrl, extDir);
    await packageFirefox(ids, baseUrl, extDir);
    log(
      `wrote ${extDir}/{${CRX_NAME},${UPDATES_XML},${XPI_NAME},${UPDATES_JSON}} (serve them at ${baseUrl})`,
    );
  }
  if (!o.skipSystemPackages) {
    if (hostFolders['linux-x64'])
      log(`wrote ${buildDeb({ hostFolder: hostFolders['linux-x64'], version, ids, outDir: out })}`);
    if (hostFolders['win-x64'])
      log(`wrote ${buildMsi({ hostFolder: hostFolders['win-x64'], version, ids, outDir: out })}`);
    if (hostFolders['darwin-x64'])
      log(`wrote ${buildMacPackage({ hostFolder: hostFolders['darwin-x64'], version, ids, outDir: out })}`);
  }
  const policies = writePolicyTemplates({ ids, baseUrl }, join(out, 'policies'));
  log(`wrote ${policies.length} policy templates into ${join(out, 'policies')}`);
  return { out, version, key, ids, baseUrl, hostFolders };
}
