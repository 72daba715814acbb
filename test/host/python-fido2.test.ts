// Debian's python3-fido2 (an independent CTAP2 client and WebAuthn server) drives the virtual key
// over the UDP wire: GetInfo, setPIN, wrong PIN, makeCredential with PIN, getAssertion verified by
// fido2.server.Fido2Server, and a discoverable-credential assertion.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startVirtualKey, type VirtualKey } from '../../native-host/src/virtual-key/index.js';
import { freeUdpPort } from './ports.js';

const SCRIPT = fileURLToPath(new URL('./fido2_udp.py', import.meta.url));

interface DriverResult {
  error?: string;
  ping: string;
  info: { versions: string[]; aaguid: string; options: Record<string, boolean>; pin_protocols: number[] };
  set_pin?: boolean;
  retries_after_set: number;
  wrong_pin?: string;
  retries_after_wrong?: number;
  token_length: number;
  registration: { fmt: string; uv: boolean; up: boolean; alg: number; credential_id_length: number };
  assertion: { verified: boolean; uv: boolean; counter: number };
  discoverable: { verified: boolean; user_id: string };
}

function drive(args: string[]): Promise<DriverResult> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/python3', [SCRIPT, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as DriverResult);
      } catch {
        reject(new Error(`python3-fido2 driver failed: ${err?.message ?? ''}\n${stdout}\n${stderr}`));
      }
    });
  });
}

let key: VirtualKey | undefined;
afterEach(async () => {
  await key?.close();
  key = undefined;
});

describe('virtual key driven by python3-fido2 0.9.1 over UDP', () => {
  for (const protocol of [1, 2] as const) {
    it(`setPIN, wrong PIN, makeCredential with PIN, verified assertions (PIN protocol ${protocol})`, async () => {
      const hostPort = await freeUdpPort();
      key = await startVirtualKey({ port: 0, hostPort });
      const r = await drive([
        '--port',
        String(key.port),
        '--listen-port',
        String(hostPort),
        '--pin',
        '4321',
        '--wrong-pin',
        '0000',
        '--protocol',
        String(protocol),
      ]);
      expect(r.error).toBeUndefined();
      expect(r.ping).toBe('mfa-bridge ping');
      expect(r.info.versions).toEqual(['FIDO_2_0', 'FIDO_2_1']);
      expect(r.info.options).toMatchObject({ rk: true, up: true, clientPin: false, pinUvAuthToken: true });
      expect(r.info.pin_protocols).toEqual([2, 1]);
      expect(r.set_pin).toBe(true);
      expect(r.retries_after_set).toBe(8);
      expect(r.wrong_pin).toBe('PIN_INVALID');
      expect(r.retries_after_wrong).toBe(7);
      expect(r.token_length).toBe(32);
      expect(r.registration).toEqual({
        fmt: 'packed',
        uv: true,
        up: true,
        alg: -7,
        credential_id_length: 32,
      });
      expect(r.assertion).toEqual({ verified: true, uv: true, counter: 1 });
      expect(r.discoverable).toEqual({ verified: true, user_id: 'user-1234' });
      expect(key.authenticator.pinSet).toBe(true);
    });
  }

  it('a key started with --pin takes that PIN (no setPIN needed)', async () => {
    const hostPort = await freeUdpPort();
    key = await startVirtualKey({ port: 0, hostPort, pin: '246810' });
    const r = await drive(['--port', String(key.port), '--listen-port', String(hostPort), '--pin', '246810']);
    expect(r.error).toBeUndefined();
    expect(r.info.options.clientPin).toBe(true);
    expect(r.set_pin).toBeUndefined();
    expect(r.assertion.verified).toBe(true);
  });
});
