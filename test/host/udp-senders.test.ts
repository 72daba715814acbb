// The built host on the UDP wire takes CTAPHID reports only from the configured key's address and port:
// a report from another port on the same machine is dropped (the ceremony goes on with the real key)
// and counted in the debug log.
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { b64u, keyAndHostPerTest, ORIGIN, RP_ID } from './harness.js';

const { setup } = keyAndHostPerTest();

describe('UDP transport of the host', () => {
  it('drops a report sent from another port while the key waits for a touch, and logs it', async () => {
    const { host: h, key: k, hostPort } = await setup({ touch: 'manual' }, { MFA_BRIDGE_LOG: 'stderr' });
    const challenge = b64u(randomBytes(32));
    h.send({
      id: 'c1',
      type: 'webauthn.create',
      origin: ORIGIN,
      options: {
        rp: { id: RP_ID, name: 'Example' },
        user: { id: b64u(randomBytes(16)), name: 'alice@example.com', displayName: 'Alice' },
        challenge,
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        authenticatorSelection: { userVerification: 'discouraged' },
      },
    });
    await h.next((m) => m.id === 'c1' && m.event === 'touch');
    const intruder = createSocket('udp4');
    await new Promise<void>((r) => intruder.bind(0, '127.0.0.1', () => r()));
    // A CTAPHID_ERROR on the broadcast channel and garbage: neither may reach the host's CTAPHID layer.
    const forged = new Uint8Array(64);
    forged.set([0xff, 0xff, 0xff, 0xff, 0xbf, 0x00, 0x01, 0x7f]);
    for (const report of [forged, new Uint8Array(64).fill(0x55)]) {
      await new Promise<void>((r, j) =>
        intruder.send(report, hostPort, '127.0.0.1', (e) => (e ? j(e) : r())),
      );
    }
    intruder.close();
    k.touch();
    const reply = await h.reply('c1');
    expect(reply.ok).toBe(true);
    await expect
      .poll(() => h.stderr())
      .toContain('udp: dropped 2 report(s) from senders other than the configured device');
    expect(h.stderr()).toMatch(/udp: dropped a report from 127\.0\.0\.1:\d+/);
  });
});
