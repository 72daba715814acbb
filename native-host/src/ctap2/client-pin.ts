// authenticatorClientPIN (CTAP 2.1 §6.5): retries, key agreement, tokens, setPIN, changePIN.
import type { CallOptions } from '../ctaphid/device.js';
import type { Ctap2 } from './client.js';
import type { AuthenticatorInfo } from './commands.js';
import { CtapResponseError } from './commands.js';
import {
  encapsulate,
  PIN_PROTOCOL_1,
  PIN_PROTOCOL_2,
  type PinProtocol,
  padPin,
  pinHash,
  pinProtocol,
} from './pin-protocol.js';

export const CLIENT_PIN_SUB = {
  GET_RETRIES: 0x01,
  GET_KEY_AGREEMENT: 0x02,
  SET_PIN: 0x03,
  CHANGE_PIN: 0x04,
  GET_PIN_TOKEN: 0x05,
  GET_UV_TOKEN_WITH_PERMISSIONS: 0x06,
  GET_UV_RETRIES: 0x07,
  GET_PIN_TOKEN_WITH_PERMISSIONS: 0x09,
} as const;

export const PERMISSION = { MC: 0x01, GA: 0x02, CM: 0x04, BE: 0x08, LBW: 0x10, ACFG: 0x20 } as const;

/** Picks the newest PIN protocol both sides speak (2 before 1); a 2.0 key without the member speaks 1. */
export function choosePinProtocol(info: AuthenticatorInfo): PinProtocol | null {
  const offered = info.pinUvAuthProtocols.length ? info.pinUvAuthProtocols : [1];
  if (offered.includes(2)) return PIN_PROTOCOL_2;
  if (offered.includes(1)) return PIN_PROTOCOL_1;
  return null;
}

export class ClientPin {
  readonly protocol: PinProtocol;
  constructor(
    private readonly ctap: Ctap2,
    private readonly info: AuthenticatorInfo,
    protocol?: PinProtocol,
  ) {
    const chosen = protocol ?? choosePinProtocol(info);
    if (!chosen) throw new CtapResponseError('the key offers no PIN protocol this host speaks');
    this.protocol = chosen;
  }

  /** Whether the key takes getPinUvAuthTokenUsingPinWithPermissions (CTAP 2.1 `pinUvAuthToken`). */
  get supportsPermissions(): boolean {
    return this.info.options.pinUvAuthToken === true;
  }

  async getRetries(options: CallOptions = {}): Promise<{ retries: number; powerCycleState?: boolean }> {
    const m = await this.ctap.clientPin(
      new Map<number, unknown>([
        [1, this.protocol.version],
        [2, CLIENT_PIN_SUB.GET_RETRIES],
      ]),
      options,
    );
    const retries = m?.get(3);
    if (typeof retries !== 'number') throw new CtapResponseError('getRetries reply lacks pinRetries');
    const pcs = m?.get(4);
    return typeof pcs === 'boolean' ? { retries, powerCycleState: pcs } : { retries };
  }

  private async keyAgreement(options: CallOptions): Promise<ReturnType<typeof encapsulate>> {
    const m = await this.ctap.clientPin(
      new Map<number, unknown>([
        [1, this.protocol.version],
        [2, CLIENT_PIN_SUB.GET_KEY_AGREEMENT],
      ]),
      options,
    );
    return encapsulate(this.protocol, m?.get(1));
  }

  /**
   * A pinUvAuthToken for `permissions` on `rpId` (0x09) when the key lists pinUvAuthToken, else a
   * CTAP 2.0 pinToken (0x05) without permissions.
   */
  async getPinToken(
    pin: string,
    permissions: number,
    rpId?: string,
    options: CallOptions = {},
  ): Promise<Uint8Array> {
    const { sharedSecret, platformKey } = await this.keyAgreement(options);
    const pinHashEnc = this.protocol.encrypt(sharedSecret, pinHash(pin));
    const params = new Map<number, unknown>([
      [1, this.protocol.version],
      [
        2,
        this.supportsPermissions
          ? CLIENT_PIN_SUB.GET_PIN_TOKEN_WITH_PERMISSIONS
          : CLIENT_PIN_SUB.GET_PIN_TOKEN,
      ],
      [3, platformKey],
      [6, pinHashEnc],
    ]);
    if (this.supportsPermissions) {
      params.set(9, permissions);
      if (rpId !== undefined) params.set(10, rpId);
    }
    const m = await this.ctap.clientPin(params, options);
    const enc = m?.get(2);
    if (!(enc instanceof Uint8Array)) throw new CtapResponseError('token reply lacks pinUvAuthToken');
    return this.protocol.decrypt(sharedSecret, enc);
  }

  async setPin(pin: string, options: CallOptions = {}): Promise<void> {
    const padded = padPin(pin);
    const { sharedSecret, platformKey } = await this.keyAgreement(options);
    const newPinEnc = this.protocol.encrypt(sharedSecret, padded);
    const pinUvAuthParam = this.protocol.authenticate(sharedSecret, newPinEnc);
    await this.ctap.clientPin(
      new Map<number, unknown>([
        [1, this.protocol.version],
        [2, CLIENT_PIN_SUB.SET_PIN],
        [3, platformKey],
        [4, pinUvAuthParam],
        [5, newPinEnc],
      ]),
      options,
    );
  }

  async changePin(oldPin: string, newPin: string, options: CallOptions = {}): Promise<void> {
    const padded = padPin(newPin);
    const { sharedSecret, platformKey } = await this.keyAgreement(options);
    const newPinEnc = this.protocol.encrypt(sharedSecret, padded);
    const pinHashEnc = this.protocol.encrypt(sharedSecret, pinHash(oldPin));
    const message = new Uint8Array(newPinEnc.length + pinHashEnc.length);
    message.set(newPinEnc, 0);
    message.set(pinHashEnc, newPinEnc.length);
    await this.ctap.clientPin(
      new Map<number, unknown>([
        [1, this.protocol.version],
        [2, CLIENT_PIN_SUB.CHANGE_PIN],
        [3, platformKey],
        [4, this.protocol.authenticate(sharedSecret, message)],
        [5, newPinEnc],
        [6, pinHashEnc],
      ]),
      options,
    );
  }

  /** pinUvAuthParam over `message` (the clientDataHash) with a token from getPinToken. */
  authParam(token: Uint8Array, message: Uint8Array): Uint8Array {
    return this.protocol.authenticate(token, message);
  }
}

export { pinProtocol };
