import { defineContentScript } from 'wxt/utils/define-content-script';

/**
 * Registered at runtime by the background (bridge/background/provide.ts) for the sites the bridge
 * serves: tells the page bridge to provide navigator.credentials / PublicKeyCredential where the browser
 * has none.
 */
export default defineContentScript({
  matches: ['<all_urls>'],
  registration: 'runtime',
  world: 'MAIN',
  runAt: 'document_start',
  allFrames: true,
  main() {
    (window as unknown as Record<symbol, unknown>)[Symbol.for('mfa-bridge.provide')] = true;
    window.dispatchEvent(new Event('mfa-bridge:provide'));
  },
});
