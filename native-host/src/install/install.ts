// install / uninstall / doctor for per-user native messaging manifests.
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { NATIVE_HOST_NAME } from '@shared/protocol/index.js';
import { DEVELOPMENT_IDS, type ExtensionIds, extensionIdsFor } from './ids.js';
import {
  BROWSERS,
  type BrowserName,
  InstallError,
  manifestFor,
  manifestPath,
  type SupportedPlatform,
} from './manifests.js';

export interface InstallPlan {
  browser: BrowserName;
  file: string;
  content: string;
}

export interface InstallOptions {
  browsers: readonly BrowserName[];
  platform: SupportedPlatform;
  home: string;
  hostPath: string;
  /** Default: `extension-ids.json` beside the host, else the development IDs. */
  ids?: ExtensionIds;
}

export function planInstall(o: InstallOptions): InstallPlan[] {
  if (!isAbsolute(o.hostPath))
    throw new InstallError('NOT_EXECUTABLE', `host path ${o.hostPath} is not absolute`);
  const ids = o.ids ?? extensionIdsFor(o.hostPath);
  return o.browsers.map((browser) => ({
    browser,
    file: manifestPath(browser, o.platform, o.home),
    content: manifestText(browser, o.hostPath, ids),
  }));
}

export function manifestText(browser: BrowserName, hostPath: string, ids: ExtensionIds): string {
  return `${JSON.stringify(manifestFor(browser, hostPath, ids), null, 2)}\n`;
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function applyInstall(plans: InstallPlan[], hostPath: string): void {
  if (!isExecutable(hostPath)) {
    throw new InstallError(
      'NOT_EXECUTABLE',
      `${hostPath} is not an executable file: run \`npm run build\` first`,
    );
  }
  for (const p of plans) {
    try {
      mkdirSync(dirname(p.file), { recursive: true });
      writeFileSync(p.file, p.content, { mode: 0o644 });
    } catch (err) {
      throw new InstallError('IO', `cannot write ${p.file}: ${(err as Error).message}`);
    }
  }
}

export function planUninstall(
  o: Omit<InstallOptions, 'hostPath'>,
): Array<{ browser: BrowserName; file: string; exists: boolean }> {
  return o.browsers.map((browser) => {
    const file = manifestPath(browser, o.platform, o.home);
    return { browser, file, exists: existsSync(file) };
  });
}

export function applyUninstall(files: string[]): void {
  for (const f of files) rmSync(f, { force: true });
}

export type CheckStatus = 'ok' | 'warn' | 'fail';
export interface Check {
  status: CheckStatus;
  what: string;
  fix?: string;
}

/** Checks one browser's per-user manifest: exists, parses, names us, points at an executable, names our extension. */
export function checkManifest(
  browser: BrowserName,
  platform: SupportedPlatform,
  home: string,
  ids?: ExtensionIds,
): Check[] {
  const file = manifestPath(browser, platform, home);
  const fix = `run \`mfa-bridge-host install --browser ${browser}\``;
  if (!existsSync(file)) return [{ status: 'warn', what: `${browser}: no manifest at ${file}`, fix }];
  return checkManifestFile(browser, file, fix, ids);
}

/** Checks the manifest `file` for `browser`; `ids` default to those the host it points at was built for. */
export function checkManifestFile(
  browser: BrowserName,
  file: string,
  fix: string,
  ids?: ExtensionIds,
  /** Where the host path is looked up (a temporary root in tests). */
  root = '/',
): Check[] {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    return [
      { status: 'fail', what: `${browser}: ${file} is not valid JSON (${(err as Error).message})`, fix },
    ];
  }
  const checks: Check[] = [];
  checks.push(
    m.name === NATIVE_HOST_NAME
      ? { status: 'ok', what: `${browser}: manifest ${file}` }
      : {
          status: 'fail',
          what: `${browser}: manifest name is ${JSON.stringify(m.name)}, not ${NATIVE_HOST_NAME}`,
          fix,
        },
  );
  const path = typeof m.path === 'string' ? m.path : '';
  let expected = ids;
  if (!path || !isAbsolute(path)) {
    checks.push({
      status: 'fail',
      what: `${browser}: manifest path ${JSON.stringify(m.path)} is not absolute`,
      fix,
    });
  } else if (!isExecutable(root === '/' ? path : join(root, path))) {
    checks.push({
      status: 'fail',
      what: `${browser}: host ${path} is missing or not executable (the browser reports "Native host has exited")`,
      fix: `run \`npm run build\`, or \`chmod +x ${path}\`, then ${fix}`,
    });
  } else {
    checks.push({ status: 'ok', what: `${browser}: host ${path} is executable` });
    try {
      expected ??= extensionIdsFor(root === '/' ? path : join(root, path));
    } catch (err) {
      checks.push({ status: 'fail', what: `${browser}: ${(err as Error).message}`, fix });
    }
  }
  expected ??= DEVELOPMENT_IDS;
  if (m.type !== 'stdio')
    checks.push({ status: 'fail', what: `${browser}: manifest type is not "stdio"`, fix });
  if (browser === 'firefox') {
    const list = Array.isArray(m.allowed_extensions) ? m.allowed_extensions : [];
    checks.push(
      list.includes(expected.firefox)
        ? { status: 'ok', what: `${browser}: allows ${expected.firefox}` }
        : { status: 'fail', what: `${browser}: allowed_extensions lacks ${expected.firefox}`, fix },
    );
  } else {
    const origin = `chrome-extension://${expected.chromium}/`;
    const origins = Array.isArray(m.allowed_origins) ? m.allowed_origins : [];
    checks.push(
      origins.includes(origin)
        ? { status: 'ok', what: `${browser}: allows ${origin}` }
        : { status: 'fail', what: `${browser}: allowed_origins lacks ${origin}`, fix },
    );
  }
  return checks;
}

/** On Linux, whether the hidraw nodes of FIDO keys can be opened by this user. */
export function checkHidrawAccess(platform: SupportedPlatform, devDir = '/dev'): Check[] {
  if (platform !== 'linux') return [];
  let nodes: string[];
  try {
    nodes = readdirSync(devDir).filter((n) => n.startsWith('hidraw'));
  } catch {
    nodes = [];
  }
  if (!nodes.length)
    return [{ status: 'warn', what: 'no /dev/hidraw* devices: no USB HID device is plugged in' }];
  const unreadable = nodes.filter((n) => {
    try {
      accessSync(`${devDir}/${n}`, constants.R_OK | constants.W_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (!unreadable.length)
    return [{ status: 'ok', what: `${nodes.length} hidraw device(s) readable and writable` }];
  return [
    {
      status: 'warn',
      what: `no access to ${unreadable.map((n) => `/dev/${n}`).join(', ')} (fine if they are not security keys)`,
      fix: "install your distribution's libfido2/udev rules (e.g. `apt install libfido2-1`, which ships 70-u2f.rules) and re-plug the key",
    },
  ];
}

export { BROWSERS };
