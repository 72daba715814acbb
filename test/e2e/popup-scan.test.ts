/**
 * Scanning a QR code from the popup says what it found (Chromium, built extension): every account of
 * every code is listed with its issuer, account name and the origin of the frame showing it (a frame
 * from another site is called out), a migration export is listed entry by entry, nothing is added until
 * the user picks; a QR code that is not an authenticator code and a tab without any QR code get their
 * own messages.
 */
import type { Page } from 'puppeteer';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMigrationUri, parseOtpauthUri } from '../../shared/src/otp/index';
import { type ChromiumSession, launchChromium } from '../support/chromium';
import { callFromPage, serveHtml } from '../support/vault-pages';

declare const chrome: {
  runtime: { getURL(path: string): string };
  windows: { create(o: { url: string; type: 'popup'; width: number; height: number }): Promise<unknown> };
};

const PASSWORD = 'correct horse battery staple';
const SINGLE = 'otpauth://totp/Frame%20Corp:eve%40example.org?secret=GEZDGNBVGY3TQOJQ&issuer=Frame%20Corp';
const BASE = parseOtpauthUri('otpauth://totp/x:y?secret=JBSWY3DPEHPK3PXP&issuer=x');
const EXPORT = formatMigrationUri(
  ['alice', 'bob', 'carol'].map((account, i) => ({ ...BASE, issuer: `Export ${i + 1}`, account })),
);

const qrPage = async (text: string, title: string): Promise<string> =>
  `<!doctype html><title>${title}</title><h1>${title}</h1><img alt="QR" src="${await QRCode.toDataURL(text, { margin: 4, scale: 5 })}">`;

describe('popup QR scan lists what it found (Chromium)', () => {
  let session: ChromiumSession;
  let ext: Page;
  const sites: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    session = await launchChromium({ nativeHost: false });
    await session.serviceWorker();
    ext = await session.openExtensionPage('popup.html');
    await callFromPage(ext, { type: 'vault.create', password: PASSWORD });
  });
  afterAll(async () => {
    await session?.close();
    for (const s of sites) await s.close();
  });

  /** Shows `url` as the active tab, opens the popup in its own window and presses Scan. */
  async function scanFromPopup(url: string): Promise<{ tab: Page; popup: Page }> {
    const tab = await session.browser.newPage();
    await tab.goto(url);
    await tab.waitForFunction(() =>
      Array.from(document.images).every((i) => i.complete && i.naturalWidth > 0),
    );
    await tab.bringToFront();
    const worker = await session.serviceWorker();
    await worker.evaluate(() => {
      void chrome.windows.create({
        url: chrome.runtime.getURL('/popup.html'),
        type: 'popup',
        width: 420,
        height: 640,
      });
    });
    const target = await session.browser.waitForTarget(
      (t) => t.url().endsWith('/popup.html') && t.type() === 'page' && t !== ext.target(),
    );
    const popup = (await target.page())!;
    await popup.waitForSelector('button[aria-label="Add account"]');
    await popup.click('button[aria-label="Add account"]');
    const scan = await popup.waitForSelector(
      'xpath///button[not(@role) and normalize-space()="Scan QR code on this page"]',
    );
    await scan!.click();
    return { tab, popup };
  }

  it('lists a migration export entry by entry and a code in a cross-origin frame, adds only what is picked', async () => {
    const frame = await serveHtml(await qrPage(SINGLE, 'Frame'));
    sites.push(frame);
    const frameUrl = frame.url.replace('localhost', '127.0.0.1');
    const top = await serveHtml(
      `${await qrPage(EXPORT, 'Export')}<iframe src="${frameUrl}" width="420" height="360" style="border:0"></iframe>`,
    );
    sites.push(top);
    const { tab, popup } = await scanFromPopup(top.url);
    await popup.waitForSelector('.scan-list li', { timeout: 20_000 });
    const rows = await popup.$$eval('.scan-list li', (lis) =>
      lis.map((li) => ({ text: li.textContent ?? '', cross: li.getAttribute('data-cross-origin') })),
    );
    expect(rows).toHaveLength(4);
    const topOrigin = new URL(top.url).origin;
    const frameOrigin = new URL(frameUrl).origin;
    for (const [i, name] of ['alice', 'bob', 'carol'].entries()) {
      const row = rows.find((r) => r.text.includes(`Export ${i + 1} (${name})`));
      expect(row?.text).toContain(`shown by ${topOrigin}`);
      expect(row?.text).toContain('from an export of several accounts');
      expect(row?.cross).toBe('false');
    }
    const framed = rows.find((r) => r.text.includes('Frame Corp (eve@example.org)'));
    expect(framed?.text).toContain(`shown by ${frameOrigin}`);
    expect(framed?.text).toContain('in a frame from another site');
    expect(framed?.cross).toBe('true');
    // Listed, not imported.
    expect(await callFromPage(ext, { type: 'vault.list' })).toEqual([]);
    const boxes = await popup.$$('.scan-list input[type="checkbox"]');
    const index = (needle: string) => rows.findIndex((r) => r.text.includes(needle));
    await boxes[index('bob')]!.click();
    await boxes[index('Frame Corp')]!.click();
    await popup.click('xpath///button[normalize-space()="Add selected"]');
    await popup.waitForFunction(() => document.body.textContent?.includes('Added 2 account(s).'), {
      timeout: 20_000,
    });
    const names = (await callFromPage(ext, { type: 'vault.list' })).map((a) => `${a.issuer}:${a.account}`);
    expect(names.sort()).toEqual(['Export 2:bob', 'Frame Corp:eve@example.org']);
    await popup.close();
    await tab.close();
  });

  it('says a QR code that is not an authenticator code is not one', async () => {
    const site = await serveHtml(await qrPage('https://example.com/menu', 'Menu'));
    sites.push(site);
    const { tab, popup } = await scanFromPopup(site.url);
    const alert = await popup.waitForSelector('[role="alert"]', { timeout: 20_000 });
    expect(await alert!.evaluate((e) => e.textContent)).toContain(
      'This QR code is not an authenticator set-up code.',
    );
    expect(await popup.$('.scan-list')).toBeNull();
    await popup.close();
    await tab.close();
  });

  it('says when there is no QR code at all', async () => {
    const site = await serveHtml('<!doctype html><title>Plain</title><h1>Nothing to scan</h1>');
    sites.push(site);
    const { tab, popup } = await scanFromPopup(site.url);
    const alert = await popup.waitForSelector('[role="alert"]', { timeout: 20_000 });
    expect(await alert!.evaluate((e) => e.textContent)).toContain(
      'No QR code is visible in the current tab.',
    );
    await popup.close();
    await tab.close();
  });
});
