import {
  containerOf,
  isEditable,
  isPasswordField,
  isTextLike,
  isVisible,
  labelOf,
  looksExcluded,
  parentOf,
  proseOf,
  submitFor,
} from './dom.js';
import { readQrFromElement } from './qr.js';
import { findOtpauthUri, secretFromElement } from './secret.js';
import {
  CODE_SUBSTRINGS,
  CODE_TOKENS,
  channelOf,
  EXCLUDED_FIELD_TOKENS,
  fold,
  MFA_CONTEXT_TEXT,
  RESEND_TEXT,
  SUBMIT_TEXT,
  tokens,
  WEAK_CODE_TOKENS,
} from './text.js';
import type { DetectContext, MfaKind, MfaPrompt } from './types.js';

/**
 * A visible, editable, text-like input that is not a postal code, coupon, e-mail or password field.
 * A password field (see `isPasswordField`) is never a candidate, so a page whose only field is one is not
 * a code prompt.
 */
export function isCodeCandidate(input: HTMLInputElement, ctx: DetectContext): boolean {
  if (!isTextLike(input) || !isEditable(input) || isPasswordField(input)) return false;
  const fieldWords = tokens(
    `${input.name} ${input.id} ${input.getAttribute('autocomplete') ?? ''} ${input.type}`,
  );
  const isCodeWord = (w: string): boolean => CODE_TOKENS.has(w) || WEAK_CODE_TOKENS.has(w);
  const codeWord = fieldWords.some(isCodeWord) || tokens(labelOf(input)).some(isCodeWord);
  if (fieldWords.some((w) => EXCLUDED_FIELD_TOKENS.has(w)) && !codeWord) return false;
  const max = input.maxLength;
  if (max > 0 && max !== 1 && (max < 4 || max > 12)) return false;
  if (looksExcluded(input)) return false;
  return isVisible(input, ctx);
}

export interface FieldScore {
  score: number;
  /** A sign that this is a code field at all (not just numeric). */
  codeSignal: boolean;
}

/** The generic heuristic's score for one field. */
export function scoreField(input: HTMLInputElement, context: string): FieldScore {
  let score = 0;
  let codeSignal = false;
  const ac = (input.getAttribute('autocomplete') ?? '').toLowerCase();
  if (ac.split(/\s+/).includes('one-time-code')) {
    score += 0.5;
    codeSignal = true;
  }
  const attrText = `${input.name} ${input.id} ${input.className} ${input.getAttribute('placeholder') ?? ''} ${
    input.getAttribute('aria-label') ?? ''
  } ${input.getAttribute('data-testid') ?? ''}`;
  const words = tokens(attrText);
  if (words.some((w) => CODE_TOKENS.has(w)) || CODE_SUBSTRINGS.test(attrText.toLowerCase())) {
    score += 0.4;
    codeSignal = true;
  } else if (words.some((w) => WEAK_CODE_TOKENS.has(w))) score += 0.15;
  const label = fold(labelOf(input));
  if (label && MFA_CONTEXT_TEXT.test(label)) {
    score += 0.3;
    codeSignal = true;
  } else if (/\bcode\b|\btoken\b/.test(label)) score += 0.15;
  const mode = (input.getAttribute('inputmode') ?? '').toLowerCase();
  const pattern = input.getAttribute('pattern') ?? '';
  if (mode === 'numeric' || input.type === 'tel' || input.type === 'number' || /\\d|\[0-9\]/.test(pattern))
    score += 0.1;
  if (input.maxLength >= 6 && input.maxLength <= 10) score += 0.1;
  if (MFA_CONTEXT_TEXT.test(context)) {
    score += 0.2;
    if (score >= 0.3) codeSignal = true;
  }
  return { score: Math.min(score, 1), codeSignal };
}

/**
 * Split code fields: runs of adjacent single-character inputs (4 to 8) under a common ancestor a few
 * levels up, in document order.
 */
export function splitGroups(inputs: HTMLInputElement[]): HTMLInputElement[][] {
  const groups: HTMLInputElement[][] = [];
  let cur: HTMLInputElement[] = [];
  const near = (a: Element, b: Element): boolean => {
    const up: Element[] = [];
    for (let x: Element | null = a, i = 0; x && i < 4; x = parentOf(x), i++) up.push(x);
    for (let y: Element | null = b, i = 0; y && i < 4; y = parentOf(y), i++) if (up.includes(y)) return true;
    return false;
  };
  for (const input of inputs) {
    if (input.maxLength !== 1) {
      if (cur.length) groups.push(cur);
      cur = [];
      continue;
    }
    const last = cur.at(-1);
    if (last && !near(last, input)) {
      groups.push(cur);
      cur = [];
    }
    cur.push(input);
  }
  if (cur.length) groups.push(cur);
  return groups.filter((g) => g.length >= 4 && g.length <= 8);
}

/**
 * The block a prompt's wording lives in: the field's container, widened a few levels (never to the body)
 * until it holds a heading, so a title above the form ("We sent you a text message") is read too.
 */
export function promptBlock(container: Element): Element {
  let block = container;
  for (let i = 0; i < 3; i++) {
    if (block.querySelector('h1, h2, h3, [role=heading], legend')) break;
    const up = parentOf(block);
    if (!up || up.localName === 'body' || up.localName === 'html') break;
    block = up;
  }
  return block;
}

/** Texts of the buttons and links in a block (what proseOf leaves out). */
function controlsText(block: Element): string {
  return Array.from(block.querySelectorAll<HTMLElement>('a, button, [role=button], input[type=submit]'))
    .slice(0, 40)
    .map((b) => b.textContent || (b as HTMLInputElement).value || '')
    .join(' | ');
}

/**
 * Kind for a code field from its prompt's wording (and length: TOTP codes have 6 to 8 digits): a code
 * the page says it sent (SMS, e-mail, call, "resend") is `other-code`.
 */
export function kindFor(container: Element, inputs: HTMLInputElement[], extra = ''): MfaKind {
  const block = promptBlock(container);
  const text = `${extra} ${proseOf(block)} ${inputs.map(labelOf).join(' ')}`;
  const channel = channelOf(text);
  if (channel === 'other') return 'other-code';
  if (channel !== 'app' && RESEND_TEXT.test(fold(controlsText(block)))) return 'other-code';
  const len = inputs.length > 1 ? inputs.length : inputs[0]?.maxLength;
  if (len !== undefined && len > 0 && len < 6) return 'other-code';
  return 'totp';
}

/** An otpauth URI or base32 secret from the given elements; then from QR images among them. */
export function secretFrom(textEls: Element[], qrEls: Element[]): string | undefined {
  for (const el of textEls) {
    const s = secretFromElement(el);
    if (s) return s;
  }
  for (const el of qrEls) {
    const data = readQrFromElement(el);
    if (data) {
      const uri = findOtpauthUri(data);
      if (uri) return uri;
    }
  }
  return undefined;
}

export function prompt(
  kind: MfaKind,
  inputs: HTMLInputElement[],
  profile: string,
  confidence: number,
  extra: { submit?: HTMLElement | undefined; secret?: string | undefined } = {},
): MfaPrompt {
  const p: MfaPrompt = { kind, inputs, profile, confidence };
  const submit = extra.submit ?? (inputs[0] ? submitFor(inputs[0], SUBMIT_TEXT) : undefined);
  if (submit) p.submit = submit;
  if (extra.secret) p.secret = extra.secret;
  return p;
}

/** Visible code candidates in tree order, across every root. */
export function candidates(ctx: DetectContext, selector?: string): HTMLInputElement[] {
  const pool = selector ? ctx.inputs.filter((i) => i.matches(selector)) : ctx.inputs;
  return pool.filter((i) => isCodeCandidate(i, ctx));
}

export { containerOf };
