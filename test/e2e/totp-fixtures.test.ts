/**
 * Every fixture page classified and filled in real Chromium and Firefox ESR (layout, visibility, canvas
 * QR decoding, real React/Vue/input-otp builds): extension/detect bundled by esbuild into the page.
 */
import type { Browser, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Expectation, FIXTURES } from '../fixtures/catalog.js';
import { type FixtureServer, startFixtureServer } from '../fixtures/server.js';
import { launchChromium } from '../support/chromium';
import { launchFirefox } from '../support/firefox';

interface Seen {
  kind: string | null;
  profile?: string;
  inputs?: number;
  secret?: string;
  fill?: { ok: boolean; reason?: string };
  values?: string;
}

/** Runs in the page: mounts the fixture, waits for images, detects, and (optionally) fills. */
async function detectIn(
  page: Page,
  name: string,
  fill: boolean,
  late: boolean,
): Promise<Seen & { before?: string | null }> {
  return page.evaluate(
    async (n: string, doFill: boolean, isLate: boolean) => {
      type P = { kind: string; profile: string; inputs: HTMLInputElement[]; secret?: string };
      const g = globalThis as unknown as {
        mountFixture(n: string): Promise<void>;
        mfaDetect: {
          detectMfaPrompt(d: Document): P | null;
          fillCode(p: P, c: string): Promise<{ ok: boolean; reason?: string }>;
        };
      };
      const mounting = g.mountFixture(n);
      let before: string | null | undefined;
      if (isLate) before = g.mfaDetect.detectMfaPrompt(document)?.kind ?? null;
      await mounting;
      await Promise.all(
        Array.from(document.images).map((img) =>
          img.complete
            ? Promise.resolve()
            : new Promise((r) => img.addEventListener('load', r, { once: true })),
        ),
      );
      const p = g.mfaDetect.detectMfaPrompt(document);
      if (!p) return { kind: null, before };
      const out: Record<string, unknown> = {
        kind: p.kind,
        profile: p.profile,
        inputs: p.inputs.length,
        before,
      };
      if (p.secret) out.secret = p.secret;
      if (doFill) {
        out.fill = await g.mfaDetect.fillCode(p, '123456');
        out.values = p.inputs.map((i) => i.value).join('');
      }
      return out;
    },
    name,
    fill,
    late,
  ) as unknown as Promise<Seen & { before?: string | null }>;
}

function check(seen: Seen, e: Expectation): void {
  expect(seen.kind).toBe(e.kind);
  if (e.kind === null) return;
  if (e.profile) expect(seen.profile).toBe(e.profile);
  if (e.inputs !== undefined) expect(seen.inputs).toBe(e.inputs);
  if (e.secret) expect(seen.secret).toBe(e.secret);
  // A real canvas reads the QR image: the otpauth URI comes out of the picture.
  if (e.qrSecret) expect(seen.secret).toBe(e.qrSecret);
  if (e.fillable) {
    expect(seen.fill).toEqual({ ok: true });
    expect(seen.values).toBe('123456');
  }
}

function suite(name: string, launch: () => Promise<{ browser: Browser; close(): Promise<void> }>) {
  describe(`fixtures in ${name}`, () => {
    let server: FixtureServer;
    let session: { browser: Browser; close(): Promise<void> };
    let page: Page;
    beforeAll(async () => {
      server = await startFixtureServer();
      session = await launch();
      page = await session.browser.newPage();
    }, 120_000);
    afterAll(async () => {
      await session?.close();
      await server?.close();
    });

    it(`classifies and fills all ${FIXTURES.length} fixtures`, async () => {
      const failures: string[] = [];
      for (const f of FIXTURES) {
        await page.goto(server.url(`/f/${f.name}`));
        const seen = await detectIn(page, f.name, !!f.expect.fillable, !!f.late);
        try {
          if (f.late) expect(seen.before).toBeNull();
          check(seen, f.expect);
        } catch (e) {
          failures.push(`${f.name}: ${(e as Error).message.split('\n')[0]} (saw ${JSON.stringify(seen)})`);
        }
      }
      expect(failures).toEqual([]);
    }, 180_000);

    it('keeps framework state in step with the filled value', async () => {
      const state = async (fixture: string, selector: string): Promise<string> => {
        await page.goto(server.url(`/f/${fixture}`));
        await detectIn(page, fixture, true, false);
        await new Promise((r) => setTimeout(r, 50));
        return page.$eval(selector, (e) => e.textContent ?? '');
      };
      expect(await state('react-controlled', '#react-state')).toBe('6:');
      expect(await state('react-split-boxes', '#react-split-state')).toBe('123456');
      expect(await state('vue-controlled', '#vue-state')).toBe('6');
      expect(await state('input-otp', '#otp-state')).toBe('123456');
      // The React form's Verify button was disabled until six digits were in its state.
      await page.goto(server.url('/f/react-controlled'));
      await detectIn(page, 'react-controlled', true, false);
      expect(await page.$eval('#react-submit', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    }, 120_000);
  });
}

suite('Chromium', () => launchChromium({ extension: false, nativeHost: false }));
suite('Firefox ESR', () => launchFirefox({ extension: false, nativeHost: false }));
