// @vitest-environment happy-dom
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureApps } from '../../test/fixtures/apps/entry.js';
import { fixtureAppsBundle } from '../../test/fixtures/build.js';
import { FIXTURES, type Fixture } from '../../test/fixtures/catalog.js';
import { fixtureHtml } from '../../test/fixtures/load.js';
import { detectMfaPrompt, fillCode, type MfaPrompt } from './index.js';

const CODE = '123456';

interface HappyWindow {
  happyDOM: { setURL(url: string): void };
}

let apps: FixtureApps;
beforeAll(async () => {
  // Real React, Vue and input-otp, bundled by esbuild and run in this window (as a page would).
  new Function(await fixtureAppsBundle())();
  apps = (globalThis as unknown as { mfaFixtures: FixtureApps }).mfaFixtures;
}, 60_000);

async function load(f: Fixture): Promise<Promise<void> | undefined> {
  (window as unknown as HappyWindow).happyDOM.setURL(f.url);
  document.head.innerHTML = '';
  document.body.innerHTML = '';
  if (f.file) {
    const parsed = new DOMParser().parseFromString(await fixtureHtml(f.file), 'text/html');
    document.head.innerHTML = parsed.head.innerHTML;
    document.body.innerHTML = parsed.body.innerHTML;
  }
  if (f.mount) {
    const done = f.mount(document, apps);
    if (f.late) return done instanceof Promise ? done : undefined;
    await done;
  }
  return undefined;
}

afterEach(() => {
  document.body.innerHTML = '';
});

/** What the page's own state says after a fill: the framework fixtures render it into an <output>. */
function pageState(): string | null {
  return document.querySelector('output')?.textContent ?? null;
}

describe('detectMfaPrompt over every fixture', () => {
  it('has fixtures for every profile, screen and negative', () => {
    const profiles = new Set(FIXTURES.map((f) => f.expect.profile).filter(Boolean));
    expect([...profiles].sort()).toEqual([
      'azure-b2c',
      'entra',
      'generic',
      'keycloak',
      'okta-classic',
      'okta-idx',
    ]);
    expect(FIXTURES.filter((f) => f.expect.kind === null).length).toBeGreaterThanOrEqual(6);
    expect(new Set(FIXTURES.map((f) => f.name)).size).toBe(FIXTURES.length);
  });

  for (const f of FIXTURES) {
    it(`${f.name} → ${f.expect.kind ?? 'nothing'}${f.expect.profile ? ` (${f.expect.profile})` : ''}`, async () => {
      const late = await load(f);
      if (late) {
        expect(detectMfaPrompt(document)).toBeNull();
        await late;
      }
      const p = detectMfaPrompt(document);
      if (f.expect.kind === null) {
        expect(p).toBeNull();
        return;
      }
      expect(p).not.toBeNull();
      const prompt = p as MfaPrompt;
      expect(prompt.kind).toBe(f.expect.kind);
      if (f.expect.profile) expect(prompt.profile).toBe(f.expect.profile);
      if (f.expect.inputs !== undefined) expect(prompt.inputs.length).toBe(f.expect.inputs);
      if (f.expect.secret) expect(prompt.secret).toBe(f.expect.secret);
      expect(prompt.confidence).toBeGreaterThan(0.4);
      expect(prompt.confidence).toBeLessThanOrEqual(1);
      for (const input of prompt.inputs) expect(input.localName).toBe('input');
      if (prompt.inputs.length > 1) {
        // Split boxes in visual order: each box precedes the next in the document.
        for (let i = 1; i < prompt.inputs.length; i++)
          expect(prompt.inputs[i - 1]!.compareDocumentPosition(prompt.inputs[i]!) & 4).toBe(4);
      }
    });
  }
});

describe('fillCode', () => {
  for (const f of FIXTURES.filter((x) => x.expect.fillable)) {
    it(`fills ${f.name} and the page keeps the code`, async () => {
      const late = await load(f);
      if (late) await late;
      const prompt = detectMfaPrompt(document)!;
      const before = pageState();
      const r = await fillCode(prompt, CODE);
      expect(r).toEqual({ ok: true });
      expect(prompt.inputs.map((i) => i.value).join('')).toBe(CODE);
      // Framework fixtures: their own state moved too (not just the DOM value).
      if (f.name === 'react-controlled') expect(pageState()).toBe('6:');
      if (f.name === 'react-split-boxes') expect(pageState()).toBe(CODE);
      if (f.name === 'vue-controlled') expect(pageState()).toBe('6');
      if (f.name === 'input-otp') expect(pageState()).toBe(CODE);
      if (before !== null) expect(pageState()).not.toBe(before);
    });
  }

  it('never fills an SMS or e-mail prompt', async () => {
    for (const name of [
      'negative-sms-code',
      'negative-email-code',
      'entra-otc-sms',
      'okta-classic-verify-sms-en',
    ]) {
      await load(FIXTURES.find((f) => f.name === name)!);
      const prompt = detectMfaPrompt(document)!;
      expect(prompt.kind).toBe('other-code');
      expect(await fillCode(prompt, CODE)).toEqual({ ok: false, reason: 'other-code' });
      expect(prompt.inputs[0]!.value).toBe('');
    }
  });

  it('refuses malformed codes, wrong box counts and security-key prompts', async () => {
    await load(FIXTURES.find((f) => f.name === 'generic-split-boxes')!);
    const split = detectMfaPrompt(document)!;
    expect(await fillCode(split, '12345678')).toEqual({ ok: false, reason: 'length-mismatch' });
    expect(await fillCode(split, '12a456')).toEqual({ ok: false, reason: 'bad-code' });
    expect(split.inputs.every((i) => i.value === '')).toBe(true);
    await load(FIXTURES.find((f) => f.name === 'okta-classic-verify-webauthn-en')!);
    expect(await fillCode(detectMfaPrompt(document)!, CODE)).toEqual({ ok: false, reason: 'no-code-field' });
  });

  it('reports a field that was removed before the fill', async () => {
    await load(FIXTURES.find((f) => f.name === 'keycloak-otp')!);
    const prompt = detectMfaPrompt(document)!;
    prompt.inputs[0]!.remove();
    expect(await fillCode(prompt, CODE)).toEqual({ ok: false, reason: 'detached' });
  });

  it('reports a page that throws the value away', async () => {
    await load(FIXTURES.find((f) => f.name === 'keycloak-otp')!);
    const prompt = detectMfaPrompt(document)!;
    const input = prompt.inputs[0]!;
    input.addEventListener('input', () => {
      input.value = '';
    });
    expect(await fillCode(prompt, CODE)).toEqual({ ok: false, reason: 'not-kept' });
  });
});
