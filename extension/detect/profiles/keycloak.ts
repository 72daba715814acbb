import { byClasses, byIds, isVisible, queryAll, queryFirst } from '../dom.js';
import { candidates, containerOf, kindFor, prompt, secretFrom } from '../heuristics.js';
import type { DetectContext, MfaPrompt, Profile } from '../types.js';

/** Keycloak login theme: login-otp.ftl, login-config-totp.ftl, WebAuthn authenticate/register. */
export const keycloak: Profile = {
  name: 'keycloak',
  detect(ctx: DetectContext): MfaPrompt | null {
    if (
      !byIds(ctx, [
        'kc-form',
        'kc-page-title',
        'kc-otp-login-form',
        'kc-totp-settings-form',
        'webauth',
        'kc-content',
      ]) &&
      !byClasses(ctx, ['login-pf-page'])
    )
      return null;
    const name = 'keycloak';
    if (
      queryAll(ctx, 'form#webauth, #authenticateWebAuthnButton, #registerWebAuthn').some((e) =>
        isVisible(e, ctx),
      )
    )
      return prompt('security-key', [], name, 0.95);
    const settings = queryFirst(ctx, '#kc-totp-settings-form');
    const hasSecret = queryFirst(ctx, '#kc-totp-secret-key, #kc-totp-secret-qr-code');
    if (settings || hasSecret) {
      const inputs = candidates(ctx, 'input#totp, input[name=totp]');
      const secret = secretFrom(
        queryAll(ctx, '#kc-totp-secret-key'),
        queryAll(ctx, '#kc-totp-secret-qr-code'),
      );
      return prompt('totp-enroll', inputs.slice(0, 1), name, 0.95, {
        secret,
        submit:
          queryFirst<HTMLElement>(ctx, '#saveTOTPBtn, #kc-totp-settings-form [type=submit]') ?? undefined,
      });
    }
    const inputs = candidates(ctx, 'input#otp, input[name=otp], #kc-otp-login-form input');
    if (!inputs.length) return null;
    const form = queryFirst(ctx, '#kc-otp-login-form');
    return prompt(
      form ? 'totp' : kindFor(containerOf(inputs[0]!), inputs),
      inputs.slice(0, 1),
      name,
      form ? 0.95 : 0.8,
      { submit: queryFirst<HTMLElement>(ctx, '#kc-login') ?? undefined },
    );
  },
};
