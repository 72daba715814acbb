// `npm run virtual-key -- --ctap u2f`: a U2F-only key from the CLI, with manual touch from stdin, used by
// the built host (fido-u2f registration verified by SimpleWebAuthn), its attestation kept in --state.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCtap } from '@shared/cbor/index.js';
import { type RegistrationResponseJSON, verifyRegistrationResponse } from '@simplewebauthn/server';
import { describe, expect, it } from 'vitest';
import { b64u } from './harness.js';
import { keyCliPerTest } from './key-cli.js';
import { freeUdpPort } from './ports.js';

const { startKeyCli, startHostOn } = keyCliPerTest();

describe('virtual key CLI in U2F mode', () => {
  it('--ctap u2f: the host registers through it after Enter, and the state keeps the attestation', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'mfa-bridge-vk-u2f-')), 'key.json');
    const [port, hostPort] = [await freeUdpPort(), await freeUdpPort()];
    const key = await startKeyCli([
      '--port',
      String(port),
      '--host-port',
      String(hostPort),
      '--ctap',
      'u2f',
      '--touch',
      'manual',
      '--state',
      state,
    ]);
    expect(key.stderr()).toContain('(U2F only, touch: manual, 0 credentials)');
    const host = startHostOn(port, hostPort);
    const challenge = b64u(randomBytes(32));
    host.send({
      id: 'c1',
      type: 'webauthn.create',
      origin: 'https://example.com',
      options: {
        rp: { id: 'example.com', name: 'Example' },
        user: { id: b64u(randomBytes(8)), name: 'bob', displayName: 'Bob' },
        challenge,
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        attestation: 'direct',
      },
    });
    await host.next((m) => m.id === 'c1' && m.event === 'touch');
    await expect.poll(() => key.stderr().includes('touch needed: press Enter')).toBe(true);
    key.child.stdin!.write('\n');
    const reply = await host.reply('c1');
    expect(reply.error).toBeUndefined();
    const verified = await verifyRegistrationResponse({
      response: reply.result as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: 'https://example.com',
      expectedRPID: 'example.com',
      requireUserVerification: false,
    });
    expect(verified.registrationInfo!.fmt).toBe('fido-u2f');
    const saved = JSON.parse(readFileSync(state, 'utf8')) as {
      credentials: unknown[];
      u2f?: { certificate: string; counter: number };
    };
    // U2F credentials live in their key handles, not in the state.
    expect(saved.credentials).toHaveLength(0);
    // The certificate in the attestation statement is the one the state file keeps.
    const attObj = decodeCtap(verified.registrationInfo!.attestationObject) as Map<string, unknown>;
    const x5c = (attObj.get('attStmt') as Map<string, unknown>).get('x5c') as Uint8Array[];
    expect(Buffer.from(x5c[0]!).toString('base64')).toBe(saved.u2f?.certificate);
  });

  it('refuses an unknown --ctap value, and a PIN for a U2F-only key', async () => {
    await expect(startKeyCli(['--ctap', '1.0'])).rejects.toThrow(/--ctap 1.0 is not 2.0, 2.1 or u2f/);
    await expect(startKeyCli(['--ctap', 'u2f', '--pin', '1234'])).rejects.toThrow(/--pin has no meaning/);
  });
});
