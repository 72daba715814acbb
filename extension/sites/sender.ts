/**
 * Who sent a runtime message, as the browser reports it. The origin of a content script's frame is
 * `sender.origin` — set by the browser process in Chromium and Firefox (it knows sandboxing, `data:`,
 * `srcdoc` and about:blank creators) — and nothing else: an opaque origin (`'null'`), a missing one or a
 * non-web one gets nothing, and `sender.url` is never a fallback (a sandboxed document on a bound URL
 * has that URL but not its origin).
 */

export interface MessageSenderLike {
  id?: string;
  url?: string;
  origin?: string;
  tab?: { id?: number; windowId?: number };
  frameId?: number;
}

/** The sender frame's web origin (`https://host[:port]`, or `http:`), or null when opaque, missing or not http(s). */
export function senderOrigin(sender: MessageSenderLike): string | null {
  const o = sender.origin;
  if (typeof o !== 'string' || o === '' || o === 'null') return null;
  let u: URL;
  try {
    u = new URL(o);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  // An origin, not a URL: the browser reports it serialized; anything else is not trusted.
  return u.origin === o ? o : null;
}

/** True for the extension's own pages (popup, options, unlock and PIN windows), by the reported origin. */
export function isExtensionPage(
  sender: MessageSenderLike,
  extensionId: string,
  extensionOrigin: string,
): boolean {
  return sender.id === extensionId && typeof sender.origin === 'string' && sender.origin === extensionOrigin;
}
