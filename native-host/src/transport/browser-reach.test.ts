import { describe, expect, it } from 'vitest';
import { classifyKeys, systemDeviceAccess } from './browser-reach.js';
import type { DeviceDescriptor } from './types.js';

const usb = (path: string): DeviceDescriptor => ({ path, product: 'Yubico YubiKey', transport: 'usb' });
const udp: DeviceDescriptor = { path: 'udp:127.0.0.1:8111', product: 'virtual key', transport: 'udp' };

describe('classifyKeys', () => {
  it('a key over UDP is one the browser cannot reach', () => {
    expect(classifyKeys([udp], { canOpen: () => true })).toEqual([
      expect.objectContaining({ transport: 'udp', browser: 'unreachable' }),
    ]);
  });

  it('a USB key this user may open is reachable by the browser too; one nobody may open is left out', () => {
    const open = new Set(['/dev/hidraw3']);
    const keys = classifyKeys([usb('/dev/hidraw3'), usb('/dev/hidraw7'), udp], {
      canOpen: (p) => open.has(p),
    });
    expect(keys.map((k) => [k.transport, k.browser])).toEqual([
      ['usb', 'reachable'],
      ['udp', 'unreachable'],
    ]);
  });

  it('no keys, no entries', () => {
    expect(classifyKeys([], systemDeviceAccess)).toEqual([]);
  });
});

describe('systemDeviceAccess', () => {
  it('asks the operating system for /dev nodes and trusts other platforms’ paths', () => {
    expect(systemDeviceAccess.canOpen('/dev/null')).toBe(true);
    expect(systemDeviceAccess.canOpen('/dev/no-such-hidraw-node')).toBe(false);
    expect(systemDeviceAccess.canOpen('IOService:/AppleARMPE/usb/YubiKey')).toBe(true);
  });
});
