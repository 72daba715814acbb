/**
 * Content-script side of detect + fill: asks the background whether this site is in scope, observes
 * the DOM (throttled; open shadow roots and same-origin iframes too), and on a prompt fills the code
 * (auto), offers a button (click), offers to save an enrolment secret, offers unlock, or explains why
 * nothing is filled (lookalike domain, no bound account). Never logs codes or secrets.
 */
import { collectRoots } from '../detect/dom';
import { detectMfaPrompt, fillCode, type MfaPrompt } from '../detect/index';
import { messagesFor } from './messages';
import type { FillRequest, FillResponses, FillWire, QueryReply } from './protocol';
import { Panel } from './ui';

export interface ContentDeps {
  doc: Document;
  /** runtime.sendMessage for `fill.*` requests (the only ones the background takes from a page's frame). */
  sendFill(req: FillRequest): Promise<FillWire<unknown> | undefined>;
  /** Detection throttle in ms (default 150). */
  throttleMs?: number;
}

export class FillClientError extends Error {
  override readonly name = 'FillClientError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const UNLOCK_POLL_MS = 1000;
const UNLOCK_WAIT_MS = 5 * 60_000;

export class MfaController {
  private readonly panel: Panel;
  private observer: MutationObserver | null = null;
  private readonly observed = new WeakSet<Node>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastRun = 0;
  private handled: string | null = null;
  private busy = false;
  private stopped = false;
  private readonly saved = new Set<string>();
  /** TOTP steps already filled automatically, per account: a rejected code is not re-filled in a loop. */
  private readonly autoFilled = new Set<string>();
  private reply: QueryReply | null = null;

  /** Panel texts in the language the settings (or the browser) ask for. */
  private get t(): ReturnType<typeof messagesFor> {
    const nav = this.deps.doc.defaultView?.navigator.language ?? 'en';
    return messagesFor(this.reply?.language ?? 'auto', nav);
  }

  constructor(private readonly deps: ContentDeps) {
    this.panel = new Panel(deps.doc);
  }

  private async call<T extends keyof FillResponses>(
    req: Extract<FillRequest, { type: T }>,
  ): Promise<FillResponses[T]> {
    const res = await this.deps.sendFill(req);
    if (!res) throw new FillClientError('internal', 'The extension did not answer.');
    if (!res.ok) throw new FillClientError(res.error.code, res.error.message);
    return res.value as FillResponses[T];
  }

  /** Starts observing when the background says this site is in scope; returns false otherwise. */
  async start(): Promise<boolean> {
    this.reply = await this.call({ type: 'fill.query' });
    const a = this.reply.activation;
    if (!a.active || (a.mode === 'off' && !a.lookalikeOf)) return false;
    const { doc } = this.deps;
    this.observer = new MutationObserver(() => this.schedule());
    this.observeRoots();
    // Images (QR codes) and same-origin frames finish loading after they are inserted.
    doc.addEventListener('load', () => this.schedule(), true);
    doc.defaultView?.addEventListener('popstate', () => this.schedule());
    doc.defaultView?.addEventListener('hashchange', () => this.schedule());
    this.schedule();
    return true;
  }

  stop(): void {
    this.stopped = true;
    this.observer?.disconnect();
    if (this.timer) clearTimeout(this.timer);
    this.panel.hide();
  }

  private observeRoots(): void {
    if (!this.observer) return;
    for (const root of collectRoots(this.deps.doc)) {
      if (this.observed.has(root)) continue;
      this.observed.add(root);
      this.observer.observe(root, {
        childList: true,
        subtree: true,
        attributes: true,
        attributeFilter: ['class', 'style', 'hidden', 'open', 'src'],
      });
      if (root.nodeType === 9 && root !== this.deps.doc)
        (root as Document).addEventListener('load', () => this.schedule(), true);
    }
  }

  /** Throttled: at most one detection per `throttleMs`, trailing. */
  schedule(): void {
    if (this.stopped || this.timer) return;
    const gap = this.deps.throttleMs ?? 150;
    const wait = Math.max(0, this.lastRun + gap - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.lastRun = Date.now();
      void this.run();
    }, wait);
  }

  private readonly ids = new WeakMap<Element, number>();
  private nextId = 1;

  /** Identity of a prompt: kind, rule and the very input elements (a re-rendered field is a new prompt). */
  private key(p: MfaPrompt): string {
    const ids = p.inputs.map((i) => {
      let id = this.ids.get(i);
      if (id === undefined) {
        id = this.nextId++;
        this.ids.set(i, id);
      }
      return id;
    });
    return `${p.kind}|${p.profile}|${ids.join(',')}|${p.secret ? 's' : ''}`;
  }

  private async run(): Promise<void> {
    if (this.busy || this.stopped) {
      if (this.busy) this.schedule();
      return;
    }
    this.observeRoots();
    const p = detectMfaPrompt(this.deps.doc);
    if (!p) {
      if (this.handled !== null) this.panel.hide();
      this.handled = null;
      return;
    }
    const key = this.key(p);
    if (key === this.handled) return;
    this.handled = key;
    this.busy = true;
    try {
      await this.handle(p);
    } catch (e) {
      const msg = e instanceof FillClientError ? e.message : this.t.error;
      this.panel.show('warn', msg, [], p.inputs[0] ?? null, 'error');
    } finally {
      this.busy = false;
    }
  }

  private async handle(p: MfaPrompt): Promise<void> {
    if (p.kind === 'security-key' || p.kind === 'other-code') {
      this.panel.hide();
      return;
    }
    const q = await this.call({ type: 'fill.query' });
    this.reply = q;
    const anchor = p.inputs[0] ?? null;
    const host = new URL(q.origin).hostname;
    if (q.activation.lookalikeOf) {
      this.panel.show('warn', this.t.lookalike(host, q.activation.lookalikeOf), [], anchor, 'lookalike');
      return;
    }
    if (q.activation.mode === 'off') return;
    if (q.vault === 'uninitialised' || q.vault === 'damaged') return;
    if (q.vault === 'locked') {
      this.offerUnlock(anchor);
      return;
    }
    if (p.kind === 'totp-enroll' && p.secret && !this.saved.has(p.secret)) {
      this.offerSave(p, host);
      return;
    }
    if (p.inputs.length === 0) return;
    this.offerFill(p, q, host);
  }

  private offerUnlock(anchor: Element | null): void {
    this.panel.show(
      'info',
      this.t.locked,
      [
        {
          label: this.t.unlock,
          primary: true,
          run: () => {
            void this.call({ type: 'fill.openUnlock' }).catch(() => undefined);
            void this.waitForUnlock();
          },
        },
      ],
      anchor,
      'unlock',
    );
  }

  private async waitForUnlock(): Promise<void> {
    this.panel.show('info', this.t.waitingUnlock, [], null, 'unlocking');
    const until = Date.now() + UNLOCK_WAIT_MS;
    while (!this.stopped && Date.now() < until) {
      await new Promise((r) => setTimeout(r, UNLOCK_POLL_MS));
      const q = await this.call({ type: 'fill.query' }).catch(() => null);
      if (q?.vault === 'unlocked') {
        this.handled = null; // the same prompt is handled again, now unlocked
        this.schedule();
        return;
      }
    }
  }

  private offerSave(p: MfaPrompt, host: string): void {
    const secret = p.secret!;
    this.panel.show(
      'info',
      this.t.saveOffer(host),
      [
        {
          label: this.t.save,
          primary: true,
          run: () => {
            void this.call({ type: 'fill.enrol', secret })
              .then(() => {
                this.saved.add(secret);
                this.panel.flash('ok', this.t.saved, 'saved');
                if (p.inputs.length) {
                  this.handled = null;
                  this.schedule();
                }
              })
              .catch((e: unknown) => {
                const already = e instanceof FillClientError && /already in the vault/i.test(e.message);
                if (already) {
                  this.saved.add(secret);
                  this.handled = null;
                  this.schedule();
                } else
                  this.panel.show(
                    'warn',
                    e instanceof Error ? e.message : this.t.saveFailed,
                    [],
                    null,
                    'error',
                  );
              });
          },
        },
        { label: this.t.notNow, run: () => this.panel.hide() },
      ],
      p.inputs[0] ?? null,
      'save',
    );
  }

  private offerFill(p: MfaPrompt, q: QueryReply, host: string): void {
    const anchor = p.inputs[0]!;
    if (q.accounts.length === 0) {
      if (q.activation.profile === 'iamconnected')
        this.panel.show('info', this.t.noAccount(host), [], anchor, 'no-account');
      return;
    }
    const clockNote =
      q.clock?.warn && !q.clock.compensated
        ? this.t.clockOff(Math.round(Math.abs(q.clock.offsetMs) / 1000))
        : '';
    const account =
      q.accounts.find((a) => a.id === q.chosen) ?? (q.accounts.length === 1 ? q.accounts[0] : undefined);
    if (!account) {
      this.panel.show(
        'info',
        `${this.t.whichAccount(host)}${clockNote}`,
        q.accounts.slice(0, 4).map((a, i) => ({
          label: a.name,
          primary: i === 0,
          run: () => {
            void this.call({ type: 'fill.choose', accountId: a.id }).then(() => this.fill(p, a.id, q));
          },
        })),
        anchor,
        'choose',
      );
      return;
    }
    const step = `${account.id}|${Math.floor(Date.now() / 30_000)}`;
    if (q.activation.mode === 'auto' && !this.autoFilled.has(step)) {
      this.autoFilled.add(step);
      void this.fill(p, account.id, q);
      return;
    }
    this.panel.show(
      q.clock?.warn && !q.clock.compensated ? 'warn' : 'info',
      `${this.t.fillOffer(account.name)}${clockNote}`,
      [{ label: this.t.fill, primary: true, run: () => void this.fill(p, account.id, q) }],
      anchor,
      'fill',
    );
  }

  private async fill(p: MfaPrompt, accountId: string, q: QueryReply): Promise<void> {
    try {
      const { code } = await this.call({ type: 'fill.code', accountId });
      const r = await fillCode(p, code);
      if (!r.ok) {
        this.panel.show(
          'warn',
          this.t.fillFailed(r.reason ?? 'unknown'),
          [],
          p.inputs[0] ?? null,
          'fill-failed',
        );
        return;
      }
      this.panel.flash(
        'ok',
        q.clock?.warn ? this.t.filledClock(q.clock.compensated) : this.t.filled,
        'filled',
      );
      if (q.autoSubmit && p.submit?.isConnected) p.submit.click();
    } catch (e) {
      this.panel.show(
        'warn',
        e instanceof Error ? e.message : this.t.error,
        [],
        p.inputs[0] ?? null,
        'error',
      );
    }
  }
}
