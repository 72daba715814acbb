/**
 * The page cannot click for the user: a hostile page on an allowed site restyles (opacity 0, a
 * transform that blows the Save button up under a decoy, a clip-path that hides the question),
 * overlays (a top-layer decoy with `pointer-events: none`, a modal dialog) or removes and re-inserts
 * the extension's panel as the pointer arrives, then the user's real (trusted, puppeteer mouse) click lands where the button
 * is. Nothing is saved and nothing is filled; the panel says it refused. A click on an untouched panel
 * after the arming delay still saves, and still fills in `click` mode. Chromium and Firefox ESR.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Frame, Page } from 'puppeteer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixtureHtml } from '../fixtures/load.js';
import { launchChromium } from '../support/chromium';
import { launchFirefox } from '../support/firefox';
import { callFromPage, serveHtml } from '../support/vault-pages';

const MASTER = 'Correct-Horse-Battery-42';
const PANEL = 'mfa-bridge-ui';

interface Session {
  browser: Browser;
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

/** The hostile site: the set-up page shows a secret (save offer), the verify page a code field. */
async function startHostileSite(): Promise<{ url(path: string): string; close(): Promise<void> }> {
  const pages: Record<string, string> = {
    '/enrol': await fixtureHtml('okta-classic-enroll-manual-en.html'),
    '/verify': await fixtureHtml('okta-classic-verify-totp-en.html'),
  };
  const server: Server = createServer((req, res) => {
    const body = pages[new URL(req.url ?? '/', 'http://x').pathname];
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://localhost:${port}${path}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

async function until<T>(what: string, f: () => T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Where the panel's first (primary) button is, in page coordinates. */
async function buttonPoint(page: Page | Frame, state: string): Promise<{ x: number; y: number }> {
  const host = await page.waitForSelector(`${PANEL}[data-mfa-bridge="${state}"]`, { timeout: 20_000 });
  const box = await host!.boundingBox();
  if (!box) throw new Error('panel has no box');
  return { x: box.x + box.width * 0.25, y: box.y + box.height - 26 };
}

/** Waits for the panel to be armed (visible, unchanged and uncovered for the arming delay). */
async function armed(page: Page, state: string): Promise<void> {
  await page.waitForSelector(`${PANEL}[data-mfa-bridge="${state}"][data-mfa-bridge-armed="true"]`, {
    timeout: 20_000,
  });
}

/** The page records where trusted clicks land (a click on the panel is seen as its host element). */
async function recordClicks(page: Page | Frame): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { clicks: string[] };
    w.clicks = [];
    addEventListener('click', (e) => w.clicks.push((e.target as Element).localName), { capture: true });
  });
}

/**
 * After the attack click: the click reached the panel and the panel refused it (returns why), or it
 * never reached the panel (an inert page under a modal dialog: returns where it went).
 */
async function outcome(page: Page | Frame): Promise<string> {
  const h = await page.waitForFunction(
    () => {
      const clicks = (window as unknown as { clicks: string[] }).clicks;
      if (!clicks.length) return false;
      if (clicks.at(-1) !== 'mfa-bridge-ui') return `missed:${clicks.at(-1)}`;
      const host = document.querySelector('mfa-bridge-ui');
      const state = host?.getAttribute('data-mfa-bridge');
      if (state === 'saved' || state === 'filled') return state; // the page clicked for the user
      return host?.getAttribute('data-mfa-bridge-refused') ?? false;
    },
    { timeout: 10_000 },
  );
  return (await h.jsonValue()) as string;
}

/** Attacks, run in the hostile page's own main world at the click point `p`. */
type Attack = (p: { x: number; y: number }) => void;

const ATTACKS: Array<[string, Attack]> = [
  [
    'opacity 0 over a decoy button',
    (p) => {
      const h = document.querySelector('mfa-bridge-ui') as HTMLElement;
      const d = document.createElement('button');
      d.textContent = 'Play video';
      d.style.cssText = `position:fixed;left:${p.x - 60}px;top:${p.y - 15}px;width:120px;height:30px`;
      document.body.append(d);
      h.setAttribute('style', `${h.getAttribute('style')} opacity: 0 !important;`);
    },
  ],
  [
    'a transform that blows the button up over the whole page',
    (p) => {
      const h = document.querySelector('mfa-bridge-ui') as HTMLElement;
      const r = h.getBoundingClientRect();
      h.setAttribute(
        'style',
        `${h.getAttribute('style')} transform: scale(30) !important; transform-origin: ${p.x - r.left}px ${p.y - r.top}px !important;`,
      );
    },
  ],
  [
    'a clip-path that hides the question and leaves the button',
    (p) => {
      const h = document.querySelector('mfa-bridge-ui') as HTMLElement;
      const r = h.getBoundingClientRect();
      h.setAttribute(
        'style',
        `${h.getAttribute('style')} clip-path: inset(${p.y - r.top - 12}px 0 0 0) !important;`,
      );
    },
  ],
  [
    'a decoy in the top layer over the panel, pointer-events none',
    () => {
      const d = document.createElement('div');
      d.setAttribute('popover', 'manual');
      d.textContent = 'Click anywhere to claim your prize';
      d.style.cssText =
        'position:fixed;inset:0;width:100vw;height:100vh;margin:0;border:0;background:#fff;pointer-events:none';
      document.body.append(d);
      d.showPopover();
    },
  ],
  [
    'a modal dialog over the panel, pointer-events none',
    () => {
      const d = document.createElement('dialog');
      d.textContent = 'Loading…';
      d.style.cssText =
        'position:fixed;inset:0;width:100vw;height:100vh;max-width:none;max-height:none;margin:0;border:0;background:#fff;pointer-events:none';
      document.body.append(d);
      d.showModal();
    },
  ],
  [
    'removes and re-inserts the panel as the pointer reaches it',
    () => {
      addEventListener(
        'pointermove',
        () => {
          const h = document.querySelector('mfa-bridge-ui') as HTMLElement;
          h.remove();
          document.body.append(h);
          (h as HTMLElement & { showPopover?: () => void }).showPopover?.();
        },
        { capture: true, once: true },
      );
    },
  ],
];

function suite(name: string, launch: () => Promise<Session>) {
  describe(`in-page panel against a hostile page: ${name}`, () => {
    let session: Session;
    let site: Awaited<ReturnType<typeof startHostileSite>>;
    let ext: Page;

    beforeAll(async () => {
      site = await startHostileSite();
      session = await launch();
      ext = await session.openExtensionPage('popup.html');
      await callFromPage(ext, { type: 'vault.create', password: MASTER });
      await callFromPage(ext, {
        type: 'settings.set',
        patch: {
          siteProfiles: [{ match: 'localhost', profile: 'iamconnected' }],
          fillMode: { iamconnected: 'click', generic: 'click' },
        },
      });
    }, 120_000);
    /** Each attack starts from an empty vault, also when an earlier one got through. */
    const emptyVault = async (): Promise<void> => {
      for (const a of await callFromPage(ext, { type: 'vault.list' }))
        await callFromPage(ext, { type: 'vault.delete', id: a.id });
    };
    afterAll(async () => {
      await session?.close();
      await site?.close();
    });

    describe('save offer under attack', () => {
      afterEach(async () => {
        if (ext) await emptyVault();
      });
      for (const [what, attack] of ATTACKS) {
        it(`save offer, ${what}: the trusted click saves nothing`, async () => {
          const page = await session.browser.newPage();
          await page.goto(site.url('/enrol'));
          const p = await buttonPoint(page, 'save');
          await armed(page, 'save');
          await recordClicks(page);
          await page.evaluate(attack, p);
          await page.mouse.click(p.x, p.y);
          expect(await outcome(page)).toMatch(/^(void|covered|occluded|not-armed|missed:.+)$/);
          expect(await callFromPage(ext, { type: 'vault.list' })).toEqual([]);
          await page.close();
        }, 60_000);
      }
    });

    it('save offer, untouched: a click after the arming delay saves the secret, bound to the site', async () => {
      const page = await session.browser.newPage();
      await page.goto(site.url('/enrol'));
      const p = await buttonPoint(page, 'save');
      await armed(page, 'save');
      await page.mouse.click(p.x, p.y);
      await page.waitForSelector(`${PANEL}[data-mfa-bridge="saved"]`, { timeout: 20_000 });
      const accounts = await callFromPage(ext, { type: 'vault.list' });
      expect(accounts).toHaveLength(1);
      expect(accounts[0]!.origins).toEqual([new URL(site.url('/')).origin]);
      await page.close();
    }, 60_000);

    it('fill offer (click mode), opacity 0 over a decoy: the trusted click fills nothing', async () => {
      const page = await session.browser.newPage();
      await page.goto(site.url('/verify'));
      const p = await buttonPoint(page, 'fill');
      await armed(page, 'fill');
      await recordClicks(page);
      await page.evaluate(ATTACKS[0]![1], p);
      await page.mouse.click(p.x, p.y);
      expect(await outcome(page)).toBe('void');
      expect(await page.$eval('input[name="answer"]', (e) => (e as HTMLInputElement).value)).toBe('');
      await page.close();
    }, 60_000);

    it('fill offer (click mode), untouched: a click after the arming delay fills the code', async () => {
      const page = await session.browser.newPage();
      await page.goto(site.url('/verify'));
      const p = await buttonPoint(page, 'fill');
      await armed(page, 'fill');
      await page.mouse.click(p.x, p.y);
      await page.waitForSelector(`${PANEL}[data-mfa-bridge="filled"]`, { timeout: 20_000 });
      expect(await page.$eval('input[name="answer"]', (e) => (e as HTMLInputElement).value)).toMatch(
        /^[0-9]{6}$/,
      );
      await page.close();
    }, 60_000);

    it('a page that frames the site and makes the frame transparent over a decoy: the click saves nothing', async () => {
      const framer = await serveHtml(
        `<!doctype html><title>Win</title><button style="position:absolute;left:0;top:0;width:780px;height:580px">Claim your prize</button><iframe src="${site.url('/enrol')}" width="780" height="580" style="position:absolute;left:0;top:0;border:0;opacity:0"></iframe>`,
      );
      try {
        await emptyVault();
        const page = await session.browser.newPage();
        // Another origin than the allowed site: only the framed site gets the panel.
        await page.goto(framer.url.replace('localhost', '127.0.0.1'));
        const frame = await until('the framed site', () =>
          page.frames().find((f) => f.url().includes('/enrol')),
        );
        const p = await buttonPoint(frame, 'save');
        await recordClicks(frame);
        await page.mouse.click(p.x, p.y);
        // Chromium: IntersectionObserver v2 sees the frame is transparent. Firefox has no way to tell,
        // so a panel in a frame never arms there.
        expect(await outcome(frame)).toMatch(/^(occluded|unverifiable)$/);
        expect(await callFromPage(ext, { type: 'vault.list' })).toEqual([]);
        await page.close();
      } finally {
        await framer.close();
      }
    }, 60_000);

    it('a look-alike warning the page removes or hides is put back', async () => {
      const page = await session.browser.newPage();
      const url = new URL(site.url('/verify'));
      url.hostname = 'iamconnected-login.localhost';
      await page.goto(url.toString());
      await page.waitForSelector(`${PANEL}[data-mfa-bridge="lookalike"]`, { timeout: 20_000 });
      await page.evaluate(() => {
        const h = document.querySelector('mfa-bridge-ui') as HTMLElement;
        h.setAttribute('style', 'display:none !important');
      });
      await page.waitForFunction(
        () => {
          const h = document.querySelector('mfa-bridge-ui');
          return h && getComputedStyle(h).display === 'block' && getComputedStyle(h).opacity === '1';
        },
        { timeout: 10_000 },
      );
      await page.evaluate(() => document.querySelector('mfa-bridge-ui')!.remove());
      await page.waitForFunction(
        () => document.querySelector('mfa-bridge-ui[data-mfa-bridge="lookalike"]')?.isConnected,
        { timeout: 10_000 },
      );
      await page.close();
    }, 60_000);
  });
}

suite('Chromium', launchChromium);
suite('Firefox ESR', launchFirefox);
