/**
 * The extension's own small UI on pages: a panel in a closed shadow root (the page cannot read or
 * script it), placed beside the code field. Buttons act on trusted clicks only (a page's synthetic
 * `click()` is ignored).
 */

export interface PanelAction {
  label: string;
  primary?: boolean;
  run: () => void;
}

export type PanelTone = 'info' | 'warn' | 'ok';

const STYLE = `
:host { all: initial; }
.panel { box-sizing: border-box; width: 300px; padding: 10px 12px;
  font: 13px/1.4 system-ui, sans-serif; color: #1b1f24; background: #fff; border: 1px solid #c9d1d9;
  border-left: 4px solid #0b63ce; border-radius: 6px; box-shadow: 0 4px 16px rgba(0,0,0,.18); }
.panel.warn { border-left-color: #c4321f; }
.panel.ok { border-left-color: #1f883d; }
.brand { font-weight: 600; font-size: 12px; color: #57606a; margin-bottom: 4px; }
.text { margin: 0 0 8px; white-space: pre-line; }
.actions { display: flex; gap: 6px; }
button { flex: 1 1 0; min-height: 30px; font: inherit; border-radius: 4px; border: 1px solid #8c959f;
  background: #f6f8fa; color: #1b1f24; cursor: pointer; }
button.primary { background: #0b63ce; border-color: #0b63ce; color: #fff; }
`;

export class Panel {
  private host: HTMLElement | null = null;
  private root: ShadowRoot | null = null;
  private anchor: Element | null = null;
  private readonly reposition = (): void => this.place();

  constructor(private readonly doc: Document) {}

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
    // What the panel is about (no text, no secret): lets tests and page-level diagnostics see the state.
    this.host!.setAttribute('data-mfa-bridge', state);
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
    panel.append(brand, p);
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
          a.run();
        });
        row.append(b);
      }
      panel.append(row);
    }
    root.append(style, panel);
    this.place();
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
    this.host = this.doc.createElement('mfa-bridge-ui');
    this.root = this.host.attachShadow({ mode: 'closed' });
    (this.doc.body ?? this.doc.documentElement).append(this.host);
    this.doc.defaultView?.addEventListener('scroll', this.reposition, true);
    this.doc.defaultView?.addEventListener('resize', this.reposition);
  }

  private place(): void {
    const host = this.host;
    const view = this.doc.defaultView;
    if (!host || !view) return;
    const w = 300;
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
    const x = Math.max(8, Math.round(left));
    const y = Math.max(8, Math.round(top));
    host.setAttribute(
      'style',
      `all: initial !important; display: block !important; position: fixed !important; z-index: 2147483647 !important; width: ${w}px !important; left: ${x}px !important; top: ${y}px !important;`,
    );
  }
}
