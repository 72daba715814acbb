// macOS: a tarball with the payload a .pkg would carry (host under /Library/Application Support/
// mfa-bridge/, manifests in each browser's /Library/…/NativeMessagingHosts) and install/uninstall
// scripts; `pkgbuild --root payload` turns the same payload into a .pkg for MDM (see docs/rollout.md).
import { chmodSync, cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExtensionIds } from '../../native-host/src/install/ids';
import { BROWSERS } from '../../native-host/src/install/manifests';
import {
  applySystemInstall,
  planSystemInstall,
  systemManifestPath,
} from '../../native-host/src/install/system';
import { tarGz } from './archive';

export const MAC_HOST_DIR = '/Library/Application Support/mfa-bridge';
export const MAC_HOST_PATH = `${MAC_HOST_DIR}/mfa-bridge-host`;

const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

export function macFolderName(version: string): string {
  return `mfa-bridge-${version}-macos-x64`;
}

/** Builds the macOS folder and its .tar.gz from a darwin-x64 host folder; returns the archive path. */
export function buildMacPackage(o: {
  hostFolder: string;
  version: string;
  ids: ExtensionIds;
  outDir: string;
}): string {
  const dir = join(o.outDir, macFolderName(o.version));
  rmSync(dir, { recursive: true, force: true });
  const payload = join(dir, 'payload');
  mkdirSync(payload, { recursive: true });
  cpSync(o.hostFolder, join(payload, MAC_HOST_DIR), { recursive: true });
  applySystemInstall(
    planSystemInstall({
      browsers: BROWSERS,
      platform: 'darwin',
      hostPath: MAC_HOST_PATH,
      root: payload,
      ids: o.ids,
    }),
    MAC_HOST_PATH,
    payload,
  );
  const manifests = BROWSERS.map((b) => systemManifestPath(b, 'darwin'));
  const install = `#!/bin/sh
# Installs the mfa-bridge host for every user of this Mac (run with sudo).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "run with sudo" >&2; exit 1; }
rm -rf ${q(MAC_HOST_DIR)}
/usr/bin/ditto "$here/payload" /
chown -R root:wheel ${q(MAC_HOST_DIR)}
${manifests.map((m) => `chown root:wheel ${q(m)}; chmod 644 ${q(m)}`).join('\n')}
xattr -dr com.apple.quarantine ${q(MAC_HOST_DIR)} 2>/dev/null || true
echo "installed ${MAC_HOST_PATH}"
${q(MAC_HOST_PATH)} doctor --system || true
`;
  const uninstall = `#!/bin/sh
# Removes the mfa-bridge host and its manifests (run with sudo).
set -eu
[ "$(id -u)" -eq 0 ] || { echo "run with sudo" >&2; exit 1; }
${manifests.map((m) => `rm -f ${q(m)}`).join('\n')}
rm -rf ${q(MAC_HOST_DIR)}
echo "removed the mfa-bridge host"
`;
  writeFileSync(join(dir, 'install.sh'), install);
  writeFileSync(join(dir, 'uninstall.sh'), uninstall);
  chmodSync(join(dir, 'install.sh'), 0o755);
  chmodSync(join(dir, 'uninstall.sh'), 0o755);
  writeFileSync(
    join(dir, 'README.txt'),
    `mfa-bridge host ${o.version} for macOS (x64; runs on Apple silicon under Rosetta 2)

sudo ./install.sh      installs ${MAC_HOST_DIR} and the manifests:
${manifests.map((m) => `  ${m}`).join('\n')}
sudo ./uninstall.sh    removes them again

For MDM, build a package from the same payload (on a Mac, then sign it with productsign):
  pkgbuild --root payload --identifier org.mfa-bridge.host --version ${o.version} --install-location / mfa-bridge-host.pkg
`,
  );
  const out = `${dir}.tar.gz`;
  tarGz(dir, out);
  return out;
}
