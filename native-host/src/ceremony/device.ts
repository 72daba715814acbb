// Finding and opening a key for one ceremony; with several keys, the one the user touches.
import { Ctap2 } from '../ctap2/client.js';
import type { AuthenticatorInfo } from '../ctap2/commands.js';
import { CTAP2_STATUS, CtapError } from '../ctap2/status.js';
import { type CallOptions, CtapHidDevice } from '../ctaphid/device.js';
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

/** Statuses a dummy makeCredential with an empty pinUvAuthParam gives once the key was touched. */
const TOUCHED = new Set<number>([
  CTAP2_STATUS.PIN_NOT_SET,
  CTAP2_STATUS.PIN_INVALID,
  CTAP2_STATUS.PIN_AUTH_INVALID,
]);

/** Waits for a touch on one key: authenticatorSelection on CTAP 2.1 keys, the empty-PIN-auth trick on 2.0 keys. */
async function touchOf(key: OpenKey, call: CallOptions): Promise<OpenKey> {
  if (key.info.versions.includes('FIDO_2_1')) {
    await key.ctap.selection(call);
    return key;
  }
  try {
    await key.ctap.makeCredential(
      {
        clientDataHash: new Uint8Array(32),
        rp: { id: '.dummy' },
        user: { id: new Uint8Array([0]), name: 'dummy' },
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        pinUvAuthParam: new Uint8Array(0),
        pinUvAuthProtocol: 1,
      },
      call,
    );
  } catch (err) {
    if (err instanceof CtapError && TOUCHED.has(err.status)) return key;
    throw err;
  }
  return key;
}

/**
 * Several keys: all wait for a touch at once, the first touched wins and the others get CTAPHID_CANCEL
 * and are closed.
 */
export async function selectByTouch(keys: OpenKey[], call: CallOptions): Promise<OpenKey> {
  const losers = new AbortController();
  const outer = call.signal;
  const onOuter = (): void => losers.abort();
  outer?.addEventListener('abort', onOuter);
  const attempts = keys.map((k) => touchOf(k, { ...call, signal: losers.signal }));
  try {
    const winner = await Promise.any(attempts);
    losers.abort();
    await Promise.allSettled(attempts);
    await Promise.all(keys.filter((k) => k !== winner).map((k) => k.close()));
    return winner;
  } catch (err) {
    await Promise.all(keys.map((k) => k.close()));
    const first = err instanceof AggregateError ? err.errors[0] : err;
    throw first;
  } finally {
    outer?.removeEventListener('abort', onOuter);
  }
}

/** Waits until a key is plugged in (polling every 500 ms) or the signal ends the wait. */
export async function waitForKey(
  transport: Transport,
  call: CallOptions & { signal: AbortSignal },
): Promise<OpenKey> {
  const { signal } = call;
  while (!signal.aborted) {
    const descriptors = await transport.list();
    const opened = await Promise.all(descriptors.map((d) => openKey(transport, d).catch(() => null)));
    const keys = opened.filter((k): k is OpenKey => k !== null);
    if (keys.length === 1) return keys[0]!;
    if (keys.length > 1) return selectByTouch(keys, call);
    await sleep(500, signal);
  }
  throw new CeremonyError('NotAllowedError', 'no security key was found');
}
