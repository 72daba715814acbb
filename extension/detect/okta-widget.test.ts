// @vitest-environment happy-dom
// The real Okta Sign-In Widget's screens (rendered DOM saved by test/okta-org/snapshot.ts), both
// engines, en and nl: what the detector makes of each, how sure it is, and which control submits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectMfaPrompt, fillCode } from './index.js';

const DIR = join(import.meta.dirname, '../../test/okta-org/fixtures');

function load(name: string): void {
  (window as unknown as { happyDOM: { setURL(u: string): void } }).happyDOM.setURL(
    'https://login.iamconnected.eu/signin',
  );
  const parsed = new DOMParser().parseFromString(
    readFileSync(join(DIR, `${name}.html`), 'utf8'),
    'text/html',
  );
  document.body.innerHTML = parsed.body.innerHTML;
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('the real Okta Sign-In Widget', () => {
  for (const lang of ['en', 'nl']) {
    it(`Identity Engine TOTP challenge (${lang}): totp, as sure as Classic, the form's submit button`, () => {
      load(`idx-challenge-totp-${lang}`);
      const p = detectMfaPrompt(document)!;
      load(`classic-verify-totp-${lang}`);
      const classic = detectMfaPrompt(document)!;
      expect(classic).toMatchObject({ kind: 'totp', profile: 'okta-classic' });
      load(`idx-challenge-totp-${lang}`);
      const again = detectMfaPrompt(document)!;
      expect(again).toMatchObject({ kind: 'totp', profile: 'okta-idx' });
      expect(p.confidence).toBeGreaterThanOrEqual(classic.confidence);
      expect(again.inputs.map((i) => i.name)).toEqual(['credentials.passcode']);
      expect(again.submit?.matches('input[type=submit][data-type=save]')).toBe(true);
    });

    it(`Identity Engine TOTP challenge with the view and form classes renamed (${lang}): still totp`, () => {
      load(`idx-challenge-totp-${lang}`);
      for (const el of Array.from(
        document.querySelectorAll('[class*="google"], [class*="challenge-authenticator"]'),
      ))
        el.className = 'view-x';
      const p = detectMfaPrompt(document);
      expect(p?.kind).toBe('totp');
      expect(p?.inputs.map((i) => i.name)).toEqual(['credentials.passcode']);
    });

    it(`Identity Engine enrolment, QR step (${lang}): totp-enroll with the secret, no field yet`, () => {
      load(`idx-enroll-totp-${lang}`);
      const p = detectMfaPrompt(document)!;
      expect(p).toMatchObject({ kind: 'totp-enroll', profile: 'okta-idx', inputs: [] });
      expect(p.secret).toMatch(/^[A-Z2-7]{16,}$/);
      expect(p.confidence).toBeGreaterThanOrEqual(0.95);
    });

    it(`Identity Engine enrolment, code step (${lang}): the field and the shown Verify link`, () => {
      load(`idx-enroll-totp-code-${lang}`);
      const p = detectMfaPrompt(document)!;
      expect(p).toMatchObject({ kind: 'totp-enroll', profile: 'okta-idx' });
      expect(p.inputs.map((i) => i.name)).toEqual(['credentials.passcode']);
      // Not the hidden "Next" link, not "Return to authenticator list": the shown Verify control.
      expect(p.submit?.getAttribute('style') ?? '').not.toMatch(/display:\s*none/);
      expect(p.submit?.textContent).toMatch(/^(Verify|Verifiëren)$/);
    });

    it(`Identity Engine authenticator choosers (${lang}): no prompt`, () => {
      load(`idx-choose-${lang}`);
      expect(detectMfaPrompt(document)).toBeNull();
      load(`idx-choose-enroll-${lang}`);
      expect(detectMfaPrompt(document)).toBeNull();
    });

    it(`Classic TOTP verify (${lang}): totp with the Verify submit`, () => {
      load(`classic-verify-totp-${lang}`);
      const p = detectMfaPrompt(document)!;
      expect(p).toMatchObject({ kind: 'totp', profile: 'okta-classic' });
      expect(p.confidence).toBeGreaterThanOrEqual(0.95);
      expect(p.submit?.matches('input[type=submit]')).toBe(true);
    });
  }
});

describe('the submit control after a fill', () => {
  it('is looked up again when the one found at detection has been hidden (enrolment: Next → Verify)', async () => {
    load('idx-enroll-totp-code-en');
    const next = document.querySelector<HTMLElement>('.google-authenticator-next')!;
    const verify = document.querySelector<HTMLElement>('.google-authenticator-verify')!;
    // Detected mid-render: Next still shown, Verify not yet.
    next.style.display = '';
    verify.style.display = 'none';
    const p = detectMfaPrompt(document)!;
    expect(p.submit).toBe(next);
    next.style.display = 'none';
    verify.style.display = '';
    expect(await fillCode(p, '123456')).toEqual({ ok: true });
    expect(p.submit).toBe(verify);
  });
});

describe('the submit control while a step shows both Next and Verify', () => {
  it('is the control that submits, not the one that moves on', async () => {
    load('idx-enroll-totp-code-en');
    const next = document.querySelector<HTMLElement>('.google-authenticator-next')!;
    const verify = document.querySelector<HTMLElement>('.google-authenticator-verify')!;
    next.style.display = '';
    verify.style.display = '';
    const p = detectMfaPrompt(document)!;
    expect(p.submit).toBe(verify);
    expect(await fillCode(p, '123456')).toEqual({ ok: true });
    expect(p.submit).toBe(verify);
  });
});
