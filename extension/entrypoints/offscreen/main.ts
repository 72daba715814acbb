/**
 * Chromium's offscreen document (reason CLIPBOARD), created by the background when a code is copied:
 * holds the timer (the service worker may be stopped meanwhile), then clears the clipboard if it still
 * holds the code, tells the background, which closes this document. Never logs the code.
 */
import * as v from 'valibot';
import { browser } from 'wxt/browser';
import { clearIfHolds, documentClipboard } from '../../clipboard/clear';
import { OffscreenClearSchema, type OffscreenDoneMessage } from '../../clipboard/messages';

let timer: ReturnType<typeof setTimeout> | undefined;

/** Only the extension's own contexts (the background), never a content script in a page. */
function fromExtension(sender: { id?: string; url?: string }): boolean {
  return sender.id === browser.runtime.id && !!sender.url?.startsWith(`${location.origin}/`);
}

browser.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
  const parsed = v.safeParse(OffscreenClearSchema, message);
  if (!parsed.success || !fromExtension(sender)) return undefined;
  const { code, at } = parsed.output;
  clearTimeout(timer);
  timer = setTimeout(
    () => {
      void clearIfHolds(code, documentClipboard(document))
        .catch(() => 'unreadable' as const)
        .then((outcome) => {
          const done: OffscreenDoneMessage = { type: 'clipboard.offscreen.done', at, outcome };
          return browser.runtime.sendMessage(done);
        })
        .catch(() => undefined);
    },
    Math.max(0, at - Date.now()),
  );
  sendResponse(true);
  return undefined;
});
