import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { installRelay, type RuntimePortLike } from '../bridge/relay';

/**
 * The isolated-world relay of the WebAuthn bridge: registered at runtime with the page script, for the
 * same sites only (a relay elsewhere would answer a page's probe and tell it the extension is there).
 */
export default defineContentScript({
  matches: ['<all_urls>'],
  registration: 'runtime',
  runAt: 'document_start',
  allFrames: true,
  main() {
    installRelay(window as Window & typeof globalThis, {
      connect: (name) => browser.runtime.connect({ name }) as RuntimePortLike,
      sendMessage: (message) => browser.runtime.sendMessage(message),
    });
  },
});
