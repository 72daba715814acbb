/**
 * The background does not reveal the user's browsing in its logs (Chromium): everything its service
 * worker writes to the console is captured over CDP while pages on several origins are visited — a
 * site the extension ignores, a bound site where a code is filled, a look-alike, a bridged site — and
 * no line names any of them.
 */
import { createServer, type Server } from 'node:http';
import type { CDPSession, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureHtml } from '../fixtures/load';
import { type ChromiumSession, launchChromium } from '../support/chromium';
import { callFromPage } from '../support/vault-pages';

const MASTER = 'Correct-Horse-Battery-42';
const ACCOUNT_URI = 'otpauth://totp/Example:jan%40example.nl?secret=GEZDGNBVGY3TQOJQ&issuer=Example';

interface RemoteObject {
  value?: unknown;
  description?: string;
}

describe('no visited sites in the background logs: Chromium', () => {
  let session: ChromiumSession;
  let server: Server;
  let port = 0;
  let cdp: CDPSession;
  const lines: string[] = [];

  beforeAll(async () => {
    const verify = await fixtureHtml('generic-autocomplete-otc-en.html');
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(verify);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    port = typeof addr === 'object' && addr ? addr.port : 0;
    session = await launchChromium();
    await session.serviceWorker();
    const target = await session.browser.waitForTarget(
      (t) =>
        t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${session.extensionId}/`),
    );
    cdp = await target.createCDPSession();
    cdp.on('Runtime.consoleAPICalled', (e: { type: string; args: RemoteObject[] }) => {
      lines.push(`${e.type}: ${e.args.map((a) => String(a.value ?? a.description ?? '')).join(' ')}`);
    });
    cdp.on(
      'Runtime.exceptionThrown',
      (e: { exceptionDetails: { text: string; exception?: RemoteObject } }) => {
        lines.push(
          `exception: ${e.exceptionDetails.text} ${e.exceptionDetails.exception?.description ?? ''}`,
        );
      },
    );
    await cdp.send('Runtime.enable');
  }, 120_000);
  afterAll(async () => {
    await cdp?.detach().catch(() => undefined);
    await session?.close();
    await new Promise<void>((r) => {
      if (!server) return r();
      server.close(() => r());
      server.closeAllConnections();
    });
  });

  it('names none of the sites visited', async () => {
    const ext: Page = await session.openExtensionPage('popup.html');
    await callFromPage(ext, { type: 'vault.create', password: MASTER });
    const bound = `http://localhost:${port}`;
    await callFromPage(ext, {
      type: 'settings.set',
      patch: {
        fillMode: { iamconnected: 'auto', generic: 'auto' },
        bridgeSites: [{ match: 'bridged.localhost', mode: 'fallback' }],
      },
    });
    await callFromPage(ext, {
      type: 'vault.add',
      account: { source: 'uri', uri: ACCOUNT_URI, meta: { origins: [bound] } },
    });
    const visited = [
      `http://ignored.localhost:${port}/`,
      `http://examp1e-localhost.localhost:${port}/`,
      `http://bridged.localhost:${port}/`,
      `${bound}/verify`,
    ];
    for (const url of visited) {
      const page = await session.browser.newPage();
      await page.goto(url);
      if (url.startsWith(bound))
        await page.waitForFunction(
          () =>
            /^\d{6}$/.test(
              (document.querySelector('input[autocomplete="one-time-code"]') as HTMLInputElement).value,
            ),
          { timeout: 20_000 },
        );
      await page.close();
    }
    // The capture itself works: a line the worker writes now arrives (and after the visits' lines).
    const worker = await session.serviceWorker();
    await worker.evaluate(() => console.debug('log-capture-probe'));
    for (let i = 0; i < 100 && !lines.some((l) => l.includes('log-capture-probe')); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(lines.some((l) => l.includes('log-capture-probe'))).toBe(true);
    const leaks = lines.filter((l) =>
      [`:${port}`, 'ignored.localhost', 'examp1e-localhost', 'bridged.localhost', 'localhost'].some((h) =>
        l.includes(h),
      ),
    );
    expect(leaks).toEqual([]);
    await ext.close();
  }, 180_000);
});
