// @vitest-environment happy-dom
// Codes sent by text message, e-mail or a call are `other-code` on generic sites (never filled with a
// TOTP), in English, Dutch and German, wherever the page says so: heading above the form, text in it,
// the "resend" control, the masked phone number. Authenticator-app prompts stay `totp`.
import { afterEach, describe, expect, it } from 'vitest';
import { detectMfaPrompt, fillCode } from './index.js';

afterEach(() => {
  document.body.innerHTML = '';
});

/** A code field as generic sites write it: the wording goes around it in one of several places. */
const FIELD =
  '<label for="c">{label}</label><input id="c" name="code" inputmode="numeric" maxlength="6" autocomplete="one-time-code">';

type Layout = (say: string, label: string, resend: string) => string;
const LAYOUTS: Record<string, Layout> = {
  'heading above the form': (say, label, resend) =>
    `<main><div class="card"><h1>${say}</h1><div><form>${FIELD.replace('{label}', label)}<button type="submit">OK</button></form><a href="#">${resend}</a></div></div></main>`,
  'text inside the form': (say, label, resend) =>
    `<form><p>${say}</p>${FIELD.replace('{label}', label)}<button type="submit">OK</button><button type="button">${resend}</button></form>`,
  'no form, a dialog': (say, label, resend) =>
    `<div role="dialog"><h2>${say}</h2>${FIELD.replace('{label}', label)}<button>${resend}</button><button>OK</button></div>`,
};

const OTHER: Array<[lang: string, say: string, label: string, resend: string]> = [
  ['en', 'We sent a text message with a 6-digit code to your phone.', 'Enter code', 'Resend SMS'],
  ['en', 'We sent you an SMS. Enter the verification code.', 'Verification code', 'Resend code'],
  ['en', 'Enter the code we sent to your phone number ending in 42', 'Code', 'Send again'],
  ['en', 'We texted a code to (•••) •••-••17', 'Security code', 'Didn’t get it?'],
  ['en', 'Check your email: we emailed you a one-time code.', 'One-time code', 'Resend email'],
  ['en', 'A verification code has been sent to j•••@example.com', 'Code', 'Resend'],
  ['en', 'We are calling you now. Enter the code you hear.', 'Code', 'Call me again'],
  ['en', 'Two-step verification', 'Enter the 6-digit code', 'Resend code'],
  ['nl', 'We hebben een code gestuurd naar je telefoon.', 'Verificatiecode', 'Opnieuw verzenden'],
  ['nl', 'We hebben je een sms gestuurd met een code.', 'Code invoeren', 'Sms opnieuw versturen'],
  [
    'nl',
    'Voer de code in die we per sms hebben verstuurd naar het nummer eindigend op 42',
    'Code',
    'Stuur opnieuw',
  ],
  [
    'nl',
    'Er is een e-mail met een code verzonden naar j•••@voorbeeld.nl',
    'Beveiligingscode',
    'Code niet ontvangen?',
  ],
  ['nl', 'Je wordt nu gebeld. Voer de code in die je hoort.', 'Code', 'Opnieuw bellen'],
  ['nl', 'Verificatie in twee stappen', 'Voer de 6-cijferige code in', 'Opnieuw verzenden'],
  ['de', 'Wir haben Ihnen eine SMS mit einem Code gesendet.', 'Bestätigungscode', 'Erneut senden'],
  [
    'de',
    'Wir haben einen Code an Ihre Telefonnummer mit der Endung 42 geschickt.',
    'Code',
    'Code erneut senden',
  ],
  [
    'de',
    'Wir haben Ihnen eine E-Mail mit einem Sicherheitscode gesendet.',
    'Sicherheitscode',
    'E-Mail erneut senden',
  ],
  ['de', 'Sie erhalten einen Anruf. Geben Sie den Code ein, den Sie hören.', 'Code', 'Erneut anrufen'],
  ['de', 'Bestätigung in zwei Schritten', 'Code eingeben', 'Keinen Code erhalten?'],
];

const APP: Array<[lang: string, say: string, label: string, other: string]> = [
  ['en', 'Enter the code from your authenticator app.', 'Authentication code', 'Use a security key instead'],
  [
    'en',
    'Two-factor authentication: open your authenticator app',
    'Enter code',
    'Send a code by SMS instead',
  ],
  ['nl', 'Voer de code uit je authenticator-app in.', 'Verificatiecode', 'Andere methode gebruiken'],
  ['de', 'Geben Sie den Code aus Ihrer Authenticator-App ein.', 'Bestätigungscode', 'Andere Methode wählen'],
];

describe('codes sent by SMS, e-mail or a call are other-code on generic sites', () => {
  for (const [layout, render] of Object.entries(LAYOUTS)) {
    for (const [lang, say, label, resend] of OTHER) {
      it(`${lang}, ${layout}: "${say}" / "${resend}" → other-code, never filled`, async () => {
        document.body.innerHTML = render(say, label, resend);
        const p = detectMfaPrompt(document);
        expect(p?.kind).toBe('other-code');
        expect(await fillCode(p!, '123456')).toEqual({ ok: false, reason: 'other-code' });
        expect(document.querySelector<HTMLInputElement>('#c')!.value).toBe('');
      });
    }
    for (const [lang, say, label, other] of APP) {
      it(`${lang}, ${layout}: "${say}" → totp (a switch-method control does not change it)`, () => {
        document.body.innerHTML = render(say, label, other);
        expect(detectMfaPrompt(document)?.kind).toBe('totp');
      });
    }
  }
});
