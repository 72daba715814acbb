/**
 * Runtime messages of the clipboard clearing (see ./background.ts):
 * - `clipboard.copied` popup → background: "I just put this code on the clipboard" (extension pages only);
 *   the answer says when it will be cleared (null: never, by settings).
 * - `clipboard.offscreen.clear` background → offscreen document (Chromium): at `at` (ms since the epoch,
 *   now if past), clear the clipboard if it still holds `code`.
 * - `clipboard.offscreen.done` offscreen document → background: the clear for `at` has run.
 * A code is a short string of digits; messages carrying one are never logged.
 */
import * as v from 'valibot';

/** What a TOTP/HOTP code looks like (6–8 digits; a little slack for other lengths the core may allow). */
const Code = v.pipe(v.string(), v.regex(/^\d{4,10}$/, 'A code is 4 to 10 digits.'));
const Time = v.pipe(v.number(), v.integer(), v.minValue(0));

export const CopiedSchema = v.object({ type: v.literal('clipboard.copied'), code: Code });
export type CopiedMessage = v.InferOutput<typeof CopiedSchema>;
export interface CopiedAnswer {
  /** ms since the epoch when the code is cleared if still on the clipboard; null: not cleared. */
  clearAt: number | null;
}

export const OffscreenClearSchema = v.object({
  type: v.literal('clipboard.offscreen.clear'),
  code: Code,
  at: Time,
});
export type OffscreenClearMessage = v.InferOutput<typeof OffscreenClearSchema>;

export const OffscreenDoneSchema = v.object({
  type: v.literal('clipboard.offscreen.done'),
  at: Time,
  outcome: v.picklist(['cleared', 'changed', 'unreadable']),
});
export type OffscreenDoneMessage = v.InferOutput<typeof OffscreenDoneSchema>;

/** The pending clear, kept in storage.session (memory only) so an alarm can finish it after a restart. */
export const PendingSchema = v.object({ code: Code, at: Time });
export type PendingClear = v.InferOutput<typeof PendingSchema>;
export const PENDING_KEY = 'clipboard.pending';
