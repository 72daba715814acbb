// The virtual key's U2F side, request by request: status words, user presence, persistence of the
// attestation certificate and credentials.
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeResponseApdu, encodeCommandApdu, SW, U2F_AUTH } from '../ctap1/apdu.js';
import {
  authenticateRequest,
  parseAuthentication,
  parseRegistration,
  registerRequest,
} from '../ctap1/messages.js';
import { StateStore } from './state.js';
import { ensureU2fAttestation, U2fAuthenticator } from './u2f.js';

const sha256 = (d: string) => new Uint8Array(createHash('sha256').update(d).digest());
const present = { testPresence: async () => true };
const absent = { testPresence: async () => false };

async function fresh(file?: string) {
  const store = new StateStore(file);
  await ensureU2fAttestation(store);
  return { store, key: new U2fAuthenticator(store) };
}

describe('virtual key U2F', () => {
  it('keeps one self-signed P-256 attestation certificate in the state file across starts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mfa-bridge-u2f-')), 'state.json');
    const { store } = await fresh(file);
    const first = store.state.u2f!;
    const cert = new X509Certificate(Buffer.from(first.certificate, 'base64'));
    expect(cert.subject).toContain('mfa-bridge virtual U2F key');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails).toMatchObject({ namedCurve: 'prime256v1' });
    const again = await fresh(file);
    expect(again.store.state.u2f).toEqual(first);
  });

  it('registers only with user presence, and authenticates per control byte', async () => {
    const { key, store } = await fresh();
    const app = sha256('example.com');
    const reg = encodeCommandApdu(registerRequest(sha256('c'), app));
    expect(decodeResponseApdu(await key.handle(reg, absent)).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect(store.state.credentials).toHaveLength(0);
    const ok = decodeResponseApdu(await key.handle(reg, present));
    expect(ok.sw).toBe(SW.NO_ERROR);
    const { keyHandle } = parseRegistration(ok.data);
    // Nothing is stored: the private key is sealed in the 61-byte key handle, bound to the app.
    expect(store.state.credentials).toHaveLength(0);
    expect(keyHandle).toHaveLength(61);

    const auth = (mode: number, kh = keyHandle, appParam = app) =>
      encodeCommandApdu(authenticateRequest(mode as 3, sha256('x'), appParam, kh));
    const sw = async (apdu: Uint8Array, ctx = present) => decodeResponseApdu(await key.handle(apdu, ctx)).sw;
    expect(await sw(auth(U2F_AUTH.CHECK_ONLY))).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect(await sw(auth(U2F_AUTH.CHECK_ONLY, keyHandle, sha256('other')))).toBe(SW.WRONG_DATA);
    expect(await sw(auth(U2F_AUTH.ENFORCE_USER_PRESENCE), absent)).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect(await sw(auth(0x05))).toBe(SW.WRONG_DATA);
    const signed = decodeResponseApdu(await key.handle(auth(U2F_AUTH.ENFORCE_USER_PRESENCE), present));
    expect(parseAuthentication(signed.data)).toMatchObject({ userPresence: 1, counter: 1 });
    const silent = decodeResponseApdu(await key.handle(auth(U2F_AUTH.DONT_ENFORCE_USER_PRESENCE), absent));
    expect(parseAuthentication(silent.data)).toMatchObject({ userPresence: 0, counter: 2 });
    expect(store.state.u2f!.counter).toBe(2);
    // A handle with one bit flipped does not open.
    const tampered = keyHandle.slice();
    tampered[20]! ^= 1;
    expect(await sw(auth(U2F_AUTH.CHECK_ONLY, tampered))).toBe(SW.WRONG_DATA);
    expect(await sw(auth(U2F_AUTH.CHECK_ONLY, keyHandle.slice(0, 60)))).toBe(SW.WRONG_DATA);
  });

  it('answers arbitrary APDUs with a status word, never throwing', async () => {
    const { key } = await fresh();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 0x80),
        fc.constantFrom(1, 2, 3, 0x40),
        fc.constantFrom(0, 3, 7, 8),
        fc.uint8Array({ maxLength: 200 }),
        async (cla, ins, p1, body) => {
          const reply = await key.handle(new Uint8Array([cla, ins, p1, 0, ...body]), present);
          expect(reply.length).toBeGreaterThanOrEqual(2);
        },
      ),
      { numRuns: 300 },
    );
  });
});
