/**
 * Vault and popup in Chromium with the built extension: create, add by link and by QR code on a
 * page, codes equal an independent otplib computation, lock/unlock (wrong password named), export →
 * wipe → import gives the same accounts, delete with confirmation.
 */
import { createGuardrails, generate } from 'otplib';
import type { Page } from 'puppeteer';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium } from '../support/chromium';
import { awayFromBoundary, callFromPage, sendFromPage, serveHtml } from '../support/vault-pages';

/** The extension APIs used inside `evaluate()` callbacks (they run in the extension, not here). */
declare const chrome: {
  runtime: { getURL(path: string): string };
  windows: { create(o: { url: string; type: 'popup'; width: number; height: number }): Promise<unknown> };
  storage: Record<'local' | 'session', { get(keys: null): Promise<Record<string, unknown>> }>;
};

const PASSWORD = 'correct horse battery staple';
const URI_A = 'otpauth://totp/Portbase:jan%40example.nl?secret=JBSWY3DPEHPK3PXP&issuer=Portbase';
const URI_QR =
  'otpauth://totp/Demo%20RP:qr-user?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Demo%20RP&digits=8';
const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });

async function oracle(secret: string, digits: 6 | 8, atMs = Date.now()): Promise<string> {
  return generate({ secret, digits, epoch: Math.floor(atMs / 1000), guardrails });
}

async function codeShown(page: Page, name: string): Promise<string> {
  const sel = `button[aria-label="Copy code for ${name}"] .code[data-code]:not([data-code=""])`;
  await page.waitForSelector(sel, { timeout: 15_000 });
  return page.$eval(sel, (el) => el.getAttribute('data-code') ?? '');
}

describe('vault and popup in Chromium', () => {
  let session: ChromiumSession;
  let popup: Page;
  beforeAll(async () => {
    session = await launchChromium({ nativeHost: false });
    await session.serviceWorker();
    popup = await session.openExtensionPage('popup.html');
  });
  afterAll(async () => {
    await session?.close();
  });

  it('asks for a master password first and refuses a short one', async () => {
    await popup.waitForSelector('form[aria-labelledby="create-title"]');
    const [pw, pw2] = await popup.$$('input[type="password"]');
    await pw!.type('short');
    await pw2!.type('short');
    await popup.click('button[type="submit"]');
    await popup.waitForSelector('[role="alert"]');
    expect(await popup.$eval('[role="alert"]', (e) => e.textContent)).toMatch(/at least 10 characters/);
    expect((await callFromPage(popup, { type: 'vault.status' })).state).toBe('uninitialised');
    await pw!.click({ count: 3 });
    await pw!.type(PASSWORD);
    await pw2!.click({ count: 3 });
    await pw2!.type(PASSWORD);
    await popup.click('button[type="submit"]');
    await popup.waitForSelector('input[type="search"]');
    expect(await popup.$eval('main', (e) => e.textContent)).toContain('No accounts yet');
  });

  it('adds an account by pasting a link and shows the same code as otplib', async () => {
    await popup.click('button[aria-label="Add account"]');
    await popup.click('button[role="tab"]:nth-child(2)');
    await popup.waitForSelector('textarea');
    await popup.type('textarea', URI_A);
    await popup.click('form button[type="submit"]');
    await popup.waitForFunction(() => document.body.textContent?.includes('Added 1 account(s).'));
    await popup.click('button[aria-label="Back"]');
    await awayFromBoundary();
    const shown = await codeShown(popup, 'Portbase (jan@example.nl)');
    expect(shown).toBe(await oracle('JBSWY3DPEHPK3PXP', 6));
  });

  it('adds an account from a QR code shown in the current tab', async () => {
    const img = await QRCode.toDataURL(URI_QR, { margin: 4, scale: 6 });
    const site = await serveHtml(
      `<!doctype html><title>Enrol</title><h1>Scan this code</h1><img alt="QR" src="${img}">`,
    );
    try {
      const tab = await session.browser.newPage();
      await tab.goto(site.url);
      await tab.bringToFront();
      // The popup runs in its own window so the page above stays the visible tab of the normal window.
      const worker = await session.serviceWorker();
      await worker.evaluate(() => {
        void chrome.windows.create({
          url: chrome.runtime.getURL('/popup.html'),
          type: 'popup',
          width: 380,
          height: 600,
        });
      });
      const target = await session.browser.waitForTarget(
        (t) => t.url().endsWith('/popup.html') && t.type() === 'page' && t !== popup.target(),
      );
      const win = (await target.page())!;
      await win.waitForSelector('button[aria-label="Add account"]');
      await win.click('button[aria-label="Add account"]');
      const scan = await win.waitForSelector(
        'xpath///button[not(@role) and normalize-space()="Scan QR code on this page"]',
      );
      await scan!.click();
      // The scan lists what it found; the user picks the account to add.
      const pick = await win.waitForSelector('.scan-list input[type="checkbox"]', { timeout: 20_000 });
      await pick!.click();
      await win.click('xpath///button[normalize-space()="Add selected"]');
      await win.waitForFunction(() => document.body.textContent?.includes('Added 1 account(s).'), {
        timeout: 20_000,
      });
      await win.close();
      await tab.close();
    } finally {
      await site.close();
    }
    await popup.reload();
    await awayFromBoundary();
    expect(await codeShown(popup, 'Demo RP (qr-user)')).toBe(
      await oracle('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 8),
    );
  });

  it('locks, names a wrong password, and unlocks', async () => {
    await popup.click('button[aria-label="Lock"]');
    await popup.waitForSelector('form[aria-labelledby="unlock-title"]');
    await popup.type('input[type="password"]', 'not my password');
    await popup.click('button[type="submit"]');
    await popup.waitForSelector('[role="alert"]');
    expect(await popup.$eval('[role="alert"]', (e) => e.textContent)).toBe('Wrong password.');
    const locked = await sendFromPage(popup, { type: 'vault.list' });
    expect(locked).toMatchObject({ ok: false, error: { code: 'locked' } });
    await popup.type('input[type="password"]', PASSWORD);
    await popup.click('button[type="submit"]');
    await popup.waitForSelector('input[type="search"]');
    expect((await callFromPage(popup, { type: 'vault.list' })).length).toBe(2);
  });

  it('keeps the derived key in storage.session only', async () => {
    const worker = await session.serviceWorker();
    const [local, sess] = await worker.evaluate(async () => [
      JSON.stringify(await chrome.storage.local.get(null)),
      JSON.stringify(await chrome.storage.session.get(null)),
    ]);
    const key = JSON.parse(sess)['vault.key'].key as string;
    expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(local).not.toContain(key);
    expect(local).not.toContain('jan@example.nl');
  });

  it('export → wipe → import gives the same accounts and codes', async () => {
    const before = await callFromPage(popup, { type: 'vault.list' });
    const file = await callFromPage(popup, {
      type: 'vault.exportEncrypted',
      exportPassword: 'export password 1',
    });
    await callFromPage(popup, { type: 'vault.reset', confirm: 'DELETE' });
    await callFromPage(popup, { type: 'vault.create', password: PASSWORD });
    const options = await session.openExtensionPage('options.html');
    await options.waitForSelector('#s-import');
    await options.$eval(
      'section[aria-labelledby="s-import"] textarea',
      (el, text) => {
        const ta = el as HTMLTextAreaElement;
        ta.value = text;
        ta.dispatchEvent(new Event('input', { bubbles: true }));
      },
      file,
    );
    await options.type('section[aria-labelledby="s-import"] input[type="password"]', 'export password 1');
    await options.click('section[aria-labelledby="s-import"] button[type="submit"]');
    await options.waitForFunction(() => document.body.textContent?.includes('Added 2 account(s).'));
    await options.close();
    const after = await callFromPage(popup, { type: 'vault.list' });
    const strip = (l: typeof before) => l.map(({ id: _i, createdAt: _c, updatedAt: _u, ...rest }) => rest);
    expect(strip(after)).toEqual(strip(before));
    await popup.reload();
    await awayFromBoundary();
    expect(await codeShown(popup, 'Portbase (jan@example.nl)')).toBe(await oracle('JBSWY3DPEHPK3PXP', 6));
  });

  it('deletes an account only after confirmation', async () => {
    await popup.click('button[aria-label="Edit Demo RP (qr-user)"]');
    await popup.waitForSelector('button.danger');
    await popup.click('button.danger');
    await popup.waitForSelector('dialog[open]');
    await popup.click('dialog[open] button.primary, dialog[open] button.danger');
    await popup.waitForSelector('input[type="search"]');
    const names = (await callFromPage(popup, { type: 'vault.list' })).map((a) => a.issuer);
    expect(names).toEqual(['Portbase']);
  });
});
