// `npm run virtual-key`: the CLI process, manual touch from stdin, and a state file that keeps
// credentials across restarts.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { b64u } from './harness.js';
import { keyCliPerTest } from './key-cli.js';
import { freeUdpPort } from './ports.js';

const { spawnKeyCli, startKeyCli, startHostOn } = keyCliPerTest();

describe('virtual key CLI', () => {
  it('waits for Enter with --touch manual, keeps state in --state, never prints the PIN', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfa-bridge-vk-'));
    const state = join(dir, 'key.json');
    const port = await freeUdpPort();
    const hostPort = await freeUdpPort();
    const args = ['--port', String(port), '--host-port', String(hostPort), '--state', state];
    const first = await startKeyCli([...args, '--pin', '97531', '--touch', 'manual']);
    expect(first.stderr()).toContain(`listening on 127.0.0.1:${port}, answering to port ${hostPort}`);
    expect(first.stderr()).toContain('PIN set');

    let host = startHostOn(port, hostPort);
    const challenge = b64u(randomBytes(32));
    host.send({
      id: 'c1',
      type: 'webauthn.create',
      origin: 'https://example.com',
      options: {
        rp: { name: 'Example' },
        user: { id: b64u(randomBytes(8)), name: 'a', displayName: 'A' },
        challenge,
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      },
    });
    await host.next((m) => m.event === 'pin-required');
    host.send({ id: 'c1', type: 'pin', pin: '97531' });
    await host.next((m) => m.event === 'touch');
    await new Promise((r) => setTimeout(r, 200));
    expect(first.stderr()).toContain('touch needed: press Enter');
    first.child.stdin!.write('\n');
    const created = await host.reply('c1');
    expect(created.ok).toBe(true);
    await host.close();
    first.child.kill('SIGTERM');
    await new Promise((r) => first.child.on('exit', r));

    expect(statSync(state).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(state, 'utf8'));
    expect(saved.credentials).toHaveLength(1);
    expect(JSON.stringify(saved)).not.toContain('97531');
    expect(first.stderr()).not.toContain('97531');

    // A new process on the same state still holds the credential and the PIN.
    const second = await startKeyCli([...args, '--touch', 'auto']);
    expect(second.stderr()).toContain('PIN set, 1 credentials');
    host = startHostOn(port, hostPort);
    host.send({
      id: 'g1',
      type: 'webauthn.get',
      origin: 'https://example.com',
      options: { challenge: b64u(randomBytes(32)), userVerification: 'discouraged' },
    });
    const got = await host.reply('g1');
    expect(got.ok).toBe(true);
    expect((got.result as { id: string }).id).toBe((created.result as { id: string }).id);
  });

  it('refuses bad options with a clear message', async () => {
    const { child, stderr } = spawnKeyCli(['--touch', 'sometimes']);
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(2);
    expect(stderr()).toContain('--touch "sometimes" is not auto, delay:MS or manual');
  });
});
