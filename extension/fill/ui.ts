/**
 * The extension's own small UI on pages: a panel in a closed shadow root (the page cannot read or
 * script it), shown in the browser's top layer (a manual popover: no page content can be stacked over
 * it) and placed beside the code field. Its buttons act only on trusted clicks that the click guard
 * accepts: the panel was visible, unchanged and uncovered for ARM_MS before the click (./guard.ts says
 * what is checked and why the panel is not an iframe). A page that rewrites the panel's element voids
 * the prompt; a panel without buttons (a warning) is put back as it was instead, so the page cannot
 * hide it.
 */
import { ClickGuard, type GuardState } from './guard';

export interface PanelAction {
  label: string;
  primary?: boolean;
  run: () => void;
}

export type PanelTone = 'info' | 'warn' | 'ok';

/** Texts the guard shows in the panel (in the user's language). */
export interface GuardNotes {
  /** The page changed or covered the prompt: its buttons no longer act. */
  tampered: string;
  /** A click came before the prompt had been visible, unchanged and uncovered for a moment. */
  tooSoon: string;
  /** In a frame, and the browser cannot tell whether the embedding page hides the frame. */
  framed: string;
}

const WIDTH = 300;
/** Room kept below the panel for the guard's note (three lines). */
const NOTE_RESERVE = 56;

const STYLE = `
:host { all: initial; }
.panel { box-sizing: border-box; width: 300px; padding: 10px 12px;
  font: 13px/1.4 system-ui, sans-serif; color: #1b1f24; background: #fff; border: 1px solid #c9d1d9;
  border-left: 4px solid #0b63ce; border-radius: 6px; box-shadow: 0 4px 16px rgba(0,0,0,.18); }
.panel.warn { border-left-color: #c4321f; }
.panel.ok { border-left-color: #1f883d; }
.brand { font-weight: 600; font-size: 12px; color: #57606a; margin-bottom: 4px; }
.text { margin: 0 0 8px; white-space: pre-line; }
.note { margin: 0 0 8px; color: #c4321f; font-size: 12px; }
.note:empty { display: none; }
.actions { display: flex; gap: 6px; }
button { flex: 1 1 0; min-height: 30px; font: inherit; border-radius: 4px; border: 1px solid #8c959f;
  background: #f6f8fa; color: #1b1f24; cursor: pointer; }
button.primary { background: #0b63ce; border-color: #0b63ce; color: #fff; }
`;

export class Panel {
  private host: HTMLElement | null = null;
  private root: ShadowRoot | null = null;
  private anchor: Element | null = null;
  private box: HTMLElement | null = null;
  private note: HTMLElement | null = null;
  private guard: ClickGuard | null = null;
  private hasActions = false;
  /** The attributes this panel set on its host element; anything else there is the page's doing. */
  private readonly attrs = new Map<string, string>();
  private readonly reposition = (): void => this.place();

  constructor(
    private readonly doc: Document,
    private readonly notes: () => GuardNotes = () => ({
      tampered: 'This page changed or covered the mfa-bridge prompt: it no longer accepts clicks.',
      tooSoon: 'Click again: the prompt had only just appeared or moved.',
      framed: 'This page is shown inside another page: use the toolbar button.',
    }),
  ) {}

  /** Shows a message with buttons beside `anchor` (or at the bottom right). Replaces any earlier one. */
  show(
    tone: PanelTone,
    text: string,
    actions: PanelAction[] = [],
    anchor: Element | null = null,
    state: string = tone,
  ): void {
    this.ensure();
    this.anchor = anchor;
    this.hasActions = actions.length > 0;
    // What the panel is about (no text, no secret): lets tests and page-level diagnostics see the state.
    this.setAttr('data-mfa-bridge', state);
    this.setAttr('data-mfa-bridge-armed', 'false');
    this.attrs.delete('data-mfa-bridge-refused');
    this.host!.removeAttribute('data-mfa-bridge-refused');
    const root = this.root!;
    root.replaceChildren();
    const style = this.doc.createElement('style');
    style.textContent = STYLE;
    const panel = this.doc.createElement('div');
    panel.className = `panel ${tone}`;
    panel.setAttribute('role', tone === 'warn' ? 'alert' : 'status');
    const brand = this.doc.createElement('div');
    brand.className = 'brand';
    brand.textContent = 'mfa-bridge';
    const p = this.doc.createElement('p');
    p.className = 'text';
    p.textContent = text;
    const note = this.doc.createElement('p');
    note.className = 'note';
    note.setAttribute('role', 'alert');
    panel.append(brand, p);
    this.box = panel;
    this.note = note;
    if (actions.length) {
      const row = this.doc.createElement('div');
      row.className = 'actions';
      for (const a of actions) {
        const b = this.doc.createElement('button');
        b.type = 'button';
        b.textContent = a.label;
        if (a.primary) b.className = 'primary';
        b.addEventListener('click', (ev) => {
          ev.stopPropagation();
          if (!ev.isTrusted) return; // the page cannot press our buttons
          const verdict = this.guard?.accept(ev) ?? { ok: false as const, reason: 'void' as const };
          if (!verdict.ok) {
            this.refused(verdict.reason);
            return;
          }
          a.run();
        });
        row.append(b);
      }
      panel.append(row);
    }
    // Below the buttons: a note that appears must not move them.
    panel.append(note);
    root.append(style, panel);
    this.place();
    this.watch();
  }

  /** A fresh guard for what is shown now: every new prompt arms from zero. */
  private watch(): void {
    this.guard?.stop();
    const host = this.host!;
    this.guard = new ClickGuard({
      host,
      expectedAttributes: () => this.attrs,
      reinsert: () => this.insert(),
      size: () => ({ width: WIDTH, height: this.box?.offsetHeight ?? 0 }),
      onChange: (s) => this.guarded(host, s),
      framed: this.doc.defaultView !== null && this.doc.defaultView.top !== this.doc.defaultView,
    });
  }

  private guarded(host: HTMLElement, s: GuardState): void {
    if (host !== this.host) return;
    if (s.void && !this.hasActions) {
      // A warning the page tried to hide or move: put it back as it was, and keep watching.
      this.restore();
      return;
    }
    this.setAttr('data-mfa-bridge-armed', String(s.armed));
    if (s.void) {
      // A prompt the page tampered with stays void (the guard remembers), but is shown again as it was,
      // saying why it no longer acts: the user learns the page interfered.
      this.restoreHost();
      if (this.note) this.note.textContent = this.notes().tampered;
    }
  }

  private refused(reason: string): void {
    this.setAttr('data-mfa-bridge-refused', reason);
    if (!this.note) return;
    const n = this.notes();
    this.note.textContent = reason === 'void' ? n.tampered : reason === 'unverifiable' ? n.framed : n.tooSoon;
  }

  /** Sets one of the panel's own attributes on the host (remembered, so the guard knows it is ours). */
  private setAttr(name: string, value: string): void {
    this.attrs.set(name, value);
    this.host?.setAttribute(name, value);
  }

  /** Puts the host back exactly as the panel left it (its own attributes only, in <body>, on top) and watches it afresh. */
  private restore(): void {
    this.restoreHost();
    this.watch();
  }

  /** The host's attributes back to the panel's own, and the host back in <body> and the top layer. */
  private restoreHost(): void {
    const host = this.host;
    if (!host) return;
    for (const a of Array.from(host.attributes)) if (!this.attrs.has(a.name)) host.removeAttribute(a.name);
    for (const [n, v] of this.attrs) if (host.getAttribute(n) !== v) host.setAttribute(n, v);
    this.insert();
  }

  /** Appends the host to <body> (again) and raises it into the top layer. */
  private insert(): void {
    const host = this.host;
    if (!host) return;
    const parent = this.doc.body ?? this.doc.documentElement;
    if (host.parentElement !== parent || !host.isConnected) parent.append(host);
    if (typeof host.showPopover === 'function' && !host.matches(':popover-open')) {
      try {
        host.showPopover();
      } catch {
        // not in a document that can show it; the guard reports it
      }
    }
  }

  /** Shows a short message that goes away by itself. */
  flash(tone: PanelTone, text: string, state: string, ms = 2500): void {
    this.show(tone, text, [], this.anchor, state);
    const host = this.host;
    setTimeout(() => {
      if (this.host === host && this.root?.querySelector('button') === null) this.hide();
    }, ms);
  }

  hide(): void {
    this.guard?.stop();
    this.guard = null;
    this.attrs.clear();
    this.host?.remove();
    this.host = null;
    this.root = null;
    this.anchor = null;
    this.doc.defaultView?.removeEventListener('scroll', this.reposition, true);
    this.doc.defaultView?.removeEventListener('resize', this.reposition);
  }

  get visible(): boolean {
    return this.host !== null;
  }

  private ensure(): void {
    if (this.host?.isConnected) return;
    this.guard?.stop();
    this.attrs.clear();
    this.host = this.doc.createElement('mfa-bridge-ui');
    this.root = this.host.attachShadow({ mode: 'closed' });
    if (typeof this.host.showPopover === 'function') this.setAttr('popover', 'manual');
    this.insert();
    this.doc.defaultView?.addEventListener('scroll', this.reposition, true);
    this.doc.defaultView?.addEventListener('resize', this.reposition);
  }

  private place(): void {
    const host = this.host;
    const view = this.doc.defaultView;
    if (!host || !view) return;
    const w = WIDTH;
    let left = view.innerWidth - w - 16;
    let top = view.innerHeight - 140;
    if (this.anchor?.isConnected) {
      // Anchors in same-origin iframes: add the frame's offset.
      let r = this.anchor.getBoundingClientRect();
      const frame = this.anchor.ownerDocument.defaultView?.frameElement;
      if (frame && this.anchor.ownerDocument !== this.doc) {
        const fr = frame.getBoundingClientRect();
        r = new DOMRect(r.left + fr.left, r.top + fr.top, r.width, r.height);
      }
      left = r.right + 8 + w <= view.innerWidth ? r.right + 8 : Math.max(8, r.left);
      top = r.right + 8 + w <= view.innerWidth ? r.top - 4 : r.bottom + 6;
    }
    // The whole panel stays in view, also once a note below the buttons makes it taller (the panel does
    // not move for the note: its buttons stay where the user saw them).
    const h = (this.box?.offsetHeight ?? 0) + NOTE_RESERVE;
    const x = Math.max(8, Math.round(left));
    const y = Math.max(8, Math.round(Math.min(top, view.innerHeight - h - 8)));
    const style = `all: initial !important; display: block !important; position: fixed !important; z-index: 2147483647 !important; visibility: visible !important; overflow: visible !important; width: ${w}px !important; left: ${x}px !important; top: ${y}px !important;`;
    if (this.attrs.get('style') === style) return;
    this.setAttr('style', style);
    // A panel that moves must be seen in its new place before a click counts.
    this.guard?.moved();
  }
}
