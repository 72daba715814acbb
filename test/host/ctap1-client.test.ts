// The host's CTAP1/U2F client against the virtual key over the UDP wire: U2F_VERSION, register and
// authenticate polled until touched (one touch callback), check-only, abort while polling, status words,
// short APDUs, and a U2F credential used through CTAP2 on a CTAP2 key (as real keys allow).
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ApduStatusError,
  decodeResponseApdu,
  encodeCommandApdu,
  SW,
} from '../../native-host/src/ctap1/apdu.js';
import { Ctap1 } from '../../native-host/src/ctap1/client.js';
import { versionRequest } from '../../native-host/src/ctap1/messages.js';
import { Ctap2 } from '../../native-host/src/ctap2/client.js';
import { CAPABILITY, CTAPHID_CMD } from '../../native-host/src/ctaphid/frames.js';
import type { VirtualKeyOptions } from '../../native-host/src/virtual-key/index.js';
import { keyDevicePerTest } from './harness.js';

const keyDevice = keyDevicePerTest({ ctapVersion: 'u2f' });

async function connect(options: VirtualKeyOptions = {}) {
  const { key, device } = await keyDevice.connect(options);
  return { ctap1: new Ctap1(device), device, key };
}

const sha256 = (d: Uint8Array | string) => new Uint8Array(createHash('sha256').update(d).digest());
const spki = (point: Uint8Array) =>
  createPublicKey({
    key: Buffer.concat([Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'), point]),
    format: 'der',
    type: 'spki',
  });
const swOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof ApduStatusError ? err.sw : err;
  }
};

describe('CTAP1 client over UDP', () => {
  it('a U2F-only key: no CBOR capability, U2F_V2, register and authenticate polled until touched', async () => {
    const { ctap1, device: d } = await connect({ touch: 'delay:300' });
    expect(d.capabilities & CAPABILITY.CBOR).toBe(0);
    expect(await ctap1.version()).toBe('U2F_V2');
    const app = sha256('example.com');
    let touches = 0;
    const reg = await ctap1.register(sha256('c1'), app, { onTouch: () => touches++ });
    expect(touches).toBe(1);
    expect(reg.keyHandle).toHaveLength(61);
    expect(await ctap1.checkKeyHandle(app, reg.keyHandle)).toBe(true);
    expect(await ctap1.checkKeyHandle(sha256('other.example'), reg.keyHandle)).toBe(false);
    expect(await ctap1.checkKeyHandle(app, randomBytes(64))).toBe(false);

    const clientParam = sha256('c2');
    const auth = await ctap1.authenticate(clientParam, app, reg.keyHandle, { onTouch: () => touches++ });
    expect(touches).toBe(2);
    expect(auth).toMatchObject({ userPresence: 1, counter: 1 });
    const signed = Buffer.concat([app, new Uint8Array([1, 0, 0, 0, 1]), clientParam]);
    expect(verify('sha256', signed, spki(reg.publicKey), auth.signature)).toBe(true);
    // Without polling: the first attempt after the touch was used up needs a new touch.
    expect(await swOf(ctap1.authenticateOnce(clientParam, app, reg.keyHandle))).toBe(
      SW.CONDITIONS_NOT_SATISFIED,
    );
    expect(await swOf(ctap1.authenticateOnce(clientParam, app, randomBytes(64)))).toBe(SW.WRONG_DATA);
  });

  it('aborting while it polls ends with AbortError, and the key stops waiting', async () => {
    const { ctap1, key: k } = await connect({ touch: 'manual', u2fPollLapseMs: 300 });
    const abort = new AbortController();
    const pending = ctap1.register(sha256('c'), sha256('example.com'), {
      signal: abort.signal,
      onTouch: () => setTimeout(() => abort.abort(), 200),
    });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(k.waitingForTouch).toBe(true);
    await expect.poll(() => k.waitingForTouch, { timeout: 3000 }).toBe(false);
    expect(k.authenticator.credentialCount).toBe(0);
  });

  it('status words for unknown instructions, classes and lengths; short APDUs work too', async () => {
    const { ctap1, device: d } = await connect();
    expect(await swOf(ctap1.send({ ins: 0x40 }))).toBe(SW.INS_NOT_SUPPORTED);
    expect(await swOf(ctap1.send({ cla: 0x80, ins: 0x03 }))).toBe(SW.CLA_NOT_SUPPORTED);
    expect(await swOf(ctap1.send({ ins: 0x01, data: new Uint8Array(10) }))).toBe(SW.WRONG_LENGTH);
    const short = decodeResponseApdu(
      await d.call(CTAPHID_CMD.MSG, encodeCommandApdu(versionRequest(), 'short')),
    );
    expect(short.sw).toBe(SW.NO_ERROR);
    expect(new TextDecoder().decode(short.data)).toBe('U2F_V2');
    // A U2F-only key does not speak CTAP2.
    await expect(new Ctap2(d).getInfo()).rejects.toMatchObject({ code: 'DEVICE_ERROR', hidError: 0x01 });
  });

  it('a key that takes only short APDUs: the client retries in short form and stays with it', async () => {
    const { ctap1, device: d } = await connect({ u2fApdus: 'short' });
    const extended = decodeResponseApdu(await d.call(CTAPHID_CMD.MSG, encodeCommandApdu(versionRequest())));
    expect(extended.sw).toBe(SW.WRONG_LENGTH);
    expect(ctap1.apduForm).toBe('extended');
    expect(await ctap1.version()).toBe('U2F_V2');
    expect(ctap1.apduForm).toBe('short');
    const app = sha256('example.com');
    const reg = await ctap1.register(sha256('c'), app);
    const auth = await ctap1.authenticate(sha256('d'), app, reg.keyHandle);
    expect(auth.counter).toBe(1);
    // A request wrong in any form still fails with WRONG_LENGTH.
    expect(await swOf(ctap1.send({ ins: 0x01, data: new Uint8Array(10) }))).toBe(SW.WRONG_LENGTH);
  });

  it('a CTAP2 key also answers U2F, and accepts a U2F credential in a CTAP2 getAssertion', async () => {
    const { ctap1, device: d } = await connect({ ctapVersion: '2.1' });
    expect(d.capabilities & CAPABILITY.CBOR).toBe(CAPABILITY.CBOR);
    const reg = await ctap1.register(sha256('c'), sha256('example.com'));
    const clientDataHash = sha256('cd');
    const a = await new Ctap2(d).getAssertion({
      rpId: 'example.com',
      clientDataHash,
      allowList: [{ type: 'public-key', id: reg.keyHandle }],
    });
    expect(a.credential?.id).toEqual(reg.keyHandle);
    expect(a.authData.subarray(0, 32)).toEqual(sha256('example.com'));
    const signed = Buffer.concat([a.authData, clientDataHash]);
    expect(verify('sha256', signed, spki(reg.publicKey), a.signature)).toBe(true);
  });
});
