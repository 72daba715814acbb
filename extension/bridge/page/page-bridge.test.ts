import { Window } from 'happy-dom';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  addNativeWebAuthn,
  FIXTURE_ASSERTION,
  FIXTURE_REGISTRATION,
  type PageWindow,
  removeWebAuthn,
  sentToBackground,
  setUp,
} from '../test-support/page-env';

let happy: Window;
let win: PageWindow;
const challenge = new Uint8Array(32).fill(7);

function creationOptions(extra: Partial<PublicKeyCredentialCreationOptions> = {}): CredentialCreationOptions {
  return {
    publicKey: {
      rp: { name: 'Demo', id: 'localhost' },
      user: { id: new Uint8Array([1, 2, 3]), name: 'alice', displayName: 'Alice' },
      challenge,
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      ...extra,
    },
  };
}

function requestOptions(extra: Partial<PublicKeyCredentialRequestOptions> = {}): CredentialRequestOptions {
  return { publicKey: { challenge, rpId: 'localhost', ...extra } };
}

// Each test gets a fresh happy-dom window.
let calls: string[];
beforeEach(() => {
  calls = [];
  happy = new Window({ url: 'https://localhost:8443/' });
  win = happy as unknown as PageWindow;
});
afterEach(async () => {
  await happy.happyDOM.close();
});

describe('browser without WebAuthn, bridge provides it (mode always)', () => {
  test('create resolves to a page-realm PublicKeyCredential with ArrayBuffers, toJSON and methods', async () => {
    removeWebAuthn(win);
    const h = setUp(win, 'always', { provide: true });
    h.onRequest = (port, request) => {
      expect(request.op).toBe('create');
      expect(request.options.challenge).toBe('BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc');
      expect(request.options.user).toEqual({ id: 'AQID', name: 'alice', displayName: 'Alice' });
      expect(request.frame.isSecureContext).toBe(true);
      port.send({ t: 'created', credential: structuredClone(FIXTURE_REGISTRATION) as never });
    };
    expect(typeof win.PublicKeyCredential).toBe('function');
    expect(win.navigator.credentials).toBeDefined();
    const cred = (await win.navigator.credentials.create(creationOptions())) as PublicKeyCredential;
    expect(cred).toBeInstanceOf(win.PublicKeyCredential);
    expect(cred.response).toBeInstanceOf(win.AuthenticatorAttestationResponse);
    const response = cred.response as AuthenticatorAttestationResponse;
    expect(cred.rawId).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(cred.rawId)]).toEqual([1, 2, 3, 4]);
    expect(new TextDecoder().decode(response.clientDataJSON)).toBe('{"type":"webauthn.create"}');
    expect(response.attestationObject).toBeInstanceOf(ArrayBuffer);
    expect(response.getTransports()).toEqual(['usb']);
    expect(response.getPublicKeyAlgorithm()).toBe(-7);
    expect(response.getPublicKey()).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(response.getAuthenticatorData())]).toEqual([0x49, 0x96, 0x0d, 0xe5, 0x41]);
    expect(cred.authenticatorAttachment).toBe('cross-platform');
    expect(cred.getClientExtensionResults()).toEqual({ credProps: { rk: false } });
    expect(JSON.parse(JSON.stringify(cred))).toEqual(cred.toJSON());
    expect(cred.toJSON()).toEqual(FIXTURE_REGISTRATION);
    expect(await win.PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable()).toBe(false);
    expect(h.ports[0]!.received.map((m) => m.t)).toEqual(['request']);
  });

  test('get resolves to an assertion; the prototype path is bridged too', async () => {
    removeWebAuthn(win);
    const h = setUp(win, 'always', { provide: true });
    h.onRequest = (port, request) => {
      expect(request.op).toBe('get');
      expect(request.options).toMatchObject({
        rpId: 'localhost',
        allowCredentials: [{ type: 'public-key', id: 'AQIDBA' }],
      });
      port.send({ t: 'got', credential: structuredClone(FIXTURE_ASSERTION) as never });
    };
    const cred = (await win.navigator.credentials.get(
      requestOptions({ allowCredentials: [{ type: 'public-key', id: new Uint8Array([1, 2, 3, 4]) }] }),
    )) as PublicKeyCredential;
    expect(cred.response).toBeInstanceOf(win.AuthenticatorAssertionResponse);
    const response = cred.response as AuthenticatorAssertionResponse;
    expect(new TextDecoder().decode(response.userHandle!)).toBe('user');
    expect(response.signature).toBeInstanceOf(ArrayBuffer);
    expect(JSON.stringify(cred)).toBe(JSON.stringify(cred.toJSON()));
    expect(cred.toJSON()).toEqual(FIXTURE_ASSERTION);
  });

  test('host errors become page-realm DOMExceptions with the spec name', async () => {
    removeWebAuthn(win);
    const h = setUp(win, 'always', { provide: true });
    h.onRequest = (port) => port.send({ t: 'error', name: 'SecurityError', message: 'rpId is not allowed' });
    const error = await win.navigator.credentials
      .get(requestOptions({ rpId: 'evil.example' }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(win.DOMException);
    expect((error as DOMException).name).toBe('SecurityError');
  });

  test('an invalid dictionary rejects with TypeError and never reaches the relay', async () => {
    removeWebAuthn(win);
    const h = setUp(win, 'always', { provide: true });
    const error = await win.navigator.credentials
      .get({ publicKey: { rpId: 'localhost' } as unknown as PublicKeyCredentialRequestOptions })
      .catch((e) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(sentToBackground(h)).toEqual([]);
  });

  test('a hand-back where the browser has no WebAuthn rejects NotSupportedError', async () => {
    removeWebAuthn(win);
    const h = setUp(win, 'always', { provide: true });
    h.onRequest = (port) => port.send({ t: 'handback', reason: 'the native host is not installed' });
    const error = await win.navigator.credentials.get(requestOptions()).catch((e) => e);
    expect((error as DOMException).name).toBe('NotSupportedError');
  });
});

describe('abort and timeout', () => {
  test('an already-aborted signal rejects with its reason and sends nothing', async () => {
    removeWebAuthn(win);
    const h = setUp(win, 'always', { provide: true });
    const controller = new AbortController();
    controller.abort(new DOMException('gone', 'AbortError'));
    const error = await win.navigator.credentials
      .get({ ...requestOptions(), signal: controller.signal })
      .catch((e) => e);
    expect((error as DOMException).name).toBe('AbortError');
    expect(sentToBackground(h)).toEqual([]);
  });

  test('abort during the request cancels it at the background and rejects AbortError', async () => {
    removeWebAuthn(win);
    const h = setUp(win, 'always', { provide: true });
    const controller = new AbortController();
    let requested!: () => void;
    const requestSeen = new Promise<void>((resolve) => {
      requested = resolve;
    });
    h.onRequest = () => requested();
    const pending = win.navigator.credentials.get({ ...requestOptions(), signal: controller.signal });
    await requestSeen;
    controller.abort();
    const error = await pending.catch((e) => e);
    expect((error as DOMException).name).toBe('AbortError');
    await new Promise((r) => setTimeout(r, 20));
    const [request, cancel] = h.ports[0]!.received;
    expect([request?.t, cancel?.t]).toEqual(['request', 'cancel']);
    expect(cancel?.rid).toBe(request?.rid);
    // The frame's port stays open for its next request.
    expect(h.ports[0]!.disconnected).toBe(false);
  });

  test('timeout rejects NotAllowedError and cancels at the background', async () => {
    removeWebAuthn(win);
    const h = setUp(win, 'always', { provide: true });
    h.onRequest = () => {}; // the key never answers
    const error = await win.navigator.credentials.get(requestOptions({ timeout: 200 })).catch((e) => e);
    expect((error as DOMException).name).toBe('NotAllowedError');
    await new Promise((r) => setTimeout(r, 20));
    expect(h.ports[0]!.received.map((m) => m.t)).toEqual(['request', 'cancel']);
  });

  test('the background port dropping settles the request; the next request opens a new port', async () => {
    removeWebAuthn(win);
    const h = setUp(win, 'always', { provide: true });
    h.onRequest = (port) => port.drop();
    const error = await win.navigator.credentials.create(creationOptions()).catch((e) => e);
    expect((error as DOMException).name).toBe('NotAllowedError');
    expect((error as DOMException).message).toMatch(/stopped/);
    h.onRequest = (port) => port.send({ t: 'got', credential: structuredClone(FIXTURE_ASSERTION) as never });
    const cred = await win.navigator.credentials.get(requestOptions());
    expect(cred).toBeInstanceOf(win.PublicKeyCredential);
    expect(h.ports).toHaveLength(2);
    expect(h.ports[1]!.received.map((m) => m.t)).toEqual(['request']);
  });

  test('a bridged top frame opens one background port at load and uses it for every request', async () => {
    removeWebAuthn(win);
    const h = setUp(win, 'always', { provide: true });
    await new Promise((r) => setTimeout(r, 10));
    expect(h.ports).toHaveLength(1); // opened when the mode came back, before any request
    h.onRequest = (port) => port.send({ t: 'got', credential: structuredClone(FIXTURE_ASSERTION) as never });
    await win.navigator.credentials.get(requestOptions());
    await win.navigator.credentials.get(requestOptions());
    expect(h.ports).toHaveLength(1);
    const rids = h.ports[0]!.received.map((m) => m.rid);
    expect(rids).toHaveLength(2);
    expect(new Set(rids).size).toBe(2);
  });

  test('replies for another request id are ignored; an unreadable reply ends its own request', async () => {
    removeWebAuthn(win);
    const h = setUp(win, 'always', { provide: true });
    h.onRequest = (port, request) => {
      port.send({ t: 'got', credential: structuredClone(FIXTURE_ASSERTION) as never }, 'someone-else');
      port.sendRaw({ reply: { t: 'got' } });
      port.sendRaw('garbage');
      port.sendRaw({ rid: request.rid, reply: { t: 'got', credential: { id: 'not base64url!' } } });
    };
    const error = await win.navigator.credentials.get(requestOptions()).catch((e) => e);
    expect((error as DOMException).name).toBe('UnknownError');
    expect((error as DOMException).message).toMatch(/unreadable/);
  });
});

describe('browser with WebAuthn', () => {
  test('mode off: every request goes to the browser, nothing to the background', async () => {
    addNativeWebAuthn(win, calls);
    const h = setUp(win, 'off');
    await win.navigator.credentials.get(requestOptions()).catch(() => undefined);
    expect(calls).toEqual(['native.get']);
    expect(sentToBackground(h)).toEqual([]);
  });

  test('conditional requests are handed back at once, without asking the relay', async () => {
    addNativeWebAuthn(win, calls);
    const h = setUp(win, 'always');
    await win.navigator.credentials
      .get({ ...requestOptions(), mediation: 'conditional' })
      .catch(() => undefined);
    expect(calls).toEqual(['native.get:conditional']);
    expect(h.modeQueries).toBeLessThanOrEqual(1); // the relay's own early query only
    expect(sentToBackground(h)).toEqual([]);
  });

  test('non-WebAuthn requests go to the browser', async () => {
    addNativeWebAuthn(win, calls);
    const h = setUp(win, 'always');
    await win.navigator.credentials.create({} as CredentialCreationOptions).catch(() => undefined);
    expect(calls).toEqual(['native.create:no-publicKey']);
    expect(sentToBackground(h)).toEqual([]);
  });

  test('mode always: CredentialsContainer.prototype.get.call is bridged, result passes instanceof', async () => {
    addNativeWebAuthn(win, calls);
    const h = setUp(win, 'always');
    h.onRequest = (port) => port.send({ t: 'got', credential: structuredClone(FIXTURE_ASSERTION) as never });
    const proto = (win as unknown as { CredentialsContainer: { prototype: CredentialsContainer } })
      .CredentialsContainer.prototype;
    const cred = await proto.get.call(win.navigator.credentials, requestOptions());
    expect(cred).toBeInstanceOf(win.PublicKeyCredential);
    expect(calls).toEqual([]);
  });

  test('mode fallback: a NotSupportedError from the browser at once is retried through the bridge', async () => {
    addNativeWebAuthn(win, calls, 'NotSupportedError');
    const h = setUp(win, 'fallback');
    h.onRequest = (port) => port.send({ t: 'got', credential: structuredClone(FIXTURE_ASSERTION) as never });
    const cred = await win.navigator.credentials.get(requestOptions());
    expect(calls).toEqual(['native.get']);
    expect(cred).toBeInstanceOf(win.PublicKeyCredential);
  });

  test('mode fallback: a NotAllowedError from the browser at once (a focus refusal) is never retried through the host', async () => {
    addNativeWebAuthn(win, calls, 'NotAllowedError');
    const h = setUp(win, 'fallback');
    h.onRequest = (port) => port.send({ t: 'got', credential: structuredClone(FIXTURE_ASSERTION) as never });
    const error = await win.navigator.credentials.get(requestOptions()).catch((e) => e);
    expect((error as DOMException).name).toBe('NotAllowedError');
    expect((error as DOMException).message).toBe('native dialog dismissed');
    expect(calls).toEqual(['native.get']);
    expect(sentToBackground(h)).toEqual([]);
  });

  test('mode fallback, the browser cannot reach the keys the host sees: straight to the bridge', async () => {
    addNativeWebAuthn(win, calls);
    const h = setUp(win, 'fallback');
    h.browserHid = 'none';
    h.onRequest = (port) => port.send({ t: 'got', credential: structuredClone(FIXTURE_ASSERTION) as never });
    const cred = await win.navigator.credentials.get(requestOptions());
    expect(calls).toEqual([]); // the browser was never asked
    expect(cred).toBeInstanceOf(win.PublicKeyCredential);
    expect(h.requestQueries).toBe(1);
  });

  test('mode fallback, the browser can reach a key (or nobody knows): the browser first', async () => {
    for (const access of ['some', 'unknown'] as const) {
      calls.length = 0;
      const fresh = new Window({ url: 'https://localhost:8443/' });
      const w = fresh as unknown as PageWindow;
      addNativeWebAuthn(w, calls, 'NotSupportedError');
      const h = setUp(w, 'fallback');
      h.browserHid = access;
      h.onRequest = (port) =>
        port.send({ t: 'got', credential: structuredClone(FIXTURE_ASSERTION) as never });
      await w.navigator.credentials.get(requestOptions());
      expect(calls).toEqual(['native.get']);
      await fresh.happyDOM.close();
    }
  });

  test('mode always: asked once per document, later requests go straight out', async () => {
    addNativeWebAuthn(win, calls);
    const h = setUp(win, 'always');
    h.onRequest = (port) => port.send({ t: 'got', credential: structuredClone(FIXTURE_ASSERTION) as never });
    await win.navigator.credentials.get(requestOptions());
    await win.navigator.credentials.get(requestOptions());
    expect(h.requestQueries).toBe(0);
    expect(h.pageToRelay.map((m) => m.t)).toEqual(['query', 'request', 'close', 'request', 'close']);
  });

  test('mode always, then handed back (site switched off since): the next request asks again', async () => {
    addNativeWebAuthn(win, calls);
    const h = setUp(win, 'always');
    h.onRequest = (port) => port.send({ t: 'got', credential: structuredClone(FIXTURE_ASSERTION) as never });
    await win.navigator.credentials.get(requestOptions());
    h.onRequest = (port) => port.send({ t: 'handback', reason: 'the security-key bridge is off' });
    await win.navigator.credentials.get(requestOptions()).catch(() => undefined);
    expect(calls).toEqual(['native.get']);
    await win.navigator.credentials.get(requestOptions()).catch(() => undefined);
    expect(h.pageToRelay.filter((m) => m.t === 'query')).toHaveLength(2);
  });

  test('mode fallback: a failure after user interaction (slow) is the page’s answer', async () => {
    addNativeWebAuthn(win, calls);
    let t = 0;
    const h = setUp(win, 'fallback', {
      now: () => {
        t += 5000;
        return t;
      },
    });
    const error = await win.navigator.credentials.get(requestOptions()).catch((e) => e);
    expect((error as DOMException).name).toBe('NotAllowedError');
    expect((error as DOMException).message).toBe('native dialog dismissed');
    expect(sentToBackground(h)).toEqual([]);
  });

  test('hand-back from the background (host not installed) goes to the browser', async () => {
    addNativeWebAuthn(win, calls);
    const h = setUp(win, 'always');
    h.onRequest = (port) => port.send({ t: 'handback', reason: 'native host not installed' });
    await win.navigator.credentials.get(requestOptions()).catch(() => undefined);
    expect(calls).toEqual(['native.get']);
  });
});

describe('forged messages', () => {
  test('messages from another window, without a port, or malformed, open nothing', async () => {
    removeWebAuthn(win);
    const h = setUp(win, 'always', { provide: true });
    const { port2 } = new MessageChannel();
    const other = new MessageChannel().port1 as unknown as MessageEventSource;
    win.dispatchEvent(
      new win.MessageEvent('message', {
        data: { source: 'mfa-bridge/page', version: 1 },
        source: other,
        ports: [port2],
      }),
    );
    win.dispatchEvent(
      new win.MessageEvent('message', { data: { source: 'mfa-bridge/page', version: 1 }, source: win }),
    );
    win.dispatchEvent(
      new win.MessageEvent('message', {
        data: { source: 'mfa-bridge/page', version: 2 },
        source: win,
        ports: [port2],
      }),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(sentToBackground(h)).toEqual([]);
  });

  test('malformed requests over an open channel are ignored; a forged reply gets nothing', async () => {
    removeWebAuthn(win);
    const h = setUp(win, 'always', { provide: true });
    const channel = new MessageChannel();
    const replies: unknown[] = [];
    channel.port1.onmessage = (e) => replies.push(e.data);
    win.dispatchEvent(
      new win.MessageEvent('message', {
        data: { source: 'mfa-bridge/page', version: 1 },
        source: win,
        ports: [channel.port2],
      }),
    );
    channel.port1.postMessage({ t: 'request', op: 'get', options: 'not an object', timeout: 1000 });
    channel.port1.postMessage({ t: 'created', credential: FIXTURE_REGISTRATION });
    channel.port1.postMessage({ t: 'pin', pin: '1234' });
    await new Promise((r) => setTimeout(r, 30));
    expect(sentToBackground(h)).toEqual([]);
    expect(replies).toEqual([]);
    channel.port1.close();
  });
});
