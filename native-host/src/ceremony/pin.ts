// Getting a pinUvAuthToken: asks the user (through the messaging layer) for the PIN, sets one when the
// key has none and the RP requires user verification, reports wrong PINs with retries left.

import type { Ctap2 } from '../ctap2/client.js';
import { ClientPin, PERMISSION } from '../ctap2/client-pin.js';
import type { AuthenticatorInfo } from '../ctap2/commands.js';
import { PinProtocolError, padPin } from '../ctap2/pin-protocol.js';
import { CTAP2_STATUS, CtapError } from '../ctap2/status.js';
import type { CallOptions } from '../ctaphid/device.js';
import { CeremonyError } from './errors.js';

export { PERMISSION };

export interface PinPrompter {
  /** Emits `pin-required` and waits for the `pin` message. */
  requestPin(reason: 'verify' | 'set', retries: number): Promise<string>;
  /** Emits `pin-invalid` and waits for the next `pin` message. */
  pinInvalid(retries: number): Promise<string>;
}

export interface PinToken {
  clientPin: ClientPin;
  token: Uint8Array;
}

const BLOCKED = 'the security key is locked after too many wrong PINs and must be reset (PIN_BLOCKED)';
const AUTH_BLOCKED =
  'three wrong PINs in a row: unplug the security key and plug it back in to try again (PIN_AUTH_BLOCKED)';

function blockedError(err: unknown): CeremonyError | null {
  if (!(err instanceof CtapError)) return null;
  if (err.status === CTAP2_STATUS.PIN_BLOCKED) return new CeremonyError('NotAllowedError', BLOCKED);
  if (err.status === CTAP2_STATUS.PIN_AUTH_BLOCKED) return new CeremonyError('NotAllowedError', AUTH_BLOCKED);
  return null;
}

async function setNewPin(cp: ClientPin, prompter: PinPrompter, call: CallOptions): Promise<string> {
  let pin = await prompter.requestPin('set', 8);
  while (true) {
    try {
      padPin(pin);
      await cp.setPin(pin, call);
      return pin;
    } catch (err) {
      const policy =
        (err instanceof PinProtocolError && err.code === 'BAD_PIN') ||
        (err instanceof CtapError && err.status === CTAP2_STATUS.PIN_POLICY_VIOLATION);
      if (!policy) throw err;
      pin = await prompter.requestPin('set', 8);
    }
  }
}

/** A token for `permission` on `rpId`, asking for (or setting) the PIN as needed. */
export async function obtainPinToken(
  ctap: Ctap2,
  info: AuthenticatorInfo,
  permission: number,
  rpId: string,
  prompter: PinPrompter,
  call: CallOptions,
): Promise<PinToken> {
  const clientPin = new ClientPin(ctap, info);
  let pin: string;
  if (info.options.clientPin !== true) {
    pin = await setNewPin(clientPin, prompter, call);
    info.options.clientPin = true;
  } else {
    let retries: number;
    try {
      retries = (await clientPin.getRetries(call)).retries;
    } catch (err) {
      throw blockedError(err) ?? err;
    }
    if (retries === 0) throw new CeremonyError('NotAllowedError', BLOCKED);
    pin = await prompter.requestPin('verify', retries);
  }
  while (true) {
    try {
      const token = await clientPin.getPinToken(pin, permission, rpId, call);
      return { clientPin, token };
    } catch (err) {
      const blocked = blockedError(err);
      if (blocked) throw blocked;
      if (!(err instanceof CtapError) || err.status !== CTAP2_STATUS.PIN_INVALID) throw err;
      const { retries } = await clientPin.getRetries(call);
      if (retries === 0) throw new CeremonyError('NotAllowedError', BLOCKED);
      pin = await prompter.pinInvalid(retries);
    }
  }
}

/** The pinUvAuthParam and protocol that authenticate `clientDataHash` with a token; nothing without one. */
export function pinUvAuth(
  pin: PinToken | null,
  clientDataHash: Uint8Array,
): { pinUvAuthParam?: Uint8Array; pinUvAuthProtocol?: number } {
  if (!pin) return {};
  return {
    pinUvAuthParam: pin.clientPin.authParam(pin.token, clientDataHash),
    pinUvAuthProtocol: pin.clientPin.protocol.version,
  };
}

/**
 * Runs a makeCredential/getAssertion `operation`, with a PIN token from `getToken` when `needPin`. When the
 * key wants user verification we did not offer (PUAT_REQUIRED), or our token went stale
 * (PIN_AUTH_INVALID), it runs once more with a fresh token.
 */
export async function withPinRetry<T>(
  needPin: boolean,
  getToken: () => Promise<PinToken>,
  operation: (pin: PinToken | null) => Promise<T>,
): Promise<T> {
  let pin: PinToken | null = null;
  try {
    if (needPin) pin = await getToken();
    return await operation(pin);
  } catch (err) {
    const retry =
      err instanceof CtapError &&
      (err.status === CTAP2_STATUS.PUAT_REQUIRED || (pin && err.status === CTAP2_STATUS.PIN_AUTH_INVALID));
    if (!retry) throw err;
    return await operation(await getToken());
  }
}
