/**
 * The background's persistent host connection (extension/bridge/background/host-port.ts) against the
 * real native host process and the virtual key: one process for many requests, ids matched to replies,
 * progress events routed to their request, PIN and cancel on the same port, and clean failures when the
 * host is missing or exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { toBase64Url } from '@shared/webauthn/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HostConnection,
  HostUnavailableError,
  INSTALL_HINT,
  type NativePortLike,
} from '../../extension/bridge/background/host-port';
import type { VirtualKey } from '../../native-host/src/virtual-key/index';
import { ensureHostBuilt, HOST_LAUNCHER } from '../host/host-process';
import { startKey, transportEnv } from '../support/bridge';

/** A browser's native port, over a real host process (4-byte little-endian length + JSON). */
function nativePort(env: Record<string, string>, spawned: ChildProcess[]): NativePortLike {
  const child = spawn(HOST_LAUNCHER, ['chrome-extension://test/'], { env: { ...process.env, ...env } });
  spawned.push(child);
  const onMessage: Array<(m: unknown) => void> = [];
  const onDisconnect: Array<(p: { error?: { message?: string } }) => void> = [];
  let buffer = Buffer.alloc(0);
  child.stdout.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 4 && buffer.length >= 4 + buffer.readUInt32LE(0)) {
      const n = buffer.readUInt32LE(0);
      const message = JSON.parse(buffer.subarray(4, 4 + n).toString('utf8')) as unknown;
      buffer = buffer.subarray(4 + n);
      for (const l of onMessage) l(message);
    }
  });
  child.on('exit', () => {
    for (const l of onDisconnect) l({ error: { message: 'Native host has exited.' } });
  });
  return {
    postMessage(message) {
      const body = Buffer.from(JSON.stringify(message));
      const head = Buffer.alloc(4);
      head.writeUInt32LE(body.length, 0);
      child.stdin.write(Buffer.concat([head, body]));
    },
    disconnect() {
      child.kill();
    },
    onMessage: { addListener: (l) => onMessage.push(l) },
    onDisconnect: { addListener: (l) => onDisconnect.push(l) },
  };
}

const origin = 'https://login.example.com';
const createOptions = (uv: string) => ({
  rp: { name: 'Example', id: 'example.com' },
  user: { id: toBase64Url(randomBytes(8)), name: 'alice', displayName: 'Alice' },
  challenge: toBase64Url(randomBytes(32)),
  pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
  authenticatorSelection: { userVerification: uv },
});

describe('HostConnection with the real host and the virtual key', () => {
  let key: VirtualKey;
  const spawned: ChildProcess[] = [];
  let connects = 0;
  let host: HostConnection;

  beforeAll(async () => {
    ensureHostBuilt();
    key = await startKey({ touch: 'auto', pin: '1234' });
    host = new HostConnection({
      connectNative: () => {
        connects++;
        return nativePort(transportEnv(key), spawned);
      },
      lastErrorMessage: () => undefined,
    });
  });
  afterAll(async () => {
    host?.disconnect();
    for (const c of spawned) c.kill();
    await key?.close();
  });

  it('one host process serves hello, a create with its PIN events, and a get', async () => {
    await host.ensureHello();
    const events: string[] = [];
    const create = host.request(
      { type: 'webauthn.create', origin, options: createOptions('required') },
      (event) => {
        events.push(event.event);
        if (event.event === 'pin-required') host.notify({ type: 'pin', id: create.id, pin: '1234' });
      },
    );
    const created = await create.done;
    expect(created.ok).toBe(true);
    expect(events).toContain('pin-required');
    const rawId = (created as { ok: true; result: { rawId: string } }).result.rawId;

    const get = host.request({
      type: 'webauthn.get',
      origin,
      options: {
        challenge: toBase64Url(randomBytes(32)),
        rpId: 'example.com',
        allowCredentials: [{ type: 'public-key', id: rawId }],
        userVerification: 'discouraged',
      },
    });
    const got = await get.done;
    expect(got).toMatchObject({ ok: true, result: { rawId } });
    expect(connects).toBe(1);
  });

  it('a wrong PIN comes back as pin-invalid with the retries left', async () => {
    const events: Array<{ event: string; retries?: number }> = [];
    let attempts = 0;
    const create = host.request(
      { type: 'webauthn.create', origin, options: createOptions('required') },
      (event) => {
        events.push(event);
        if (event.event === 'pin-required' || event.event === 'pin-invalid') {
          attempts++;
          host.notify({ type: 'pin', id: create.id, pin: attempts === 1 ? '0000' : '1234' });
        }
      },
    );
    expect((await create.done).ok).toBe(true);
    const invalid = events.find((e) => e.event === 'pin-invalid');
    expect(invalid?.retries).toBeGreaterThan(0);
  });

  it('cancel ends a pending request with AbortError', async () => {
    const pending = host.request(
      { type: 'webauthn.create', origin, options: createOptions('required') },
      (event) => {
        if (event.event === 'pin-required') host.notify({ type: 'cancel', id: pending.id });
      },
    );
    expect(await pending.done).toMatchObject({ ok: false, error: { name: 'AbortError' } });
  });

  it('when the host exits, pending requests fail with HostUnavailableError and the next one reconnects', async () => {
    const pending = host.request(
      { type: 'webauthn.create', origin, options: createOptions('required') },
      (event) => {
        if (event.event === 'pin-required') spawned.at(-1)!.kill();
      },
    );
    await expect(pending.done).rejects.toBeInstanceOf(HostUnavailableError);
    await host.ensureHello();
    expect(connects).toBe(2);
  });
});

describe('HostConnection without a host', () => {
  it('a host the browser cannot find fails with the install hint', async () => {
    const missing = new HostConnection({
      connectNative: () => {
        const disconnect: Array<(p: { error?: { message?: string } }) => void> = [];
        setTimeout(() => {
          for (const l of disconnect) l({});
        }, 10);
        return {
          postMessage() {},
          disconnect() {},
          onMessage: { addListener() {} },
          onDisconnect: { addListener: (l) => disconnect.push(l) },
        };
      },
      lastErrorMessage: () => 'Specified native messaging host not found.',
    });
    const error = await missing.ensureHello().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostUnavailableError);
    expect((error as Error).message).toContain(INSTALL_HINT);
  });
});
