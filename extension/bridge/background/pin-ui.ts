/**
 * The extension-owned PIN / touch window: one per pending request, opened by the background as a popup
 * window on an extension page (the web page cannot read it), showing the site and RP ID. It asks for the
 * PIN (or a new PIN), says "touch your key", shows wrong-PIN retries and final errors; closing it cancels.
 * Before a registration that asks for attestation it asks whether the site may see the key's make and
 * model (closing it then declines).
 */
import * as v from 'valibot';
import { FromPinUiSchema, type PinUiInfo, type PinUiState, type ToPinUi } from '../pin-wire';
import type { RuntimePortLike } from '../relay';

export interface WindowsApi {
  /** Opens `url` in a small popup window; resolves to its window id. */
  open(url: string): Promise<number>;
  close(windowId: number): Promise<void>;
}

export interface PromptHandlers {
  onPin(pin: string): void;
  /** The user answered the attestation question (allow: show the key's make and model to the site). */
  onAttestation?(allow: boolean): void;
  onCancel(): void;
}

export class PinPrompt {
  private windowId: number | null = null;
  private opening: Promise<void> | null = null;
  private port: RuntimePortLike | null = null;
  private state: PinUiState = { kind: 'working' };
  private closed = false;

  constructor(
    readonly token: string,
    readonly info: PinUiInfo,
    private readonly registry: PinPrompts,
    private readonly handlers: PromptHandlers,
  ) {}

  get isOpen(): boolean {
    return this.windowId !== null || this.opening !== null;
  }

  show(state: PinUiState): void {
    if (this.closed) return;
    this.state = state;
    this.push();
    if (!this.isOpen) {
      this.opening = this.registry.windows
        .open(this.registry.pageUrl(this.token))
        .then((id) => {
          this.windowId = id;
          if (this.closed) void this.registry.windows.close(id).catch(() => undefined);
        })
        .catch(() => {
          // No window: the request still ends through its timeout, cancel or the key.
        })
        .finally(() => {
          this.opening = null;
        });
    }
  }

  /** Updates an already-open window only (e.g. "touch your key" after the PIN). */
  update(state: PinUiState): void {
    if (this.isOpen) this.show(state);
    else this.state = state;
  }

  attach(port: RuntimePortLike): void {
    this.port = port;
    port.onMessage.addListener((raw) => {
      const parsed = v.safeParse(FromPinUiSchema, raw);
      if (!parsed.success || this.closed) return;
      if (parsed.output.t === 'pin') {
        this.state = { kind: 'working' };
        this.push();
        this.handlers.onPin(parsed.output.pin);
      } else if (parsed.output.t === 'attestation') {
        if (this.state.kind !== 'attestation') return; // only an answer to a question asked
        this.state = { kind: 'working' };
        this.push();
        this.handlers.onAttestation?.(parsed.output.allow);
      } else {
        this.handlers.onCancel();
      }
    });
    port.onDisconnect.addListener(() => {
      if (this.port === port) this.port = null;
    });
    this.push();
  }

  /** Called when the user closed the window. */
  windowRemoved(windowId: number): boolean {
    if (this.windowId !== windowId) return false;
    this.windowId = null;
    if (!this.closed) this.handlers.onCancel();
    return true;
  }

  private push(): void {
    if (!this.port) return;
    const message: ToPinUi = { t: 'state', info: this.info, state: this.state };
    this.port.postMessage(message);
  }

  /** Ends the prompt: closes the window now, or after showing a final error for a moment. */
  close(finalError?: string): void {
    if (this.closed) return;
    if (finalError !== undefined && this.isOpen) {
      this.state = { kind: 'error', message: finalError };
      this.push();
      this.closed = true;
      setTimeout(() => this.dispose(), 4000);
      return;
    }
    this.closed = true;
    this.dispose();
  }

  private dispose(): void {
    this.registry.forget(this.token);
    const id = this.windowId;
    this.windowId = null;
    if (id !== null) void this.registry.windows.close(id).catch(() => undefined);
    else if (this.opening) void this.opening.then(() => this.dispose());
  }
}

export class PinPrompts {
  private readonly prompts = new Map<string, PinPrompt>();

  constructor(
    readonly windows: WindowsApi,
    readonly pageUrl: (token: string) => string,
  ) {}

  create(info: PinUiInfo, handlers: PromptHandlers): PinPrompt {
    const token = crypto.randomUUID();
    const prompt = new PinPrompt(token, info, this, handlers);
    this.prompts.set(token, prompt);
    return prompt;
  }

  forget(token: string): void {
    this.prompts.delete(token);
  }

  /** A PIN page connected; `senderUrl` is the browser's word for which page it is. */
  connect(port: RuntimePortLike, senderUrl: string | undefined, ownPagePrefix: string): boolean {
    if (!senderUrl?.startsWith(ownPagePrefix)) return false;
    const token = new URL(senderUrl).searchParams.get('request');
    const prompt = token ? this.prompts.get(token) : undefined;
    if (!prompt) return false;
    prompt.attach(port);
    return true;
  }

  windowRemoved(windowId: number): void {
    for (const prompt of this.prompts.values()) if (prompt.windowRemoved(windowId)) return;
  }
}
