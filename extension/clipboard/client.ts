/** Calling side of `clipboard.copied` (extension pages): the background schedules the clear. */
import { browser } from 'wxt/browser';
import type { CopiedAnswer, CopiedMessage } from './messages';

export class ClipboardClearError extends Error {
  override readonly name = 'ClipboardClearError';
  constructor(readonly code: string) {
    super('The code was copied, but clearing it later could not be scheduled.');
  }
}

export async function notifyCopied(code: string): Promise<CopiedAnswer> {
  const msg: CopiedMessage = { type: 'clipboard.copied', code };
  const res = (await browser.runtime.sendMessage(msg)) as
    | { ok: true; value: CopiedAnswer }
    | { ok: false; error: { code: string } }
    | undefined;
  if (!res || typeof res !== 'object' || !('ok' in res)) throw new ClipboardClearError('internal');
  if (!res.ok) throw new ClipboardClearError(res.error.code);
  return res.value;
}
