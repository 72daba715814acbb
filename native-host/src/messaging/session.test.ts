// HostSession: one key operation at a time, except that a request arriving right after a cancelled one
// waits (bounded) for it to wind down. Runs against the virtual key's CTAPHID server and authenticator
// in-process; the touch is held back for the first request so that it is cancelled while it waits.
import { randomBytes } from 'node:crypto';
import type { HostMessage } from '@shared/protocol/index.js';
import { RegistrationResponseJSONSchema } from '@shared/protocol/index.js';
import { verifyRegistration } from '@shared/webauthn/index.js';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  type DeviceDescriptor,
  type HidConnection,
  ReportQueue,
  type Transport,
} from '../transport/types.js';
import type { TouchResult } from '../virtual-key/authenticator.js';
import { VirtualAuthenticator } from '../virtual-key/authenticator.js';
import { CtapHidServer } from '../virtual-key/hid-server.js';
import { StateStore } from '../virtual-key/state.js';
import { HostSession, type SessionOptions } from './session.js';

const ORIGIN = 'https://login.example.com';
const RP_ID = 'example.com';
const descriptor: DeviceDescriptor = { path: 'mem', product: 'in-memory key', transport: 'udp' };
const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');

/**
 * An in-memory virtual key. `holdTouches` requests wait for a touch that never comes (until CTAPHID
 * CANCEL); later ones are touched at once.
 */
function memoryKey(holdTouches: number) {
  const store = new StateStore();
  const authenticator = new VirtualAuthenticator(store);
  let held = 0;
  const waitForTouch = (signal: AbortSignal): Promise<TouchResult> => {
    if (held >= holdTouches) return Promise.resolve('touched');
    held++;
    return new Promise((resolve) => {
      if (signal.aborted) resolve('cancelled');
      signal.addEventListener('abort', () => resolve('cancelled'));
    });
  };
  const transport: Transport = {
    name: 'memory',
    list: async () => [descriptor],
    open: async () => {
      const queue = new ReportQueue();
      const server = new CtapHidServer({
        send: (r) => queue.push(r),
        handleCbor: (request, ctx) => authenticator.handle(request, ctx),
        waitForTouch,
      });
      const connection: HidConnection = {
        descriptor,
        write: async (r) => server.onReport(r),
        read: (ms) => queue.read(ms),
        close: async () => {
          queue.close();
          server.close();
        },
      };
      return connection;
    },
  };
  return { transport, authenticator };
}

/** A session whose sent messages are kept; `next` waits for one that matches. */
function sessionOn(transport: Transport, over: Partial<SessionOptions> = {}) {
  const messages: HostMessage[] = [];
  const listeners = new Set<() => void>();
  const session = new HostSession({
    transport,
    version: 'test',
    send: (m) => {
      messages.push(m);
      for (const l of [...listeners]) l();
    },
    ...over,
  });
  const next = (match: (m: HostMessage) => boolean): Promise<HostMessage> =>
    new Promise((resolve) => {
      const check = (): void => {
        const m = messages.find(match);
        if (m) {
          listeners.delete(check);
          resolve(m);
        }
      };
      listeners.add(check);
      check();
    });
  const reply = (id: string) => next((m) => m.id === id && 'ok' in m);
  return { session, messages, next, reply };
}

function createRequest(id: string) {
  const challenge = b64u(randomBytes(32));
  return {
    challenge,
    request: {
      id,
      type: 'webauthn.create',
      origin: ORIGIN,
      options: {
        rp: { id: RP_ID, name: 'Example' },
        user: { id: b64u(randomBytes(16)), name: 'alice@example.com', displayName: 'Alice' },
        challenge,
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        authenticatorSelection: { userVerification: 'discouraged', residentKey: 'discouraged' },
        timeout: 30_000,
      },
    },
  };
}

/** Lets the session finish its book-keeping after the last reply went out. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const errorOf = (m: HostMessage) => ('ok' in m && !m.ok ? m.error : undefined);

describe('HostSession: a request right after a cancelled one', () => {
  it('waits for the cancelled request to end, then runs; the cancelled one still gets AbortError', async () => {
    const { transport, authenticator } = memoryKey(1);
    const { session, next, reply, messages } = sessionOn(transport);
    session.handle(createRequest('c1').request);
    await next((m) => m.id === 'c1' && 'event' in m && m.event === 'touch');
    session.handle({ id: 'c1', type: 'cancel' });
    const second = createRequest('c2');
    session.handle(second.request);
    // Not refused at once: nothing has been answered to c2 yet.
    expect(messages.some((m) => m.id === 'c2' && 'ok' in m)).toBe(false);

    expect(errorOf(await reply('c1'))).toEqual({ name: 'AbortError', message: 'the request was cancelled' });
    const done = await reply('c2');
    expect(errorOf(done)).toBeUndefined();
    const order = messages.filter((m) => 'ok' in m).map((m) => m.id);
    expect(order).toEqual(['c1', 'c2']);
    const response = v.parse(RegistrationResponseJSONSchema, (done as { result: unknown }).result);
    const verified = await verifyRegistration({
      response,
      expectedChallenge: second.challenge,
      expectedOrigin: ORIGIN,
      expectedRpId: RP_ID,
      requireUserVerification: false,
    });
    expect(verified.credentialId).toBe(response.id);
    expect(authenticator.credentialCount).toBe(1);
    await settle();
    expect(session.busy).toBe(false);
  });

  it('still refuses a request at once while the pending one is not cancelled', async () => {
    const { transport } = memoryKey(1);
    const { session, next, reply } = sessionOn(transport);
    session.handle(createRequest('c1').request);
    await next((m) => m.id === 'c1' && 'event' in m && m.event === 'touch');
    session.handle(createRequest('c2').request);
    expect(errorOf(await reply('c2'))).toEqual({
      name: 'NotAllowedError',
      message: 'another security key request is in progress',
    });
    session.handle({ id: 'c1', type: 'cancel' });
    expect(errorOf(await reply('c1'))?.name).toBe('AbortError');
  });

  it('lets only one request wait: a second one is refused at once, the waiting one runs', async () => {
    const { transport } = memoryKey(1);
    const { session, next, reply, messages } = sessionOn(transport);
    session.handle(createRequest('c1').request);
    await next((m) => m.id === 'c1' && 'event' in m && m.event === 'touch');
    session.handle({ id: 'c1', type: 'cancel' });
    session.handle(createRequest('c2').request);
    session.handle(createRequest('c3').request);
    session.handle(createRequest('c2').request);
    const refused = messages.filter((m) => 'ok' in m);
    expect(refused.map((m) => [m.id, errorOf(m)?.message])).toEqual([
      ['c3', 'another security key request is in progress'],
      ['c2', 'request "c2" is already pending'],
    ]);
    expect(errorOf(await reply('c1'))?.name).toBe('AbortError');
    await next((m) => m.id === 'c2' && 'ok' in m && m.ok);
    expect(messages.filter((m) => m.id === 'c3' && 'ok' in m)).toHaveLength(1);
    await settle();
    expect(session.busy).toBe(false);
  });

  it('a waiting request can itself be cancelled (AbortError), and never reaches the key', async () => {
    const { transport, authenticator } = memoryKey(1);
    const { session, next, reply } = sessionOn(transport);
    session.handle(createRequest('c1').request);
    await next((m) => m.id === 'c1' && 'event' in m && m.event === 'touch');
    session.handle({ id: 'c1', type: 'cancel' });
    session.handle(createRequest('c2').request);
    session.handle({ id: 'c2', type: 'cancel' });
    expect(errorOf(await reply('c2'))).toEqual({ name: 'AbortError', message: 'the request was cancelled' });
    expect(errorOf(await reply('c1'))?.name).toBe('AbortError');
    expect(authenticator.credentialCount).toBe(0);
    await settle();
    expect(session.busy).toBe(false);
  });

  it('refuses the waiting request when the cancelled one does not end within the bound', async () => {
    // A transport whose device listing hangs until released: the cancelled ceremony cannot end.
    let release: (() => void) | undefined;
    const stuck: Transport = {
      name: 'stuck',
      list: () =>
        new Promise((resolve) => {
          release = () => resolve([]);
        }),
      open: () => Promise.reject(new Error('no device')),
    };
    const { session, reply } = sessionOn(stuck, { cancelledWaitMs: 50 });
    session.handle(createRequest('c1').request);
    while (!release) await settle();
    session.handle({ id: 'c1', type: 'cancel' });
    session.handle(createRequest('c2').request);
    expect(errorOf(await reply('c2'))).toEqual({
      name: 'NotAllowedError',
      message: 'another security key request is in progress',
    });
    release();
    expect(errorOf(await reply('c1'))?.name).toBe('AbortError');
    await settle();
    expect(session.busy).toBe(false);
  });

  it('a waiting request cancelled in its turn frees the slot for the next retry at once', async () => {
    const { transport } = memoryKey(1);
    const { session, next, reply } = sessionOn(transport);
    session.handle(createRequest('c1').request);
    await next((m) => m.id === 'c1' && 'event' in m && m.event === 'touch');
    session.handle({ id: 'c1', type: 'cancel' });
    session.handle(createRequest('c2').request);
    session.handle({ id: 'c2', type: 'cancel' });
    session.handle(createRequest('c3').request);
    expect(errorOf(await reply('c2'))?.name).toBe('AbortError');
    expect(errorOf(await reply('c1'))?.name).toBe('AbortError');
    expect(await reply('c3')).toMatchObject({ ok: true });
  });

  it('on shutdown, the waiting request is answered too', async () => {
    const { transport } = memoryKey(1);
    const { session, next, reply } = sessionOn(transport);
    session.handle(createRequest('c1').request);
    await next((m) => m.id === 'c1' && 'event' in m && m.event === 'touch');
    session.handle({ id: 'c1', type: 'cancel' });
    session.handle(createRequest('c2').request);
    session.shutdown();
    expect(errorOf(await reply('c2'))?.name).toBe('AbortError');
    expect(errorOf(await reply('c1'))?.name).toBe('AbortError');
  });
});
