import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { MfaController } from '../fill/content';
import type { FillWire } from '../fill/protocol';

/** Top frames and cross-origin frames; same-origin frames are searched from their parent. */
function ownsThisFrame(): boolean {
  if (window.top === window) return true;
  try {
    return !window.parent.document;
  } catch {
    return true;
  }
}

export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  runAt: 'document_idle',
  allFrames: true,
  main() {
    // An opaque origin (CSP sandbox, <iframe sandbox>, data:, sandboxed srcdoc) is never served; the
    // background refuses such frames too.
    if (self.origin === 'null') return;
    if (!ownsThisFrame()) return;
    const controller = new MfaController({
      doc: document,
      sendFill: (req) => browser.runtime.sendMessage(req) as Promise<FillWire<unknown> | undefined>,
    });
    void controller.start().catch(() => controller.stop());
  },
});
