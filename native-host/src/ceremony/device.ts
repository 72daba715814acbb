// Finding and opening a key for one ceremony; with several keys, the one the user touches.
import { Ctap1 } from '../ctap1/client.js';
import { Ctap2 } from '../ctap2/client.js';
import type { AuthenticatorInfo } from '../ctap2/commands.js';
import { CTAP2_STATUS, CtapError } from '../ctap2/status.js';
import { type CallOptions, CtapHidDevice } from '../ctaphid/device.js';
import { CAPABILITY, CtapHidError, HID_ERROR, KEEPALIVE_STATUS, MAX_PAYLOAD } from '../ctaphid/frames.js';
import type { DeviceDescriptor, Transport } from '../transport/types.js';
import { CeremonyError } from './errors.js';

export interface OpenKey {
  descriptor: DeviceDescriptor;
  device: CtapHidDevice;
  ctap: Ctap2;
  /** CTAP1/U2F on the same device (U2F-only keys, and CTAP2 keys that also answer U2F). */
  ctap1: Ctap1;
  /** A U2F-only key: no CBOR capability, or CTAP2 GetInfo answered INVALID_COMMAND. */
  u2fOnly: boolean;
  /** GetInfo; for a U2F-only key, what a browser assumes of one (versions ["U2F_V2"], ES256, no options). */
  info: AuthenticatorInfo;
  close(): Promise<void>;
}

/** What a U2F-only key can do, in GetInfo terms. */
export function u2fInfo(version: string): AuthenticatorInfo {
  return {
    versions: [version],
    extensions: [],
    aaguid: new Uint8Array(16),
    options: {},
    maxMsgSize: MAX_PAYLOAD,
    pinUvAuthProtocols: [],
    maxCredentialCountInList: 1,
    maxCredentialIdLength: 255,
    transports: ['usb'],
    algorithms: [{ type: 'public-key', alg: -7 }],
  };
}

/** GetInfo failures that mean "this key does not speak CTAP2" (old U2F keys). */
function lacksCtap2(err: unknown): boolean {
  return (
    (err instanceof CtapHidError && err.code === 'DEVICE_ERROR' && err.hidError === HID_ERROR.INVALID_CMD) ||
    (err instanceof CtapError && err.status === CTAP2_STATUS.INVALID_COMMAND)
  );
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
    const ctap1 = new Ctap1(device);
    let info: AuthenticatorInfo | null = null;
    if (device.capabilities & CAPABILITY.CBOR) {
      try {
        info = await ctap.getInfo();
      } catch (err) {
        if (!lacksCtap2(err)) throw err;
      }
    }
    const u2fOnly = info === null;
    if (!info) info = u2fInfo(await ctap1.version());
    return { descriptor, device, ctap, ctap1, u2fOnly, info, close: () => device.close() };
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

/**
 * Waits for a touch on one key, as browsers do when they need the user's presence without an operation
 * that could reveal anything (choosing among keys, or "touch to dismiss" when the key holds none of the
 * allowed credentials): authenticatorSelection on CTAP 2.1 keys; on 2.0 keys a dummy makeCredential with
 * an empty pinUvAuthParam (PIN_NOT_SET / PIN_INVALID / PIN_AUTH_INVALID all mean "touched"), or, on a
 * key without PIN support, a dummy makeCredential whose throw-away credential is dropped; on U2F keys a
 * bogus registration.
 */
export async function waitForTouch(key: OpenKey, call: CallOptions): Promise<OpenKey> {
  if (key.u2fOnly) {
    await u2fTouch(key, call);
    return key;
  }
  if (key.info.versions.includes('FIDO_2_1')) {
    await key.ctap.selection(call);
    return key;
  }
  const pinCapable = key.info.options.clientPin !== undefined || key.info.options.uv !== undefined;
  try {
    await key.ctap.makeCredential(
      {
        clientDataHash: new Uint8Array(32),
        rp: { id: '.dummy' },
        user: { id: new Uint8Array([0]), name: 'dummy' },
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        ...(pinCapable ? { pinUvAuthParam: new Uint8Array(0), pinUvAuthProtocol: 1 } : {}),
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
 * Waits for a touch on a U2F key the way browsers do: a U2F_REGISTER with a bogus application parameter,
 * polled until the user touches the key (the registration is thrown away).
 */
export async function u2fTouch(key: OpenKey, call: CallOptions): Promise<void> {
  const bogus = new Uint8Array(32).fill(0x41);
  await key.ctap1.register(bogus, bogus, {
    ...(call.signal ? { signal: call.signal } : {}),
    onTouch: () => call.onKeepalive?.(KEEPALIVE_STATUS.UP_NEEDED),
  });
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
  const attempts = keys.map((k) => waitForTouch(k, { ...call, signal: losers.signal }));
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
