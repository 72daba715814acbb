// `browser-access`: which keys the built host reaches and whether the browser could reach each itself,
// the input of the bridge's `fallback` trigger "no HID access". The virtual key speaks UDP, a transport
// no browser has.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { b64u, errorOf, keyAndHostPerTest, ORIGIN, RP_ID } from './harness.js';

const { rig, setup } = keyAndHostPerTest();

describe('browser-access', () => {
  it('a key over UDP is reported as one the browser cannot reach', async () => {
    const { host: h } = await setup();
    h.send({ id: 'a1', type: 'browser-access' });
    expect(await h.reply('a1')).toEqual({
      id: 'a1',
      ok: true,
      result: {
        keys: [
          {
            transport: 'udp',
            product: expect.any(String),
            browser: 'unreachable',
            why: expect.stringMatching(/UDP/),
          },
        ],
      },
    });
  });

  it('no key answering: no keys (nothing to say about the browser)', async () => {
    const { host: h, key } = await setup();
    await key.close();
    rig.key = undefined;
    h.send({ id: 'a2', type: 'browser-access' });
    expect(await h.reply('a2', 10_000)).toMatchObject({ ok: true, result: { keys: [] } });
  });

  it('while a ceremony waits for a touch: DeviceError at once, and the ceremony goes on', async () => {
    const { host: h, key } = await setup({ touch: 'manual' });
    const challenge = b64u(randomBytes(32));
    h.send({
      id: 'c1',
      type: 'webauthn.create',
      origin: ORIGIN,
      options: {
        rp: { id: RP_ID, name: 'Example' },
        user: { id: b64u(randomBytes(16)), name: 'alice', displayName: 'Alice' },
        challenge,
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        authenticatorSelection: { userVerification: 'discouraged' },
        timeout: 30_000,
      },
    });
    await h.next((m) => m.id === 'c1' && m.event === 'touch');
    h.send({ id: 'a3', type: 'browser-access' });
    const busy = await h.reply('a3');
    expect(busy.ok).toBe(false);
    expect(errorOf(busy).name).toBe('DeviceError');
    key.touch();
    expect((await h.reply('c1')).ok).toBe(true);
  });
});
