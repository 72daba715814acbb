import { defineContentScript } from 'wxt/utils/define-content-script';
import { installPageBridge } from '../bridge/page/page-bridge';

/** Marker the runtime-registered provide script sets (for sites the bridge serves, see bridge/provide). */
const PROVIDE_FLAG = Symbol.for('mfa-bridge.provide');
const PROVIDE_EVENT = 'mfa-bridge:provide';

export default defineContentScript({
  matches: ['<all_urls>'],
  world: 'MAIN',
  runAt: 'document_start',
  allFrames: true,
  matchAboutBlank: true,
  main() {
    const win = window as Window & typeof globalThis;
    const bridge = installPageBridge(win);
    if (bridge.nativeWebAuthn) return;
    // The browser has no WebAuthn: provide it where the bridge serves this site. The provide script is
    // registered by the background only for those sites and may run before or after this one.
    if ((win as unknown as Record<symbol, unknown>)[PROVIDE_FLAG] === true) bridge.provide();
    else win.addEventListener(PROVIDE_EVENT, () => bridge.provide(), { once: true });
  },
});
