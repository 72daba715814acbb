import { EXCLUDED_WORDS, fold } from './text.js';
import type { DetectContext, SearchRoot } from './types.js';

const MAX_ROOTS = 200;
const MAX_DEPTH = 8;

/**
 * The document, every open shadow root and every same-origin iframe document below it, in tree order.
 * Cross-origin frames throw or return null on `contentDocument` and are skipped (the content script
 * runs in them on its own).
 */
export function collectRoots(doc: Document): SearchRoot[] {
  const roots: SearchRoot[] = [];
  const visit = (root: SearchRoot, depth: number): void => {
    if (roots.length >= MAX_ROOTS || depth > MAX_DEPTH) return;
    roots.push(root);
    // A static NodeList from the engine, then one property read per element: several times cheaper
    // than a TreeWalker on large pages.
    const all = root.querySelectorAll('*');
    for (let i = 0; i < all.length; i++) {
      const shadow = all[i]!.shadowRoot;
      if (shadow) visit(shadow, depth + 1);
    }
    for (const tag of ['iframe', 'frame']) {
      for (const el of Array.from(root.querySelectorAll(tag))) {
        let inner: Document | null = null;
        try {
          inner = (el as HTMLIFrameElement).contentDocument;
        } catch {
          inner = null;
        }
        if (inner?.documentElement) visit(inner, depth + 1);
      }
    }
  };
  visit(doc, 0);
  return roots;
}

export function makeContext(doc: Document): DetectContext {
  let href = '';
  try {
    href = doc.location?.href ?? '';
  } catch {
    href = '';
  }
  let layout: boolean | undefined;
  let inputs: HTMLInputElement[] | undefined;
  const roots = collectRoots(doc);
  return {
    doc,
    roots,
    href,
    get inputs(): HTMLInputElement[] {
      inputs ??= roots.flatMap((r) => Array.from(r.querySelectorAll<HTMLInputElement>('input')));
      return inputs;
    },
    // Lazy: reading a box forces layout, which pages without a candidate field never need to pay for.
    get hasLayout(): boolean {
      if (layout === undefined) {
        const html = doc.documentElement;
        layout = !!html && html.getBoundingClientRect().width > 0;
      }
      return layout;
    },
  };
}

/** The first element with one of these ids, in any root (id index: constant time). */
export function byIds(ctx: DetectContext, ids: readonly string[]): Element | null {
  for (const root of ctx.roots)
    for (const id of ids) {
      const el = root.getElementById(id);
      if (el) return el;
    }
  return null;
}

/** The first element with one of these classes, in any root (one simple selector each: fast path). */
export function byClasses(ctx: DetectContext, classes: readonly string[]): Element | null {
  for (const root of ctx.roots)
    for (const c of classes) {
      const el = root.querySelector(`.${c}`);
      if (el) return el;
    }
  return null;
}

export function queryAll<E extends Element = Element>(ctx: DetectContext, selector: string): E[] {
  const out: E[] = [];
  for (const root of ctx.roots) for (const el of root.querySelectorAll<E>(selector)) out.push(el);
  return out;
}

export function queryFirst<E extends Element = Element>(ctx: DetectContext, selector: string): E | null {
  for (const root of ctx.roots) {
    const el = root.querySelector<E>(selector);
    if (el) return el;
  }
  return null;
}

/** The parent element, stepping out of a shadow root to its host. */
export function parentOf(el: Element): Element | null {
  if (el.parentElement) return el.parentElement;
  const root = el.getRootNode();
  return root.nodeType === 11 && 'host' in root ? (root as ShadowRoot).host : null;
}

function styleOf(el: Element): CSSStyleDeclaration | null {
  const view = el.ownerDocument.defaultView;
  if (!view) return null;
  try {
    return view.getComputedStyle(el);
  } catch {
    return null;
  }
}

/** Rendered and not hidden: display, visibility, `hidden`, and (where there is layout) a non-zero box. */
export function isVisible(el: Element, ctx: DetectContext): boolean {
  const withCheck = el as Element & { checkVisibility?: (o?: object) => boolean };
  if (ctx.hasLayout) {
    if (
      typeof withCheck.checkVisibility === 'function' &&
      !withCheck.checkVisibility({ visibilityProperty: true })
    )
      return false;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    const s = styleOf(el);
    return s?.visibility !== 'hidden';
  }
  // No layout engine: walk up and look at `hidden`, inline and computed display/visibility.
  for (let cur: Element | null = el; cur; cur = parentOf(cur)) {
    if ((cur as HTMLElement).hidden) return false;
    const s = styleOf(cur);
    if (s && (s.display === 'none' || s.visibility === 'hidden')) return false;
  }
  return true;
}

const SKIP_TEXT = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'a',
  'button',
  'select',
  'option',
  'svg',
]);

/**
 * Visible wording inside `el`, without scripts and without links and buttons (so a "Send a code by
 * SMS instead" link does not turn an authenticator prompt into an SMS prompt). Capped at `max` chars.
 */
export function proseOf(el: Element, max = 4000): string {
  let out = '';
  const walk = (node: Node): void => {
    if (out.length >= max) return;
    for (let c = node.firstChild; c && out.length < max; c = c.nextSibling) {
      if (c.nodeType === 3) out += `${c.nodeValue ?? ''} `;
      else if (c.nodeType === 1) {
        const e = c as Element;
        if (SKIP_TEXT.has(e.localName)) continue;
        if (e.localName === 'input' && (e as HTMLInputElement).type === 'submit') continue;
        if ((e as HTMLElement).hidden) continue;
        walk(e);
        if (e.shadowRoot) walk(e.shadowRoot);
      }
    }
  };
  walk(el);
  return out.slice(0, max);
}

/** Text that names a field: labels, aria-label(ledby), placeholder, title. */
export function labelOf(input: HTMLInputElement): string {
  const parts: string[] = [];
  try {
    for (const l of Array.from(input.labels ?? [])) parts.push(l.textContent ?? '');
  } catch {
    /* labels unsupported */
  }
  const wrapping = input.closest('label');
  if (wrapping) parts.push(wrapping.textContent ?? '');
  const aria = input.getAttribute('aria-label');
  if (aria) parts.push(aria);
  const by = input.getAttribute('aria-labelledby');
  if (by) {
    const root = input.getRootNode() as Document | ShadowRoot;
    for (const id of by.split(/\s+/)) {
      const t = root.getElementById?.(id);
      if (t) parts.push(t.textContent ?? '');
    }
  }
  for (const a of ['placeholder', 'title']) {
    const v = input.getAttribute(a);
    if (v) parts.push(v);
  }
  return parts.join(' ');
}

/** The block that holds a field's prompt: its form, dialog or section, else a few ancestors up. */
export function containerOf(input: Element): Element {
  const c = input.closest('form, dialog, [role=dialog], [role=alertdialog], section, main, article');
  if (c) return c;
  let cur: Element = input;
  for (let i = 0; i < 4; i++) {
    const p = parentOf(cur);
    if (!p || p.localName === 'body') break;
    cur = p;
  }
  return cur;
}

const USERNAME_TOKENS = new Set([
  'username',
  'userid',
  'login',
  'loginid',
  'identifier',
  'email',
  'mail',
  'gebruikersnaam',
  'benutzername',
  'loginfmt',
]);

/** Lower-case autocomplete tokens of an input ("section-x username webauthn" → three tokens). */
function autocompleteTokens(input: HTMLInputElement): string[] {
  return (input.getAttribute('autocomplete') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * A field where a person types who they are (username, e-mail, identifier), by type, autocomplete or its
 * name/id words. Read-only fields (an address shown for reference) do not count.
 */
export function isUsernameField(input: HTMLInputElement): boolean {
  const type = (input.getAttribute('type') ?? 'text').toLowerCase();
  if (type !== 'text' && type !== 'email' && type !== '') return false;
  if (input.readOnly || input.disabled) return false;
  if (type === 'email') return true;
  const ac = autocompleteTokens(input);
  if (ac.includes('username') || ac.includes('email')) return true;
  const words = `${input.name} ${input.id}`
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((w) => USERNAME_TOKENS.has(w)) || words.join('') === 'user';
}

/**
 * A password field, which never receives a one-time code, whatever its name says (Okta's Identity
 * Engine names its password input `credentials.passcode`, like its code inputs): `type=password`,
 * autocomplete `current-password` / `new-password` (still there when a show-password toggle has made it
 * a text field), or a field in a form that also holds a username/e-mail field (a sign-in form).
 */
export function isPasswordField(input: HTMLInputElement): boolean {
  if (input.type === 'password' || (input.getAttribute('type') ?? '').toLowerCase() === 'password')
    return true;
  const ac = autocompleteTokens(input);
  if (ac.includes('current-password') || ac.includes('new-password')) return true;
  const form = input.form ?? input.closest('form');
  if (!form) return false;
  for (const other of Array.from(form.querySelectorAll('input'))) {
    if (other !== input && isUsernameField(other)) return true;
  }
  return false;
}

/** Inputs a person could type a code into. */
export function isTextLike(input: HTMLInputElement): boolean {
  const t = (input.getAttribute('type') ?? 'text').toLowerCase();
  return t === 'text' || t === 'tel' || t === 'number' || t === '';
}

export function isEditable(input: HTMLInputElement): boolean {
  return !input.disabled && !input.readOnly;
}

/** A postal code, coupon, IBAN… by its attributes or label. */
export function looksExcluded(input: HTMLInputElement): boolean {
  const attrs = [
    input.name,
    input.id,
    input.className,
    input.getAttribute('autocomplete') ?? '',
    input.getAttribute('placeholder') ?? '',
    input.getAttribute('aria-label') ?? '',
    labelOf(input),
  ].join(' ');
  const a = attrs.replace(/([a-z])([A-Z])/g, '$1 $2');
  return EXCLUDED_WORDS.test(fold(a)) || EXCLUDED_WORDS.test(fold(a.replace(/[_-]/g, ' ')));
}

/** Rendered (no layout engine: not hidden by `hidden` or display/visibility up the tree). */
export function looksShown(el: Element): boolean {
  const withCheck = el as Element & { checkVisibility?: (o?: object) => boolean };
  const view = el.ownerDocument.defaultView;
  const hasLayout = (el.ownerDocument.documentElement?.getBoundingClientRect().width ?? 0) > 0;
  if (hasLayout && typeof withCheck.checkVisibility === 'function')
    return withCheck.checkVisibility({ visibilityProperty: true });
  for (let cur: Element | null = el; cur; cur = parentOf(cur)) {
    if ((cur as HTMLElement).hidden) return false;
    const s = view?.getComputedStyle(cur);
    if (s && (s.display === 'none' || s.visibility === 'hidden')) return false;
  }
  return true;
}

const NEXT_TEXT = /^(?:next|volgende|weiter|continue|doorgaan)\b/;

const controlText = (b: HTMLElement): string =>
  fold(b.textContent || (b as HTMLInputElement).value || b.getAttribute('aria-label') || '');

/** A control that moves to the next step ("Next", "Volgende", "Weiter") rather than submitting a code. */
export function isNextControl(b: HTMLElement): boolean {
  return NEXT_TEXT.test(controlText(b));
}

/**
 * The submit control for a field, by structure and meaning rather than one class name, among the shown
 * controls of its form (else its container): a submit button; else the form's save action
 * (`data-type=save`); else a short button-like control whose label says Verify / Next / … (en, nl, de).
 */
export function submitFor(input: Element, words: RegExp): HTMLElement | undefined {
  const form = input.closest('form');
  const scope = form ?? containerOf(input);
  const shown = (sel: string): HTMLElement[] =>
    Array.from(scope.querySelectorAll<HTMLElement>(sel)).filter(
      (b) => !(b as HTMLButtonElement).disabled && looksShown(b),
    );
  const typed = shown('button[type=submit], input[type=submit], button:not([type])');
  if (typed[0]) return typed[0];
  const save = shown('[data-type=save]');
  if (save[0]) return save[0];
  // A short label ("Verify", "Verifiëren", "Weiter"), not a link such as "Verify with something else";
  // a label that submits (Verify) before one that moves on (Next), for steps that show both a moment.
  const labelled = shown('button, input[type=button], [role=button], a').filter((b) => {
    const t = controlText(b);
    return t.length <= 20 && t.split(' ').length <= 2 && words.test(t);
  });
  return labelled.find((b) => !NEXT_TEXT.test(controlText(b))) ?? labelled[0];
}
