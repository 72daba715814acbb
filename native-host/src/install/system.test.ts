import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXTENSION_IDS_FILE } from './ids.js';
import { BROWSERS } from './manifests.js';
import {
  applySystemInstall,
  applySystemUninstall,
  doctorSystem,
  isFidoReportDescriptor,
  planSystemInstall,
  planSystemUninstall,
  systemManifestPath,
} from './system.js';

const ORG_IDS = { chromium: 'abcdefghijklmnopabcdefghijklmnop', firefox: 'mfa-bridge@corp.example' };
/** Report descriptor of a FIDO key (usage page 0xF1D0, usage 1, 64-byte in/out reports). */
const FIDO_DESCRIPTOR = [
  0x06, 0xd0, 0xf1, 0x09, 0x01, 0xa1, 0x01, 0x09, 0x20, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x40,
  0x81, 0x02, 0x09, 0x21, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x40, 0x91, 0x02, 0xc0,
];
/** A keyboard's (generic desktop page). */
const KEYBOARD_DESCRIPTOR = [0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0xc0];

let root: string;
const HOST = '/opt/mfa-bridge/mfa-bridge-host';

function fakeHost(ids?: object): void {
  const dir = join(root, 'opt/mfa-bridge');
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  writeFileSync(join(dir, 'mfa-bridge-host'), '#!/bin/sh\n', { mode: 0o755 });
  if (ids) writeFileSync(join(dir, EXTENSION_IDS_FILE), JSON.stringify(ids));
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mfa-bridge-sysroot-'));
  chmodSync(root, 0o755);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('system-wide manifests', () => {
  it('go where each browser reads them on Linux and macOS', () => {
    expect(BROWSERS.map((b) => systemManifestPath(b, 'linux'))).toEqual([
      '/etc/opt/chrome/native-messaging-hosts/mfa_bridge.host.json',
      '/etc/chromium/native-messaging-hosts/mfa_bridge.host.json',
      '/etc/opt/edge/native-messaging-hosts/mfa_bridge.host.json',
      '/etc/opt/brave.com/brave/native-messaging-hosts/mfa_bridge.host.json',
      '/etc/opt/vivaldi/native-messaging-hosts/mfa_bridge.host.json',
      '/usr/lib/mozilla/native-messaging-hosts/mfa_bridge.host.json',
    ]);
    expect(systemManifestPath('chrome', 'darwin')).toBe(
      '/Library/Google/Chrome/NativeMessagingHosts/mfa_bridge.host.json',
    );
    expect(systemManifestPath('firefox', 'darwin')).toBe(
      '/Library/Application Support/Mozilla/NativeMessagingHosts/mfa_bridge.host.json',
    );
    expect(systemManifestPath('chromium', 'linux', '/tmp/r')).toBe(
      '/tmp/r/etc/chromium/native-messaging-hosts/mfa_bridge.host.json',
    );
  });

  it('install writes world-readable manifests naming the IDs the packaged host was built for', () => {
    fakeHost(ORG_IDS);
    const plans = planSystemInstall({ browsers: BROWSERS, platform: 'linux', hostPath: HOST, root });
    applySystemInstall(plans, HOST, root);
    const chromium = join(root, 'etc/chromium/native-messaging-hosts/mfa_bridge.host.json');
    expect(JSON.parse(readFileSync(chromium, 'utf8'))).toEqual({
      name: 'mfa_bridge.host',
      description: expect.any(String),
      path: HOST,
      type: 'stdio',
      allowed_origins: [`chrome-extension://${ORG_IDS.chromium}/`],
    });
    expect(statSync(chromium).mode & 0o777).toBe(0o644);
    const ff = JSON.parse(
      readFileSync(join(root, 'usr/lib/mozilla/native-messaging-hosts/mfa_bridge.host.json'), 'utf8'),
    );
    expect(ff.allowed_extensions).toEqual([ORG_IDS.firefox]);
    expect(ff.path).toBe(HOST);
  });

  it('without extension-ids.json the development IDs are named', () => {
    fakeHost();
    const [plan] = planSystemInstall({ browsers: ['edge'], platform: 'linux', hostPath: HOST, root });
    expect(JSON.parse(plan!.content).allowed_origins).toEqual([
      'chrome-extension://jphdiiljokkbpjhkanpehokpajefgahn/',
    ]);
  });

  it('refuses a host others can change, a missing host, a relative path and a bad IDs file', () => {
    fakeHost(ORG_IDS);
    chmodSync(join(root, 'opt/mfa-bridge'), 0o777);
    const plans = planSystemInstall({ browsers: ['chromium'], platform: 'linux', hostPath: HOST, root });
    expect(() => applySystemInstall(plans, HOST, root)).toThrow(/can be changed by other users/);
    chmodSync(join(root, 'opt/mfa-bridge'), 0o755);
    expect(() => applySystemInstall(plans, '/opt/none', root)).toThrow(
      expect.objectContaining({ code: 'NOT_EXECUTABLE' }),
    );
    expect(() =>
      planSystemInstall({ browsers: ['chromium'], platform: 'linux', hostPath: 'x', root }),
    ).toThrow(/not absolute/);
    writeFileSync(join(root, 'opt/mfa-bridge', EXTENSION_IDS_FILE), '{"chromium":"short"}');
    expect(() =>
      planSystemInstall({ browsers: ['chromium'], platform: 'linux', hostPath: HOST, root }),
    ).toThrow(/does not name the extension IDs/);
    expect(existsSync(join(root, 'etc'))).toBe(false);
  });

  it('uninstall removes our manifests and leaves another host’s file alone', () => {
    fakeHost(ORG_IDS);
    applySystemInstall(
      planSystemInstall({ browsers: ['chromium', 'firefox'], platform: 'linux', hostPath: HOST, root }),
      HOST,
      root,
    );
    const chrome = join(root, 'etc/opt/chrome/native-messaging-hosts/mfa_bridge.host.json');
    mkdirSync(join(chrome, '..'), { recursive: true });
    writeFileSync(chrome, JSON.stringify({ name: 'someone.else' }));
    const plans = planSystemUninstall(['chrome', 'chromium', 'firefox', 'edge'], 'linux', root);
    expect(plans.map((p) => p.exists)).toEqual([true, true, true, false]);
    const removed = applySystemUninstall(plans.filter((p) => p.exists).map((p) => p.file));
    expect(removed).toHaveLength(2);
    expect(existsSync(chrome)).toBe(true);
    expect(existsSync(join(root, 'etc/chromium/native-messaging-hosts/mfa_bridge.host.json'))).toBe(false);
  });
});

describe('doctor --system', () => {
  function fakeBrowser(name: string): string {
    const bin = join(root, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, name), '', { mode: 0o755 });
    return '/bin';
  }

  it('says which browsers will find the host, and through which manifest', () => {
    fakeHost(ORG_IDS);
    const pathVar = fakeBrowser('chromium');
    fakeBrowser('firefox-esr');
    applySystemInstall(
      planSystemInstall({ browsers: ['chromium'], platform: 'linux', hostPath: HOST, root }),
      HOST,
      root,
    );
    const checks = doctorSystem({ platform: 'linux', root, pathVar });
    const line = (b: string) => checks.find((c) => c.what.startsWith(`${b} `))!;
    expect(line('chromium')).toMatchObject({ status: 'ok' });
    expect(line('chromium').what).toContain('chromium (/bin/chromium) will find the host through');
    expect(line('firefox')).toMatchObject({ status: 'fail' });
    expect(line('firefox').what).toContain('firefox (/bin/firefox-esr) will not find the host');
    expect(line('edge')).toMatchObject({ status: 'warn' });
    expect(line('edge').what).toContain('not installed');
    expect(checks.some((c) => c.status === 'ok' && c.what.includes(`${HOST} is executable`))).toBe(true);
  });

  it('reports a manifest whose host is gone, and a per-user manifest that shadows the system one', () => {
    fakeHost(ORG_IDS);
    const pathVar = fakeBrowser('chromium');
    applySystemInstall(
      planSystemInstall({ browsers: ['chromium', 'firefox'], platform: 'linux', hostPath: HOST, root }),
      HOST,
      root,
    );
    const home = join(root, 'home/u');
    const userFile = join(home, '.config/chromium/NativeMessagingHosts/mfa_bridge.host.json');
    mkdirSync(join(userFile, '..'), { recursive: true });
    writeFileSync(
      userFile,
      JSON.stringify({
        name: 'mfa_bridge.host',
        path: '/old/checkout/host',
        type: 'stdio',
        allowed_origins: [],
      }),
    );
    rmSync(join(root, 'usr/lib/mozilla/native-messaging-hosts/mfa_bridge.host.json'));
    const checks = doctorSystem({ platform: 'linux', root, pathVar, home });
    const chromium = checks.find((c) => c.what.startsWith('chromium '))!;
    expect(chromium.status).toBe('fail');
    expect(chromium.what).toContain(`through ${userFile} (a per-user manifest, read before the system one`);
    expect(checks.some((c) => c.what.includes('/old/checkout/host is missing or not executable'))).toBe(true);
  });

  it('finds FIDO keys among hidraw devices by their report descriptor and checks access', () => {
    fakeHost(ORG_IDS);
    for (const [n, d] of [
      ['hidraw0', KEYBOARD_DESCRIPTOR],
      ['hidraw1', FIDO_DESCRIPTOR],
      ['hidraw2', FIDO_DESCRIPTOR],
    ] as const) {
      mkdirSync(join(root, 'sys/class/hidraw', n, 'device'), { recursive: true });
      writeFileSync(join(root, 'sys/class/hidraw', n, 'device/report_descriptor'), Buffer.from(d));
    }
    mkdirSync(join(root, 'dev'));
    writeFileSync(join(root, 'dev/hidraw1'), '', { mode: 0o666 });
    // hidraw2 has no device node this user could open.
    const checks = doctorSystem({ platform: 'linux', root, pathVar: '' });
    const hid = checks.find((c) => c.what.includes('cannot open'));
    expect(hid).toMatchObject({ status: 'fail' });
    expect(hid!.what).toContain('/dev/hidraw2');
    expect(hid!.what).not.toContain('hidraw1');
    expect(hid!.what).not.toContain('hidraw0');
    expect(checks.find((c) => c.what.includes('udev rule'))).toMatchObject({ status: 'warn' });
    mkdirSync(join(root, 'lib/udev/rules.d'), { recursive: true });
    writeFileSync(join(root, 'lib/udev/rules.d/70-mfa-bridge-fido.rules'), '');
    writeFileSync(join(root, 'dev/hidraw2'), '', { mode: 0o666 });
    const after = doctorSystem({ platform: 'linux', root, pathVar: '' });
    expect(after.find((c) => c.what.includes('security key(s)'))).toMatchObject({ status: 'ok' });
    expect(after.find((c) => c.what.includes('udev rule'))).toMatchObject({ status: 'ok' });
  });

  it('recognises the FIDO usage page only', () => {
    expect(isFidoReportDescriptor(Uint8Array.from(FIDO_DESCRIPTOR))).toBe(true);
    expect(isFidoReportDescriptor(Uint8Array.from(KEYBOARD_DESCRIPTOR))).toBe(false);
  });
});
