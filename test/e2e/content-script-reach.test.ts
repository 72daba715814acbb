/**
 * A content script can ask only for what the in-page UI needs (Chromium). The extension's own
 * content-script world in a page is driven over CDP, as a compromised renderer would, and sends every
 * request it can name. On an origin outside `allowedSites`, and on an allowed, bound origin with fill
 * mode `off`, nothing carrying a code or account is returned and nothing is planted in the vault
 * (checked from the extension's own page afterwards). The control: the same world on the allowed,
 * bound origin with filling on does get a code, so the refusals are the checks at work.
 */
import { createServer, type Server } from 'node:http';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_SECRETS } from '../fixtures/catalog';
import { fixtureHtml } from '../fixtures/load';
import { type ChromiumSession, launchChromium } from '../support/chromium';
import { contentScriptWorld } from '../support/content-world';
import { callFromPage } from '../support/vault-pages';

const MASTER = 'Correct-Horse-Battery-42';
const ACCOUNT_URI = 'otpauth://totp/Example:jan%40example.nl?secret=GEZDGNBVGY3TQOJQ&issuer=Example';
const PLANTED_URI = `otpauth://totp/Evil:me?secret=${FIXTURE_SECRETS.kc}&issuer=Evil`;

type Answer = { ok: true; value: unknown } | { ok: false; error: { code: string } };

describe('content-script reach: Chromium, driven over CDP', () => {
  let session: ChromiumSession;
  let server: Server;
  let port = 0;
  let ext: Page;
  let accountId: string;
  const good = () => `http://localhost:${port}`;
  const evil = () => `http://evil.localhost:${port}`;

  /** Every request a compromised content script could send (fill.* and the vault's). */
  const attacks = () => [
    { type: 'fill.code', accountId },
    { type: 'fill.choose', accountId },
    { type: 'fill.enrol', secret: PLANTED_URI },
    { type: 'fill.enrol', secret: FIXTURE_SECRETS.kc, label: 'planted' },
    { type: 'fill.openUnlock' },
    { type: 'vault.status' },
    { type: 'vault.forOrigin' },
    { type: 'vault.forOrigin', origin: good() },
    { type: 'vault.codeForOrigin', id: accountId },
    { type: 'vault.codeForOrigin', id: accountId, origin: good() },
    { type: 'vault.code', id: accountId },
    { type: 'vault.codes' },
    { type: 'vault.list' },
    { type: 'vault.add', account: { source: 'uri', uri: PLANTED_URI, meta: { origins: [evil()] } } },
    { type: 'vault.import', format: 'otpauth', data: PLANTED_URI, origins: [evil()] },
    { type: 'vault.update', id: accountId, patch: { origins: [evil()] } },
    { type: 'settings.get' },
    { type: 'settings.set', patch: { allowedSites: [] } },
  ];

  /** Sends every attack from the content-script world of a page on `origin`; returns the answers. */
  async function attackFrom(origin: string): Promise<Array<[string, Answer]>> {
    const page = await session.browser.newPage();
    await page.goto(`${origin}/verify`);
    const world = await contentScriptWorld(page, session.extensionId, (u) => u.startsWith(origin));
    try {
      const query = (await world.send({ type: 'fill.query' })) as Answer;
      const out: Array<[string, Answer]> = [['fill.query', query]];
      for (const req of attacks()) out.push([req.type, (await world.send(req)) as Answer]);
      return out;
    } finally {
      await world.close();
      await page.close();
    }
  }

  /** Nothing carried a code, an account or a setting, and the vault holds exactly the one account, as bound. */
  async function expectNothingGiven(answers: Array<[string, Answer]>): Promise<void> {
    const [, query] = answers[0]!;
    // Soft: a failing run lists every request that got through, not only the first.
    expect(query.ok).toBe(true);
    if (query.ok) {
      expect.soft(query.value, 'fill.query').toMatchObject({ accounts: [] });
      expect.soft(query.value, 'fill.query').not.toHaveProperty('chosen');
      expect.soft(query.value, 'fill.query').not.toHaveProperty('clock');
    }
    for (const [type, answer] of answers.slice(1)) {
      expect.soft(answer.ok, `${type} answered ${JSON.stringify(answer)}`).toBe(false);
    }
    const accounts = await callFromPage(ext, { type: 'vault.list' });
    expect(accounts.map((a) => [a.id, a.origins])).toEqual([[accountId, [good()]]]);
    const settings = await callFromPage(ext, { type: 'settings.get' });
    expect(settings.values.allowedSites).toEqual(['localhost']);
  }

  beforeAll(async () => {
    const verify = await fixtureHtml('generic-autocomplete-otc-en.html');
    server = createServer((req, res) => {
      res.writeHead(req.url?.startsWith('/verify') ? 200 : 404, {
        'content-type': 'text/html; charset=utf-8',
      });
      res.end(req.url?.startsWith('/verify') ? verify : '');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    port = typeof addr === 'object' && addr ? addr.port : 0;
    session = await launchChromium();
    ext = await session.openExtensionPage('popup.html');
    await callFromPage(ext, { type: 'vault.create', password: MASTER });
    await callFromPage(ext, {
      type: 'settings.set',
      patch: { allowedSites: ['localhost'], fillMode: { iamconnected: 'click', generic: 'click' } },
    });
    const added = await callFromPage(ext, {
      type: 'vault.add',
      account: { source: 'uri', uri: ACCOUNT_URI, meta: { origins: [good()] } },
    });
    accountId = added.id;
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    await new Promise<void>((r) => {
      if (!server) return r();
      server.close(() => r());
      server.closeAllConnections();
    });
  });

  it('control: on the allowed, bound origin with filling on, the same world gets a code for its account', async () => {
    const page = await session.browser.newPage();
    await page.goto(`${good()}/verify`);
    const world = await contentScriptWorld(page, session.extensionId, (u) => u.startsWith(good()));
    try {
      const query = (await world.send({ type: 'fill.query' })) as Answer;
      expect(query).toMatchObject({ ok: true, value: { accounts: [{ id: accountId }] } });
      const code = (await world.send({ type: 'fill.code', accountId })) as Answer;
      expect(code).toMatchObject({ ok: true, value: { code: expect.stringMatching(/^\d{6}$/) } });
    } finally {
      await world.close();
      await page.close();
    }
  }, 120_000);

  it('on an origin outside allowedSites: nothing returned, nothing planted', async () => {
    await expectNothingGiven(await attackFrom(evil()));
  }, 120_000);

  it('on the allowed, bound origin with fill mode off: nothing returned, nothing planted', async () => {
    await callFromPage(ext, {
      type: 'settings.set',
      patch: { fillMode: { iamconnected: 'off', generic: 'off' } },
    });
    try {
      await expectNothingGiven(await attackFrom(good()));
    } finally {
      await callFromPage(ext, {
        type: 'settings.set',
        patch: { fillMode: { iamconnected: 'click', generic: 'click' } },
      });
    }
  }, 120_000);
});
