// Debian package: the host under /opt/mfa-bridge/, system manifests where each browser reads them, a
// udev rule that lets the user at the seat open FIDO keys, /usr/bin/mfa-bridge-host for admins.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExtensionIds } from '../../native-host/src/install/ids';
import { BROWSERS } from '../../native-host/src/install/manifests';
import { applySystemInstall, planSystemInstall, UDEV_RULE } from '../../native-host/src/install/system';

export const DEB_HOST_DIR = '/opt/mfa-bridge';
export const DEB_HOST_PATH = `${DEB_HOST_DIR}/mfa-bridge-host`;
export const DEB_UDEV_RULE = '/usr/lib/udev/rules.d/70-mfa-bridge-fido.rules';
/** What the bundled Node runtime and node-hid's hidraw addon link against. */
export const DEB_DEPENDS = 'libc6 (>= 2.28), libstdc++6, libgcc-s1, libusb-1.0-0, libudev1';

const RELOAD_UDEV = `if command -v udevadm >/dev/null 2>&1 && [ -d /run/udev ]; then
  udevadm control --reload-rules || true
  udevadm trigger --subsystem-match=hidraw --action=change || true
fi`;

export function debFileName(version: string): string {
  return `mfa-bridge_${version}_amd64.deb`;
}

/** Builds the .deb from a linux-x64 host folder; returns its path. */
export function buildDeb(o: {
  hostFolder: string;
  version: string;
  ids: ExtensionIds;
  outDir: string;
}): string {
  const stage = mkdtempSync(join(tmpdir(), 'mfa-bridge-deb-'));
  try {
    chmodSync(stage, 0o755);
    cpSync(o.hostFolder, join(stage, DEB_HOST_DIR), { recursive: true });
    applySystemInstall(
      planSystemInstall({
        browsers: BROWSERS,
        platform: 'linux',
        hostPath: DEB_HOST_PATH,
        root: stage,
        ids: o.ids,
      }),
      DEB_HOST_PATH,
      stage,
    );
    mkdirSync(join(stage, DEB_UDEV_RULE, '..'), { recursive: true });
    writeFileSync(join(stage, DEB_UDEV_RULE), UDEV_RULE, { mode: 0o644 });
    mkdirSync(join(stage, 'usr/bin'), { recursive: true });
    symlinkSync(DEB_HOST_PATH, join(stage, 'usr/bin/mfa-bridge-host'));
    mkdirSync(join(stage, 'usr/share/doc/mfa-bridge'), { recursive: true });
    cpSync(join(o.hostFolder, 'LICENSE'), join(stage, 'usr/share/doc/mfa-bridge/copyright'));
    const debian = join(stage, 'DEBIAN');
    mkdirSync(debian, { mode: 0o755 });
    writeFileSync(
      join(debian, 'control'),
      [
        'Package: mfa-bridge',
        `Version: ${o.version}`,
        'Architecture: amd64',
        'Maintainer: mfa-bridge <mfa-bridge@mfa-bridge.org>',
        'Section: web',
        'Priority: optional',
        `Depends: ${DEB_DEPENDS}`,
        'Homepage: https://github.com/mfa-bridge/mfa-bridge',
        'Description: FIDO2 security keys for the mfa-bridge browser extension',
        ' The native messaging host of the mfa-bridge extension (Node runtime included), registered',
        ' system-wide for Chrome, Chromium, Edge, Brave, Vivaldi and Firefox, and a udev rule that',
        ' lets the user logged in at the seat open FIDO security keys.',
        `X-Extension-Ids: ${o.ids.chromium} ${o.ids.firefox}`,
        '',
      ].join('\n'),
    );
    for (const [name, body] of [
      ['postinst', `#!/bin/sh\nset -e\nif [ "$1" = configure ]; then\n${RELOAD_UDEV}\nfi\n`],
      ['postrm', `#!/bin/sh\nset -e\nif [ "$1" = remove ] || [ "$1" = purge ]; then\n${RELOAD_UDEV}\nfi\n`],
    ] as const) {
      writeFileSync(join(debian, name), body, { mode: 0o755 });
    }
    const out = join(o.outDir, debFileName(o.version));
    const r = spawnSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '-z6', '--build', stage, out], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`dpkg-deb failed: ${r.stderr || r.error}`);
    return out;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
