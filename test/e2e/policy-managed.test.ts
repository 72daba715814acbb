/**
 * Managed policy, for real: Chromium reads `/etc/chromium/policies/managed/*.json`
 * (`3rdparty.extensions.<id>`), hands it to the extension's storage.managed, and the extension
 * enforces it. Needs root (CI runs as root); the file is removed afterwards.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTENSION_IDS } from '../../extension/ids';
import { type ChromiumSession, launchChromium } from '../support/chromium';
import { callFromPage, offeredUnderAllowedSites, sendFromPage } from '../support/vault-pages';

const POLICY_DIR = '/etc/chromium/policies/managed';
const POLICY_FILE = `${POLICY_DIR}/mfa-bridge-e2e-policy.json`;
const canWrite = typeof process.getuid === 'function' && process.getuid() === 0;

const POLICY = {
  passwordMinLength: 14,
  passwordPattern: '[0-9]',
  passwordPatternHint: 'Include a digit.',
  disableExport: true,
  disableQrScan: true,
  allowedSites: ['*.portbase.com', 'localhost'],
  bridgeSites: [{ match: '*.portbase.com', mode: 'fallback' }],
  supportContact: 'Portbase service desk (MFA reset)',
  // Invalid: must be shown on the options page and ignored.
  autoLockMinutes: 0,
};

describe.skipIf(!canWrite)('managed policy in Chromium', () => {
  let session: ChromiumSession;
  let options: Page;
  beforeAll(async () => {
    mkdirSync(POLICY_DIR, { recursive: true });
    writeFileSync(
      POLICY_FILE,
      JSON.stringify({ '3rdparty': { extensions: { [EXTENSION_IDS.chromium]: POLICY } } }),
    );
    session = await launchChromium({ nativeHost: false });
    await session.serviceWorker();
    options = await session.openExtensionPage('options.html');
  });
  afterAll(async () => {
    await session?.close();
    rmSync(POLICY_FILE, { force: true });
  });

  it('reads the policy, marks enforced keys and reports the invalid value', async () => {
    // Chromium fills storage.managed shortly after the extension starts; the extension follows
    // storage.onChanged('managed'). Wait for that delivery (not a timing assertion).
    let eff = await callFromPage(options, { type: 'settings.get' });
    for (let i = 0; i < 100 && eff.enforced.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      eff = await callFromPage(options, { type: 'settings.get' });
    }
    expect(eff.policyStatus).toBe('read');
    expect(eff.enforced.sort()).toEqual(
      [
        'allowedSites',
        'bridgeSites',
        'disableExport',
        'disableQrScan',
        'passwordMinLength',
        'passwordPattern',
        'passwordPatternHint',
        'supportContact',
      ].sort(),
    );
    expect(eff.values.autoLockMinutes).toBe(15);
    expect(eff.values.bridgeSites).toEqual([{ match: '*.portbase.com', mode: 'fallback' }]);
    expect(eff.policyIssues.map((i) => i.key)).toEqual(['autoLockMinutes']);
  });

  it('shows enforced settings locked and the invalid value on the options page', async () => {
    await options.waitForSelector('[data-policy-issue="autoLockMinutes"]');
    const row = await options.$eval('[data-setting="disableExport"]', (el) => ({
      enforced: el.getAttribute('data-enforced'),
      text: el.textContent,
      disabled: (el.querySelector('input') as HTMLInputElement).disabled,
    }));
    expect(row).toMatchObject({ enforced: 'true', disabled: true });
    expect(row.text).toContain('Set by your organisation');
    const free = await options.$eval('[data-setting="autoLockMinutes"]', (el) =>
      el.getAttribute('data-enforced'),
    );
    expect(free).toBe('false');
    expect(await options.$eval('main', (m) => m.textContent)).toContain('Portbase service desk (MFA reset)');
    // The user cannot override an enforced key through the protocol either.
    const r = await sendFromPage(options, { type: 'settings.set', patch: { disableExport: false } });
    expect(r).toMatchObject({ ok: false, error: { code: 'settings' } });
  });

  it('enforces the password rules when the vault is created', async () => {
    const weak = await sendFromPage(options, { type: 'vault.create', password: 'thirteen char' });
    expect(weak).toMatchObject({ ok: false, error: { code: 'weak-password' } });
    if (!weak.ok) expect(weak.error.message).toBe('Use at least 14 characters. Include a digit.');
    expect(
      (await callFromPage(options, { type: 'vault.create', password: 'long enough password 7' })).state,
    ).toBe('unlocked');
  });

  it('refuses export and QR scanning', async () => {
    const ex = await sendFromPage(options, {
      type: 'vault.exportEncrypted',
      exportPassword: 'some export pass',
    });
    expect(ex).toMatchObject({ ok: false, error: { code: 'export-disabled' } });
    const plain = await sendFromPage(options, {
      type: 'vault.exportUris',
      masterPassword: 'long enough password 7',
    });
    expect(plain).toMatchObject({ ok: false, error: { code: 'export-disabled' } });
    const scan = await sendFromPage(options, { type: 'vault.scanTab' });
    expect(scan).toMatchObject({ ok: false, error: { code: 'qr-disabled' } });
    await options.reload();
    await options.waitForSelector('#s-export');
    expect(await options.$eval('section[aria-labelledby="s-export"]', (s) => s.textContent)).toContain(
      'Export is turned off by your organisation.',
    );
  });

  it('fills only on allowed sites', async () => {
    expect(await offeredUnderAllowedSites(options)).toEqual({ allowed: ['Portbase'], elsewhere: [] });
  });
});
