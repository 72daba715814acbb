// Every failure of a ceremony becomes one HostError: a WebAuthn DOMException name or a host-level fault.
import { CborError } from '@shared/cbor/index.js';
import type { HostError, HostErrorName } from '@shared/protocol/index.js';
import { WebAuthnError } from '@shared/webauthn/client.js';
import { Ctap1Error } from '../ctap1/apdu.js';
import { CtapResponseError } from '../ctap2/commands.js';
import { PinProtocolError } from '../ctap2/pin-protocol.js';
import { CTAP2_STATUS, CtapError, domExceptionNameForStatus } from '../ctap2/status.js';
import { CtapHidAbortError } from '../ctaphid/device.js';
import { CtapHidError } from '../ctaphid/frames.js';
import { TransportError } from '../transport/types.js';

/** A ceremony outcome with the name the extension hands to the page. */
export class CeremonyError extends Error {
  override readonly name = 'CeremonyError';
  constructor(
    readonly errorName: HostErrorName,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The key cannot meet a `required` residentKey or userVerification. One rule for the CTAP2 and the U2F
 * path: NotAllowedError. WebAuthn L3's client algorithms (§5.1.3 create, §5.1.4 get) skip an
 * authenticator that cannot do what is required instead of passing on the ConstraintError the
 * authenticator operations return (§6.3.2, §6.3.3), so the ceremony ends in NotAllowedError — what the
 * web-platform tests expect of browsers (webauthn/createcredential-resident-key: U2F and CTAP2 keys
 * without rk reject residentKey "required" with NotAllowedError).
 */
export function keyCannotMeet(message: string): CeremonyError {
  return new CeremonyError('NotAllowedError', message);
}

/** Why the ceremony's signal was aborted. */
export type AbortReason = 'cancel' | 'timeout';

export function toHostError(err: unknown, abortReason?: AbortReason): HostError {
  if (abortReason === 'timeout') return { name: 'NotAllowedError', message: 'the operation timed out' };
  if (abortReason === 'cancel') return { name: 'AbortError', message: 'the request was cancelled' };
  if (err instanceof CeremonyError) return { name: err.errorName, message: err.message };
  if (err instanceof DOMException && err.name === 'SecurityError')
    return { name: 'SecurityError', message: err.message };
  if (err instanceof CtapError) {
    // The key itself refusing an option (rk) it cannot do: the same rule as keyCannotMeet.
    if (err.status === CTAP2_STATUS.UNSUPPORTED_OPTION) {
      return {
        name: 'NotAllowedError',
        message: `the security key cannot meet the request (${err.message})`,
      };
    }
    return { name: domExceptionNameForStatus(err.status), message: err.message };
  }
  if (err instanceof CtapHidAbortError) return { name: 'AbortError', message: 'the request was cancelled' };
  if (err instanceof CtapHidError) {
    return {
      name: 'DeviceError',
      message: err.code === 'TIMEOUT' ? `the security key stopped answering (${err.message})` : err.message,
    };
  }
  if (err instanceof TransportError) return { name: 'DeviceError', message: err.message };
  if (err instanceof CtapResponseError || err instanceof CborError) {
    return { name: 'DeviceError', message: `the security key sent a malformed reply: ${err.message}` };
  }
  if (err instanceof Ctap1Error) {
    return {
      name: 'DeviceError',
      message:
        err.code === 'BAD_RESPONSE'
          ? `the security key sent a malformed U2F reply: ${err.message}`
          : `U2F: ${err.message}`,
    };
  }
  if (err instanceof WebAuthnError) return { name: 'ProtocolError', message: err.message };
  if (err instanceof PinProtocolError) return { name: 'DeviceError', message: err.message };
  return { name: 'UnknownError', message: err instanceof Error ? err.message : String(err) };
}
