// serveRelayPort: one frame's relay port carries many requests, told apart by `rid`. The native host
// on the other side is a scripted port speaking the host protocol (hello answered, requests recorded):
// what is tested here is the background's bookkeeping, not the host.
import { PROTOCOL_VERSION } from '@shared/protocol/index.js';
import { describe, expect, it } from 'vitest';
import type { FromPinUi, ToPinUi } from '../pin-wire';
import type { RuntimePortLike } from '../relay';
import type { BackgroundToRelay, RelayToBackground } from '../wire';
import { HostConnection, type NativePortLike } from './host-port';
import { PinPrompts } from './pin-ui';
import { ceremonyTimeout, KeyQueue, NO_FOCUS_MESSAGE, serveRelayPort } from './session';

const EXTENSION_ID = 'ext-id';
const ORIGIN = 'https://login.example.com';

/** PIN / touch windows opened by any rig. */
const windowsOpened: number[] = [];

interface Rig {
  /** Messages the relay port received from the background. */
  replies: BackgroundToRelay[];
  /** Requests the native host received (after hello). */
  hostRequests: Array<{ type: string; id: string; options?: Record<string, unknown> }>;
  /** URLs of the PIN / touch windows this rig opened. */
  windowUrls: string[];
  prompts: PinPrompts;
  send(message: unknown): void;
  disconnect(): void;
}

function rig(focus: { tab: boolean } = { tab: true }, keyQueue = new KeyQueue()): Rig {
  const hostRequests: Rig['hostRequests'] = [];
  const host = new HostConnection({
    connectNative: (): NativePortLike => {
      const listeners: Array<(m: unknown) => void> = [];
      return {
        postMessage(message) {
          const m = message as { type: string; id: string; options?: Record<string, unknown> };
          if (m.type === 'hello') {
            const answer = {
              id: m.id,
              ok: true,
              result: { protocol: PROTOCOL_VERSION, version: 't', transport: 'udp' },
            };
            queueMicrotask(() => {
              for (const l of listeners) l(answer);
            });
            return;
          }
          hostRequests.push({ type: m.type, id: m.id, ...(m.options ? { options: m.options } : {}) });
          // A request is never answered (the key waits for a touch) until it is cancelled.
          if (m.type === 'cancel') {
            const answer = { id: m.id, ok: false, error: { name: 'AbortError', message: 'cancelled' } };
            queueMicrotask(() => {
              for (const l of listeners) l(answer);
            });
          }
        },
        disconnect() {},
        onMessage: { addListener: (l) => listeners.push(l) },
        onDisconnect: { addListener() {} },
      };
    },
    lastErrorMessage: () => undefined,
  });
  const windowUrls: string[] = [];
  const prompts = new PinPrompts(
    {
      open: async (url) => {
        windowsOpened.push(1);
        windowUrls.push(url);
        return 1;
      },
      close: async () => {},
    },
    (token) => `pin.html?request=${token}`,
  );
  const relayListeners: Array<(m: unknown) => void> = [];
  const disconnectListeners: Array<() => void> = [];
  const replies: BackgroundToRelay[] = [];
  const port: RuntimePortLike = {
    postMessage: (m) => replies.push(m as BackgroundToRelay),
    disconnect() {},
    onMessage: { addListener: (l) => relayListeners.push(l) },
    onDisconnect: { addListener: (l) => disconnectListeners.push(l) },
  };
  serveRelayPort(
    port,
    { id: EXTENSION_ID, origin: ORIGIN, frameId: 0, tab: { id: 7 } },
    {
      host,
      extensionId: EXTENSION_ID,
      getAllFrames: async () => [],
      keyQueue,
      siteMode: async () => 'always',
      tabHasFocus: async () => focus.tab,
      credentials: { get: async () => undefined, put: async () => {} },
      prompts,
    },
  );
  return {
    replies,
    hostRequests,
    windowUrls,
    prompts,
    send: (m) => {
      for (const l of relayListeners) l(m);
    },
    disconnect: () => {
      for (const l of disconnectListeners) l();
    },
  };
}

const frame = {
  isSecureContext: true,
  permissions: null,
  userActivation: null,
  hasFocus: true,
  visible: true,
};
function getRequest(rid: string, rpId = 'example.com'): RelayToBackground {
  return {
    t: 'request',
    rid,
    op: 'get',
    options: { challenge: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', rpId },
    timeout: 60_000,
    frame,
  };
}
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('focus: only the focused, visible document may use a key', () => {
  it('a frame without focus, a hidden one, or a tab not active in the focused window: NotAllowedError, nothing asked or shown', async () => {
    const cases: Array<[string, Rig, RelayToBackground]> = [
      [
        'frame without focus',
        rig(),
        { ...getRequest('a'), frame: { ...frame, hasFocus: false } } as RelayToBackground,
      ],
      [
        'hidden document',
        rig(),
        { ...getRequest('b'), frame: { ...frame, visible: false } } as RelayToBackground,
      ],
      ['tab not focused (the frame claims focus)', rig({ tab: false }), getRequest('c')],
    ];
    windowsOpened.length = 0;
    for (const [what, r, request] of cases) {
      r.send(request);
      await settle();
      expect(
        r.replies.map((m) => m.reply),
        what,
      ).toEqual([{ t: 'error', name: 'NotAllowedError', message: NO_FOCUS_MESSAGE }]);
      expect(r.hostRequests, what).toEqual([]);
    }
    expect(windowsOpened).toEqual([]);
    // The same request from the focused document of the focused tab goes to the host.
    const ok = rig();
    ok.send(getRequest('d'));
    await settle();
    expect(ok.hostRequests.map((h) => h.type)).toEqual(['webauthn.get']);
  });
});

describe('what the bridge forwards is capped', () => {
  it('oversized options are refused with TypeError before the host sees them', async () => {
    const id = (bytes: number) => 'A'.repeat(Math.ceil((bytes * 4) / 3));
    const base = getRequest('x');
    const withOptions = (rid: string, extra: Record<string, unknown>): RelayToBackground =>
      ({
        ...base,
        rid,
        options: { ...(base as { options: object }).options, ...extra },
      }) as RelayToBackground;
    const cases: Array<[string, RelayToBackground]> = [
      ['a 2 MB extension input', withOptions('a', { extensions: { large: 'x'.repeat(2 * 1024 * 1024) } })],
      ['a 20 kB extension input', withOptions('b', { extensions: { large: 'x'.repeat(20 * 1024) } })],
      [
        '300 allowed credentials',
        withOptions('c', {
          allowCredentials: Array.from({ length: 300 }, () => ({ type: 'public-key', id: id(16) })),
        }),
      ],
      [
        'a credential ID over 1023 bytes',
        withOptions('d', { allowCredentials: [{ type: 'public-key', id: id(1030) }] }),
      ],
    ];
    for (const [what, request] of cases) {
      const r = rig();
      r.send(request);
      await settle();
      expect(
        r.replies.map((m) => (m.reply.t === 'error' ? m.reply.name : m.reply.t)),
        what,
      ).toEqual(['TypeError']);
      expect(r.hostRequests, what).toEqual([]);
    }
    // Within the limits, the same request goes to the host.
    const ok = rig();
    ok.send(
      withOptions('e', {
        allowCredentials: [{ type: 'public-key', id: id(1023) }],
        extensions: { appid: 'https://example.com' },
      }),
    );
    await settle();
    expect(ok.hostRequests.map((h) => h.type)).toEqual(['webauthn.get']);
  });
});

describe('one busy tab does not lock out the others', () => {
  it('a request from another tab waits in line and runs once the first has ended at the host', async () => {
    const line = new KeyQueue(2);
    const tabA = rig({ tab: true }, line);
    const tabB = rig({ tab: true }, line);
    const tabC = rig({ tab: true }, line);
    const tabD = rig({ tab: true }, line);
    tabA.send(getRequest('a'));
    await settle();
    tabB.send(getRequest('b'));
    tabC.send(getRequest('c'));
    await settle();
    // B and C wait; nobody is refused, and the host has only A.
    expect(tabB.replies).toEqual([]);
    expect(tabC.replies).toEqual([]);
    expect(tabB.hostRequests).toEqual([]);
    expect(line.length).toBe(2);
    // The line is bounded: a fourth tab is refused at once.
    tabD.send(getRequest('d'));
    await settle();
    expect(tabD.replies.map((m) => (m.reply.t === 'error' ? m.reply.name : m.reply.t))).toEqual([
      'NotAllowedError',
    ]);
    // C's tab closes while it waits: it leaves the line without reaching the host.
    tabC.disconnect();
    await settle();
    expect(line.length).toBe(1);
    // A's tab closes: A is cancelled at the host, and once the host has ended it B runs.
    tabA.disconnect();
    await settle();
    expect(tabA.hostRequests.map((q) => q.type)).toEqual(['webauthn.get', 'cancel']);
    expect(tabB.hostRequests.map((q) => q.type)).toEqual(['webauthn.get']);
    expect(tabC.hostRequests).toEqual([]);
    expect(line.length).toBe(0);
  });
});

describe('a page cannot hold the key longer than its own timeout, clamped to the WebAuthn L3 range', () => {
  it('takes the page’s timeout up to 600 s (180 s with userVerification discouraged)', () => {
    expect(ceremonyTimeout(1500, 'preferred')).toBe(1500);
    expect(ceremonyTimeout(3_600_000, 'preferred')).toBe(600_000);
    expect(ceremonyTimeout(3_600_000, undefined)).toBe(600_000);
    expect(ceremonyTimeout(3_600_000, 'discouraged')).toBe(180_000);
    expect(ceremonyTimeout(120_000, 'discouraged')).toBe(120_000);
  });
});

describe('serveRelayPort: many requests on one relay port', () => {
  it('answers each request under its own rid', async () => {
    const r = rig();
    r.send(getRequest('one', 'other.net'));
    r.send(getRequest('two', 'example.org'));
    await settle();
    expect(r.replies.map((m) => [m.rid, m.reply.t === 'error' ? m.reply.name : m.reply.t])).toEqual([
      ['one', 'SecurityError'],
      ['two', 'SecurityError'],
    ]);
    expect(r.hostRequests).toEqual([]);
  });

  it('a cancel that arrives while the request is still being checked: the host is never asked', async () => {
    const r = rig();
    r.send(getRequest('early'));
    r.send({ t: 'cancel', rid: 'early' });
    await settle();
    expect(r.hostRequests).toEqual([]);
    expect(r.replies).toEqual([
      { rid: 'early', reply: { t: 'error', name: 'AbortError', message: 'The operation was aborted.' } },
    ]);
  });

  it('cancel reaches the host for its own request only; a reused rid is ignored', async () => {
    const r = rig();
    r.send(getRequest('a'));
    await settle();
    expect(r.hostRequests.map((q) => q.type)).toEqual(['webauthn.get']);
    r.send(getRequest('a')); // same id again: not a second request
    r.send({ t: 'cancel', rid: 'unknown' });
    await settle();
    expect(r.hostRequests.map((q) => q.type)).toEqual(['webauthn.get']);
    expect(r.replies).toEqual([]);
    r.send({ t: 'cancel', rid: 'a' });
    await settle();
    expect(r.hostRequests.map((q) => q.type)).toEqual(['webauthn.get', 'cancel']);
    expect(r.replies.map((m) => [m.rid, m.reply.t])).toEqual([['a', 'error']]);
  });

  it('the port closing cancels every request on it', async () => {
    const r = rig();
    r.send(getRequest('x'));
    await settle();
    r.disconnect();
    await settle();
    expect(r.hostRequests.map((q) => q.type)).toEqual(['webauthn.get', 'cancel']);
    r.send(getRequest('y'));
    await settle();
    expect(r.hostRequests).toHaveLength(2);
  });

  it('malformed messages and more than eight requests at once are refused, nothing else is disturbed', async () => {
    const r = rig();
    r.send({ t: 'request', op: 'get' }); // no rid
    r.send({ t: 'request', rid: 'bad id!', op: 'get', options: {}, timeout: 1000, frame });
    r.send('garbage');
    await settle();
    expect(r.replies).toEqual([]);
    for (let i = 0; i < 9; i++) r.send(getRequest(`r${i}`));
    await settle();
    expect(r.replies.map((m) => [m.rid, m.reply.t === 'error' ? m.reply.name : m.reply.t])).toEqual([
      ['r8', 'NotAllowedError'],
    ]);
  });
});

describe('attestation needs consent', () => {
  function createRequest(rid: string, attestation?: string): RelayToBackground {
    return {
      t: 'request',
      rid,
      op: 'create',
      options: {
        rp: { name: 'Example', id: 'example.com' },
        user: { id: 'AQID', name: 'alice', displayName: 'Alice' },
        challenge: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        ...(attestation === undefined ? {} : { attestation }),
      },
      timeout: 60_000,
      frame,
    };
  }

  /** Our window for the rig's last opened URL, connected as the PIN page would connect. */
  function pinWindow(r: Rig): { shown: ToPinUi[]; post(message: FromPinUi): void; close(): void } {
    const shown: ToPinUi[] = [];
    const listeners: Array<(m: unknown) => void> = [];
    const url = `chrome-extension://ext-id/${r.windowUrls.at(-1)}`;
    const connected = r.prompts.connect(
      {
        postMessage: (m) => shown.push(m as ToPinUi),
        disconnect() {},
        onMessage: { addListener: (l) => listeners.push(l) },
        onDisconnect: { addListener() {} },
      },
      url,
      'chrome-extension://ext-id/',
    );
    expect(connected).toBe(true);
    return {
      shown,
      post: (m) => {
        for (const l of listeners) l(m);
      },
      close: () => r.prompts.windowRemoved(1),
    };
  }

  it('direct: the window asks which site wants the make and model; allowed, the host gets direct', async () => {
    const r = rig();
    r.send(createRequest('a', 'direct'));
    await settle();
    // Asked before the key: nothing reached the host yet.
    expect(r.hostRequests).toEqual([]);
    const win = pinWindow(r);
    expect(win.shown.at(-1)).toEqual({
      t: 'state',
      info: { origin: ORIGIN, rpId: 'example.com', op: 'create' },
      state: { kind: 'attestation' },
    });
    win.post({ t: 'attestation', allow: true });
    await settle();
    expect(r.hostRequests.map((q) => [q.type, q.options?.attestation])).toEqual([
      ['webauthn.create', 'direct'],
    ]);
    expect(win.shown.at(-1)?.state).toEqual({ kind: 'working' });
  });

  it('direct or enterprise declined (button, Cancel or a closed window): the registration goes on with none', async () => {
    const answers: Array<[string, (win: ReturnType<typeof pinWindow>) => void]> = [
      ["Don't allow", (win) => win.post({ t: 'attestation', allow: false })],
      ['Cancel (Escape)', (win) => win.post({ t: 'cancel' })],
      ['window closed', (win) => win.close()],
    ];
    for (const conveyance of ['direct', 'enterprise']) {
      for (const [what, decline] of answers) {
        const r = rig();
        r.send(createRequest('a', conveyance));
        await settle();
        expect(r.hostRequests, what).toEqual([]);
        decline(pinWindow(r));
        await settle();
        expect(
          r.hostRequests.map((q) => [q.type, q.options?.attestation]),
          `${conveyance}, ${what}`,
        ).toEqual([['webauthn.create', 'none']]);
        expect(r.replies, what).toEqual([]); // still running at the key, not refused
        r.disconnect();
      }
    }
  });

  it('none, indirect, no attestation or an unknown value: nothing asked, the host never gets direct', async () => {
    windowsOpened.length = 0;
    const cases: Array<[string | undefined, string | undefined]> = [
      ['none', 'none'],
      ['indirect', 'indirect'],
      [undefined, undefined],
      ['Direct', 'none'],
      ['bogus', 'none'],
    ];
    for (const [requested, forwarded] of cases) {
      const r = rig();
      r.send(createRequest('a', requested));
      await settle();
      expect(
        r.hostRequests.map((q) => [q.type, q.options?.attestation]),
        String(requested),
      ).toEqual([['webauthn.create', forwarded]]);
      r.disconnect();
    }
    expect(windowsOpened).toEqual([]);
  });

  it('the page aborting while the question is open ends the request; the host is never asked', async () => {
    const r = rig();
    r.send(createRequest('a', 'direct'));
    await settle();
    r.send({ t: 'cancel', rid: 'a' });
    await settle();
    expect(r.hostRequests).toEqual([]);
    expect(r.replies.map((m) => (m.reply.t === 'error' ? m.reply.name : m.reply.t))).toEqual(['AbortError']);
  });
});
