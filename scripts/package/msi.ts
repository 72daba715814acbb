// Windows installer built with wixl (msitools): per-machine, the host under Program Files, manifests
// beside it (a relative `path` is resolved against the manifest's folder on Windows), and HKLM
// NativeMessagingHosts keys for Chrome, Chromium, Edge and Firefox (Brave and Vivaldi read Chrome's).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { NATIVE_HOST_NAME } from '@shared/protocol/index.js';
import type { ExtensionIds } from '../../native-host/src/install/ids';
import { manifestText } from '../../native-host/src/install/install';

/** Stays the same across versions: Windows Installer recognises later versions as upgrades. */
export const MSI_UPGRADE_CODE = '6F7D2B1C-4E0A-4C39-9B55-2A7E0F3C9D10';
export const MSI_REGISTRY_KEYS = {
  chrome: 'Software\\Google\\Chrome\\NativeMessagingHosts',
  chromium: 'Software\\Chromium\\NativeMessagingHosts',
  edge: 'Software\\Microsoft\\Edge\\NativeMessagingHosts',
  firefox: 'Software\\Mozilla\\NativeMessagingHosts',
} as const;
export const CHROMIUM_MANIFEST_FILE = `${NATIVE_HOST_NAME}.chromium.json`;
export const FIREFOX_MANIFEST_FILE = `${NATIVE_HOST_NAME}.firefox.json`;

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A GUID derived from `seed` (component GUIDs must stay stable for the same file across builds). */
function guidFrom(seed: string): string {
  const h = createHash('sha256').update(`mfa-bridge:${seed}`).digest('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-A${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
const idFrom = (prefix: string, seed: string) =>
  `${prefix}_${createHash('sha256').update(seed).digest('hex').slice(0, 24)}`;

interface Dir {
  files: string[];
  dirs: Map<string, Dir>;
}

function tree(root: string, dir = root): Dir {
  const d: Dir = { files: [], dirs: new Map() };
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) d.dirs.set(e.name, tree(root, p));
    else d.files.push(relative(root, p));
  }
  return d;
}

/** The .wxs for `folder` (a win-x64 host folder with the two manifests added). */
export function wxs(folder: string, version: string): string {
  const components: string[] = [];
  const renderDir = (d: Dir, indent: string, at: string): string[] => {
    const lines: string[] = [];
    for (const f of d.files) {
      const rel = f.split('\\').join('/');
      const cid = idFrom('c', rel);
      components.push(cid);
      const name = rel.split('/').pop()!;
      lines.push(
        `${indent}<Component Id="${cid}" Guid="${guidFrom(rel)}" Win64="yes">`,
        `${indent}  <File Id="${idFrom('f', rel)}" Name="${xml(name)}" Source="${xml(rel)}" KeyPath="yes" />`,
        `${indent}</Component>`,
      );
    }
    for (const [name, sub] of d.dirs) {
      lines.push(`${indent}<Directory Id="${idFrom('d', `${at}/${name}`)}" Name="${xml(name)}">`);
      lines.push(...renderDir(sub, `${indent}  `, `${at}/${name}`));
      lines.push(`${indent}</Directory>`);
    }
    return lines;
  };
  const body = renderDir(tree(folder), '          ', '');
  const reg = Object.entries(MSI_REGISTRY_KEYS).map(([browser, key]) => {
    const cid = `reg_${browser}`;
    components.push(cid);
    const file = browser === 'firefox' ? FIREFOX_MANIFEST_FILE : CHROMIUM_MANIFEST_FILE;
    return [
      `          <Component Id="${cid}" Guid="${guidFrom(`registry:${browser}`)}" Win64="yes">`,
      `            <RegistryValue Root="HKLM" Key="${xml(`${key}\\${NATIVE_HOST_NAME}`)}" Type="string" Value="[INSTALLDIR]${file}" KeyPath="yes" />`,
      '          </Component>',
    ].join('\n');
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="mfa-bridge host" Language="1033" Version="${xml(version)}" Manufacturer="mfa-bridge" UpgradeCode="${MSI_UPGRADE_CODE}">
    <Package InstallerVersion="500" Compressed="yes" InstallScope="perMachine" Platform="x64" Description="mfa-bridge native messaging host (FIDO2 security keys)" />
    <MajorUpgrade DowngradeErrorMessage="A newer version of the mfa-bridge host is already installed." />
    <Media Id="1" Cabinet="host.cab" EmbedCab="yes" />
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFiles64Folder">
        <Directory Id="INSTALLDIR" Name="mfa-bridge">
${body.join('\n')}
${reg.join('\n')}
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Host" Title="mfa-bridge host" Level="1">
${components.map((c) => `      <ComponentRef Id="${c}" />`).join('\n')}
    </Feature>
  </Product>
</Wix>
`;
}

export function msiFileName(version: string): string {
  return `mfa-bridge-host-${version}-x64.msi`;
}

/** Builds the MSI from a win-x64 host folder; returns its path. */
export function buildMsi(o: {
  hostFolder: string;
  version: string;
  ids: ExtensionIds;
  outDir: string;
}): string {
  const stage = mkdtempSync(join(tmpdir(), 'mfa-bridge-msi-'));
  try {
    spawnSync('cp', ['-a', `${o.hostFolder}/.`, stage]);
    if (!statSync(join(stage, 'mfa-bridge-host.cmd')).isFile()) throw new Error('not a win-x64 host folder');
    // Windows resolves a relative manifest `path` against the manifest's own folder.
    writeFileSync(join(stage, CHROMIUM_MANIFEST_FILE), manifestText('chrome', 'mfa-bridge-host.cmd', o.ids));
    writeFileSync(join(stage, FIREFOX_MANIFEST_FILE), manifestText('firefox', 'mfa-bridge-host.cmd', o.ids));
    const wxsFile = join(tmpdir(), `${idFrom('wxs', stage)}.wxs`);
    writeFileSync(wxsFile, wxs(stage, o.version));
    const out = join(o.outDir, msiFileName(o.version));
    rmSync(out, { force: true });
    try {
      const r = spawnSync('wixl', ['-a', 'x64', '-o', out, wxsFile], { cwd: stage, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`wixl failed: ${r.stderr || r.error}`);
    } finally {
      rmSync(wxsFile, { force: true });
    }
    return out;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
