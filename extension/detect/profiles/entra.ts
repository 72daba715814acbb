import { isVisible, queryAll, queryFirst } from '../dom.js';
import { candidates, containerOf, kindFor, prompt } from '../heuristics.js';
import type { DetectContext, MfaPrompt, Profile } from '../types.js';

const FIELD = 'input[name=otc], input[id*="SAOTCC" i], input[id*="OTC" i][type=tel]';

/**
 * Microsoft Entra (login.microsoftonline.com): the `otc` field serves the Authenticator app, SMS and
 * voice alike, so the kind comes from the description ("displayed in the … Authenticator app" vs
 * "We texted your phone").
 */
export const entra: Profile = {
  name: 'entra',
  detect(ctx: DetectContext): MfaPrompt | null {
    const field = queryFirst<HTMLInputElement>(ctx, FIELD);
    if (!field) {
      // Security key sign-in page after "Sign in with a security key".
      const fido = queryAll(ctx, '#idDiv_FidoLogin, [data-bind*="fido" i], #fidoDialogTitle').find((e) =>
        isVisible(e, ctx),
      );
      return fido ? prompt('security-key', [], 'entra', 0.85) : null;
    }
    const inputs = candidates(ctx, FIELD);
    if (!inputs.length) return null;
    const desc = queryAll(ctx, '[id*="SAOTCC_Description" i], [id*="SAOTCC_Title" i], #idDiv_SAOTCC_Title')
      .map((e) => e.textContent ?? '')
      .join(' ');
    const submit =
      queryFirst<HTMLElement>(ctx, '#idSubmit_SAOTCC_Continue, input[type=submit][id*="SAOTCC" i]') ??
      undefined;
    return prompt(kindFor(containerOf(inputs[0]!), inputs, desc), inputs.slice(0, 1), 'entra', 0.95, {
      submit,
    });
  },
};
