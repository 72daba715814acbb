/**
 * Clear the clipboard only if it still holds the code we put there: a code the user copied, then
 * something else they copied afterwards, must survive. Reading the clipboard needs the clipboardRead
 * permission; when it cannot be read we leave it alone (never wipe what we cannot see).
 */

export type ClearOutcome = 'cleared' | 'changed' | 'unreadable';

export interface ClipboardIo {
  /** The clipboard's text, or null when it cannot be read. */
  read(): Promise<string | null>;
  /** Replace the clipboard's text; false when that failed. */
  write(text: string): Promise<boolean>;
}

export async function clearIfHolds(code: string, io: ClipboardIo): Promise<ClearOutcome> {
  const now = await io.read();
  if (now === null) return 'unreadable';
  // Tolerate what some targets add or how we show it ("123 456"); anything else is someone else's.
  if (now.replace(/\s/g, '') !== code) return 'changed';
  return (await io.write('')) ? 'cleared' : 'unreadable';
}

/**
 * Clipboard access from an extension document without focus (Chromium's offscreen document, Firefox's
 * background page): execCommand with a textarea for reading (needs clipboardRead) and a `copy` event
 * for writing (needs clipboardWrite); navigator.clipboard as a fallback where the document has focus.
 */
export function documentClipboard(doc: Document): ClipboardIo {
  return {
    async read() {
      const area = doc.createElement('textarea');
      doc.body.append(area);
      try {
        area.focus();
        if (doc.execCommand('paste')) return area.value;
      } catch {
        // fall through
      } finally {
        area.remove();
      }
      try {
        return await navigator.clipboard.readText();
      } catch {
        return null;
      }
    },
    async write(text) {
      let wrote = false;
      const onCopy = (e: ClipboardEvent) => {
        if (!e.clipboardData) return;
        e.clipboardData.setData('text/plain', text);
        e.preventDefault();
        wrote = true;
      };
      doc.addEventListener('copy', onCopy);
      try {
        if (doc.execCommand('copy') && wrote) return true;
      } catch {
        // fall through
      } finally {
        doc.removeEventListener('copy', onCopy);
      }
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch {
        return false;
      }
    },
  };
}
