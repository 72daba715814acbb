/**
 * The caller as the browser reports it: origin from `sender.origin` (or `sender.url`), top origin and
 * "same origin with its ancestors" from the frame tree (webNavigation), never from the page.
 */

export interface SenderLike {
  id?: string;
  url?: string;
  origin?: string;
  frameId?: number;
  tab?: { id?: number; url?: string };
}

export interface FrameLike {
  frameId: number;
  parentFrameId: number;
  url: string;
}

export interface Caller {
  origin: string;
  /** Origin of the top-level document. */
  topOrigin: string;
  sameOriginWithAncestors: boolean;
  tabId: number;
  frameId: number;
}

/** A request the background refuses before the host is involved, with the DOMException name the page gets. */
export class CallerError extends Error {
  override readonly name = 'CallerError';
  constructor(
    readonly domName: 'NotAllowedError' | 'SecurityError',
    message: string,
  ) {
    super(message);
  }
}

/** Origin of a frame URL; about:blank/srcdoc inherit `inherited` (their creator, taken as the parent). */
export function originOfUrl(url: string, inherited: string | null): string {
  if (
    url === 'about:blank' ||
    url === 'about:srcdoc' ||
    url.startsWith('about:blank#') ||
    url.startsWith('about:blank?')
  ) {
    return inherited ?? 'null';
  }
  try {
    return new URL(url).origin;
  } catch {
    return 'null';
  }
}

export async function resolveCaller(
  sender: SenderLike,
  ownExtensionId: string,
  getAllFrames: (tabId: number) => Promise<FrameLike[] | null | undefined>,
): Promise<Caller> {
  if (sender.id !== ownExtensionId)
    throw new CallerError('NotAllowedError', 'message from another extension');
  const tabId = sender.tab?.id;
  const frameId = sender.frameId;
  if (tabId === undefined || tabId < 0 || frameId === undefined) {
    throw new CallerError('NotAllowedError', 'request does not come from a tab');
  }
  if (frameId === 0) {
    // The top-level document: the browser's origin for it is the whole answer (no ancestors to ask about).
    const origin = sender.origin ?? (sender.url ? originOfUrl(sender.url, null) : 'null');
    if (origin === 'null' || origin === '')
      throw new CallerError('NotAllowedError', 'the caller’s origin is opaque');
    return { origin, topOrigin: origin, sameOriginWithAncestors: true, tabId, frameId };
  }
  const frames = (await getAllFrames(tabId)) ?? [];
  const byId = new Map(frames.map((f) => [f.frameId, f]));
  const chain: FrameLike[] = [];
  let current = byId.get(frameId);
  if (!current) throw new CallerError('NotAllowedError', 'the calling frame is gone');
  while (current) {
    chain.unshift(current);
    if (current.parentFrameId < 0) break;
    const parent = byId.get(current.parentFrameId);
    if (!parent) throw new CallerError('NotAllowedError', 'the frame tree is incomplete');
    current = parent;
  }
  // Origins top-down, each about:blank inheriting its parent's.
  const origins: string[] = [];
  for (const frame of chain) origins.push(originOfUrl(frame.url, origins.at(-1) ?? null));
  const fromTree = origins.at(-1)!;
  // The browser's own word on the caller's origin wins (it knows sandboxing and about:blank creators).
  const origin = sender.origin ?? (sender.url ? originOfUrl(sender.url, origins.at(-2) ?? null) : fromTree);
  if (origin === 'null' || origin === '')
    throw new CallerError('NotAllowedError', 'the caller’s origin is opaque');
  if (fromTree !== origin && fromTree !== 'null') {
    // The frame navigated between the call and our look-up: refuse rather than guess.
    throw new CallerError('NotAllowedError', 'the calling frame changed');
  }
  const topOrigin = origins[0]!;
  const ancestors = origins.slice(0, -1);
  const sameOriginWithAncestors = ancestors.every((o) => o === origin);
  return { origin, topOrigin, sameOriginWithAncestors, tabId, frameId };
}
