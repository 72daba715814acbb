import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { type ClipboardIo, clearIfHolds } from './clear';
import { CopiedSchema, OffscreenClearSchema, OffscreenDoneSchema } from './messages';

/** A clipboard in memory (the real ones are exercised in test/e2e/clipboard-clear*.test.ts). */
function memoryClipboard(initial: string | null, writable = true): ClipboardIo & { text: string | null } {
  const c = {
    text: initial,
    read: async () => c.text,
    write: async (t: string) => {
      if (!writable) return false;
      c.text = t;
      return true;
    },
  };
  return c;
}

describe('clearIfHolds', () => {
  it('clears the clipboard when it still holds the code', async () => {
    const c = memoryClipboard('123456');
    expect(await clearIfHolds('123456', c)).toBe('cleared');
    expect(c.text).toBe('');
  });

  it('also when the code was pasted back formatted ("123 456")', async () => {
    const c = memoryClipboard('123 456\n');
    expect(await clearIfHolds('123456', c)).toBe('cleared');
    expect(c.text).toBe('');
  });

  it('leaves alone what was copied afterwards, even other digits', async () => {
    for (const other of ['something the user copied', '654321', '1234567', '']) {
      const c = memoryClipboard(other);
      expect(await clearIfHolds('123456', c)).toBe('changed');
      expect(c.text).toBe(other);
    }
  });

  it('does nothing when the clipboard cannot be read, and says so when it cannot be written', async () => {
    const unreadable = memoryClipboard(null);
    expect(await clearIfHolds('123456', unreadable)).toBe('unreadable');
    expect(unreadable.text).toBeNull();
    const readOnly = memoryClipboard('123456', false);
    expect(await clearIfHolds('123456', readOnly)).toBe('unreadable');
    expect(readOnly.text).toBe('123456');
  });
});

describe('clipboard messages', () => {
  it('accept codes of digits only', () => {
    expect(v.is(CopiedSchema, { type: 'clipboard.copied', code: '12345678' })).toBe(true);
    for (const code of ['12 3456', 'abcdef', '', '1'.repeat(11), 123456]) {
      expect(v.is(CopiedSchema, { type: 'clipboard.copied', code })).toBe(false);
    }
  });

  it('need a whole, non-negative time and a known outcome', () => {
    expect(v.is(OffscreenClearSchema, { type: 'clipboard.offscreen.clear', code: '123456', at: 5 })).toBe(
      true,
    );
    expect(v.is(OffscreenClearSchema, { type: 'clipboard.offscreen.clear', code: '123456', at: -1 })).toBe(
      false,
    );
    expect(v.is(OffscreenDoneSchema, { type: 'clipboard.offscreen.done', at: 5, outcome: 'cleared' })).toBe(
      true,
    );
    expect(v.is(OffscreenDoneSchema, { type: 'clipboard.offscreen.done', at: 5, outcome: 'wiped' })).toBe(
      false,
    );
  });
});
