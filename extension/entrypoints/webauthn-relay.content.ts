import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { installRelay, type RuntimePortLike } from '../bridge/relay';

export default defineContentScript({
  matches: ['<all_urls>'],
  runAt: 'document_start',
  allFrames: true,
  matchAboutBlank: true,
  main() {
    installRelay(window as Window & typeof globalThis, {
      connect: (name) => browser.runtime.connect({ name }) as RuntimePortLike,
      sendMessage: (message) => browser.runtime.sendMessage(message),
    });
  },
});
