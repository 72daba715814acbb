// @vitest-environment happy-dom
// No code in a password field, ever: the detector never offers one as a code field (and a page whose
// only field is one is no prompt), and the filler refuses to write into one even when handed it.
// The Okta pages are the real Sign-In Widget's rendered DOM (test/okta-org/snapshot.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPasswordField } from './dom.js';
import { detectMfaPrompt, fillCode, type MfaPrompt } from './index.js';

const WIDGET_FIXTURES = join(import.meta.dirname, '../../test/okta-org/fixtures');
const CODE = '123456';

function widgetPage(name: string, url = 'https://login.iamconnected.eu/signin'): void {
  (window as unknown as { happyDOM: { setURL(u: string): void } }).happyDOM.setURL(url);
  const parsed = new DOMParser().parseFromString(
    readFileSync(join(WIDGET_FIXTURES, `${name}.html`), 'utf8'),
    'text/html',
  );
  document.body.innerHTML = parsed.body.innerHTML;
}

function page(html: string): void {
  document.body.innerHTML = html;
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('the detector never takes a password field for a code field', () => {
  for (const lang of ['en', 'nl']) {
    it(`Identity Engine identify page (username + credentials.passcode password), ${lang}: no prompt`, () => {
      widgetPage(`idx-identify-${lang}`);
      const pw = document.querySelector<HTMLInputElement>('input[name="credentials.passcode"]')!;
      expect(pw.type).toBe('password');
      expect(detectMfaPrompt(document)).toBeNull();
      // The widget's show-password toggle makes it a text field: still a password field.
      pw.setAttribute('type', 'text');
      expect(detectMfaPrompt(document)).toBeNull();
      // Even without its autocomplete, the username field beside it makes it a sign-in form.
      pw.removeAttribute('autocomplete');
      expect(detectMfaPrompt(document)).toBeNull();
    });

    it(`Classic password page, ${lang}: no prompt`, () => {
      widgetPage(`classic-password-${lang}`);
      expect(document.querySelector('input[type=password]')).not.toBeNull();
      expect(detectMfaPrompt(document)).toBeNull();
    });

    it(`Identity Engine TOTP challenge (credentials.passcode, a text field), ${lang}: still a TOTP prompt`, () => {
      widgetPage(`idx-challenge-totp-${lang}`);
      const p = detectMfaPrompt(document);
      expect(p).toMatchObject({ kind: 'totp', profile: 'okta-idx' });
      expect(p!.inputs.map((i) => i.name)).toEqual(['credentials.passcode']);
      expect(p!.confidence).toBeGreaterThanOrEqual(0.95);
    });
  }

  const passwordForms: Array<[string, string]> = [
    [
      'credentials.passcode password beside an identifier',
      '<form><input name="identifier" autocomplete="username"><input type="password" name="credentials.passcode"><button>Sign in</button></form>',
    ],
    [
      'credentials.passcode as text beside an e-mail field',
      '<form><input type="email" name="email"><label>Passcode <input type="text" name="credentials.passcode" inputmode="numeric" maxlength="6"></label><button>Verify</button></form>',
    ],
    [
      'an "otp" field of type password, alone',
      '<form><h2>Enter your one-time code</h2><input type="password" name="otp" maxlength="6" autocomplete="one-time-code"><button>Verify</button></form>',
    ],
    [
      'a passcode field with autocomplete current-password',
      '<form><h2>Two-factor authentication</h2><input name="passcode" autocomplete="current-password" maxlength="8"><button>Verify</button></form>',
    ],
    [
      'a verification-code field with autocomplete new-password',
      '<form><h2>Verification code</h2><input name="verification_code" autocomplete="new-password"><button>OK</button></form>',
    ],
    [
      'a Dutch sign-in form whose password is named "pascode"',
      '<form><label>Gebruikersnaam <input name="gebruikersnaam"></label><label>Pascode <input name="pascode" inputmode="numeric"></label><button>Inloggen</button></form>',
    ],
    [
      'a German sign-in form with a PIN beside the Benutzername',
      '<form><input name="benutzername"><label>Einmalcode / PIN <input name="tan_pin" type="tel" maxlength="6"></label><button>Anmelden</button></form>',
    ],
  ];
  for (const [name, html] of passwordForms) {
    it(`generic: ${name} → no prompt`, () => {
      page(html);
      expect(detectMfaPrompt(document)).toBeNull();
    });
  }

  it('a code form that shows the address read-only is still a code prompt (not a sign-in form)', () => {
    page(
      '<form><h2>Two-factor authentication</h2><input type="email" name="email" value="a@example.com" readonly><label>Authentication code <input name="otp" inputmode="numeric" maxlength="6" autocomplete="one-time-code"></label><button type="submit">Verify</button></form>',
    );
    expect(detectMfaPrompt(document)).toMatchObject({ kind: 'totp' });
  });

  it('isPasswordField: type, autocomplete, username beside it; not a lone code field', () => {
    page(`
      <input id="a" type="password">
      <input id="b" autocomplete="section-x current-password">
      <form><input id="u" name="login"><input id="c" name="code"></form>
      <form><input id="d" name="code" autocomplete="one-time-code"><input type="hidden" name="username" value="x"></form>`);
    const byId = (id: string) => document.getElementById(id) as HTMLInputElement;
    expect(isPasswordField(byId('a'))).toBe(true);
    expect(isPasswordField(byId('b'))).toBe(true);
    expect(isPasswordField(byId('c'))).toBe(true);
    expect(isPasswordField(byId('u'))).toBe(false);
    expect(isPasswordField(byId('d'))).toBe(false);
  });
});

describe('the filler refuses a password field right before it writes', () => {
  const promptFor = (input: HTMLInputElement): MfaPrompt => ({
    kind: 'totp',
    inputs: [input],
    profile: 'okta-idx',
    confidence: 1,
  });

  it('refuses the Identity Engine password field handed to it as a TOTP prompt: password-field, value untouched', async () => {
    widgetPage('idx-identify-en');
    const pw = document.querySelector<HTMLInputElement>('input[name="credentials.passcode"]')!;
    const events: string[] = [];
    pw.addEventListener('input', () => events.push('input'));
    expect(await fillCode(promptFor(pw), CODE)).toEqual({ ok: false, reason: 'password-field' });
    expect(pw.value).toBe('');
    expect(events).toEqual([]);
  });

  it('refuses generic password fields (by type, autocomplete, or a username field beside it)', async () => {
    page(`
      <input id="a" type="password" name="otp">
      <input id="b" name="passcode" autocomplete="current-password">
      <form><input name="email" type="email"><input id="c" name="credentials.passcode"></form>`);
    for (const id of ['a', 'b', 'c']) {
      const el = document.getElementById(id) as HTMLInputElement;
      expect(await fillCode(promptFor(el), CODE), id).toEqual({ ok: false, reason: 'password-field' });
      expect(el.value, id).toBe('');
    }
  });

  it('refuses split boxes that turn out to be password boxes', async () => {
    page(`<div>${'<input type="password" maxlength="1">'.repeat(6)}</div>`);
    const boxes = Array.from(document.querySelectorAll('input'));
    expect(await fillCode({ ...promptFor(boxes[0]!), inputs: boxes }, CODE)).toEqual({
      ok: false,
      reason: 'password-field',
    });
    expect(boxes.map((b) => b.value).join('')).toBe('');
  });

  it('stops when the page turns the field into a password field before the keystroke fallback', async () => {
    page('<form><label>Code <input id="c" name="code" maxlength="6"></label></form>');
    const el = document.getElementById('c') as HTMLInputElement;
    // A page that rejects the whole-value write and re-renders the field as a password input.
    el.addEventListener('input', () => {
      if (el.value.length > 1) {
        el.value = '';
        el.type = 'password';
      }
    });
    expect(await fillCode(promptFor(el), CODE)).toEqual({ ok: false, reason: 'password-field' });
    expect(el.value).toBe('');
  });

  it('still fills the real Identity Engine TOTP field', async () => {
    widgetPage('idx-challenge-totp-en');
    const p = detectMfaPrompt(document)!;
    expect(await fillCode(p, CODE)).toEqual({ ok: true });
    expect(p.inputs[0]!.value).toBe(CODE);
  });
});
