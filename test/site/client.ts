/**
 * A small HTTP client for driving the demo site without a browser in tests: a cookie jar, redirects
 * followed like a browser does after a form post (303 → GET), and pages parsed with happy-dom.
 */
import { type Document as HappyDocument, type Element as HappyElement, Window } from 'happy-dom';
import type { DemoSite } from './server.js';

export type SitePage = {
  status: number;
  /** Final URL after redirects. */
  url: string;
  /** Path of the final URL (pathname only). */
  path: string;
  html: string;
  document: HappyDocument;
  /** The widget as the page's script renders it (from `#widget-template`), or null on plain pages. */
  widget: HappyElement | null;
  /** The form CSRF token of the page (meta tag). */
  csrf: string;
  /** Query in the widget if there is one, else in the document. */
  $(selector: string): HappyElement | null;
  $$(selector: string): HappyElement[];
  /** Trimmed text of the first match, or undefined. */
  text(selector: string): string | undefined;
};

export type JsonResponse = { status: number; body: unknown };

export class SiteClient {
  private readonly cookies = new Map<string, string>();
  private readonly window = new Window();

  constructor(
    private readonly site: DemoSite,
    private readonly headers: Record<string, string> = {},
  ) {}

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private requestHeaders(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return { ...this.headers, ...(cookie ? { cookie } : {}), ...extra };
  }

  private async fetchFollowing(url: string, init: RequestInit): Promise<Response> {
    let target = url;
    let request = init;
    for (let hop = 0; hop < 10; hop++) {
      const response = await fetch(target, { ...request, redirect: 'manual' });
      this.store(response);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        Object.defineProperty(response, 'finalUrl', { value: target });
        return response;
      }
      await response.arrayBuffer();
      target = new URL(location, target).toString();
      request = { method: 'GET', headers: this.requestHeaders() };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  private async toPage(response: Response): Promise<SitePage> {
    const url = (response as Response & { finalUrl: string }).finalUrl;
    const html = await response.text();
    const document = new this.window.DOMParser().parseFromString(html, 'text/html');
    const template = document.querySelector('#widget-template');
    const widget =
      template && 'content' in template
        ? (template.content as HappyElement).querySelector('#okta-sign-in')
        : null;
    const scope = (): HappyDocument | HappyElement => widget ?? document;
    return {
      status: response.status,
      url,
      path: new URL(url).pathname,
      html,
      document,
      widget,
      csrf: document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '',
      $: (selector) => scope().querySelector(selector),
      $$: (selector) => [...scope().querySelectorAll(selector)],
      text: (selector) => scope().querySelector(selector)?.textContent?.trim(),
    };
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<SitePage> {
    const response = await this.fetchFollowing(this.site.url(path), {
      method: 'GET',
      headers: this.requestHeaders(headers),
    });
    return this.toPage(response);
  }

  /** Posts a form the way a browser does (urlencoded), adding the page's CSRF token unless given. */
  async post(path: string, fields: Record<string, string>, csrf: string | null): Promise<SitePage> {
    const body = new URLSearchParams(fields);
    if (csrf !== null && !body.has('_csrf')) body.set('_csrf', csrf);
    const response = await this.fetchFollowing(this.site.url(path), {
      method: 'POST',
      headers: this.requestHeaders({ 'content-type': 'application/x-www-form-urlencoded' }),
      body: body.toString(),
    });
    return this.toPage(response);
  }

  async postJson(path: string, value: unknown, csrf: string | null): Promise<JsonResponse> {
    const response = await fetch(this.site.url(path), {
      method: 'POST',
      redirect: 'manual',
      headers: this.requestHeaders({
        'content-type': 'application/json',
        ...(csrf === null ? {} : { 'x-csrf-token': csrf }),
      }),
      body: JSON.stringify(value),
    });
    this.store(response);
    return { status: response.status, body: (await response.json()) as unknown };
  }

  async bytes(path: string): Promise<{ status: number; type: string | null; body: Uint8Array }> {
    const response = await fetch(this.site.url(path), { headers: this.requestHeaders() });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: new Uint8Array(await response.arrayBuffer()),
    };
  }

  async close(): Promise<void> {
    await this.window.happyDOM.close();
  }
}

/** Signs `user` in with a password and returns the page the site sends them to. */
export async function signIn(client: SiteClient, user: string, password: string): Promise<SitePage> {
  const page = await client.get('/signin');
  return client.post('/signin', { username: user, password }, page.csrf);
}
