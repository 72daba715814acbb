// The extension as an administrator self-hosts it: a CRX3 signed with the organisation's key plus the
// update manifest Chromium browsers poll (updates.xml), and a Firefox XPI plus its updates.json.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import crx3 from 'crx3';
import type { ExtensionIds } from '../../native-host/src/install/ids';
import { zipDir } from './archive';
import type { SigningKey } from './keys';
import { ROOT } from './targets';

export const CHROME_DIST = join(ROOT, 'dist', 'chrome-mv3');
export const FIREFOX_DIST = join(ROOT, 'dist', 'firefox-mv3');

export const CRX_NAME = 'mfa-bridge.crx';
export const XPI_NAME = 'mfa-bridge.xpi';
export const UPDATES_XML = 'updates.xml';
export const UPDATES_JSON = 'updates.json';

const xmlAttr = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/'/g, '&apos;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function stage(dist: string, edit: (m: Record<string, unknown>) => void): string {
  if (!existsSync(join(dist, 'manifest.json')))
    throw new Error(`${dist} is missing: run \`npm run build\` first`);
  const dir = mkdtempSync(join(tmpdir(), 'mfa-bridge-ext-'));
  cpSync(dist, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  edit(manifest);
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

export function updatesXml(id: string, version: string, crxUrl: string): string {
  return `<?xml version='1.0' encoding='UTF-8'?>
<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>
  <app appid='${xmlAttr(id)}'>
    <updatecheck codebase='${xmlAttr(crxUrl)}' version='${xmlAttr(version)}' />
  </app>
</gupdate>
`;
}

/**
 * CRX3 of dist/chrome-mv3 with the manifest `key` (so an unpacked copy keeps the same ID) and
 * `update_url` set, signed with `key`, and its updates.xml. Returns the extension version.
 */
export async function packageChromium(key: SigningKey, baseUrl: string, outDir: string): Promise<string> {
  let version = '';
  const dir = stage(CHROME_DIST, (m) => {
    m.key = key.publicKeyBase64;
    m.update_url = new URL(UPDATES_XML, baseUrl).href;
    version = String(m.version);
  });
  const keyDir = mkdtempSync(join(tmpdir(), 'mfa-bridge-key-'));
  try {
    const keyPath = join(keyDir, 'key.pem');
    writeFileSync(keyPath, key.privatePem, { mode: 0o600 });
    const info = await crx3([dir], {
      crxPath: join(outDir, CRX_NAME),
      keyPath,
      forceDateTime: 0x12345678000,
    });
    if (info.appId !== key.chromiumId)
      throw new Error(`crx3 signed as ${info.appId}, expected ${key.chromiumId}`);
  } finally {
    rmSync(keyDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
  writeFileSync(
    join(outDir, UPDATES_XML),
    updatesXml(key.chromiumId, version, new URL(CRX_NAME, baseUrl).href),
  );
  return version;
}

/** XPI of dist/firefox-mv3 with the add-on ID and (for an https base URL) update_url set, and its updates.json. */
export async function packageFirefox(ids: ExtensionIds, baseUrl: string, outDir: string): Promise<string> {
  let version = '';
  const dir = stage(FIREFOX_DIST, (m) => {
    const bss = (m.browser_specific_settings ?? {}) as { gecko?: Record<string, unknown> };
    // Firefox refuses to install an add-on whose update_url is not https: a plain-http base URL (a
    // local test server) gives an XPI without automatic updates.
    const updateUrl = new URL(UPDATES_JSON, baseUrl);
    bss.gecko = {
      ...bss.gecko,
      id: ids.firefox,
      ...(updateUrl.protocol === 'https:' ? { update_url: updateUrl.href } : {}),
    };
    m.browser_specific_settings = bss;
    version = String(m.version);
  });
  const xpi = join(outDir, XPI_NAME);
  try {
    rmSync(xpi, { force: true });
    await zipDir(dir, xpi, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const hash = createHash('sha256').update(readFileSync(xpi)).digest('hex');
  const updates = {
    addons: {
      [ids.firefox]: {
        updates: [{ version, update_link: new URL(XPI_NAME, baseUrl).href, update_hash: `sha256:${hash}` }],
      },
    },
  };
  writeFileSync(join(outDir, UPDATES_JSON), `${JSON.stringify(updates, null, 2)}\n`);
  return version;
}
