/**
 * The vault in Firefox ESR's own build (event-page background, browser.storage.session, no managed
 * storage): create, add by link, codes equal otplib's, lock, wrong password named, unlock, damage report.
 */
import { createGuardrails, generate } from 'otplib';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FirefoxSession, launchFirefox } from '../support/firefox';
import { awayFromBoundary, callFromPage, sendFromPage } from '../support/vault-pages';

const PASSWORD = 'correct horse battery staple';

describe('vault in Firefox ESR', () => {
  let session: FirefoxSession;
  let page: Page;
  beforeAll(async () => {
    session = await launchFirefox({ nativeHost: false });
    page = await session.openExtensionPage('popup.html');
  });
  afterAll(async () => {
    await session?.close();
  });

  it('has no managed storage without policies.json and says so', async () => {
    const eff = await callFromPage(page, { type: 'settings.get' });
    expect(eff.policyStatus).toBe('unavailable');
    expect(eff.values.autoLockMinutes).toBe(15);
  });

  it('creates a vault, adds by link and gives the same codes as otplib', async () => {
    expect((await callFromPage(page, { type: 'vault.status' })).state).toBe('uninitialised');
    expect((await callFromPage(page, { type: 'vault.create', password: PASSWORD })).state).toBe('unlocked');
    const a = await callFromPage(page, {
      type: 'vault.add',
      account: { source: 'uri', uri: 'otpauth://totp/Portbase:jan?secret=JBSWY3DPEHPK3PXP&issuer=Portbase' },
    });
    await awayFromBoundary();
    const c = await callFromPage(page, { type: 'vault.code', id: a.id });
    const expected = await generate({
      secret: 'JBSWY3DPEHPK3PXP',
      epoch: Math.floor(Date.now() / 1000),
      guardrails: createGuardrails({ MIN_SECRET_BYTES: 10 }),
    });
    expect(c.code).toBe(expected);
  });

  it('locks, names a wrong password, unlocks; the popup renders the account', async () => {
    await callFromPage(page, { type: 'vault.lock' });
    expect(await sendFromPage(page, { type: 'vault.list' })).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    });
    expect(await sendFromPage(page, { type: 'vault.unlock', password: 'wrong password' })).toMatchObject({
      ok: false,
      error: { code: 'wrong-password' },
    });
    expect((await callFromPage(page, { type: 'vault.unlock', password: PASSWORD })).state).toBe('unlocked');
    const popup = await session.openExtensionPage('popup.html');
    await popup.waitForSelector('li[data-account-id] .code[data-code]:not([data-code=""])', {
      timeout: 20_000,
    });
    expect(await popup.$eval('main', (m) => m.textContent)).toContain('Portbase');
    await popup.close();
  });
});
