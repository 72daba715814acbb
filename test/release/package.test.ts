/**
 * `npm run package`, with a throw-away key. Host folders: the Linux one runs from wherever it is copied, for a user with no
 * Node on PATH, with the pinned runtime and node-hid's prebuilt addon it carries; no folder names a
 * path of the build machine; the macOS and Windows folders carry their own platform's binaries.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSERS } from '../../native-host/src/install/manifests';
import { systemManifestPath } from '../../native-host/src/install/system';
import { CRX_NAME, UPDATES_JSON, UPDATES_XML, XPI_NAME } from '../../scripts/package/extension';
import { packageVersion } from '../../scripts/package/host';
import { MAC_HOST_PATH } from '../../scripts/package/macos';
import { packageRelease, type Release } from '../../scripts/package/release';
import { NODE_VERSION } from '../../scripts/package/targets';
import { ensureHostBuilt } from '../host/host-process';
import { helloFrom } from '../support/host-hello';
import { ROOT } from '../support/paths';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe('release host folders', () => {
  let work: string;
  let release: Release;
  let copy: string;
  let emptyBin: string;
  beforeAll(async () => {
    ensureHostBuilt();
    work = mkdtempSync(join(tmpdir(), 'mfa-bridge-release-'));
    release = await packageRelease({
      out: join(work, 'release'),
      targets: ['linux-x64', 'darwin-x64', 'win-x64'],
      skipArchives: true,
      baseUrl: 'https://intranet.example.com/mfa-bridge/',
    });
    copy = join(work, 'unpacked here', 'opt', 'mfa-bridge');
    mkdirSync(join(copy, '..'), { recursive: true });
    cpSync(release.hostFolders['linux-x64']!, copy, { recursive: true });
    rmSync(release.hostFolders['linux-x64']!, { recursive: true, force: true });
    emptyBin = join(work, 'empty-bin');
    mkdirSync(emptyBin);
  }, 600_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('the Linux host answers hello from where it was copied, with no Node on PATH', async () => {
    const r = await helloFrom(join(copy, 'mfa-bridge-host'), { PATH: emptyBin, HOME: work });
    expect(r.stderr).toBe('');
    expect(r.reply).toMatchObject({ ok: true, result: { version: packageVersion(), protocol: 1 } });
  });

  it('runs on the pinned runtime it carries and loads its own node-hid addon', async () => {
    const r = await run(join(copy, 'mfa-bridge-host'), ['doctor'], { PATH: emptyBin, HOME: work });
    expect(r.out).toContain(`[ok  ] Node ${NODE_VERSION} at ${join(copy, 'runtime', 'node')}`);
    expect(r.out).toContain('[ok  ] node-hid loads');
  });

  it('names the extension of its own signing key when it installs system manifests', async () => {
    // As when building an image: the host sits at /opt/mfa-bridge under the root being prepared.
    const root = join(work, 'unpacked here');
    const r = await run(
      join(copy, 'mfa-bridge-host'),
      [
        'install',
        '--system',
        '--browser',
        'chromium,firefox',
        '--root',
        root,
        '--host-path',
        '/opt/mfa-bridge/mfa-bridge-host',
      ],
      { PATH: emptyBin },
    );
    expect(r.code).toBe(0);
    const chromium = JSON.parse(
      readFileSync(join(root, 'etc/chromium/native-messaging-hosts/mfa_bridge.host.json'), 'utf8'),
    );
    expect(chromium).toMatchObject({
      path: '/opt/mfa-bridge/mfa-bridge-host',
      allowed_origins: [`chrome-extension://${release.key.chromiumId}/`],
    });
    expect(release.key.throwaway).toBe(true);
    const firefox = JSON.parse(
      readFileSync(join(root, 'usr/lib/mozilla/native-messaging-hosts/mfa_bridge.host.json'), 'utf8'),
    );
    expect(firefox.allowed_extensions).toEqual([release.ids.firefox]);
  });

  it('no file of any folder names a path of the build machine', () => {
    const needles = [ROOT, work, release.out].map((p) => Buffer.from(p));
    const offending: string[] = [];
    for (const dir of [copy, release.hostFolders['darwin-x64']!, release.hostFolders['win-x64']!]) {
      for (const f of files(dir)) {
        const bytes = readFileSync(f);
        if (needles.some((n) => bytes.includes(n))) offending.push(relative(work, f));
      }
    }
    expect(offending).toEqual([]);
  });

  it('the macOS and Windows folders carry their platform’s runtime, addon and launcher', () => {
    const mac = release.hostFolders['darwin-x64']!;
    const win = release.hostFolders['win-x64']!;
    const machO = (f: string) => readFileSync(f).subarray(0, 4).toString('hex');
    const pe = (f: string) => readFileSync(f).subarray(0, 2).toString('latin1');
    expect(machO(join(mac, 'runtime/node'))).toBe('cffaedfe');
    expect(statSync(join(mac, 'runtime/node')).mode & 0o111).toBe(0o111);
    expect(readdirSync(join(mac, 'node_modules/node-hid/prebuilds'))).toEqual(['HID-darwin-x64']);
    expect(machO(join(mac, 'node_modules/node-hid/prebuilds/HID-darwin-x64/node-napi-v4.node'))).toBe(
      'cffaedfe',
    );
    expect(readFileSync(join(mac, 'mfa-bridge-host'), 'utf8')).toContain(
      'exec "$here/runtime/node" "$here/mfa-bridge-host.mjs"',
    );

    expect(pe(join(win, 'runtime/node.exe'))).toBe('MZ');
    expect(readdirSync(join(win, 'node_modules/node-hid/prebuilds'))).toEqual(['HID-win32-x64']);
    expect(pe(join(win, 'node_modules/node-hid/prebuilds/HID-win32-x64/node-napi-v4.node'))).toBe('MZ');
    const cmd = readFileSync(join(win, 'mfa-bridge-host.cmd'), 'utf8');
    expect(cmd).toContain('"%~dp0runtime\\node.exe" "%~dp0mfa-bridge-host.mjs" %*\r\n');
    expect(cmd).toContain(`for /f "delims==" %%V in ('set NODE_ 2^>nul') do set "%%V="`);
    expect(readdirSync(win)).not.toContain('mfa-bridge-host');
    for (const dir of [mac, win]) {
      expect(JSON.parse(readFileSync(join(dir, 'extension-ids.json'), 'utf8'))).toEqual(release.ids);
    }
  });

  const sh = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const table = (msi: string, name: string) =>
    sh('msiinfo', ['export', msi, name])
      .split(/\r?\n/)
      .slice(3)
      .filter(Boolean)
      .map((l) => l.split('\t'));

  it('the MSI installs per machine under Program Files and registers the host under HKLM only', () => {
    const msi = join(release.out, `mfa-bridge-host-${release.version}-x64.msi`);
    const props = Object.fromEntries(table(msi, 'Property').map(([k, v]) => [k, v]));
    expect(props.ALLUSERS).toBe('1');
    const registry = table(msi, 'Registry').map(([, root, key, name, value]) => ({ root, key, name, value }));
    expect(registry.sort((a, b) => a.key!.localeCompare(b.key!))).toEqual([
      {
        root: '2',
        key: 'Software\\Chromium\\NativeMessagingHosts\\mfa_bridge.host',
        name: '',
        value: '[INSTALLDIR]mfa_bridge.host.chromium.json',
      },
      {
        root: '2',
        key: 'Software\\Google\\Chrome\\NativeMessagingHosts\\mfa_bridge.host',
        name: '',
        value: '[INSTALLDIR]mfa_bridge.host.chromium.json',
      },
      {
        root: '2',
        key: 'Software\\Microsoft\\Edge\\NativeMessagingHosts\\mfa_bridge.host',
        name: '',
        value: '[INSTALLDIR]mfa_bridge.host.chromium.json',
      },
      {
        root: '2',
        key: 'Software\\Mozilla\\NativeMessagingHosts\\mfa_bridge.host',
        name: '',
        value: '[INSTALLDIR]mfa_bridge.host.firefox.json',
      },
    ]);
    const dirs = table(msi, 'Directory');
    expect(dirs.find(([id]) => id === 'INSTALLDIR')).toEqual([
      'INSTALLDIR',
      'ProgramFiles64Folder',
      'mfa-bridge',
    ]);
    const perUser = /AppData|LocalAppData|Personal|Desktop|StartMenu|Profile/;
    expect(dirs.filter(([id, parent]) => perUser.test(id!) || perUser.test(parent ?? ''))).toEqual([]);
    const fileNames = table(msi, 'File').map((r) => r[2]);
    for (const f of [
      'node.exe',
      'mfa-bridge-host.cmd',
      'mfa-bridge-host.mjs',
      'node-napi-v4.node',
      'mfa_bridge.host.chromium.json',
    ])
      expect(fileNames).toContain(f);
    const out = join(work, 'msi-extract');
    mkdirSync(out);
    sh('msiextract', ['-C', out, msi]);
    const manifest = files(out).find((f) => f.endsWith('mfa_bridge.host.chromium.json'))!;
    expect(JSON.parse(readFileSync(manifest, 'utf8'))).toMatchObject({
      path: 'mfa-bridge-host.cmd',
      allowed_origins: [`chrome-extension://${release.key.chromiumId}/`],
    });
  });

  it('the macOS payload puts the host in /Library/Application Support and manifests in /Library/…/NativeMessagingHosts', () => {
    const payload = join(release.out, `mfa-bridge-${release.version}-macos-x64`, 'payload');
    for (const b of BROWSERS) {
      const m = JSON.parse(readFileSync(join(payload, systemManifestPath(b, 'darwin')), 'utf8'));
      expect(m.path).toBe(MAC_HOST_PATH);
    }
    expect(readFileSync(join(payload, MAC_HOST_PATH), 'utf8')).toContain('runtime/node');
    const install = readFileSync(join(payload, '..', 'install.sh'), 'utf8');
    expect(install).toContain('/usr/bin/ditto "$here/payload" /');
  });

  it('the CRX is a CRX3 of the built extension with the key’s manifest key, and updates.xml names its ID', () => {
    const crx = readFileSync(join(release.out, 'extension', CRX_NAME));
    expect(crx.subarray(0, 4).toString('latin1')).toBe('Cr24');
    expect(crx.readUInt32LE(4)).toBe(3);
    const zip = join(work, 'crx.zip');
    writeFileSync(zip, crx.subarray(12 + crx.readUInt32LE(8)));
    const manifest = JSON.parse(sh('unzip', ['-p', zip, 'manifest.json']));
    expect(manifest.key).toBe(release.key.publicKeyBase64);
    expect(manifest.update_url).toBe('https://intranet.example.com/mfa-bridge/updates.xml');
    const xml = readFileSync(join(release.out, 'extension', UPDATES_XML), 'utf8');
    expect(xml).toContain(`<app appid='${release.key.chromiumId}'>`);
    expect(xml).toContain(
      `codebase='https://intranet.example.com/mfa-bridge/${CRX_NAME}' version='${manifest.version}'`,
    );
  });

  it('the XPI names the add-on ID and update URL; updates.json carries its hash', () => {
    const xpi = join(release.out, 'extension', XPI_NAME);
    const manifest = JSON.parse(sh('unzip', ['-p', xpi, 'manifest.json']));
    expect(manifest.browser_specific_settings.gecko).toMatchObject({
      id: release.ids.firefox,
      update_url: 'https://intranet.example.com/mfa-bridge/updates.json',
    });
    const updates = JSON.parse(readFileSync(join(release.out, 'extension', UPDATES_JSON), 'utf8'));
    expect(updates.addons[release.ids.firefox].updates[0]).toEqual({
      version: manifest.version,
      update_link: `https://intranet.example.com/mfa-bridge/${XPI_NAME}`,
      update_hash: `sha256:${createHash('sha256').update(readFileSync(xpi)).digest('hex')}`,
    });
  });

  it('the .deb depends on what the runtime and node-hid link, and ships the manifests and udev rule', () => {
    const deb = join(release.out, `mfa-bridge_${release.version}_amd64.deb`);
    expect(sh('dpkg-deb', ['-f', deb, 'Depends'])).toContain('libusb-1.0-0, libudev1');
    const list = sh('dpkg-deb', ['-c', deb]);
    for (const b of BROWSERS) expect(list).toContain(`.${systemManifestPath(b, 'linux')}`);
    expect(list).toMatch(/-rwxr-xr-x root\/root +\d+ [\d-]+ [\d:]+ \.\/opt\/mfa-bridge\/mfa-bridge-host\n/);
    expect(list).toContain('./usr/lib/udev/rules.d/70-mfa-bridge-fido.rules');
  });
});
