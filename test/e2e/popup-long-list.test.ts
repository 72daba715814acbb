/**
 * The popup's windowed account list with 200 accounts (Chromium, built extension): only the rows near
 * the scroll viewport are in the DOM, yet every account is reachable by scrolling and by search, and
 * shows the same code as otplib.
 */
import { createGuardrails, generate } from 'otplib';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium } from '../support/chromium';
import { awayFromBoundary, callFromPage } from '../support/vault-pages';

const N = 200;
const secretOf = (i: number) =>
  Array.from({ length: 16 }, (_, k) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[(i * 7 + k * 13) % 32]).join('');
const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });
const oracle = (i: number) =>
  generate({ secret: secretOf(i), epoch: Math.floor(Date.now() / 1000), guardrails });

async function shownCode(page: Page, i: number): Promise<string> {
  const sel = `button[aria-label="Copy code for Bench ${i} (user${i}@example.com)"] .code[data-code]:not([data-code=""])`;
  await page.waitForSelector(sel, { timeout: 15_000 });
  return page.$eval(sel, (el) => el.getAttribute('data-code') ?? '');
}

describe('popup with a long account list', () => {
  let session: ChromiumSession;
  let popup: Page;
  beforeAll(async () => {
    session = await launchChromium({ nativeHost: false });
    await session.serviceWorker();
    const page = await session.openExtensionPage('options.html');
    await callFromPage(page, { type: 'vault.create', password: 'correct horse battery staple' });
    const uris = Array.from(
      { length: N },
      (_, i) =>
        `otpauth://totp/Bench%20${i}:user${i}%40example.com?secret=${secretOf(i)}&issuer=Bench%20${i}`,
    );
    const report = await callFromPage(page, {
      type: 'vault.import',
      format: 'otpauth',
      data: uris.join('\n'),
    });
    expect(report.added.length).toBe(N);
    await page.close();
    popup = await session.browser.newPage();
    await popup.setViewport({ width: 360, height: 600 });
    await popup.goto(`chrome-extension://${session.extensionId}/popup.html`);
  });
  afterAll(async () => {
    await session?.close();
  });

  it('renders only the rows near the viewport, each knowing the list has 200', async () => {
    await awayFromBoundary();
    expect(await shownCode(popup, 0)).toBe(await oracle(0));
    const rows = await popup.$$eval('li[data-account-id]', (lis) =>
      lis.map((li) => [li.getAttribute('aria-posinset'), li.getAttribute('aria-setsize')]),
    );
    expect(rows.length).toBeLessThan(30);
    expect(rows[0]).toEqual(['1', String(N)]);
  });

  it('shows the last account with its code when scrolled to the end', async () => {
    await popup.$eval('.accounts-scroll', (el) => {
      el.scrollTop = el.scrollHeight;
    });
    await awayFromBoundary();
    expect(await shownCode(popup, N - 1)).toBe(await oracle(N - 1));
    expect(await popup.$('li[data-account-id][aria-posinset="1"]')).toBeNull();
    const last = await popup.$eval(`li[aria-posinset="${N}"]`, (li) => {
      const box = li.getBoundingClientRect();
      const view = li.closest('.accounts-scroll')!.getBoundingClientRect();
      return box.bottom <= view.bottom + 1 && box.top >= view.top - 1;
    });
    expect(last).toBe(true);
  });

  it('finds an account in the middle by search', async () => {
    await popup.type('#search', 'user150@');
    await awayFromBoundary();
    expect(await shownCode(popup, 150)).toBe(await oracle(150));
    expect(await popup.$$eval('li[data-account-id]', (l) => l.length)).toBe(1);
  });
});
