import { byIds, queryAll, queryFirst } from '../dom.js';
import { candidates, containerOf, kindFor, prompt, secretFrom } from '../heuristics.js';
import type { DetectContext, MfaPrompt, Profile } from '../types.js';

/** Azure AD B2C TOTP custom policy: QR + otpauth text on set-up, `otpCode` claim on verify. */
export const azureB2c: Profile = {
  name: 'azure-b2c',
  detect(ctx: DetectContext): MfaPrompt | null {
    if (!byIds(ctx, ['attributeVerification', 'attributeList', 'totpQrCodeControl'])) return null;
    const name = 'azure-b2c';
    const submit = queryFirst<HTMLElement>(ctx, 'button#continue, #continue') ?? undefined;
    const inputs = candidates(ctx, '#attributeList input, form#attributeVerification input, input');
    const code = inputs.filter((i) => /otp|code|verif|ver_input/i.test(`${i.id} ${i.name} ${i.className}`));
    const qr = queryFirst(ctx, '#totpQrCodeControl, img[id*="QrCode" i]');
    if (qr) {
      const secret = secretFrom(
        queryAll(
          ctx,
          '#totpQrCodeControl-text, [id*="QrCodeControl-text" i], #authenticatorInfoControl-secret',
        ),
        queryAll(ctx, '#totpQrCodeControl-img, #totpQrCodeControl img'),
      );
      return prompt('totp-enroll', code.slice(0, 1), name, 0.95, { secret, submit });
    }
    if (!code.length) return null;
    return prompt(kindFor(containerOf(code[0]!), code), code.slice(0, 1), name, 0.9, { submit });
  },
};
