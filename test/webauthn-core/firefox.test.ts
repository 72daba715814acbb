import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FirefoxSession, launchFirefox } from '../support/firefox';
import {
  buildCoreBundle,
  L3_VECTORS,
  runL3VectorsInPage,
  runSmallChecksInPage,
  SMALL_CHECKS_EXPECTED,
  serveCore,
} from './support/page-core';

/** The core bundled for the browser, run inside a Firefox ESR page (the second engine it must work in). */

let session: FirefoxSession;
let served: { origin: string; close(): Promise<void> };
let page: Page;

beforeAll(async () => {
  served = await serveCore(await buildCoreBundle());
  session = await launchFirefox({ extension: false, nativeHost: false });
  page = await session.browser.newPage();
  await page.goto(`${served.origin}/`);
  await page.waitForFunction(() => 'mfaCore' in globalThis, { timeout: 20_000 });
});

afterAll(async () => {
  await session?.close();
  await served?.close();
});

describe('the core inside Firefox ESR', () => {
  it('verifies the WebAuthn L3 vectors in the page (Ed448 only if Firefox Web Crypto has it)', async () => {
    const results = await runL3VectorsInPage(page);
    const ed448 = results['sctn-test-vectors-packed-ed448'];
    expect(['ok', 'ALGORITHM_UNSUPPORTED']).toContain(ed448);
    console.log(`Firefox: Ed448 vector -> ${ed448}`);
    const expected = Object.fromEntries(
      L3_VECTORS.vectors.map((v) => [v.anchor, v.anchor.endsWith('ed448') ? ed448 : 'ok']),
    );
    expect(results).toEqual(expected);
  });

  it('CBOR, client data and RP ID rules behave the same in the page', async () => {
    expect(await runSmallChecksInPage(page)).toEqual(SMALL_CHECKS_EXPECTED);
  });
});
