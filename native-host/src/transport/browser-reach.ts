// Whether the browser could reach each key the host reaches: the input of the bridge's `fallback`
// trigger "no HID access". The host and the browser that started it run as the same user on the same
// machine, so a USB key the host may open is one the browser may open too (a browser's own sandbox is
// not visible from here and is not guessed at). A key the host reaches over UDP (a software or
// networked authenticator, a key forwarded from elsewhere) has no path into the browser at all.
import { accessSync, constants as fsConstants } from 'node:fs';
import type { KeyReach } from '@shared/protocol/index.js';
import type { DeviceDescriptor } from './types.js';

export interface DeviceAccess {
  /** Whether this user may open the device node for reading and writing (Linux hidraw). */
  canOpen(path: string): boolean;
}

/** Device-node access as the operating system answers it; paths that are not files count as openable. */
export const systemDeviceAccess: DeviceAccess = {
  canOpen(path) {
    if (!path.startsWith('/dev/')) return true; // macOS IOService paths, Windows device paths
    try {
      accessSync(path, fsConstants.R_OK | fsConstants.W_OK);
      return true;
    } catch {
      return false;
    }
  },
};

/**
 * Classifies the keys a transport listed. USB keys this user may not open are left out: neither the
 * host nor the browser can use them, so they say nothing about the browser's access.
 */
export function classifyKeys(devices: readonly DeviceDescriptor[], access: DeviceAccess): KeyReach[] {
  const out: KeyReach[] = [];
  for (const d of devices) {
    if (d.transport === 'udp') {
      out.push({
        transport: 'udp',
        product: d.product,
        browser: 'unreachable',
        why: 'reached over UDP (a software or forwarded authenticator); browsers have no such transport',
      });
    } else if (access.canOpen(d.path)) {
      out.push({
        transport: 'usb',
        product: d.product,
        browser: 'reachable',
        why: 'a USB HID key this user may open, so the browser may too',
      });
    }
  }
  return out;
}
