// The pinned Node runtime for a target: fetched once with `npm pack` into .cache/node-runtimes/ (not a
// devDependency: the packages are 35-50 MB each and declare os/cpu, so `npm ci` would refuse or skip
// them), checked against the pinned sha512, and the node binary extracted.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_VERSION, ROOT, type Target } from './targets';

export const RUNTIME_CACHE = process.env.MFA_BRIDGE_RUNTIME_CACHE || join(ROOT, '.cache', 'node-runtimes');

function integrityOf(file: string): string {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/** Path of the runtime tarball for `target`, fetched from the npm registry when not cached. */
export function runtimeTarball(target: Target, cache = RUNTIME_CACHE): string {
  const file = join(cache, `${target.runtimePackage}-${NODE_VERSION}.tgz`);
  if (!existsSync(file)) {
    mkdirSync(cache, { recursive: true });
    const r = spawnSync(
      'npm',
      ['pack', `${target.runtimePackage}@${NODE_VERSION}`, '--silent', '--pack-destination', cache],
      {
        encoding: 'utf8',
      },
    );
    if (r.status !== 0 || !existsSync(file))
      throw new Error(`npm pack ${target.runtimePackage}@${NODE_VERSION} failed: ${r.stderr || r.error}`);
  }
  const got = integrityOf(file);
  if (got !== target.runtimeIntegrity) {
    rmSync(file, { force: true });
    throw new Error(`${file}: integrity ${got} is not the pinned ${target.runtimeIntegrity}; removed it`);
  }
  return file;
}

/** Extracts the node binary and Node's LICENSE into `dir` (runtime/ of a host folder). */
export function extractRuntime(target: Target, dir: string, cache = RUNTIME_CACHE): void {
  const tgz = runtimeTarball(target, cache);
  const tmp = mkdtempSync(join(tmpdir(), 'mfa-bridge-runtime-'));
  try {
    const r = spawnSync('tar', ['-xzf', tgz, '-C', tmp, target.runtimeBinary], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`extracting ${tgz} failed: ${r.stderr}`);
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(tmp, target.runtimeBinary), join(dir, target.nodeFile));
    chmodSync(join(dir, target.nodeFile), 0o755);
    // The Windows package carries no LICENSE file of its own.
    const lic = spawnSync('tar', ['-xzf', tgz, '-C', tmp, 'package/LICENSE'], { encoding: 'utf8' });
    if (lic.status === 0) copyFileSync(join(tmp, 'package/LICENSE'), join(dir, 'LICENSE'));
    else
      writeFileSync(
        join(dir, 'LICENSE.txt'),
        `Node.js ${NODE_VERSION} (${target.runtimePackage} from the npm registry) is released under the MIT licence and\r\nbundles third-party code under their own licences: https://github.com/nodejs/node/blob/v${NODE_VERSION}/LICENSE\r\n`,
      );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
