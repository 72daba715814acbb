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
const QR_WORDS = /qr|barcode|scan/i;

/** Images and canvases that say they are a QR code (alt, class, id, or their parent's class/id). */
function qrElements(ctx: DetectContext): Element[] {
  const out: Element[] = [];
  for (const root of ctx.roots) {
    for (const el of [
      ...Array.from(root.querySelectorAll('img')),
      ...Array.from(root.querySelectorAll('canvas')),
    ]) {
      const parent = el.parentElement;
      const text = `${el.getAttribute('alt') ?? ''} ${el.id} ${el.getAttribute('class') ?? ''} ${parent?.id ?? ''} ${parent?.getAttribute('class') ?? ''}`;
      if (QR_WORDS.test(text)) out.push(el);
    }
  }
  return out;
}
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
    const qr = qrElements(ctx);
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
