// A self-contained host folder for one target: launcher, bundled Node runtime, host bundle, node-hid
// with only that platform's prebuilt addon. Every path in it is relative to the launcher.
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { releaseCmdLauncher, releaseShLauncher } from '../../native-host/launcher.mjs';
import type { ExtensionIds } from '../../native-host/src/install/ids';
import { extractRuntime } from './runtime';
import { NODE_VERSION, ROOT, type Target } from './targets';

export const HOST_DIST = join(ROOT, 'native-host', 'dist');
const MODULES = join(ROOT, 'node_modules');

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Copies the listed files of an installed package, with a package.json trimmed to what loading needs. */
function copyModule(name: string, files: readonly string[], into: string): void {
  const from = join(MODULES, name);
  const to = join(into, 'node_modules', name);
  mkdirSync(to, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as Record<string, unknown>;
  const keep = Object.fromEntries(
    ['name', 'version', 'license', 'main', 'dependencies'].filter((k) => k in pkg).map((k) => [k, pkg[k]]),
  );
  writeFileSync(join(to, 'package.json'), `${JSON.stringify(keep, null, 2)}\n`);
  for (const f of files) {
    mkdirSync(join(to, f, '..'), { recursive: true });
    copyFileSync(join(from, f), join(to, f));
  }
  for (const f of readdirSync(from).filter((n) => /^(LICENSE|COPYING)/i.test(n)))
    copyFileSync(join(from, f), join(to, f));
}

export interface HostFolderOptions {
  target: Target;
  /** The folder to create (replaced if it exists). */
  dir: string;
  ids: ExtensionIds;
  runtimeCache?: string;
}

/** Builds the host folder; `npm run build:host` must have run. */
export function buildHostFolder(o: HostFolderOptions): void {
  const bundle = join(HOST_DIST, 'mfa-bridge-host.mjs');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first`);
  rmSync(o.dir, { recursive: true, force: true });
  mkdirSync(o.dir, { recursive: true });
  copyFileSync(bundle, join(o.dir, 'mfa-bridge-host.mjs'));
  cpSync(join(HOST_DIST, 'chunks'), join(o.dir, 'chunks'), { recursive: true });
  // node-hid finds its addon through pkg-prebuilds under prebuilds/<name>-<platform>-<arch>/.
  copyModule(
    'node-hid',
    [
      'nodehid.js',
      'binding-options.js',
      ...o.target.hidPrebuilds.map((p) => `prebuilds/${p}/node-napi-v4.node`),
    ],
    o.dir,
  );
  copyModule('pkg-prebuilds', ['bindings.js', 'lib/prebuild.js'], o.dir);
  extractRuntime(o.target, join(o.dir, 'runtime'), o.runtimeCache);
  const launcher = join(o.dir, o.target.launcher);
  writeFileSync(launcher, o.target.os === 'win32' ? releaseCmdLauncher() : releaseShLauncher());
  chmodSync(launcher, 0o755);
  writeFileSync(join(o.dir, 'extension-ids.json'), `${JSON.stringify(o.ids, null, 2)}\n`);
  copyFileSync(join(ROOT, 'LICENSE'), join(o.dir, 'LICENSE'));
  writeFileSync(
    join(o.dir, 'README.txt'),
    [
      `mfa-bridge native host ${packageVersion()} (${o.target.name}, Node ${NODE_VERSION} included)`,
      '',
      'Browsers start it through the manifest installed for them; it needs no Node on the machine.',
      o.target.os === 'win32'
        ? 'Install with the .msi, which registers the manifests under HKLM for Chrome, Edge and Firefox.'
        : `Install system-wide (as root): ./mfa-bridge-host install --system   Check: ./mfa-bridge-host doctor --system`,
      `Extension IDs it serves: ${o.ids.chromium} (Chromium browsers), ${o.ids.firefox} (Firefox).`,
      "runtime/LICENSE is Node.js's licence; node_modules/*/LICENSE* those of node-hid and pkg-prebuilds.",
      '',
    ].join(o.target.os === 'win32' ? '\r\n' : '\n'),
  );
}
