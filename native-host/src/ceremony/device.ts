// Finding and opening a key for one ceremony.

import { Ctap2 } from '../ctap2/client.js';
import type { AuthenticatorInfo } from '../ctap2/commands.js';
import { CtapHidDevice } from '../ctaphid/device.js';
import { CtapHidError } from '../ctaphid/frames.js';
import type { DeviceDescriptor, Transport } from '../transport/types.js';
import { CeremonyError } from './errors.js';

export interface OpenKey {
  descriptor: DeviceDescriptor;
  device: CtapHidDevice;
  ctap: Ctap2;
  info: AuthenticatorInfo;
  close(): Promise<void>;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });

/** Opens one key and reads its GetInfo; null when it does not answer. */
export async function openKey(transport: Transport, descriptor: DeviceDescriptor): Promise<OpenKey | null> {
  const connection = await transport.open(descriptor);
  try {
    const device = await CtapHidDevice.open(connection);
    const ctap = new Ctap2(device);
    const info = await ctap.getInfo();
    return { descriptor, device, ctap, info, close: () => device.close() };
  } catch (err) {
    await connection.close();
    if (err instanceof CtapHidError && err.code === 'TIMEOUT') return null;
    throw err;
  }
}

/** Waits until a key is plugged in (polling every 500 ms) or the signal ends the wait. */
export async function waitForKey(transport: Transport, signal: AbortSignal): Promise<OpenKey> {
  while (!signal.aborted) {
    const descriptors = await transport.list();
    for (const d of descriptors) {
      const key = await openKey(transport, d);
      if (key) return key;
    }
    await sleep(500, signal);
  }
  throw new CeremonyError('NotAllowedError', 'no security key was found');
}
