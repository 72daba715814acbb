import { proseOf, queryAll } from '../dom.js';
import {
  candidates,
  containerOf,
  kindFor,
  prompt,
  scoreField,
  secretFrom,
  splitGroups,
} from '../heuristics.js';
import { fold, MFA_CONTEXT_TEXT } from '../text.js';
import type { DetectContext, MfaPrompt, Profile } from '../types.js';

const THRESHOLD = 0.5;
const QR_SELECTOR =
  'img[alt*="qr" i], img[class*="qr" i], img[id*="qr" i], img[src^="data:image"][alt*="scan" i], canvas[class*="qr" i], canvas[id*="qr" i], [class*="qr" i] > img, [id*="qr" i] > img, [class*="qr" i] > canvas';
const SECRET_SELECTOR =
  'input[type=hidden][value^="otpauth:" i], [class*="secret" i], [id*="secret" i], [data-secret], code, kbd';

/**
 * Any site: autocomplete=one-time-code, code words in attributes and labels (en/nl/de), MFA wording
 * around the field, numeric hints and length; split boxes; postal/coupon/e-mail/password exclusions.
 */
export const generic: Profile = {
  name: 'generic',
  detect(ctx: DetectContext): MfaPrompt | null {
    const inputs = candidates(ctx);
    let best: { inputs: HTMLInputElement[]; score: number } | null = null;
    const contextCache = new Map<Element, string>();
    const contextText = (el: Element): string => {
      const c = containerOf(el);
      let t = contextCache.get(c);
      if (t === undefined) {
        t = fold(proseOf(c, 2000));
        contextCache.set(c, t);
      }
      return t;
    };
    for (const group of splitGroups(inputs)) {
      const first = group[0]!;
      const ctxText = contextText(first);
      const s = scoreField(first, ctxText);
      // Boxes carry few attributes: the run itself is evidence; wording around it must say "code".
      const score = 0.35 + s.score;
      const signal = s.codeSignal || MFA_CONTEXT_TEXT.test(ctxText);
      if (signal && score >= THRESHOLD && (!best || score > best.score)) best = { inputs: group, score };
    }
    for (const input of inputs) {
      if (input.maxLength === 1) continue;
      const s = scoreField(input, contextText(input));
      if (s.codeSignal && s.score >= THRESHOLD && (!best || s.score > best.score))
        best = { inputs: [input], score: s.score };
    }
    const qr = queryAll(ctx, QR_SELECTOR);
    if (!best) {
      if (qr.length === 0) return null;
      const secret = secretFrom(queryAll(ctx, SECRET_SELECTOR), qr);
      return secret ? prompt('totp-enroll', [], 'generic', 0.6, { secret }) : null;
    }
    const container = containerOf(best.inputs[0]!);
    const kind = kindFor(container, best.inputs);
    const confidence = Math.min(0.9, best.score);
    if (kind === 'totp' && qr.length > 0) {
      const secret = secretFrom(queryAll(ctx, SECRET_SELECTOR), qr);
      if (secret) return prompt('totp-enroll', best.inputs, 'generic', confidence, { secret });
    }
    return prompt(kind, best.inputs, 'generic', confidence);
  },
};
