// Debian's python3-fido2 0.9.1 drives the virtual key's U2F side over the UDP wire: its Ctap1 class
// (APDUs, RegistrationData/SignatureData verification), check-only and wrong-handle status words, and its
// Fido2Client's CTAP1 fallback verified by its Fido2Server (fido-u2f attestation).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startVirtualKey, type VirtualKey } from '../../native-host/src/virtual-key/index.js';
import { freeUdpPort } from './ports.js';

const SCRIPT = fileURLToPath(new URL('./u2f_udp.py', import.meta.url));

interface U2fDriverResult {
  error?: string;
  cbor_capability: boolean;
  version: string;
  register: { verified: boolean; key_handle_length: number; public_key_length: number };
  check_only: string;
  check_only_other_app: string;
  wrong_handle: string;
  authenticate: { verified: boolean; user_presence: number; counter: number };
  client_uses_ctap1: boolean;
  webauthn_registration: { fmt: string; up: boolean; aaguid: string };
  webauthn_assertion: { verified: boolean; counter: number };
}

function drive(port: number, listenPort: number): Promise<U2fDriverResult> {
  return new Promise((resolve, reject) => {
    execFile(
      '/usr/bin/python3',
      [SCRIPT, '--port', String(port), '--listen-port', String(listenPort)],
      { timeout: 60_000 },
      (err, stdout, stderr) => {
        const line = stdout.trim().split('\n').pop() ?? '';
        try {
          resolve(JSON.parse(line) as U2fDriverResult);
        } catch {
          reject(new Error(`python3-fido2 U2F driver failed: ${err?.message ?? ''}\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

let key: VirtualKey | undefined;
afterEach(async () => {
  await key?.close();
  key = undefined;
});

describe('virtual key U2F side driven by python3-fido2 0.9.1 over UDP', () => {
  for (const ctapVersion of ['u2f', '2.1'] as const) {
    it(`U2F register/authenticate, check-only, wrong handle, and the CTAP1 WebAuthn fallback (--ctap ${ctapVersion})`, async () => {
      const hostPort = await freeUdpPort();
      key = await startVirtualKey({ port: 0, hostPort, ctapVersion });
      const r = await drive(key.port, hostPort);
      expect(r.error).toBeUndefined();
      expect(r.cbor_capability).toBe(ctapVersion !== 'u2f');
      expect(r.version).toBe('U2F_V2');
      expect(r.register).toEqual({ verified: true, key_handle_length: 61, public_key_length: 65 });
      expect(r.check_only).toBe('0x6985');
      expect(r.check_only_other_app).toBe('0x6A80');
      expect(r.wrong_handle).toBe('0x6A80');
      expect(r.authenticate).toEqual({ verified: true, user_presence: 1, counter: 1 });
      if (ctapVersion === 'u2f') {
        expect(r.client_uses_ctap1).toBe(true);
        expect(r.webauthn_registration).toEqual({
          fmt: 'fido-u2f',
          up: true,
          aaguid: '00000000000000000000000000000000',
        });
      } else {
        // A CTAP2 key: python-fido2's client speaks CTAP2 to it.
        expect(r.client_uses_ctap1).toBe(false);
        expect(r.webauthn_registration.fmt).toBe('packed');
      }
      // A U2F-only key has one global counter (the raw U2F authentication above was 1).
      expect(r.webauthn_assertion).toEqual({ verified: true, counter: ctapVersion === 'u2f' ? 2 : 1 });
    });
  }
});
