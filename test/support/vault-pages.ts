/**
 * Helpers for the vault/UI browser tests: talk to the background through the extension's real
 * message protocol from one of its pages, serve a throw-away page (e.g. with a QR code).
 */
import { createServer, type Server } from 'node:http';
import type { Page } from 'puppeteer';
import type {
  VaultRequest,
  VaultRequestType,
  VaultResponses,
  WireResponse,
} from '../../extension/vault/protocol';

/** Send a vault/settings message from an extension page (popup/options) and return the answer. */
export async function sendFromPage<T extends VaultRequestType>(
  page: Page,
  req: Extract<VaultRequest, { type: T }>,
): Promise<WireResponse<VaultResponses[T]>> {
  return page.evaluate(
    (m) => {
      const g = globalThis as unknown as {
        browser?: { runtime: { sendMessage(x: unknown): Promise<unknown> } };
        chrome?: { runtime: { sendMessage(x: unknown): Promise<unknown> } };
      };
      return (g.browser ?? g.chrome)!.runtime.sendMessage(m);
    },
    req as unknown as Record<string, unknown>,
  ) as Promise<WireResponse<VaultResponses[T]>>;
}

/** Like sendFromPage, but returns the value or throws with the error code. */
export async function callFromPage<T extends VaultRequestType>(
  page: Page,
  req: Extract<VaultRequest, { type: T }>,
): Promise<VaultResponses[T]> {
  const r = await sendFromPage(page, req);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Serve one HTML document on localhost (random port). */
export async function serveHtml(
  html: string,
): Promise<{ url: string; close(): Promise<void>; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    server,
    url: `http://localhost:${port}/`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Wait until a TOTP period has at least `margin` seconds left (so a read code and an oracle agree). */
export async function awayFromBoundary(period = 30, margin = 4): Promise<void> {
  const left = period - (Math.floor(Date.now() / 1000) % period);
  if (left < margin) await new Promise((r) => setTimeout(r, left * 1000 + 200));
}

/** The one account the clipboard tests copy from, and its label in the popup. */
export const CLIPBOARD_ACCOUNT = {
  uri: 'otpauth://totp/Portbase:jan%40example.nl?secret=JBSWY3DPEHPK3PXP&issuer=Portbase',
  label: 'Portbase (jan@example.nl)',
} as const;

/** From an extension page: a new vault with CLIPBOARD_ACCOUNT, codes cleared `clearSeconds` after a copy. */
export async function seedClipboardVault(page: Page, password: string, clearSeconds: number): Promise<void> {
  await callFromPage(page, { type: 'vault.create', password });
  await callFromPage(page, { type: 'vault.add', account: { source: 'uri', uri: CLIPBOARD_ACCOUNT.uri } });
  await callFromPage(page, { type: 'settings.set', patch: { clipboardClearSeconds: clearSeconds } });
}

/**
 * Opens the popup, clicks CLIPBOARD_ACCOUNT (copies its code), waits for the notice and closes the popup;
 * returns the code. Waits first for a code that stays valid past `clearSeconds`.
 */
export async function copyFromPopupAndClose(
  openPopup: () => Promise<Page>,
  clearSeconds: number,
): Promise<string> {
  await awayFromBoundary(30, clearSeconds + 4);
  const popup = await openPopup();
  await popup.bringToFront();
  const button = `button[aria-label="Copy code for ${CLIPBOARD_ACCOUNT.label}"]`;
  const sel = `${button} .code[data-code]:not([data-code=""])`;
  await popup.waitForSelector(sel, { timeout: 20_000 });
  const code = await popup.$eval(sel, (el) => el.getAttribute('data-code') ?? '');
  await popup.click(button);
  await popup.waitForFunction(() => document.body.textContent?.includes('Code copied.'));
  await popup.close();
  return code;
}

/**
 * With an `allowedSites` policy that has `*.portbase.com` but not example.com in force: an account bound
 * to both origins is offered on the Portbase one only. Returns what each origin was offered.
 */
export async function offeredUnderAllowedSites(
  page: Page,
): Promise<{ allowed: Array<string | undefined>; elsewhere: Array<string | undefined> }> {
  await callFromPage(page, {
    type: 'vault.add',
    account: {
      source: 'uri',
      uri: 'otpauth://totp/Portbase:jan?secret=JBSWY3DPEHPK3PXP&issuer=Portbase',
      meta: { origins: ['https://iamconnected.portbase.com', 'https://example.com'] },
    },
  });
  const allowed = await callFromPage(page, {
    type: 'vault.forOrigin',
    origin: 'https://iamconnected.portbase.com',
  });
  const elsewhere = await callFromPage(page, { type: 'vault.forOrigin', origin: 'https://example.com' });
  return { allowed: allowed.map((a) => a.issuer), elsewhere: elsewhere.map((a) => a.issuer) };
}
