// The node-hid transport's own logic (FIDO usage-page filter, 0x00 report-ID prefix, report queue) with a
// stand-in for the native addon: this machine has no USB security key.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type NodeHidAsync, type NodeHidModule, NodeHidTransport } from './hid.js';

class FakeHidDevice extends EventEmitter implements NodeHidAsync {
  readonly writes: Buffer[] = [];
  closed = false;
  async write(data: number[] | Buffer): Promise<number> {
    const b = Buffer.from(data);
    this.writes.push(b);
    return b.length;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function fakeModule(device: FakeHidDevice): NodeHidModule {
  return {
    devicesAsync: async () => [
      { path: '/dev/hidraw0', vendorId: 0x046d, productId: 1, product: 'Keyboard', usagePage: 1, usage: 6 },
      {
        path: '/dev/hidraw1',
        vendorId: 0x1050,
        productId: 0x0407,
        manufacturer: 'Yubico',
        product: 'YubiKey OTP+FIDO+CCID',
        usagePage: 0xf1d0,
        usage: 1,
      },
      { vendorId: 0x1050, productId: 0x0407, usagePage: 0xf1d0, usage: 1 },
    ],
    HIDAsync: { open: async () => device },
  };
}

describe('node-hid transport', () => {
  it('lists only FIDO interfaces (usage page 0xF1D0, usage 1) that have a path', async () => {
    const t = new NodeHidTransport(() => fakeModule(new FakeHidDevice()));
    expect(await t.list()).toEqual([
      {
        path: '/dev/hidraw1',
        product: 'Yubico YubiKey OTP+FIDO+CCID',
        transport: 'usb',
        vendorId: 0x1050,
        productId: 0x0407,
      },
    ]);
  });

  it('prefixes writes with the 0x00 report ID (65 bytes) and queues input reports', async () => {
    const device = new FakeHidDevice();
    const t = new NodeHidTransport(() => fakeModule(device));
    const [d] = await t.list();
    const conn = await t.open(d!);
    const report = new Uint8Array(64).map((_, i) => i + 1);
    await conn.write(report);
    expect(device.writes[0]!.length).toBe(65);
    expect(device.writes[0]![0]).toBe(0);
    expect(new Uint8Array(device.writes[0]!.subarray(1))).toEqual(report);
    device.emit('data', Buffer.alloc(64, 7));
    expect(await conn.read(100)).toEqual(new Uint8Array(64).fill(7));
    expect(await conn.read(20)).toBeNull();
    await conn.close();
    expect(device.closed).toBe(true);
  });
});
