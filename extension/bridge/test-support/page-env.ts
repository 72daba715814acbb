/**
 * Test harness for the page bridge and relay under happy-dom: the real page script and the real relay
 * joined by a real MessageChannel, with a scripted background on the other end of the runtime port
 * (the background is not what these tests test; its own tests and the browser E2E cover it).
 */

import { toBase64Url } from '@shared/webauthn/index.js';
import type { BridgeMode } from '../../sites/bridge-mode';
import { installPageBridge, type PageBridge, type PageBridgeOptions } from '../page/page-bridge';
import { installRelay, type RelayRuntime, type RuntimePortLike } from '../relay';
import type { BridgeReply, RelayToBackground } from '../wire';

export type PageWindow = Window & typeof globalThis;

export interface ScriptedPort {
  received: RelayToBackground[];
  /** Answers request `rid` (default: the latest request on this port). */
  send(reply: BridgeReply, rid?: string): void;
  /** Posts anything on the port, as a confused or compromised background might. */
  sendRaw(message: unknown): void;
  disconnected: boolean;
  /** Closes the port from the background's side (service worker stopped, extension reloaded). */
  drop(): void;
}

export interface Harness {
  win: PageWindow;
  bridge: PageBridge;
  ports: ScriptedPort[];
  /** Called for each request the relay forwards; answer through `port.send`. */
  onRequest: (port: ScriptedPort, request: Extract<RelayToBackground, { t: 'request' }>) => void;
  modeQueries: number;
  /** What the background says of a fallback request's browser access (default: no answer). */
  browserHid?: 'none' | 'some' | 'unknown';
  /** Mode queries made for a request (`forRequest`), as opposed to the relay's early one. */
  requestQueries: number;
  /** Every message the page script sent to the relay, in order. */
  pageToRelay: Array<{ t: string }>;
}

/** Everything the relay sent to the background, over all the ports it opened. */
export function sentToBackground(h: Harness): RelayToBackground[] {
  return h.ports.flatMap((p) => p.received);
}

/** Gives happy-dom's window the browser's WebAuthn surface (as a browser with WebAuthn has). */
/** A browser's own WebAuthn that fails every call at once with `failWith` (default NotAllowedError). */
export function addNativeWebAuthn(win: PageWindow, calls: string[], failWith = 'NotAllowedError'): void {
  const w = win as unknown as Record<string, unknown>;
  class CredentialsContainer {
    create(options?: CredentialCreationOptions): Promise<unknown> {
      calls.push(`native.create${options?.publicKey ? '' : ':no-publicKey'}`);
      return Promise.reject(new DOMException('native dialog dismissed', failWith));
    }
    get(options?: CredentialRequestOptions): Promise<unknown> {
      calls.push(`native.get${options?.mediation === 'conditional' ? ':conditional' : ''}`);
      return Promise.reject(new DOMException('native dialog dismissed', failWith));
    }
  }
  class Credential {}
  class PublicKeyCredential extends Credential {}
  class AuthenticatorResponse {}
  class AuthenticatorAttestationResponse extends AuthenticatorResponse {}
  class AuthenticatorAssertionResponse extends AuthenticatorResponse {}
  Object.assign(w, {
    CredentialsContainer,
    Credential,
    PublicKeyCredential,
    AuthenticatorResponse,
    AuthenticatorAttestationResponse,
    AuthenticatorAssertionResponse,
  });
  const container = Object.create(CredentialsContainer.prototype) as object;
  Object.defineProperty(Object.getPrototypeOf(win.navigator), 'credentials', {
    get: () => container,
    configurable: true,
  });
}

/** A browser without WebAuthn (Firefox with security.webauth.webauthn off): no credentials, no classes. */
export function removeWebAuthn(win: PageWindow): void {
  const w = win as unknown as Record<string, unknown>;
  for (const name of [
    'PublicKeyCredential',
    'AuthenticatorAttestationResponse',
    'AuthenticatorAssertionResponse',
  ]) {
    delete w[name];
  }
  Object.defineProperty(Object.getPrototypeOf(win.navigator), 'credentials', {
    get: () => undefined,
    configurable: true,
  });
}

export function setUp(win: PageWindow, mode: BridgeMode, options: PageBridgeOptions = {}): Harness {
  // Node's MessageChannel, with the page's side of each channel recorded.
  class RecordedChannel extends MessageChannel {
    constructor() {
      super();
      const port = this.port1;
      const send = port.postMessage.bind(port);
      port.postMessage = (message: unknown) => {
        harness.pageToRelay.push(message as { t: string });
        send(message);
      };
    }
  }
  (win as unknown as { MessageChannel: typeof MessageChannel }).MessageChannel = RecordedChannel;
  Object.defineProperty(win, 'isSecureContext', { value: true, configurable: true });
  const harness: Harness = {
    win,
    bridge: undefined as unknown as PageBridge,
    ports: [],
    onRequest: () => {},
    modeQueries: 0,
    requestQueries: 0,
    pageToRelay: [],
  };
  const runtime: RelayRuntime = {
    sendMessage: async (message) => {
      harness.modeQueries++;
      if ((message as { forRequest?: boolean }).forRequest) {
        harness.requestQueries++;
        return harness.browserHid ? { mode, browserHid: harness.browserHid } : { mode };
      }
      return { mode };
    },
    connect: (): RuntimePortLike => {
      const messageListeners: Array<(m: unknown) => void> = [];
      const disconnectListeners: Array<() => void> = [];
      const lastRequestId = () =>
        [...scripted.received].reverse().find((m) => m.t === 'request')?.rid ?? 'no-request';
      const deliver = (message: unknown) => {
        setTimeout(() => {
          for (const l of messageListeners) l(message);
        }, 0);
      };
      const scripted: ScriptedPort = {
        received: [],
        disconnected: false,
        send: (reply, rid) => deliver({ rid: rid ?? lastRequestId(), reply }),
        sendRaw: deliver,
        drop: () => {
          scripted.disconnected = true;
          setTimeout(() => {
            for (const l of disconnectListeners) l();
          }, 0);
        },
      };
      harness.ports.push(scripted);
      return {
        postMessage: (message) => {
          if (scripted.disconnected) throw new Error('Attempting to use a disconnected port object');
          const m = message as RelayToBackground;
          scripted.received.push(m);
          if (m.t === 'request') setTimeout(() => harness.onRequest(scripted, m), 0);
        },
        disconnect: () => {
          scripted.disconnected = true;
        },
        onMessage: { addListener: (l) => messageListeners.push(l) },
        onDisconnect: { addListener: (l) => disconnectListeners.push(l) },
      };
    },
  };
  installRelay(win, runtime);
  // happy-dom's postMessage does not transfer ports: deliver the open message as the browser would.
  const post = (message: unknown, port: MessagePort) => {
    setTimeout(() => {
      win.dispatchEvent(new win.MessageEvent('message', { data: message, source: win, ports: [port] }));
    }, 0);
  };
  harness.bridge = installPageBridge(win, { post, relayAnswerMs: 300, ...options });
  return harness;
}

const b64 = (text: string) => toBase64Url(new TextEncoder().encode(text));
const bytes = (...values: number[]) => toBase64Url(Uint8Array.from(values));

/** Fixture responses: shapes as the host sends them; the bytes are arbitrary (these tests check plumbing). */
export const FIXTURE_REGISTRATION = {
  id: bytes(1, 2, 3, 4),
  rawId: bytes(1, 2, 3, 4),
  type: 'public-key',
  authenticatorAttachment: 'cross-platform',
  clientExtensionResults: { credProps: { rk: false } },
  response: {
    clientDataJSON: b64('{"type":"webauthn.create"}'),
    attestationObject: bytes(0xa3, 0x63, 0x66, 0x6d, 0x74),
    authenticatorData: bytes(0x49, 0x96, 0x0d, 0xe5, 0x41),
    publicKey: bytes(0x30, 0x59, 0x30, 0x13),
    publicKeyAlgorithm: -7,
    transports: ['usb'],
  },
} as const;

export const FIXTURE_ASSERTION = {
  id: bytes(1, 2, 3, 4),
  rawId: bytes(1, 2, 3, 4),
  type: 'public-key',
  authenticatorAttachment: 'cross-platform',
  clientExtensionResults: {},
  response: {
    clientDataJSON: b64('{"type":"webauthn.get"}'),
    authenticatorData: bytes(0x49, 0x96, 0x0d, 0xe5, 0x01),
    signature: bytes(0x30, 0x45, 0x02, 0x21),
    userHandle: b64('user'),
  },
} as const;
