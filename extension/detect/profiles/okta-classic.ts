import { byClasses, byIds, isVisible, proseOf, queryAll } from '../dom.js';
import { candidates, kindFor, prompt, secretFrom } from '../heuristics.js';
import { channelOf, fold } from '../text.js';
import type { DetectContext, MfaPrompt, Profile } from '../types.js';

/** Signs of the Okta sign-in widget (any one is enough to look further; none is load-bearing alone). */
export const OKTA_WIDGET = '#okta-sign-in, .auth-container, .o-form, .okta-form-title, .o-form-button-bar';

const SECURITY_KEY =
  '.verify-webauthn, .enroll-webauthn, form.verify-webauthn-form, [data-se=webauthn-waiting], .webauthn-enroll-instructions, .mfa-webauthn-enroll';
const OTHER_FACTOR =
  '.mfa-verify-sms, .mfa-verify-call, .mfa-verify-email, [data-se=factor-sms], [data-se=factor-call], [data-se=factor-email], .enroll-sms, .enroll-call, .enroll-email';
const TOTP_VERIFY = '.mfa-verify-totp, [data-se=factor-totp], .mfa-verify .auth-passcode';
const ACTIVATE = '[data-se=step-sendcode], .enroll-activate-totp';
const SCAN = '[data-se=step-scan], .barcode-scan, img.qrcode-image, img[data-se=qrcode]';
const MANUAL = '[data-se=step-manual-setup], p.shared-key, .shared-key';

const SECURITY_KEY_TEXT =
  /security key or biometric|beveiligingssleutel of biometrische|sicherheitsschlussel oder biometrische/;
const TOTP_TEXT =
  /google authenticator|okta verify|authenticator (?:passcode|pascode)|-pascode|enter code displayed from the application|voer de code in die door de applicatie|code aus der anwendung/;
const ENTER_CODE_TEXT = /\benter code\b|code invoeren|code eingeben/;

function route(ctx: DetectContext): string {
  return ctx.href.toLowerCase();
}

function titleText(ctx: DetectContext): string {
  return queryAll(ctx, '.okta-form-title, .o-form-head, .okta-form-subtitle, .o-form-explain')
    .filter((e) => isVisible(e, ctx))
    .map((e) => e.textContent ?? '')
    .join(' ');
}

/** Okta Classic sign-in widget (IAMconnected): TOTP verify, enrolment QR/secret, activation, security key. */
export const oktaClassic: Profile = {
  name: 'okta-classic',
  detect(ctx: DetectContext): MfaPrompt | null {
    const widget =
      byIds(ctx, ['okta-sign-in']) ??
      byClasses(ctx, ['auth-container', 'o-form', 'okta-form-title', 'o-form-button-bar']);
    if (!widget) return null;
    if (byClasses(ctx, ['siw-main-view']) || ctx.inputs.some((i) => i.name === 'credentials.passcode'))
      return null; // Identity Engine
    const r = route(ctx);
    const titles = fold(titleText(ctx));
    const name = 'okta-classic';

    const visible = (sel: string): Element | null =>
      queryAll(ctx, sel).find((e) => isVisible(e, ctx)) ?? null;

    if (
      visible(SECURITY_KEY) ||
      /\/(?:verify|enroll)\/fido\/webauthn/.test(r) ||
      SECURITY_KEY_TEXT.test(titles)
    )
      return prompt('security-key', [], name, 0.95);

    const otherFactor = visible(OTHER_FACTOR);
    if (otherFactor || /\/verify\/okta\/(?:sms|call|email)|\/enroll\/okta\/(?:sms|call|email)/.test(r)) {
      const scope = otherFactor ?? widget;
      const inputs = candidates(ctx).filter((i) => scope.contains(i));
      return prompt('other-code', inputs.slice(0, 1), name, 0.95);
    }

    // Activation (first code after enrolment): passCode field.
    const activate = visible(ACTIVATE);
    if (activate || /enroll-activate\//.test(r)) {
      const scope = activate ?? widget;
      const inputs = candidates(ctx, 'input[name=passCode], input').filter((i) => scope.contains(i));
      if (inputs.length) {
        const secret = secretFrom(
          queryAll(ctx, MANUAL),
          queryAll(ctx, 'img.qrcode-image, img[data-se=qrcode]'),
        );
        return prompt('totp-enroll', inputs.slice(0, 1), name, 0.95, { secret });
      }
    }

    // QR or manual secret screen (no field yet).
    const scan = visible(SCAN);
    const manual = visible(MANUAL);
    if (scan || manual) {
      const qrs = queryAll(ctx, 'img.qrcode-image, img[data-se=qrcode], .qrcode-wrap img, .barcode-scan img');
      const secret = secretFrom(manual ? queryAll(ctx, MANUAL) : [], qrs);
      const next = queryAll<HTMLElement>(ctx, 'a.button-primary, .button-primary, [data-type=save], a.button')
        .filter((b) => isVisible(b, ctx))
        .find((b) =>
          /\b(next|volgende|weiter)\b/.test(fold(b.textContent || (b as HTMLInputElement).value || '')),
        );
      return prompt('totp-enroll', [], name, secret ? 0.95 : 0.7, { secret, submit: next });
    }

    // TOTP at sign-in: structure, or route, or the title inside the widget.
    const verify = visible(TOTP_VERIFY);
    if (verify || /\/verify\/(?:google|okta)\/token:software:totp/.test(r) || TOTP_TEXT.test(titles)) {
      const scope = verify?.closest('form') ?? verify ?? widget;
      const inputs = candidates(ctx, 'input[name=answer], input').filter((i) => scope.contains(i));
      if (inputs.length) {
        const kind = channelOf(proseOf(scope)) === 'other' ? 'other-code' : 'totp';
        return prompt(kind, inputs.slice(0, 1), name, verify ? 0.98 : 0.9);
      }
    }

    // Redesigned but still the widget: "Enter Code" and one field.
    if (ENTER_CODE_TEXT.test(titles)) {
      const inputs = candidates(ctx).filter((i) => widget.contains(i));
      if (inputs.length === 1) return prompt(kindFor(widget, inputs), inputs, name, 0.75);
    }
    return null;
  },
};
