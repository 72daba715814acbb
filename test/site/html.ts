/**
 * A tiny escaping HTML builder for the demo site's server-rendered pages.
 *
 * Hand-written (about 30 lines) because no template library is installed and the site needs only
 * two things: interpolated values are escaped unless marked trusted, and fragments nest.
 */

const TRUSTED: unique symbol = Symbol('trusted-html');

/** A piece of markup that is already safe to emit as-is. */
export type SafeHtml = { readonly [TRUSTED]: true; readonly value: string };

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

export function raw(value: string): SafeHtml {
  return { [TRUSTED]: true, value };
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function isSafe(value: HtmlValue): value is SafeHtml {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && TRUSTED in value;
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (isSafe(value)) return value.value;
  return escapeHtml(String(value));
}

/** Tagged template: `html\`<p>${userText}</p>\`` escapes `userText`; nested `html` results pass through. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    out += render(values[i]) + (strings[i + 1] ?? '');
  }
  return raw(out);
}
