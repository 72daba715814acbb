// openKey decides between CTAP2 and the U2F fallback: no CBOR capability, CTAPHID_CBOR refused with
// ERR_INVALID_CMD, or GetInfo answered CTAP2_ERR_INVALID_COMMAND — against the virtual key's CTAPHID
// server and U2F side in-process.
import { describe, expect, it } from 'vitest';
import { CAPABILITY } from '../ctaphid/frames.js';
import {
  type DeviceDescriptor,
  type HidConnection,
  ReportQueue,
  type Transport,
} from '../transport/types.js';
import { CtapHidServer, type CtapHidServerOptions } from '../virtual-key/hid-server.js';
import { StateStore } from '../virtual-key/state.js';
import { ensureU2fAttestation, U2fAuthenticator } from '../virtual-key/u2f.js';
import { openKey } from './device.js';

const descriptor: DeviceDescriptor = { path: 'mem', product: 'in-memory key', transport: 'udp' };

async function transportFor(options: Partial<CtapHidServerOptions>): Promise<Transport> {
  const store = new StateStore();
  await ensureU2fAttestation(store);
  const u2f = new U2fAuthenticator(store);
  const queue = new ReportQueue();
  const server = new CtapHidServer({
    send: (r) => queue.push(r),
    handleMsg: (apdu) => u2f.handle(apdu, { testPresence: async () => true }),
    waitForTouch: async () => 'touched',
    ...options,
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
  return { name: 'memory', list: async () => [descriptor], open: async () => connection };
}

describe('openKey: CTAP2 or the U2F fallback', () => {
  it('a key without the CBOR capability is U2F-only (GetInfo is not even tried)', async () => {
    let cborCalls = 0;
    const t = await transportFor({
      capabilities: CAPABILITY.WINK,
      handleCbor: async () => {
        cborCalls++;
        return new Uint8Array([0]);
      },
    });
    const key = await openKey(t, descriptor);
    expect(key).toMatchObject({
      u2fOnly: true,
      info: { versions: ['U2F_V2'], options: {}, pinUvAuthProtocols: [] },
    });
    expect(key!.info.aaguid).toEqual(new Uint8Array(16));
    expect(cborCalls).toBe(0);
    await key!.close();
  });

  it('a key that claims CBOR but answers CTAPHID_CBOR with ERR_INVALID_CMD is U2F-only', async () => {
    const t = await transportFor({ capabilities: CAPABILITY.CBOR });
    const key = await openKey(t, descriptor);
    expect(key!.u2fOnly).toBe(true);
    await key!.close();
  });

  it('a key whose GetInfo answers CTAP2_ERR_INVALID_COMMAND is U2F-only', async () => {
    const t = await transportFor({ handleCbor: async () => new Uint8Array([0x01]) });
    const key = await openKey(t, descriptor);
    expect(key!.u2fOnly).toBe(true);
    expect(await key!.ctap1.version()).toBe('U2F_V2');
    await key!.close();
  });

  it('other GetInfo failures are not taken for U2F', async () => {
    const t = await transportFor({ handleCbor: async () => new Uint8Array([0x7f]) });
    await expect(openKey(t, descriptor)).rejects.toMatchObject({ name: 'CtapError', status: 0x7f });
  });
});
