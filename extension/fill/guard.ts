/**
 * Click guard for the in-page panel: a click on one of the panel's buttons counts only when the user
 * could see the panel, unchanged and uncovered, for ARM_MS before the click.
 *
 * Why the panel stays in the page (a closed shadow root in the top layer) rather than in an extension
 * iframe: the page cannot script or style what is inside a closed shadow root, just as it cannot reach
 * into a cross-origin iframe; what it can do to either is the same — restyle, move, cover or remove the
 * box it sits in — so the defence is the same tamper detection and arming delay either way. An iframe
 * would also have to be a web-accessible extension page, which any site could frame by itself (and use
 * to fingerprint the extension). The panel is a manual popover, so it is in the browser's top layer:
 * ordinary page content, whatever its z-index, renders beneath it and cannot cover it.
 *
 * What is checked (each time something changes, every CHECK_MS while shown, and at the click):
 * - the host element's attributes are the ones the panel set (style, popover, state): a page that
 *   rewrites them (opacity 0, transform, clip-path, pointer-events…) *voids* the prompt for good;
 * - it is still in the top layer (`:popover-open`), a direct child of <body>, not moved elsewhere (also
 *   voids); if the page removed it, it is put back and must arm again (pages that re-render <body>);
 * - computed style of the host and of its ancestors: opacity 1, visible, no filter / clip-path / mask /
 *   transform / zoom on the host; the box is the size the panel set and inside the viewport;
 * - hit testing at the corners and centre (and at the click point): the topmost element is the panel;
 * - no other top-layer element of the page (open popover, modal dialog, fullscreen element) overlaps it;
 * - in Chromium, IntersectionObserver v2 (`trackVisibility`): the browser's own verdict that the panel
 *   is unoccluded, untransformed and fully opaque — this also catches a `pointer-events: none` decoy
 *   that hit testing cannot see, and an embedding page that hides or covers the frame the panel is in.
 *   Firefox has no such API: there a panel inside a frame never arms (the embedding page could make the
 *   whole frame transparent and nothing inside the frame can tell), and a top-layer decoy hidden in the
 *   page's own closed shadow root with `pointer-events: none` is not detected (docs/security.md).
 */

export const ARM_MS = 500;
export const CHECK_MS = 100;

/** Why a click would not count now; null when the panel is fit to be clicked. */
export type Obstruction =
  | 'removed'
  | 'moved'
  | 'restyled'
  | 'not-top-layer'
  | 'hidden'
  | 'transformed'
  | 'off-screen'
  | 'covered'
  | 'occluded'
  /** In a frame, without IntersectionObserver v2 (Firefox): the embedding page could hide the frame. */
  | 'unverifiable';

/** Reasons after which the prompt is void: the page deliberately changed our element. */
const VOIDING: ReadonlySet<Obstruction> = new Set(['moved', 'restyled', 'not-top-layer']);

export interface GuardState {
  armed: boolean;
  /** Set once the page tampered with the panel: its buttons never act again. */
  void: boolean;
  reason: Obstruction | null;
}

/** True when the clock says the panel has been clean for ARM_MS. */
export function isArmed(cleanSince: number | null, now: number, armMs = ARM_MS): boolean {
  return cleanSince !== null && now - cleanSince >= armMs;
}

/** Does `reason` void the prompt (deliberate tampering) rather than only disarm it for now? */
export function voids(reason: Obstruction | null): boolean {
  return reason !== null && VOIDING.has(reason);
}

interface VisibilityEntry extends IntersectionObserverEntry {
  readonly isVisible?: boolean;
}

/** Chromium's IntersectionObserver v2 options (not in TypeScript's DOM library yet). */
interface VisibilityObserverInit extends IntersectionObserverInit {
  trackVisibility: boolean;
  delay: number;
}

export interface ClickGuardOptions {
  host: HTMLElement;
  /** The attributes the panel set on the host (any other value is tampering). */
  expectedAttributes: () => ReadonlyMap<string, string>;
  /** Puts the host back (appended to <body>, shown in the top layer) after the page removed it. */
  reinsert: () => void;
  /** Width and height the panel gave the host, in CSS pixels. */
  size: () => { width: number; height: number };
  onChange: (state: GuardState) => void;
  /** The panel is in a frame (not the top-level document). */
  framed?: boolean;
  now?: () => number;
  armMs?: number;
}

export class ClickGuard {
  private cleanSince: number | null = null;
  private voided = false;
  private reason: Obstruction | null = 'hidden';
  /** IntersectionObserver v2's verdict; undefined where the browser does not have it. */
  private ioVisible: boolean | undefined;
  private readonly doc: Document;
  private readonly view: Window;
  private readonly mo: MutationObserver;
  private readonly io: IntersectionObserver | null;
  private readonly timer: ReturnType<typeof setInterval>;
  private last: GuardState = { armed: false, void: false, reason: 'hidden' };
  private stopped = false;
  private observedBody: HTMLElement | null = null;
  private readonly now: () => number;

  constructor(private readonly o: ClickGuardOptions) {
    this.doc = o.host.ownerDocument;
    this.view = this.doc.defaultView!;
    this.now = o.now ?? (() => this.view.performance.now());
    this.mo = new MutationObserver((records) => {
      // Taken out and put back (even within one task): it must be seen again before a click counts.
      const host = this.o.host;
      if (records.some((r) => [...r.removedNodes, ...r.addedNodes].includes(host))) {
        this.cleanSince = null;
        this.reason = 'removed';
      }
      this.check();
    });
    this.mo.observe(o.host, { attributes: true });
    // Removal, re-parenting, and changes to <html>/<body> that may hide the panel.
    this.mo.observe(this.doc.documentElement, {
      attributes: true,
      childList: true,
      subtree: false,
    });
    this.observeBody();
    this.io = this.visibilityObserver();
    this.timer = setInterval(() => this.check(), CHECK_MS);
    o.host.addEventListener('toggle', () => this.check());
    this.check();
  }

  /** Watches <body> for the panel's removal; again when the page replaces <body>. */
  private observeBody(): void {
    const body = this.doc.body;
    if (!body || body === this.observedBody) return;
    this.observedBody = body;
    this.mo.observe(body, { attributes: true, childList: true, subtree: false });
  }

  private visibilityObserver(): IntersectionObserver | null {
    if (typeof IntersectionObserverEntry === 'undefined') return null;
    if (!('isVisible' in IntersectionObserverEntry.prototype)) return null;
    this.ioVisible = false;
    const init: VisibilityObserverInit = { trackVisibility: true, delay: CHECK_MS, threshold: [1] };
    const io = new IntersectionObserver((entries) => {
      const e = entries[entries.length - 1] as VisibilityEntry | undefined;
      if (e) this.ioVisible = e.isVisible === true && e.intersectionRatio >= 0.99;
      this.check();
    }, init);
    io.observe(this.o.host);
    return io;
  }

  get state(): GuardState {
    return this.last;
  }

  stop(): void {
    this.stopped = true;
    this.mo.disconnect();
    this.io?.disconnect();
    clearInterval(this.timer);
  }

  /**
   * Whether a click event on one of the panel's buttons counts. A refused click also disarms: the
   * panel must be seen, clean, for ARM_MS again.
   */
  accept(ev: MouseEvent): { ok: true } | { ok: false; reason: Obstruction | 'not-armed' | 'void' } {
    if (!ev.isTrusted) return { ok: false, reason: 'void' };
    this.check();
    if (this.voided) return { ok: false, reason: 'void' };
    const at = this.obstruction({ x: ev.clientX, y: ev.clientY });
    if (at) {
      this.disarm(at);
      return { ok: false, reason: at };
    }
    if (!isArmed(this.cleanSince, this.now(), this.o.armMs)) {
      this.disarm('hidden');
      return { ok: false, reason: 'not-armed' };
    }
    return { ok: true };
  }

  /** The panel moved (placed beside its field again): it must be seen in its new place first. */
  moved(): void {
    this.cleanSince = null;
    this.check();
  }

  private disarm(reason: Obstruction): void {
    this.cleanSince = null;
    this.reason = reason;
    this.publish();
  }

  /** Re-evaluates the panel; called on every change, on a timer and before a click counts. */
  check(): void {
    if (this.stopped) return;
    const host = this.o.host;
    this.observeBody();
    if (!host.isConnected) {
      // Removed (e.g. a page that re-renders <body>): put back, and arm again from zero.
      this.o.reinsert();
      this.cleanSince = null;
    }
    const r = this.obstruction(null);
    if (voids(r)) this.voided = true;
    if (r) {
      this.cleanSince = null;
      this.reason = r;
    } else {
      if (this.cleanSince === null) {
        this.cleanSince = this.now();
        // Arm exactly ARM_MS after the panel became clean, even between timer ticks.
        setTimeout(() => this.check(), (this.o.armMs ?? ARM_MS) + 5);
      }
      this.reason = null;
    }
    this.publish();
  }

  private publish(): void {
    const s: GuardState = {
      armed: !this.voided && isArmed(this.cleanSince, this.now(), this.o.armMs),
      void: this.voided,
      reason: this.reason,
    };
    if (s.armed === this.last.armed && s.void === this.last.void && s.reason === this.last.reason) return;
    this.last = s;
    this.o.onChange(s);
  }

  /** What makes the panel unfit to be clicked now (at `point`, when a click is being judged). */
  obstruction(point: { x: number; y: number } | null): Obstruction | null {
    const { host } = this.o;
    const doc = this.doc;
    const view = this.view;
    if (!host.isConnected) return 'removed';
    if (host.parentElement !== (doc.body ?? doc.documentElement)) return 'moved';
    const expected = this.o.expectedAttributes();
    if (host.attributes.length !== expected.size) return 'restyled';
    for (const [name, value] of expected) if (host.getAttribute(name) !== value) return 'restyled';
    if (typeof host.showPopover === 'function' && !host.matches(':popover-open')) return 'not-top-layer';

    const cs = view.getComputedStyle(host);
    if (
      cs.display === 'none' ||
      cs.visibility !== 'visible' ||
      cs.opacity !== '1' ||
      cs.contentVisibility === 'hidden' ||
      cs.pointerEvents === 'none'
    )
      return 'hidden';
    if (
      cs.transform !== 'none' ||
      cs.rotate !== 'none' ||
      cs.scale !== 'none' ||
      cs.translate !== 'none' ||
      cs.filter !== 'none' ||
      cs.clipPath !== 'none' ||
      (cs.maskImage && cs.maskImage !== 'none') ||
      (cs.mixBlendMode && cs.mixBlendMode !== 'normal') ||
      zoomOf(cs) !== 1
    )
      return 'transformed';
    for (let el: Element | null = host.parentElement; el; el = el.parentElement) {
      const a = view.getComputedStyle(el);
      if (
        a.opacity !== '1' ||
        a.filter !== 'none' ||
        a.clipPath !== 'none' ||
        (a.maskImage && a.maskImage !== 'none') ||
        zoomOf(a) !== 1
      )
        return 'hidden';
    }

    const r = host.getBoundingClientRect();
    const { width, height } = this.o.size();
    if (Math.abs(r.width - width) > 1 || Math.abs(r.height - height) > 1) return 'transformed';
    if (r.left < 0 || r.top < 0 || r.right > view.innerWidth || r.bottom > view.innerHeight)
      return 'off-screen';

    const points = [
      { x: r.left + 2, y: r.top + 2 },
      { x: r.right - 2, y: r.top + 2 },
      { x: r.left + 2, y: r.bottom - 2 },
      { x: r.right - 2, y: r.bottom - 2 },
      { x: r.left + r.width / 2, y: r.top + r.height / 2 },
    ];
    if (point) points.push(point);
    for (const p of points) if (doc.elementFromPoint(p.x, p.y) !== host) return 'covered';
    if (point && (point.x < r.left || point.x > r.right || point.y < r.top || point.y > r.bottom))
      return 'covered';

    // Other top-layer content the page opened over ours (hit testing misses pointer-events: none).
    for (const el of topLayerOf(doc)) {
      if (el === host) continue;
      const o = el.getBoundingClientRect();
      if (o.right > r.left && o.left < r.right && o.bottom > r.top && o.top < r.bottom) return 'covered';
    }
    if (this.ioVisible === false) return 'occluded';
    if (this.o.framed && this.ioVisible === undefined) return 'unverifiable';
    return null;
  }
}

/** The page's own top-layer elements in its light DOM (selectors a browser lacks are skipped). */
function topLayerOf(doc: Document): Element[] {
  const out: Element[] = [];
  for (const sel of [':popover-open', 'dialog:modal', ':fullscreen']) {
    try {
      out.push(...doc.querySelectorAll(sel));
    } catch {
      // selector unknown to this browser
    }
  }
  return out;
}

function zoomOf(cs: CSSStyleDeclaration): number {
  const z = (cs as unknown as { zoom?: string }).zoom;
  if (!z || z === 'normal') return 1;
  const n = Number.parseFloat(z);
  return Number.isFinite(n) ? n : 1;
}
