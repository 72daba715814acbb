import { defineContentScript } from 'wxt/utils/define-content-script';
import { installPageBridge } from '../bridge/page/page-bridge';

/**
 * The page (MAIN world) half of the WebAuthn bridge. Registered at runtime by the background
 * (bridge/background/register.ts) only for the sites whose bridge mode is `fallback` or `always`, so
 * every other site sees the browser's own, untouched WebAuthn. Where the browser has none, it provides
 * navigator.credentials / PublicKeyCredential.
 */
export default defineContentScript({
  matches: ['<all_urls>'],
  registration: 'runtime',
  world: 'MAIN',
  runAt: 'document_start',
  allFrames: true,
  main() {
    const bridge = installPageBridge(window as Window & typeof globalThis);
    if (!bridge.nativeWebAuthn) bridge.provide();
  },
});
