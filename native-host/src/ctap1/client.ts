// CTAP1/U2F over a CTAPHID device (CTAPHID_MSG): U2F_VERSION, U2F_REGISTER, U2F_AUTHENTICATE, and the
// 0x6985 polling U2F keys need instead of CTAP2 keepalives.
import { type CallOptions, CtapHidAbortError, type CtapHidDevice } from '../ctaphid/device.js';
import { CTAPHID_CMD } from '../ctaphid/frames.js';
import {
  ApduStatusError,
  type CommandApdu,
  decodeResponseApdu,
  encodeCommandApdu,
  SW,
  U2F_AUTH,
} from './apdu.js';
import {
  authenticateRequest,
  parseAuthentication,
  parseRegistration,
  parseVersion,
  registerRequest,
  type U2fAuthentication,
  type U2fRegistration,
  versionRequest,
} from './messages.js';

export interface PollOptions {
  signal?: AbortSignal;
  /** Called once when the key first says it needs a touch (status 0x6985). */
  onTouch?: () => void;
  /** Delay between polls (default 100 ms, as libfido2). */
  intervalMs?: number;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new CtapHidAbortError('cancelled while waiting for a touch'));
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new CtapHidAbortError('cancelled while waiting for a touch'));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export const isStatus = (err: unknown, sw: number): err is ApduStatusError =>
  err instanceof ApduStatusError && err.sw === sw;

export class Ctap1 {
  /** Extended length first (what U2F over HID specifies); short once a key refused it with 0x6700. */
  private form: 'extended' | 'short' = 'extended';

  constructor(readonly device: CtapHidDevice) {}

  get apduForm(): 'extended' | 'short' {
    return this.form;
  }

  /**
   * Sends one APDU and returns the reply data; a status other than 0x9000 throws. A key that answers
   * WRONG_LENGTH to an extended-length APDU gets it again in short form, and short from then on.
   */
  async send(apdu: CommandApdu, options: CallOptions = {}): Promise<Uint8Array> {
    const once = async (form: 'extended' | 'short') =>
      decodeResponseApdu(await this.device.call(CTAPHID_CMD.MSG, encodeCommandApdu(apdu, form), options));
    let reply = await once(this.form);
    const shortFits = (apdu.data?.length ?? 0) <= 255;
    if (reply.sw === SW.WRONG_LENGTH && this.form === 'extended' && shortFits) {
      const retry = await once('short');
      if (retry.sw !== SW.WRONG_LENGTH) {
        this.form = 'short';
        reply = retry;
      }
    }
    if (reply.sw !== SW.NO_ERROR) throw new ApduStatusError(reply.sw);
    return reply.data;
  }

  async version(options: CallOptions = {}): Promise<string> {
    return parseVersion(await this.send(versionRequest(), options));
  }

  /** One U2F_REGISTER attempt: throws ApduStatusError 0x6985 until the user touches the key. */
  async registerOnce(
    clientParam: Uint8Array,
    appParam: Uint8Array,
    options: CallOptions = {},
  ): Promise<U2fRegistration> {
    return parseRegistration(await this.send(registerRequest(clientParam, appParam), options));
  }

  /** One U2F_AUTHENTICATE (enforce user presence) attempt: 0x6985 until touched, 0x6A80 for a foreign handle. */
  async authenticateOnce(
    clientParam: Uint8Array,
    appParam: Uint8Array,
    keyHandle: Uint8Array,
    options: CallOptions = {},
  ): Promise<U2fAuthentication> {
    const req = authenticateRequest(U2F_AUTH.ENFORCE_USER_PRESENCE, clientParam, appParam, keyHandle);
    return parseAuthentication(await this.send(req, options));
  }

  /**
   * Check-only U2F_AUTHENTICATE: true when the key handle was made by this key for `appParam` (status
   * 0x6985), false when it was not (0x6A80). Needs no touch.
   */
  async checkKeyHandle(
    appParam: Uint8Array,
    keyHandle: Uint8Array,
    options: CallOptions = {},
  ): Promise<boolean> {
    const req = authenticateRequest(U2F_AUTH.CHECK_ONLY, new Uint8Array(32), appParam, keyHandle);
    try {
      await this.send(req, options);
      // A key that signs a check-only request still knows the handle.
      return true;
    } catch (err) {
      if (isStatus(err, SW.CONDITIONS_NOT_SATISFIED)) return true;
      if (isStatus(err, SW.WRONG_DATA)) return false;
      throw err;
    }
  }

  /** U2F_REGISTER, polled every `intervalMs` until touched (or the signal aborts). */
  register(clientParam: Uint8Array, appParam: Uint8Array, poll: PollOptions = {}): Promise<U2fRegistration> {
    return this.untilTouched((o) => this.registerOnce(clientParam, appParam, o), poll);
  }

  /** U2F_AUTHENTICATE with user presence, polled until touched (or the signal aborts). */
  authenticate(
    clientParam: Uint8Array,
    appParam: Uint8Array,
    keyHandle: Uint8Array,
    poll: PollOptions = {},
  ): Promise<U2fAuthentication> {
    return this.untilTouched((o) => this.authenticateOnce(clientParam, appParam, keyHandle, o), poll);
  }

  /** Repeats `attempt` while the key answers 0x6985 (conditions not satisfied: no touch yet). */
  async untilTouched<T>(attempt: (options: CallOptions) => Promise<T>, poll: PollOptions): Promise<T> {
    let told = false;
    const call: CallOptions = poll.signal ? { signal: poll.signal } : {};
    while (true) {
      if (poll.signal?.aborted) throw new CtapHidAbortError('cancelled while waiting for a touch');
      try {
        return await attempt(call);
      } catch (err) {
        if (!isStatus(err, SW.CONDITIONS_NOT_SATISFIED)) throw err;
      }
      if (!told) {
        told = true;
        poll.onTouch?.();
      }
      await sleep(poll.intervalMs ?? 100, poll.signal);
    }
  }
}
