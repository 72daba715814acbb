import { byClasses, isVisible, queryAll, queryFirst } from '../dom.js';
import { candidates, kindFor, prompt, secretFrom } from '../heuristics.js';
import { fold } from '../text.js';
import type { DetectContext, MfaPrompt, Profile } from '../types.js';

const IDX_SIGNS =
  '.siw-main-view, [name="credentials.passcode"], [data-se="o-form-input-credentials.passcode"], [class*="challenge-authenticator--"], [class*="enroll-authenticator--"]';
const OTHER = /--(?:okta_email|phone_number|email|sms|voice|okta_sms)/;
const TOTP = /--(?:google_otp|okta_verify|custom_otp|onprem_mfa|rsa_token|symantec_vip|yubikey_token)/;
const SECURITY_KEY = /--webauthn/;
const SECRET_SELECTOR = '.shared-key, .shared-secret, [data-se=shared-secret], [class*="shared-secret"]';
/** Authenticator-app views by structure other than the view class: form class, the factor's beacon. */
const TOTP_STRUCTURE =
  'form.google-authenticator-challenge, form.oie-enroll-google-authenticator, form[class*="google-authenticator"], .auth-beacon-factor.mfa-google-auth, [data-se=factor-beacon].mfa-google-auth';

const TITLE_TOTP =
  /verify with google authenticator|set up google authenticator|verifie(?:er|ren) met google authenticator|mit google authenticator (?:verifizieren|bestatigen)|google authenticator (?:instellen|einrichten)|temporary code generated in your google authenticator|tijdelijke code .{0,40}google authenticator|code .{0,40}google authenticator-app/;
const TITLE_ENROLL = /\bset up\b|instellen|einrichten/;

/** Okta Identity Engine widget (Gen2/Gen3): `credentials.passcode`, `challenge-authenticator--<key>` views. */
export const oktaIdx: Profile = {
  name: 'okta-idx',
  detect(ctx: DetectContext): MfaPrompt | null {
    // Cheap gate first (class index, input names); attribute-substring selectors only past it.
    if (!byClasses(ctx, ['siw-main-view']) && !ctx.inputs.some((i) => i.name === 'credentials.passcode'))
      return null;
    if (!queryFirst(ctx, IDX_SIGNS)) return null;
    const name = 'okta-idx';
    const view =
      queryAll(ctx, '[class*="challenge-authenticator--"], [class*="enroll-authenticator--"]').find((e) =>
        isVisible(e, ctx),
      ) ?? null;
    const cls = view?.className ?? '';
    const scope = view ?? queryFirst(ctx, '.siw-main-view, #okta-sign-in, form') ?? ctx.doc.body;
    const title = fold(
      queryAll(
        ctx,
        '.okta-form-title, .okta-form-subtitle, h2, [data-se=o-form-head], [data-se=o-form-explain]',
      )
        .filter((e) => isVisible(e, ctx))
        .map((e) => e.textContent ?? '')
        .join(' '),
    );
    if (SECURITY_KEY.test(cls)) return prompt('security-key', [], name, 0.95);
    const inputs = candidates(ctx, 'input[name="credentials.passcode"], input').filter((i) =>
      scope.contains(i),
    );
    const enrolling = /enroll-authenticator--/.test(cls) || TITLE_ENROLL.test(title);
    if (OTHER.test(cls)) return prompt('other-code', inputs.slice(0, 1), name, 0.95);
    const structure = queryAll(ctx, TOTP_STRUCTURE).some((e) => scope.contains(e) || e.contains(scope));
    if (TOTP.test(cls) || structure || TITLE_TOTP.test(title)) {
      // Two signs (view class and form/beacon structure, or either with the title): as sure as Classic.
      const signs = [TOTP.test(cls), structure, TITLE_TOTP.test(title)].filter(Boolean).length;
      const confidence = signs >= 2 ? 0.98 : 0.9;
      if (enrolling) {
        const secret = secretFrom(
          queryAll(ctx, SECRET_SELECTOR),
          queryAll(ctx, 'img.qrcode, img[class*="qr" i]'),
        );
        return prompt('totp-enroll', inputs.slice(0, 1), name, confidence, { secret });
      }
      if (inputs.length) return prompt('totp', inputs.slice(0, 1), name, confidence);
      return null;
    }
    if (inputs.length === 1) return prompt(kindFor(scope, inputs, title), inputs, name, 0.8);
    return null;
  },
};
