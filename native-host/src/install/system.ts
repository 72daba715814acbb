// System-wide native messaging manifests (for administrators who do not use the packages): where each
// browser reads them on Linux and macOS, install / uninstall under a root prefix, and the doctor's
// view of one machine: which browsers will find the host, whether it runs, whether keys can be opened.
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
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { NATIVE_HOST_NAME } from '@shared/protocol/index.js';
import type { ExtensionIds } from './ids.js';
import { extensionIdsFor } from './ids.js';
import { type Check, checkManifestFile, isExecutable, manifestText } from './install.js';
import {
  BROWSERS,
  type BrowserName,
  InstallError,
  manifestPath,
  type SupportedPlatform,
} from './manifests.js';

/**
 * System manifest directories, in the order each browser reads them. Linux: Debian's Chromium reads
 * /etc/chromium, Chrome /etc/opt/chrome, Edge /etc/opt/edge, Firefox /usr/lib/mozilla (and
 * /usr/lib64/mozilla on 64-bit Fedora-style layouts). The first directory is where we install.
 */
export const SYSTEM_DIRS: Record<SupportedPlatform, Record<BrowserName, readonly string[]>> = {
  linux: {
    chrome: ['/etc/opt/chrome/native-messaging-hosts'],
    chromium: ['/etc/chromium/native-messaging-hosts'],
    edge: ['/etc/opt/edge/native-messaging-hosts'],
    brave: ['/etc/opt/brave.com/brave/native-messaging-hosts'],
    vivaldi: ['/etc/opt/vivaldi/native-messaging-hosts'],
    firefox: ['/usr/lib/mozilla/native-messaging-hosts', '/usr/lib64/mozilla/native-messaging-hosts'],
  },
  darwin: {
    chrome: ['/Library/Google/Chrome/NativeMessagingHosts'],
    chromium: ['/Library/Application Support/Chromium/NativeMessagingHosts'],
    edge: ['/Library/Microsoft/Edge/NativeMessagingHosts'],
    brave: ['/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts'],
    vivaldi: ['/Library/Application Support/Vivaldi/NativeMessagingHosts'],
    firefox: ['/Library/Application Support/Mozilla/NativeMessagingHosts'],
  },
};

/** Program names each browser is installed as (looked up on PATH, Linux) or app bundles (macOS). */
const PROGRAMS: Record<SupportedPlatform, Record<BrowserName, readonly string[]>> = {
  linux: {
    chrome: ['google-chrome', 'google-chrome-stable'],
    chromium: ['chromium', 'chromium-browser'],
    edge: ['microsoft-edge', 'microsoft-edge-stable'],
    brave: ['brave-browser', 'brave'],
    vivaldi: ['vivaldi', 'vivaldi-stable'],
    firefox: ['firefox', 'firefox-esr'],
  },
  darwin: {
    chrome: ['/Applications/Google Chrome.app'],
    chromium: ['/Applications/Chromium.app'],
    edge: ['/Applications/Microsoft Edge.app'],
    brave: ['/Applications/Brave Browser.app'],
    vivaldi: ['/Applications/Vivaldi.app'],
    firefox: ['/Applications/Firefox.app'],
  },
};

/** `path` under `root` ("/" for the real system; a temporary directory in tests and image builds). */
export function underRoot(root: string, path: string): string {
  return root === '/' ? path : join(root, path);
}

export function systemManifestPath(browser: BrowserName, platform: SupportedPlatform, root = '/'): string {
  return underRoot(root, join(SYSTEM_DIRS[platform][browser][0]!, `${NATIVE_HOST_NAME}.json`));
}

export interface SystemPlan {
  browser: BrowserName;
  file: string;
  content: string;
}

export interface SystemInstallOptions {
  browsers: readonly BrowserName[];
  platform: SupportedPlatform;
  /** Absolute path of the launcher as browsers will see it (not prefixed by `root`). */
  hostPath: string;
  root?: string;
  ids?: ExtensionIds;
}

export function planSystemInstall(o: SystemInstallOptions): SystemPlan[] {
  if (!isAbsolute(o.hostPath))
    throw new InstallError('NOT_EXECUTABLE', `host path ${o.hostPath} is not absolute`);
  const ids = o.ids ?? extensionIdsFor(underRoot(o.root ?? '/', o.hostPath));
  return o.browsers.map((browser) => ({
    browser,
    file: systemManifestPath(browser, o.platform, o.root),
    content: manifestText(browser, o.hostPath, ids),
  }));
}

/**
 * Writes the manifests (0644, directories 0755). The host must be an executable file that only its
 * owner can change: a system manifest pointing at a file users can write would let them run code in
 * every user's browser session.
 */
export function applySystemInstall(plans: SystemPlan[], hostPath: string, root = '/'): void {
  const onDisk = underRoot(root, hostPath);
  if (!isExecutable(onDisk)) throw new InstallError('NOT_EXECUTABLE', `${onDisk} is not an executable file`);
  const writable = writableByOthers(onDisk, root);
  if (writable)
    throw new InstallError(
      'NOT_EXECUTABLE',
      `${writable} can be changed by other users: install the host where only root can write (e.g. /opt/mfa-bridge)`,
    );
  for (const p of plans) {
    try {
      mkdirSync(dirname(p.file), { recursive: true, mode: 0o755 });
      writeFileSync(p.file, p.content, { mode: 0o644 });
    } catch (err) {
      throw new InstallError('IO', `cannot write ${p.file}: ${(err as Error).message}`);
    }
  }
}

/**
 * The first of `path` and its parent directories (up to `root`) that group or others may write to, if
 * any. A sticky directory (/tmp) lets others add files, not replace ours, so it does not count.
 */
export function writableByOthers(path: string, root = '/'): string | null {
  let p = path;
  for (;;) {
    try {
      const st = statSync(p);
      const sticky = st.isDirectory() && (st.mode & 0o1000) !== 0;
      if (st.mode & 0o022 && !sticky) return p;
    } catch {
      return p;
    }
    const up = dirname(p);
    if (up === p || p === root) return null;
    p = up;
  }
}

export function planSystemUninstall(
  browsers: readonly BrowserName[],
  platform: SupportedPlatform,
  root = '/',
): Array<{ browser: BrowserName; file: string; exists: boolean }> {
  return browsers.map((browser) => {
    const file = systemManifestPath(browser, platform, root);
    return { browser, file, exists: existsSync(file) };
  });
}

/** Removes our manifests only (a file naming another host is left alone). */
export function applySystemUninstall(files: string[]): string[] {
  const removed: string[] = [];
  for (const f of files) {
    try {
      const m = JSON.parse(readFileSync(f, 'utf8')) as { name?: unknown };
      if (m.name !== NATIVE_HOST_NAME) continue;
    } catch {
      continue;
    }
    rmSync(f, { force: true });
    removed.push(f);
  }
  return removed;
}

/** Whether a browser program is installed (PATH on Linux, /Applications on macOS). */
export function browserInstalled(
  browser: BrowserName,
  platform: SupportedPlatform,
  pathVar = process.env.PATH ?? '',
  root = '/',
): string | null {
  for (const name of PROGRAMS[platform][browser]) {
    if (platform === 'darwin') {
      if (existsSync(underRoot(root, name))) return name;
      continue;
    }
    for (const dir of pathVar.split(delimiter).filter(Boolean)) {
      const p = join(dir, name);
      if (isExecutable(underRoot(root, p))) return p;
    }
  }
  return null;
}

export interface DoctorContext {
  platform: SupportedPlatform;
  root?: string;
  /** Home of the user whose per-user manifests may shadow the system ones. */
  home?: string;
  pathVar?: string;
  /** /dev and /sys (for FIDO HID access); default `root`. */
  devRoot?: string;
}

/**
 * For each browser: whether it is installed, which manifest it will use (a per-user one is read
 * first and shadows the system one), and whether that manifest is sound; then FIDO HID access.
 */
export function doctorSystem(ctx: DoctorContext): Check[] {
  const root = ctx.root ?? '/';
  const checks: Check[] = [];
  let found = 0;
  for (const browser of BROWSERS) {
    const program = browserInstalled(browser, ctx.platform, ctx.pathVar, root);
    const systemFiles = SYSTEM_DIRS[ctx.platform][browser].map((d) =>
      underRoot(root, join(d, `${NATIVE_HOST_NAME}.json`)),
    );
    const systemFile = systemFiles.find((f) => existsSync(f));
    const userFile = ctx.home ? manifestPath(browser, ctx.platform, ctx.home) : undefined;
    const userShadows = userFile && existsSync(userFile) ? userFile : undefined;
    const fix = `run \`mfa-bridge-host install --system --browser ${browser}\` as root`;
    const label = program ? `${browser} (${program})` : `${browser} (not installed)`;
    const used = userShadows ?? systemFile;
    if (!used) {
      checks.push({
        status: program ? 'fail' : 'warn',
        what: `${label} will not find the host: no manifest in ${systemFiles.join(' or ')}`,
        fix,
      });
      continue;
    }
    const sub = checkManifestFile(browser, used, fix, undefined, root);
    const sound = sub.every((c) => c.status === 'ok');
    if (sound) found++;
    checks.push({
      status: sound ? 'ok' : 'fail',
      what: `${label} ${sound ? 'will find the host' : 'finds a broken manifest'} through ${used}${
        userShadows && systemFile ? ` (a per-user manifest, read before the system one ${systemFile})` : ''
      }`,
      ...(sound ? {} : { fix }),
    });
    checks.push(...sub.filter((c) => c.status !== 'ok'));
    const hostLine = sub.find((c) => c.what.includes('is executable'));
    if (hostLine) checks.push(hostLine);
  }
  if (!found)
    checks.push({
      status: 'fail',
      what: 'no browser will find the host',
      fix: 'run `mfa-bridge-host install --system` as root',
    });
  checks.push(...checkFidoHidAccess(ctx.platform, ctx.devRoot ?? root));
  return checks;
}

/** Whether a HID report descriptor declares the FIDO usage page (0xF1D0). */
export function isFidoReportDescriptor(d: Uint8Array): boolean {
  for (let i = 0; i + 2 < d.length; i++) {
    // Usage Page (global item, 2 bytes): 0x06 0xD0 0xF1.
    if (d[i] === 0x06 && d[i + 1] === 0xd0 && d[i + 2] === 0xf1) return true;
  }
  return false;
}

/** On Linux, the FIDO security keys among /dev/hidraw* and whether this user may open them. */
export function checkFidoHidAccess(platform: SupportedPlatform, root = '/'): Check[] {
  if (platform !== 'linux')
    return [{ status: 'ok', what: 'macOS: security keys need no device permissions' }];
  const sys = underRoot(root, '/sys/class/hidraw');
  let nodes: string[] = [];
  try {
    nodes = readdirSync(sys).filter((n) => n.startsWith('hidraw'));
  } catch {
    nodes = [];
  }
  const fido = nodes.filter((n) => {
    try {
      return isFidoReportDescriptor(readFileSync(join(sys, n, 'device', 'report_descriptor')));
    } catch {
      return false;
    }
  });
  const rule = udevRuleInstalled(root);
  const ruleCheck: Check = rule
    ? { status: 'ok', what: `udev rule giving the user at the seat access to security keys: ${rule}` }
    : {
        status: 'warn',
        what: 'no udev rule for FIDO security keys found (users may not be able to open them)',
        fix: 'install the mfa-bridge package (it ships /lib/udev/rules.d/70-mfa-bridge-fido.rules), or libfido2-1 (70-u2f.rules)',
      };
  if (!fido.length) return [ruleCheck, { status: 'warn', what: 'no FIDO security key plugged in (USB HID)' }];
  const denied = fido.filter((n) => {
    try {
      accessSync(underRoot(root, `/dev/${n}`), constants.R_OK | constants.W_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (!denied.length)
    return [
      ruleCheck,
      {
        status: 'ok',
        what: `this user can open ${fido.length} security key(s): ${fido.map((n) => `/dev/${n}`).join(', ')}`,
      },
    ];
  return [
    ruleCheck,
    {
      status: 'fail',
      what: `this user cannot open ${denied.map((n) => `/dev/${n}`).join(', ')} (FIDO security keys)`,
      fix: 'install the udev rule, then re-plug the key (access goes to the user logged in at the seat)',
    },
  ];
}

/** A udev rule that grants access to FIDO keys: ours, libfido2's, or systemd's fido_id rules. */
export function udevRuleInstalled(root = '/'): string | null {
  for (const f of [
    '/lib/udev/rules.d/70-mfa-bridge-fido.rules',
    '/usr/lib/udev/rules.d/70-mfa-bridge-fido.rules',
    '/etc/udev/rules.d/70-mfa-bridge-fido.rules',
    '/lib/udev/rules.d/70-u2f.rules',
    '/usr/lib/udev/rules.d/70-u2f.rules',
    '/lib/udev/rules.d/60-fido-id.rules',
    '/usr/lib/udev/rules.d/60-fido-id.rules',
  ]) {
    if (existsSync(underRoot(root, f))) return f;
  }
  return null;
}

/**
 * The udev rule the packages ship. systemd (≥ 244) marks FIDO keys with ID_FIDO_TOKEN from their
 * report descriptor (60-fido-id.rules); this tags them for `uaccess`, so the user logged in at the
 * seat may open them, on systems whose rules do not already do so.
 */
export const UDEV_RULE = `# mfa-bridge: let the user logged in at the seat open FIDO security keys (USB HID, usage page 0xF1D0).
# systemd's 60-fido-id.rules sets ID_FIDO_TOKEN from the report descriptor; 70-uaccess.rules and
# 73-seat-late.rules then grant access to tagged devices.
ACTION=="remove", GOTO="mfa_bridge_fido_end"
SUBSYSTEM=="hidraw", ENV{ID_FIDO_TOKEN}=="1", ENV{ID_SECURITY_TOKEN}="1", TAG+="uaccess"
LABEL="mfa_bridge_fido_end"
`;
