/**
 * Chromium only: run code in the extension's content-script world of a frame, as a compromised
 * renderer could. `Page.createIsolatedWorld` makes a new world without extension APIs; the content
 * script's own world is found among the page's execution contexts (Runtime.executionContextCreated:
 * auxData.type 'isolated', origin `chrome-extension://<id>`), and messages are sent from there with
 * the extension's own `chrome.runtime.sendMessage`, so the background sees the frame as the sender.
 */
import type { CDPSession, Page } from 'puppeteer';

interface ContextDescription {
  id: number;
  origin: string;
  name: string;
  auxData?: { frameId?: string; type?: string; isDefault?: boolean };
}

interface FrameTree {
  frame: { id: string; url: string; urlFragment?: string };
  childFrames?: FrameTree[];
}

export interface ContentWorld {
  /** `chrome.runtime.sendMessage(message)` from the content script's world; the background's answer. */
  send(message: object): Promise<unknown>;
  close(): Promise<void>;
}

function flatten(tree: FrameTree): Array<{ id: string; url: string }> {
  return [tree.frame, ...(tree.childFrames ?? []).flatMap(flatten)];
}

/**
 * The extension's content-script world in the frame of `page` whose URL `matches`. Waits until the
 * content script has been injected there (its world exists). Same-process frames only: the tests'
 * sandboxed and cross-site frames on loopback stay in the page's renderer.
 */
export async function contentScriptWorld(
  page: Page,
  extensionId: string,
  matches: (url: string) => boolean,
): Promise<ContentWorld> {
  const session: CDPSession = await page.createCDPSession();
  const contexts: ContextDescription[] = [];
  session.on('Runtime.executionContextCreated', (e: { context: ContextDescription }) =>
    contexts.push(e.context),
  );
  session.on('Runtime.executionContextDestroyed', (e: { executionContextId: number }) => {
    const i = contexts.findIndex((c) => c.id === e.executionContextId);
    if (i >= 0) contexts.splice(i, 1);
  });
  await session.send('Runtime.enable');
  const extOrigin = `chrome-extension://${extensionId}`;
  let contextId: number | undefined;
  for (let i = 0; i < 200 && contextId === undefined; i++) {
    const { frameTree } = (await session.send('Page.getFrameTree')) as unknown as { frameTree: FrameTree };
    const frame = flatten(frameTree).find((f) => matches(f.url));
    if (frame) {
      contextId = contexts.find(
        (c) => c.auxData?.frameId === frame.id && c.auxData.type === 'isolated' && c.origin === extOrigin,
      )?.id;
    }
    if (contextId === undefined) await new Promise((r) => setTimeout(r, 50));
  }
  if (contextId === undefined) {
    await session.detach();
    throw new Error('no content-script world of the extension in that frame');
  }
  const id = contextId;
  return {
    async send(message) {
      const r = (await session.send('Runtime.evaluate', {
        contextId: id,
        expression: `chrome.runtime.sendMessage(${JSON.stringify(message)})`,
        awaitPromise: true,
        returnByValue: true,
      })) as { result: { value?: unknown }; exceptionDetails?: { text: string } };
      if (r.exceptionDetails) throw new Error(`content world: ${r.exceptionDetails.text}`);
      return r.result.value;
    },
    async close() {
      await session.detach().catch(() => undefined);
    },
  };
}
