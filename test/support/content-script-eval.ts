/**
 * Running arbitrary code (not only messages: see content-world.ts) where our content script runs, as a
 * compromised renderer would.
 * - Chromium: the content script's isolated world, found over CDP (`Runtime.executionContextCreated`
 *   with the extension's origin for the page's main frame) and evaluated there.
 * - Firefox: WebDriver BiDi does not list extension sandboxes; `scripting.executeScript` (default world
 *   ISOLATED) runs the code in the very sandbox Firefox gives the extension's content scripts in that
 *   frame, with the same API surface. It is called from an extension page; the code is passed as source
 *   text so the page defines the function itself.
 * The code is an async arrow function as source text (`async () => …`), its value JSON-serialisable.
 */
import type { CDPSession, Page } from 'puppeteer';
import type { FirefoxSession } from './firefox';

interface ExecutionContext {
  id: number;
  origin: string;
  auxData?: { frameId?: string; isDefault?: boolean; type?: string };
}

export interface ContentEval {
  run<T>(source: string): Promise<T>;
}

/** Open `url` in `page` and return the extension content script's world in its main frame (Chromium). */
export async function chromiumContentWorld(
  page: Page,
  extensionId: string,
  url: string,
): Promise<ContentEval> {
  const cdp: CDPSession = await page.createCDPSession();
  const contexts: ExecutionContext[] = [];
  cdp.on('Runtime.executionContextCreated', (e: { context: ExecutionContext }) => contexts.push(e.context));
  cdp.on('Runtime.executionContextsCleared', () => contexts.splice(0));
  await cdp.send('Runtime.enable');
  await page.goto(url);
  const { frameTree } = (await cdp.send('Page.getFrameTree')) as { frameTree: { frame: { id: string } } };
  const mainFrame = frameTree.frame.id;
  const ours = () =>
    contexts.findLast(
      (c) => c.origin === `chrome-extension://${extensionId}` && c.auxData?.frameId === mainFrame,
    );
  // The content script runs at document_idle: its world appears shortly after the load.
  await page.waitForFunction(() => document.readyState === 'complete');
  for (let i = 0; i < 200 && !ours(); i++) await new Promise((r) => setTimeout(r, 50));
  const ctx = ours();
  if (!ctx) throw new Error('the content script world did not appear in the page');
  return {
    async run<T>(source: string): Promise<T> {
      const r = (await cdp.send('Runtime.evaluate', {
        contextId: ctx.id,
        expression: `(${source})()`,
        awaitPromise: true,
        returnByValue: true,
      })) as { result: { value: T }; exceptionDetails?: { exception?: { description?: string } } };
      if (r.exceptionDetails)
        throw new Error(r.exceptionDetails.exception?.description ?? 'evaluation failed');
      return r.result.value;
    },
  };
}

/**
 * Open an extension page in Firefox. Like FirefoxSession.openExtensionPage, but the readiness check is
 * a plain evaluation, tried again in a new tab if the old one's realm was torn down: right after
 * `runtime.reload()` puppeteer's waitForFunction fails there with a BiDi protocol error
 * ("right-hand side of 'in' should be an object, got null") instead of waiting.
 */
export async function openFirefoxExtensionPage(firefox: FirefoxSession, path: string): Promise<Page> {
  const url = `${firefox.extensionOrigin}/${path.replace(/^\//, '')}`;
  for (let attempt = 0; attempt < 5; attempt++) {
    const page = await firefox.browser.newPage();
    void page.goto(url).catch(() => undefined);
    for (let i = 0; i < 100; i++) {
      const ready = await page
        .evaluate((u: string) => location.href === u && document.readyState === 'complete', url)
        .catch(() => false);
      if (ready) return page;
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.close().catch(() => undefined);
  }
  throw new Error(`${url} did not open`);
}

/** The content script world of the tab showing `url` (Firefox), driven from an extension page. */
export async function firefoxContentWorld(
  firefox: FirefoxSession,
  url: string,
): Promise<ContentEval & { close(): Promise<void> }> {
  const tab = await firefox.browser.newPage();
  await tab.goto(url, { waitUntil: 'load' });
  const driver = await openFirefoxExtensionPage(firefox, 'options.html');
  return {
    async run<T>(source: string): Promise<T> {
      const results = (await driver.evaluate(`(async () => {
        const b = globalThis.browser;
        const tab = (await b.tabs.query({})).find((t) => t.url === ${JSON.stringify(url)});
        if (!tab) throw new Error('no tab shows the page');
        return b.scripting.executeScript({ target: { tabId: tab.id }, func: ${source} });
      })()`)) as Array<{ result?: T; error?: unknown }>;
      const first = results[0];
      if (!first) throw new Error('the script ran in no frame');
      if (first.error !== undefined) throw new Error(String(first.error));
      return first.result as T;
    },
    async close() {
      await driver.close();
      await tab.close();
    },
  };
}

/**
 * What a content script can reach of the extension's storage: each area's contents (or the error
 * the browser gives), and the IndexedDB databases its origin sees. Source text for `run`.
 */
export const PROBE_STORAGE = `async () => {
  const ext = globalThis.browser ?? globalThis.chrome;
  const attempt = async (f) => {
    try { return { ok: true, value: await f() }; } catch (e) { return { ok: false, error: String(e && e.message || e) }; }
  };
  return {
    local: await attempt(() => ext.storage.local.get(null)),
    sync: await attempt(() => ext.storage.sync.get(null)),
    session: await attempt(() => ext.storage.session ? ext.storage.session.get(null) : Promise.reject(new Error('no storage.session here'))),
    databases: await attempt(async () => (await indexedDB.databases()).map((d) => d.name)),
  };
}`;

export interface StorageProbe {
  local: { ok: true; value: Record<string, unknown> } | { ok: false; error: string };
  sync: { ok: true; value: Record<string, unknown> } | { ok: false; error: string };
  session: { ok: true; value: Record<string, unknown> } | { ok: false; error: string };
  databases: { ok: true; value: string[] } | { ok: false; error: string };
}

/** Source text: the content script writes `items` to storage.local (what a compromised renderer would). */
export function writeLocalSource(items: Record<string, unknown>): string {
  return `async () => {
    const ext = globalThis.browser ?? globalThis.chrome;
    await ext.storage.local.set(${JSON.stringify(items)});
    return Object.keys(await ext.storage.local.get(null));
  }`;
}
