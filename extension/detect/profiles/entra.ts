import { byIds, isVisible, queryAll, queryFirst } from '../dom.js';
import { candidates, containerOf, kindFor, prompt } from '../heuristics.js';
import type { DetectContext, MfaPrompt, Profile } from '../types.js';

/** The code field: name `otc`, or an id in the SAOTCC (one-time code) family. */
function isOtcField(i: HTMLInputElement): boolean {
  return i.name === 'otc' || /saotcc/i.test(i.id) || (/otc/i.test(i.id) && i.type === 'tel');
}

/**
 * Microsoft Entra (login.microsoftonline.com): the `otc` field serves the Authenticator app, SMS and
 * voice alike, so the kind comes from the description ("displayed in the … Authenticator app" vs
 * "We texted your phone").
 */
export const entra: Profile = {
  name: 'entra',
  detect(ctx: DetectContext): MfaPrompt | null {
    const field = ctx.inputs.find(isOtcField);
    if (!field) {
      // Security key sign-in page after "Sign in with a security key".
      const fido = byIds(ctx, ['idDiv_FidoLogin', 'fidoDialogTitle']);
      return fido && isVisible(fido, ctx) ? prompt('security-key', [], 'entra', 0.85) : null;
    }
    const inputs = candidates(ctx).filter(isOtcField);
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
