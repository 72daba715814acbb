/**
 * Managed policy in Firefox ESR, for real: Firefox reads enterprise policies from policies.json at
 * start-up, and `policies["3rdparty"].Extensions["<add-on id>"]` is what the add-on's storage.managed
 * answers (toolkit ext-storage.js: Services.policies.getExtensionPolicy() first, a "storage" native
 * manifest only when no policy names the add-on; no install-type check, so the temporarily installed
 * test add-on gets it too). On Linux, Firefox builds with MOZ_SYSTEM_POLICIES (Debian's firefox-esr
 * does) look in /etc/firefox/policies/policies.json ("firefox" from application.ini's Name, not the
 * firefox-esr binary name), then in <install dir>/distribution/policies.json.
 *
 * The file is read once at start-up, so it is removed as soon as this Firefox has started (other
 * engineers' Firefox tests must not see it). Needs root (CI runs as root).
 */
import { existsSync, mkdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTENSION_IDS } from '../../extension/ids';
import { type FirefoxSession, launchFirefox } from '../support/firefox';
import { callFromPage, offeredUnderAllowedSites, sendFromPage } from '../support/vault-pages';

const FIREFOX_ETC = '/etc/firefox';
const POLICY_DIR = `${FIREFOX_ETC}/policies`;
const POLICY_FILE = `${POLICY_DIR}/policies.json`;
const canWrite = typeof process.getuid === 'function' && process.getuid() === 0;

const POLICY = {
  passwordMinLength: 14,
  passwordPattern: '[0-9]',
  passwordPatternHint: 'Include a digit.',
  autoLockMinutes: 5,
  disableExport: true,
  allowedSites: ['*.portbase.com'],
  supportContact: 'Portbase service desk (MFA reset)',
  // Invalid: must be shown on the options page and ignored.
  clipboardClearSeconds: -1,
};

describe.skipIf(!canWrite)('managed policy in Firefox ESR (policies.json)', () => {
  let session: FirefoxSession;
  let options: Page;
  let wrote = false;
  let createdEtc = false;
  beforeAll(async () => {
    // Never overwrite a real administrator's policy on this machine.
    if (existsSync(POLICY_FILE)) throw new Error(`${POLICY_FILE} exists already; not touching it`);
    createdEtc = !existsSync(FIREFOX_ETC);
    mkdirSync(POLICY_DIR, { recursive: true });
    writeFileSync(
      POLICY_FILE,
      JSON.stringify({ policies: { '3rdparty': { Extensions: { [EXTENSION_IDS.firefox]: POLICY } } } }),
    );
    wrote = true;
    try {
      session = await launchFirefox({ nativeHost: false });
      options = await session.openExtensionPage('options.html');
    } finally {
      rmSync(POLICY_FILE, { force: true });
      wrote = false;
    }
  });
  afterAll(async () => {
    await session?.close();
    if (wrote) rmSync(POLICY_FILE, { force: true });
    // Leave /etc as it was: the directories this test made go too (only while empty).
    if (createdEtc) {
      for (const dir of [POLICY_DIR, FIREFOX_ETC]) {
        try {
          rmdirSync(dir);
        } catch {
          // not empty (someone else's file): keep it
        }
      }
    }
  });

  it('storage.managed answers the policy: enforced keys marked, the invalid value reported', async () => {
    const eff = await callFromPage(options, { type: 'settings.get' });
    expect(eff.policyStatus).toBe('read');
    expect(eff.policyError).toBeUndefined();
    expect(eff.enforced.sort()).toEqual(
      [
        'allowedSites',
        'autoLockMinutes',
        'disableExport',
        'passwordMinLength',
        'passwordPattern',
        'passwordPatternHint',
        'supportContact',
      ].sort(),
    );
    expect(eff.values.autoLockMinutes).toBe(5);
    expect(eff.values.clipboardClearSeconds).toBe(30);
    expect(eff.policyIssues.map((i) => i.key)).toEqual(['clipboardClearSeconds']);
  });

  it('shows enforced settings locked and the invalid value on the options page', async () => {
    await options.waitForSelector('[data-policy-issue="clipboardClearSeconds"]', { timeout: 20_000 });
    const row = await options.$eval('[data-setting="disableExport"]', (el) => ({
      enforced: el.getAttribute('data-enforced'),
      text: el.textContent,
      disabled: (el.querySelector('input') as HTMLInputElement).disabled,
    }));
    expect(row).toMatchObject({ enforced: 'true', disabled: true });
    expect(row.text).toContain('Set by your organisation');
    const lock = await options.$eval('[data-setting="autoLockMinutes"]', (el) => ({
      enforced: el.getAttribute('data-enforced'),
      disabled: (el.querySelector('input') as HTMLInputElement).disabled,
    }));
    expect(lock).toEqual({ enforced: 'true', disabled: true });
    expect(await options.$eval('[data-setting="autoSubmit"]', (el) => el.getAttribute('data-enforced'))).toBe(
      'false',
    );
    expect(await options.$eval('main', (m) => m.textContent)).toContain('Portbase service desk (MFA reset)');
    const r = await sendFromPage(options, { type: 'settings.set', patch: { autoLockMinutes: 30 } });
    expect(r).toMatchObject({ ok: false, error: { code: 'settings' } });
  });

  it('applies the policy: password rules, export off, fill only on allowed sites', async () => {
    const weak = await sendFromPage(options, { type: 'vault.create', password: 'thirteen char' });
    expect(weak).toMatchObject({ ok: false, error: { code: 'weak-password' } });
    if (!weak.ok) expect(weak.error.message).toBe('Use at least 14 characters. Include a digit.');
    expect(
      (await callFromPage(options, { type: 'vault.create', password: 'long enough password 7' })).state,
    ).toBe('unlocked');
    expect(
      await sendFromPage(options, { type: 'vault.exportEncrypted', exportPassword: 'x'.repeat(12) }),
    ).toMatchObject({ ok: false, error: { code: 'export-disabled' } });
    expect(await offeredUnderAllowedSites(options)).toEqual({ allowed: ['Portbase'], elsewhere: [] });
  });
});
