// The host's CTAP2 client and ClientPin against the virtual key over the UDP wire: setPIN, changePIN,
// tokens with and without permissions, getNextAssertion, selection and reset.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Ctap2 } from '../../native-host/src/ctap2/client.js';
import { ClientPin, PERMISSION } from '../../native-host/src/ctap2/client-pin.js';
import { PIN_PROTOCOL_1, PIN_PROTOCOL_2 } from '../../native-host/src/ctap2/pin-protocol.js';
import { CtapError } from '../../native-host/src/ctap2/status.js';
import type { VirtualKeyOptions } from '../../native-host/src/virtual-key/index.js';
import { keyDevicePerTest } from './harness.js';

const keyDevice = keyDevicePerTest();

async function connect(options: VirtualKeyOptions = {}) {
  const { device } = await keyDevice.connect(options);
  const ctap = new Ctap2(device);
  return { ctap, info: await ctap.getInfo() };
}

const hash = () => new Uint8Array(createHash('sha256').update(randomBytes(8)).digest());
const statusOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'OK';
  } catch (err) {
    if (err instanceof CtapError) return err.code;
    throw err;
  }
};

describe('CTAP2 client with clientPIN against the virtual key', () => {
  for (const protocol of [PIN_PROTOCOL_1, PIN_PROTOCOL_2]) {
    it(`setPIN, changePIN and tokens (PIN protocol ${protocol.version})`, async () => {
      const { ctap, info } = await connect();
      const cp = new ClientPin(ctap, info, protocol);
      await cp.setPin('1111');
      expect(await statusOf(cp.setPin('2222'))).toBe('NOT_ALLOWED');
      expect((await cp.getRetries()).retries).toBe(8);
      expect(await statusOf(cp.changePin('9999', '2222'))).toBe('PIN_INVALID');
      expect((await cp.getRetries()).retries).toBe(7);
      await cp.changePin('1111', '2222');
      expect((await cp.getRetries()).retries).toBe(8);
      expect(await statusOf(cp.getPinToken('1111', PERMISSION.GA, 'example.com'))).toBe('PIN_INVALID');
      const token = await cp.getPinToken('2222', PERMISSION.MC | PERMISSION.GA, 'example.com');
      expect(token.length).toBe(32);
      const cdh = hash();
      const made = await ctap.makeCredential({
        clientDataHash: cdh,
        rp: { id: 'example.com' },
        user: { id: new Uint8Array([1]) },
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        options: { rk: true },
        pinUvAuthParam: cp.authParam(token, cdh),
        pinUvAuthProtocol: protocol.version,
      });
      expect(made.authData[32]! & 0x05).toBe(0x05);
      // The token is bound to example.com: another RP ID is refused.
      const other = hash();
      expect(
        await statusOf(
          ctap.makeCredential({
            clientDataHash: other,
            rp: { id: 'other.org' },
            user: { id: new Uint8Array([1]) },
            pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
            pinUvAuthParam: cp.authParam(token, other),
            pinUvAuthProtocol: protocol.version,
          }),
        ),
      ).toBe('PIN_AUTH_INVALID');
    });
  }

  it('uses getPinToken (0x05) without permissions on a CTAP 2.0 key', async () => {
    const { ctap, info } = await connect({ ctapVersion: '2.0', pin: '4321' });
    expect(info.versions).toEqual(['FIDO_2_0']);
    const cp = new ClientPin(ctap, info);
    expect(cp.supportsPermissions).toBe(false);
    expect(cp.protocol.version).toBe(2);
    expect((await cp.getPinToken('4321', PERMISSION.GA)).length).toBe(32);
    expect(await statusOf(ctap.selection())).toBe('INVALID_COMMAND');
  });

  it('returns every discoverable credential through getNextAssertion', async () => {
    const { ctap } = await connect();
    for (const id of [1, 2, 3]) {
      await ctap.makeCredential({
        clientDataHash: hash(),
        rp: { id: 'example.com' },
        user: { id: new Uint8Array([id]), name: `u${id}` },
        pubKeyCredParams: [{ type: 'public-key', alg: -8 }],
        options: { rk: true },
      });
    }
    const first = await ctap.getAssertion({ rpId: 'example.com', clientDataHash: hash() });
    expect(first.numberOfCredentials).toBe(3);
    const rest = [await ctap.getNextAssertion(), await ctap.getNextAssertion()];
    const users = [first, ...rest].map((a) => a.user!.id[0]).sort();
    expect(users).toEqual([1, 2, 3]);
    expect(await statusOf(ctap.getNextAssertion())).toBe('NOT_ALLOWED');
    expect(await statusOf(ctap.getAssertion({ rpId: 'nobody.example', clientDataHash: hash() }))).toBe(
      'NO_CREDENTIALS',
    );
  });

  it('authenticatorSelection waits for the touch; reset clears credentials and PIN', async () => {
    const { ctap, info } = await connect({ touch: 'delay:100', pin: '1234' });
    expect(info.options.clientPin).toBe(true);
    await ctap.selection();
    await ctap.reset();
    const after = await ctap.getInfo();
    expect(after.options.clientPin).toBe(false);
    expect(keyDevice.rig.key!.authenticator.credentialCount).toBe(0);
  });
});
