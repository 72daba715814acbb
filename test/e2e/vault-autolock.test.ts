/**
 * Chromium: the vault locks itself after the auto-lock time (alarms), here set to the minimum of
 * 1 minute. (Across a service-worker restart: vault-worker-restart.test.ts.)
 */
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium } from '../support/chromium';
import { callFromPage } from '../support/vault-pages';

declare const chrome: {
  alarms: { get(name: string): Promise<{ scheduledTime: number } | undefined> };
};

describe('vault auto-lock in Chromium', () => {
  let session: ChromiumSession;
  let page: Page;
  beforeAll(async () => {
    session = await launchChromium({ nativeHost: false });
    await session.serviceWorker();
    page = await session.openExtensionPage('options.html');
    await callFromPage(page, { type: 'vault.create', password: 'correct horse battery staple' });
    await callFromPage(page, {
      type: 'vault.add',
      account: { source: 'uri', uri: 'otpauth://totp/Portbase:jan?secret=JBSWY3DPEHPK3PXP&issuer=Portbase' },
    });
  });
  afterAll(async () => {
    await session?.close();
  });

  it('locks after the auto-lock time without use', async () => {
    await callFromPage(page, { type: 'settings.set', patch: { autoLockMinutes: 1 } });
    await callFromPage(page, { type: 'vault.list' }); // a use: reschedules the alarm
    const worker = await session.serviceWorker();
    let alarm: { scheduledTime: number } | undefined;
    for (let i = 0; i < 50 && !alarm; i++) {
      alarm = await worker.evaluate(() => chrome.alarms.get('vault.autolock'));
      if (!alarm) await new Promise((r) => setTimeout(r, 100));
    }
    expect(alarm).toBeDefined();
    const inMs = alarm!.scheduledTime - Date.now();
    expect(inMs).toBeGreaterThan(45_000);
    expect(inMs).toBeLessThanOrEqual(61_000);
    let state = 'unlocked';
    for (let i = 0; i < 100 && state === 'unlocked'; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      // Status does not count as use, so it does not push the alarm back.
      state = (await callFromPage(page, { type: 'vault.status' })).state;
    }
    expect(state).toBe('locked');
  }, 150_000);
});
