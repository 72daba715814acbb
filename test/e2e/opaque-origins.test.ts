/**
 * Opaque origins get nothing, in Chromium and Firefox ESR. An account is bound to the fixture origin
 * and filling is `auto`; documents on that origin whose origin is opaque — (a) served with a CSP
 * `sandbox` header, (b) inside `<iframe sandbox>` without allow-same-origin, (c) a `data:` frame,
 * (d) a sandboxed `srcdoc` frame — show a TOTP prompt and an enrolment secret. They get no code and no
 * save offer, while the same markup in a normal document on the origin (the control, loaded after) is
 * filled / offered. In Chromium the content script's own world in (a) and (b) is also driven over CDP,
 * as a compromised renderer would: every request that could carry a code or plant a secret is refused.
 */
import { createServer, type Server } from 'node:http';
import type { Browser, Frame, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_SECRETS } from '../fixtures/catalog';
import { fixtureHtml } from '../fixtures/load';
import { launchChromium } from '../support/chromium';
import { contentScriptWorld } from '../support/content-world';
import { launchFirefox } from '../support/firefox';
import { callFromPage } from '../support/vault-pages';

const MASTER = 'Correct-Horse-Battery-42';
const ACCOUNT_URI = 'otpauth://totp/Example:jan%40example.nl?secret=GEZDGNBVGY3TQOJQ&issuer=Example';
const SANDBOX = 'allow-scripts allow-forms';

interface Fixture {
  origin: string;
  close(): Promise<void>;
}

function attr(html: string): string {
  return html.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}

/**
 * The fixture origin: `/verify` and `/enrol` (a TOTP prompt, an enrolment page showing a secret), the
 * same with a CSP sandbox header (`/verify-sandboxed`, `/enrol-sandboxed`), and `/frames-verify`,
 * `/frames-enrol`: a page with a sandboxed frame, a data: frame and a sandboxed srcdoc frame of that
 * markup, and last a normal same-origin frame of it (the control).
 */
async function startFixture(): Promise<Fixture> {
  const verify = await fixtureHtml('generic-autocomplete-otc-en.html');
  const enrol = await fixtureHtml('okta-classic-enroll-manual-en.html');
  const frames = (path: string, html: string) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Uploads</title></head><body>
<h1>Uploaded documents</h1>
<iframe id="sandboxed" sandbox="${SANDBOX}" src="${path}?sandboxed" width="500" height="300"></iframe>
<iframe id="data" src="data:text/html;base64,${Buffer.from(html).toString('base64')}" width="500" height="300"></iframe>
<iframe id="srcdoc" sandbox="${SANDBOX}" srcdoc="${attr(html)}" width="500" height="300"></iframe>
<iframe id="control" src="${path}?control" width="500" height="300"></iframe>
</body></html>`;
  const routes: Record<string, { html: string; csp?: string }> = {
    '/verify': { html: verify },
    '/enrol': { html: enrol },
    '/verify-sandboxed': { html: verify, csp: `sandbox ${SANDBOX}` },
    '/enrol-sandboxed': { html: enrol, csp: `sandbox ${SANDBOX}` },
    '/frames-verify': { html: frames('/verify', verify) },
    '/frames-enrol': { html: frames('/enrol', enrol) },
  };
  const server: Server = createServer((req, res) => {
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      ...(route.csp ? { 'content-security-policy': route.csp } : {}),
    });
    res.end(route.html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    origin: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

interface Session {
  browser: Browser;
  extensionId: string;
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

/** What an attacked document holds: the TOTP field's value and whether the extension's panel is in it. */
async function exposure(where: Page | Frame): Promise<{ value: string | null; panel: string | null }> {
  return where.evaluate(() => ({
    value:
      (document.querySelector('input[autocomplete="one-time-code"]') as HTMLInputElement | null)?.value ??
      null,
    panel: document.querySelector('mfa-bridge-ui')?.getAttribute('data-mfa-bridge') ?? null,
  }));
}

function frameBy(page: Page, test: (url: string) => boolean): Frame {
  const f = page.frames().find((x) => x !== page.mainFrame() && test(x.url()));
  if (!f)
    throw new Error(
      `no such frame among ${page
        .frames()
        .map((x) => x.url())
        .join(', ')}`,
    );
  return f;
}

const isSandboxed = (u: string) => u.endsWith('?sandboxed');
const isData = (u: string) => u.startsWith('data:');
const isSrcdoc = (u: string) => u === 'about:srcdoc';

function suite(name: string, launch: () => Promise<Session>, cdp: boolean) {
  describe(`opaque origins get nothing: ${name}`, () => {
    let session: Session;
    let site: Fixture;
    let ext: Page;
    let accountId: string;

    beforeAll(async () => {
      site = await startFixture();
      session = await launch();
      ext = await session.openExtensionPage('popup.html');
      await callFromPage(ext, { type: 'vault.create', password: MASTER });
      await callFromPage(ext, {
        type: 'settings.set',
        patch: { fillMode: { iamconnected: 'auto', generic: 'auto' } },
      });
      const added = await callFromPage(ext, {
        type: 'vault.add',
        account: { source: 'uri', uri: ACCOUNT_URI, meta: { origins: [site.origin] } },
      });
      accountId = added.id;
    }, 120_000);
    afterAll(async () => {
      await session?.close();
      await site?.close();
    });

    it('(a) a document served with CSP sandbox on the bound origin gets no code and no save offer', async () => {
      const verify = await session.browser.newPage();
      await verify.goto(`${site.origin}/verify-sandboxed`);
      const enrol = await session.browser.newPage();
      await enrol.goto(`${site.origin}/enrol-sandboxed`);
      expect(await verify.evaluate(() => self.origin)).toBe('null');
      // Controls, loaded after: the same markup with the real origin is filled and offered.
      const control = await session.browser.newPage();
      await control.goto(`${site.origin}/verify`);
      await control.waitForFunction(
        () =>
          /^\d{6}$/.test(
            (document.querySelector('input[autocomplete="one-time-code"]') as HTMLInputElement).value,
          ),
        { timeout: 20_000 },
      );
      const controlEnrol = await session.browser.newPage();
      await controlEnrol.goto(`${site.origin}/enrol`);
      await controlEnrol.waitForSelector('mfa-bridge-ui[data-mfa-bridge="save"]', { timeout: 20_000 });
      expect(await exposure(verify)).toEqual({ value: '', panel: null });
      expect(await exposure(enrol)).toEqual({ value: null, panel: null });
      for (const p of [verify, enrol, control, controlEnrol]) await p.close();
    }, 120_000);

    it('(b, c, d) sandboxed, data: and sandboxed srcdoc frames get no code', async () => {
      const page = await session.browser.newPage();
      await page.goto(`${site.origin}/frames-verify`);
      const control = frameBy(page, (u) => u.endsWith('?control'));
      await control.waitForFunction(
        () =>
          /^\d{6}$/.test(
            (document.querySelector('input[autocomplete="one-time-code"]') as HTMLInputElement).value,
          ),
        { timeout: 20_000 },
      );
      for (const test of [isSandboxed, isData, isSrcdoc]) {
        const frame = frameBy(page, test);
        expect(await frame.evaluate(() => self.origin), frame.url()).toBe('null');
        expect(await exposure(frame), frame.url()).toEqual({ value: '', panel: null });
      }
      await page.close();
    }, 120_000);

    it('(b, c, d) sandboxed, data: and sandboxed srcdoc frames get no save offer', async () => {
      const page = await session.browser.newPage();
      await page.goto(`${site.origin}/frames-enrol`);
      // The control frame is same-origin: the top document's content script offers to save it.
      await page.waitForSelector('mfa-bridge-ui[data-mfa-bridge="save"]', { timeout: 20_000 });
      for (const test of [isSandboxed, isData, isSrcdoc]) {
        const frame = frameBy(page, test);
        expect(await exposure(frame), frame.url()).toEqual({ value: null, panel: null });
      }
      await page.close();
      expect(await callFromPage(ext, { type: 'vault.list' })).toHaveLength(1);
    }, 120_000);

    if (cdp)
      it('a compromised renderer in an opaque document on the bound origin gets refusals to every request', async () => {
        const requests = [
          { type: 'fill.query' },
          { type: 'fill.code', accountId },
          { type: 'fill.choose', accountId },
          { type: 'fill.enrol', secret: FIXTURE_SECRETS.okta },
          { type: 'vault.status' },
          { type: 'vault.forOrigin' },
          { type: 'vault.codeForOrigin', id: accountId },
          { type: 'vault.list' },
          { type: 'vault.codes' },
        ];
        const top = await session.browser.newPage();
        await top.goto(`${site.origin}/verify-sandboxed`);
        const framed = await session.browser.newPage();
        await framed.goto(`${site.origin}/frames-verify`);
        for (const [page, matches] of [
          [top, (u: string) => u.endsWith('/verify-sandboxed')],
          [framed, isSandboxed],
        ] as const) {
          const world = await contentScriptWorld(page, session.extensionId, matches);
          try {
            for (const req of requests) {
              const answer = (await world.send(req)) as { ok: boolean; error?: { code: string } };
              expect(answer, req.type).toMatchObject({ ok: false, error: { code: 'forbidden' } });
            }
          } finally {
            await world.close();
          }
        }
        await top.close();
        await framed.close();
        const accounts = await callFromPage(ext, { type: 'vault.list' });
        expect(accounts.map((a) => a.id)).toEqual([accountId]);
      }, 120_000);
  });
}

suite('Chromium', () => launchChromium(), true);
suite('Firefox ESR', () => launchFirefox(), false);
