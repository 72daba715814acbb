import type { Page } from 'puppeteer';

type Wire = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

/** Sends a runtime message from an extension page and unwraps the `{ok,value}|{ok,error}` envelope. */
export async function send(ext: Page, message: object): Promise<unknown> {
  const res = (await ext.evaluate(
    (m) =>
      (
        globalThis as unknown as { chrome: { runtime: { sendMessage(x: object): Promise<unknown> } } }
      ).chrome.runtime.sendMessage(m),
    message,
  )) as Wire;
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res.value;
}
