/**
 * The isolated-world relay: takes the page script's per-request MessagePort, checks every message
 * against the schema, adds facts about the frame that only the isolated world can read without trusting
 * the page (secure context, permission policy, user activation), and forwards to the background over
 * one runtime port per frame, opened when the site turns out to be bridged (the top frame) or on first
 * use, and kept while the background lives: a request then costs no port set-up (about 2 ms of the
 * bridge's own 8 ms in Chromium). Messages from other windows, without a port, or of the wrong shape are
 * ignored: a page that forges messages gets nothing it could not get by calling WebAuthn itself, and the
 * background takes the origin from the browser.
 */
import * as v from 'valibot';
import type { BridgeMode } from '../sites/bridge-mode';
import {
  BackgroundToRelaySchema,
  BRIDGE_PORT_NAME,
  BridgeModeSchema,
  type BridgeReply,
  type FrameFacts,
  MODE_MESSAGE_TYPE,
  type ModeAnswer,
  ModeAnswerSchema,
  PageOpenSchema,
  PageToRelaySchema,
  type RelayToBackground,
} from './wire';

/** The subset of a runtime Port the relay uses (browser.runtime.Port in production). */
export interface RuntimePortLike {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

export interface RelayRuntime {
  connect(name: string): RuntimePortLike;
  sendMessage(message: unknown): Promise<unknown>;
}

type RelayWindow = Window & typeof globalThis;

interface FeaturePolicyLike {
  allowsFeature(feature: string): boolean;
}

/** Frame facts read from the isolated world's own view of the document. */
export function readFrameFacts(win: RelayWindow): FrameFacts {
  const doc = win.document as Document & {
    featurePolicy?: FeaturePolicyLike;
    permissionsPolicy?: FeaturePolicyLike;
  };
  const policy = doc.permissionsPolicy ?? doc.featurePolicy;
  let permissions: FrameFacts['permissions'] = null;
  if (policy && typeof policy.allowsFeature === 'function') {
    try {
      permissions = {
        create: policy.allowsFeature('publickey-credentials-create'),
        get: policy.allowsFeature('publickey-credentials-get'),
      };
    } catch {
      permissions = null;
    }
  }
  const activation = (win.navigator as Navigator & { userActivation?: { isActive: boolean } }).userActivation;
  let hasFocus = false;
  try {
    hasFocus = doc.hasFocus();
  } catch {
    hasFocus = false;
  }
  return {
    isSecureContext: win.isSecureContext === true,
    permissions,
    userActivation: activation ? activation.isActive : null,
    hasFocus,
    visible: doc.visibilityState === 'visible',
  };
}

function isTopFrame(win: RelayWindow): boolean {
  try {
    return win.top === win;
  } catch {
    return false;
  }
}

export interface Relay {
  /** The site mode as the background decided it (off on any failure). */
  mode(): Promise<BridgeMode>;
}

/** Handlers of one in-flight request on the shared background port. */
interface InFlight {
  reply(message: BridgeReply): void;
  /** The background port closed under the request. */
  gone(): void;
}

/** A request id: unique on this relay's port (the background takes nothing else from it). */
function newRequestId(): string {
  return crypto.randomUUID();
}

export function installRelay(win: RelayWindow, runtime: RelayRuntime): Relay {
  let modePromise: Promise<BridgeMode> | undefined;
  const mode = (): Promise<BridgeMode> => {
    modePromise ??= runtime
      .sendMessage({ type: MODE_MESSAGE_TYPE })
      .then((answer) => {
        const parsed = v.safeParse(v.object({ mode: BridgeModeSchema }), answer);
        return parsed.success ? parsed.output.mode : 'off';
      })
      .catch((): BridgeMode => 'off');
    return modePromise;
  };

  /** For a request on a fallback site: the mode again, with whether the browser can reach a key. */
  const fallbackAnswer = (): Promise<ModeAnswer> =>
    runtime
      .sendMessage({ type: MODE_MESSAGE_TYPE, forRequest: true })
      .then((answer): ModeAnswer => {
        const parsed = v.safeParse(ModeAnswerSchema, answer);
        return parsed.success ? parsed.output : { mode: 'fallback' };
      })
      .catch((): ModeAnswer => ({ mode: 'fallback' }));

  let background: RuntimePortLike | null = null;
  const inFlight = new Map<string, InFlight>();
  /** The frame's port to the background, opened on demand; throws when the extension went away. */
  const backgroundPort = (): RuntimePortLike => {
    if (background) return background;
    const port = runtime.connect(BRIDGE_PORT_NAME);
    background = port;
    port.onMessage.addListener((raw) => {
      const parsed = v.safeParse(BackgroundToRelaySchema, raw);
      if (parsed.success) {
        inFlight.get(parsed.output.rid)?.reply(parsed.output.reply);
        return;
      }
      // Addressed to a request but unreadable: that request ends; anything else is not ours to answer.
      const rid = (raw as { rid?: unknown } | null)?.rid;
      const request = typeof rid === 'string' ? inFlight.get(rid) : undefined;
      request?.reply({
        t: 'error',
        name: 'UnknownError',
        message: 'The extension sent an unreadable reply.',
      });
    });
    port.onDisconnect.addListener(() => {
      if (background !== port) return;
      background = null;
      const all = [...inFlight.values()];
      inFlight.clear();
      for (const request of all) request.gone();
    });
    return port;
  };

  // The top-level document asks early, so the answer is ready when the page calls (and the background
  // can start the host for a bridged site); subframes ask on first use, so a page full of frames does not
  // wake the background once per frame. A bridged top frame opens its background port now too.
  if (isTopFrame(win)) {
    void mode().then((m) => {
      if (m === 'off' || background) return;
      try {
        backgroundPort();
      } catch {
        // the extension went away; a request reports it
      }
    });
  }

  win.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== win) return;
    if (!v.is(PageOpenSchema, event.data)) return;
    const pagePort = event.ports[0];
    if (!pagePort || event.ports.length !== 1) return;
    serve(pagePort);
  });

  function serve(pagePort: MessagePort): void {
    let rid: string | null = null;
    let done = false;
    const reply = (message: BridgeReply) => {
      if (!done) pagePort.postMessage(message);
    };
    const end = () => {
      if (done) return;
      done = true;
      pagePort.onmessage = null;
      pagePort.close();
      if (rid !== null) inFlight.delete(rid);
    };
    pagePort.onmessage = (event: MessageEvent) => {
      const parsed = v.safeParse(PageToRelaySchema, event.data);
      if (!parsed.success) return;
      const message = parsed.output;
      switch (message.t) {
        case 'query':
          void mode()
            .then((m) => (m === 'fallback' ? fallbackAnswer() : { mode: m }))
            .then((answer) => reply({ t: 'mode', ...answer }));
          return;
        case 'request': {
          if (rid !== null || done) return; // one request per channel
          let port: RuntimePortLike;
          try {
            port = backgroundPort();
          } catch {
            reply({ t: 'handback', reason: 'the extension was updated or reloaded; reload the page.' });
            end();
            return;
          }
          const id = newRequestId();
          rid = id;
          inFlight.set(id, {
            reply(out) {
              reply(out);
              if (out.t !== 'ack' && out.t !== 'mode') end();
            },
            gone() {
              reply({ t: 'error', name: 'NotAllowedError', message: 'The security-key bridge stopped.' });
              end();
            },
          });
          const request: RelayToBackground = {
            t: 'request',
            rid: id,
            op: message.op,
            options: message.options,
            timeout: message.timeout,
            frame: readFrameFacts(win),
          };
          try {
            port.postMessage(request);
          } catch {
            inFlight.get(id)?.gone();
            return;
          }
          reply({ t: 'ack' });
          return;
        }
        case 'cancel':
          if (rid !== null && !done && background) {
            try {
              background.postMessage({ t: 'cancel', rid } satisfies RelayToBackground);
            } catch {
              // the port is gone: the background has cancelled the request itself
            }
          }
          end();
          return;
        case 'close':
          if (rid === null) end();
          return;
      }
    };
  }

  return { mode };
}
