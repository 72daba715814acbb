// Vault benches in Chromium (Debian's, headless) with the built extension:
// 1. Unlock at the default KDF parameters (Argon2id, memory/passes as stored in the vault header):
//    the popup's round trip `vault.unlock` → background (Argon2id + AES-GCM + session key), median of 7.
//    Reference in the same browser: PBKDF2-SHA256 with 600,000 iterations (Bitwarden's default) via
//    Web Crypto in the same extension page.
// 2. Popup first render with 200 accounts: navigation start → the list knows all 200 accounts and
//    every row it shows has its current code, median of 7. The list is windowed: rows outside its
//    scroll viewport (plus a few of overscan) are not in the DOM, so "shown" means what the user can
//    see. Reference: the same popup with an empty vault (navigation → "no accounts yet").
import { cpus, loadavg } from 'node:os';
import type { Page } from 'puppeteer';
import { launchChromium } from '../test/support/chromium';
import { callFromPage } from '../test/support/vault-pages';

const PASSWORD = 'bench password 1234';
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (n: number) => n.toFixed(1);

async function timeUnlock(page: Page): Promise<number> {
  await callFromPage(page, { type: 'vault.lock' });
  return page.evaluate(async (password) => {
    const g = globalThis as unknown as {
      chrome: { runtime: { sendMessage(m: unknown): Promise<{ ok: boolean }> } };
    };
    const t0 = performance.now();
    const r = await g.chrome.runtime.sendMessage({ type: 'vault.unlock', password });
    if (!r.ok) throw new Error('unlock failed');
    return performance.now() - t0;
  }, PASSWORD);
}

async function timePbkdf2(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const t0 = performance.now();
    const base = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode('bench password 1234'),
      'PBKDF2',
      false,
      ['deriveBits'],
    );
    await crypto.subtle.deriveBits(
      {
        name: 'PBKDF2',
        hash: 'SHA-256',
        salt: crypto.getRandomValues(new Uint8Array(16)),
        iterations: 600_000,
      },
      base,
      256,
    );
    return performance.now() - t0;
  });
}

/**
 * ms from navigation start until the list of `rows` accounts shows a code in every row it renders (or
 * the empty-vault text when rows = 0).
 */
async function timeFirstRender(page: Page, url: string, rows: number): Promise<number> {
  await page.goto(url);
  await page.waitForFunction(
    (n: number) => {
      if (n === 0) return document.querySelector('.empty') !== null;
      const shown = [...document.querySelectorAll('li[data-account-id]')];
      return (
        shown.length > 0 &&
        shown.every((li) => li.getAttribute('aria-setsize') === String(n)) &&
        shown.every((li) => li.querySelector('.code[data-code]:not([data-code=""])') !== null)
      );
    },
    { polling: 'raf', timeout: 30_000 },
    rows,
  );
  return page.evaluate(() => performance.now());
}

console.log(
  `machine: ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const session = await launchChromium({ nativeHost: false });
try {
  await session.serviceWorker();
  const page = await session.openExtensionPage('options.html');
  await callFromPage(page, { type: 'vault.create', password: PASSWORD });
  const info = await callFromPage(page, { type: 'vault.info' });

  // 1. Unlock
  const unlock: number[] = [];
  const pbkdf2: number[] = [];
  await timeUnlock(page); // warm-up (wasm compile)
  for (let i = 0; i < 7; i++) {
    unlock.push(await timeUnlock(page));
    pbkdf2.push(await timePbkdf2(page));
  }
  const u = median(unlock);
  const p = median(pbkdf2);
  console.log(
    `unlock (Argon2id ${info.kdf!.memoryKiB / 1024} MiB, t=${info.kdf!.iterations}, p=${info.kdf!.parallelism}): median ${fmt(u)} ms (min ${fmt(Math.min(...unlock))}, max ${fmt(Math.max(...unlock))})`,
  );
  console.log(`reference PBKDF2-SHA256 600k (Web Crypto, same page): median ${fmt(p)} ms`);
  console.log(`ratio unlock / PBKDF2-600k: ${(u / p).toFixed(2)}`);

  // 2. Popup first render
  const popupUrl = `chrome-extension://${session.extensionId}/popup.html`;
  const popup = await session.browser.newPage();
  await popup.setViewport({ width: 360, height: 600 });
  const empty: number[] = [];
  // The empty vault first (reference), then 200 accounts.
  for (let i = 0; i < 7; i++) empty.push(await timeFirstRender(popup, popupUrl, 0));
  const uris: string[] = [];
  for (let i = 0; i < 200; i++) {
    const secret = Array.from(
      { length: 16 },
      (_, k) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[(i * 7 + k * 13) % 32],
    ).join('');
    uris.push(`otpauth://totp/Bench%20${i}:user${i}%40example.com?secret=${secret}&issuer=Bench%20${i}`);
  }
  const report = await callFromPage(page, { type: 'vault.import', format: 'otpauth', data: uris.join('\n') });
  if (report.added.length !== 200) throw new Error(`imported ${report.added.length} of 200`);
  const full: number[] = [];
  await timeFirstRender(popup, popupUrl, 200); // warm-up
  for (let i = 0; i < 7; i++) full.push(await timeFirstRender(popup, popupUrl, 200));
  const f = median(full);
  const e = median(empty);
  console.log(
    `popup first render, 200 accounts with codes: median ${fmt(f)} ms (min ${fmt(Math.min(...full))})`,
  );
  console.log(`reference: popup with an empty vault: median ${fmt(e)} ms`);
  console.log(`ratio 200 accounts / empty: ${(f / e).toFixed(2)}`);
} finally {
  await session.close();
}
