// The built host run by a person: --help, devices, install/uninstall (--dry-run and for real, in a
// throw-away HOME), doctor before and after install.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startVirtualKey, type VirtualKey } from '../../native-host/src/virtual-key/index.js';
import { ensureHostBuilt, HOST_LAUNCHER } from './host-process.js';
import { freeUdpPort } from './ports.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      HOST_LAUNCHER,
      args,
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

let key: VirtualKey | undefined;
beforeAll(() => ensureHostBuilt());
afterEach(async () => {
  await key?.close();
  key = undefined;
});

describe('mfa-bridge-host CLI', () => {
  it('--help lists the commands and the transports', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const word of [
      'install',
      'uninstall',
      'devices',
      'doctor',
      '--dry-run',
      '--browser',
      'udp:HOST:PORT',
    ]) {
      expect(r.stdout).toContain(word);
    }
    const bad = await run(['frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown command "frobnicate"');
  });

  it('devices: says so when no key is present, lists the virtual key over UDP', async () => {
    const none = await run(['devices'], { MFA_BRIDGE_TRANSPORT: 'hid' });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('no security keys found (transport hid)');
    const hostPort = await freeUdpPort();
    key = await startVirtualKey({ port: 0, hostPort });
    const r = await run(['devices', '--json', '--transport', `udp:127.0.0.1:${key.port}:${hostPort}`]);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      versions: ['FIDO_2_0', 'FIDO_2_1'],
      pinProtocols: [2, 1],
      algorithms: [-7, -8],
    });
    const bad = await run(['devices', '--transport', 'udp:nowhere']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('neither "hid" nor "udp:HOST:PORT[:LISTENPORT[:BINDADDRESS]]"');
  });

  it('install --dry-run prints the manifests without writing them', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mfa-bridge-home-'));
    const r = await run(['install', '--dry-run', '--browser', 'chromium', '--browser', 'firefox'], {
      HOME: home,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `would write ${home}/.config/chromium/NativeMessagingHosts/mfa_bridge.host.json`,
    );
    expect(r.stdout).toContain(
      '"allowed_origins": [\n    "chrome-extension://jphdiiljokkbpjhkanpehokpajefgahn/"',
    );
    expect(r.stdout).toContain(`would write ${home}/.mozilla/native-messaging-hosts/mfa_bridge.host.json`);
    expect(r.stdout).toContain('"allowed_extensions": [\n    "mfa-bridge@mfa-bridge.org"');
    expect(existsSync(join(home, '.config'))).toBe(false);
    const unknown = await run(['install', '--browser', 'netscape'], { HOME: home });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown browser "netscape"');
  });

  it('install, doctor, a broken manifest, uninstall', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mfa-bridge-home-'));
    const before = await run(['doctor'], { HOME: home, MFA_BRIDGE_TRANSPORT: 'hid' });
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('[FAIL] no browser has the host registered');
    expect(before.stdout).toContain('fix: run `mfa-bridge-host install`');

    const inst = await run(['install'], { HOME: home });
    expect(inst.code).toBe(0);
    for (const dir of [
      '.config/google-chrome/NativeMessagingHosts',
      '.config/chromium/NativeMessagingHosts',
      '.config/microsoft-edge/NativeMessagingHosts',
      '.config/BraveSoftware/Brave-Browser/NativeMessagingHosts',
      '.config/vivaldi/NativeMessagingHosts',
      '.mozilla/native-messaging-hosts',
    ]) {
      const m = JSON.parse(readFileSync(join(home, dir, 'mfa_bridge.host.json'), 'utf8'));
      expect(m).toMatchObject({ name: 'mfa_bridge.host', path: HOST_LAUNCHER, type: 'stdio' });
    }
    const after = await run(['doctor'], { HOME: home, MFA_BRIDGE_TRANSPORT: 'hid' });
    expect(after.code).toBe(0);
    expect(after.stdout).toContain(`[ok  ] chromium: host ${HOST_LAUNCHER} is executable`);
    expect(after.stdout).toContain('[ok  ] firefox: allows mfa-bridge@mfa-bridge.org');
    expect(after.stdout).toContain('[warn] no security key found');

    // A manifest pointing at a file that is not executable, and one with the wrong extension ID.
    const script = join(home, 'not-executable');
    writeFileSync(script, '#!/bin/sh\n');
    chmodSync(script, 0o644);
    const chrome = join(home, '.config/google-chrome/NativeMessagingHosts/mfa_bridge.host.json');
    writeFileSync(
      chrome,
      JSON.stringify({
        name: 'mfa_bridge.host',
        path: script,
        type: 'stdio',
        allowed_origins: ['chrome-extension://x/'],
      }),
    );
    const broken = await run(['doctor'], { HOME: home, MFA_BRIDGE_TRANSPORT: 'hid' });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`[FAIL] chrome: host ${script} is missing or not executable`);
    expect(broken.stdout).toContain(
      '[FAIL] chrome: allowed_origins lacks chrome-extension://jphdiiljokkbpjhkanpehokpajefgahn/',
    );

    const dry = await run(['uninstall', '--dry-run', '--browser', 'firefox'], { HOME: home });
    expect(dry.stdout).toContain('would remove');
    expect(existsSync(join(home, '.mozilla/native-messaging-hosts/mfa_bridge.host.json'))).toBe(true);
    const un = await run(['uninstall'], { HOME: home });
    expect(un.code).toBe(0);
    expect(existsSync(join(home, '.mozilla/native-messaging-hosts/mfa_bridge.host.json'))).toBe(false);
    expect(existsSync(chrome)).toBe(false);
  });
});
