/**
 * `npm run package`'s host folders: the Linux one runs from wherever it is copied, for a user with no
 * Node on PATH, with the pinned runtime and node-hid's prebuilt addon it carries; no folder names a
 * path of the build machine; the macOS and Windows folders carry their own platform's binaries.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageVersion } from '../../scripts/package/host';
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
      skipExtension: true,
      skipSystemPackages: true,
    });
    copy = join(work, 'unpacked here', 'opt', 'mfa-bridge');
    mkdirSync(join(copy, '..'), { recursive: true });
    cpSync(release.hostFolders['linux-x64']!, copy, { recursive: true });
    rmSync(release.hostFolders['linux-x64']!, { recursive: true, force: true });
    emptyBin = join(work, 'empty-bin');
    mkdirSync(emptyBin);
  }, 300_000);
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
});
