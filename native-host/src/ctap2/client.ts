// CTAP2 over a CTAPHID device: the authenticator API commands.

import type { CallOptions, CtapHidDevice } from '../ctaphid/device.js';
import { CTAPHID_CMD } from '../ctaphid/frames.js';
import {
  type AssertionResponse,
  type AttestationResponse,
  type AuthenticatorInfo,
  type CborMap,
  CTAP2_CMD,
  decodeAssertionResponse,
  decodeAttestationResponse,
  decodeGetInfo,
  encodeCommand,
  encodeGetAssertion,
  encodeMakeCredential,
  type GetAssertionParams,
  type MakeCredentialParams,
  parseCtapReply,
} from './commands.js';

export class Ctap2 {
  constructor(readonly device: CtapHidDevice) {}

  async send(request: Uint8Array, options: CallOptions = {}): Promise<CborMap | null> {
    return parseCtapReply(await this.device.call(CTAPHID_CMD.CBOR, request, options));
  }

  async getInfo(options: CallOptions = {}): Promise<AuthenticatorInfo> {
    return decodeGetInfo(await this.send(encodeCommand(CTAP2_CMD.GET_INFO), options));
  }

  async makeCredential(p: MakeCredentialParams, options: CallOptions = {}): Promise<AttestationResponse> {
    return decodeAttestationResponse(await this.send(encodeMakeCredential(p), options));
  }

  async getAssertion(p: GetAssertionParams, options: CallOptions = {}): Promise<AssertionResponse> {
    return decodeAssertionResponse(await this.send(encodeGetAssertion(p), options), p.allowList);
  }

  async getNextAssertion(options: CallOptions = {}): Promise<AssertionResponse> {
    return decodeAssertionResponse(await this.send(encodeCommand(CTAP2_CMD.GET_NEXT_ASSERTION), options));
  }

  async clientPin(params: Map<number, unknown>, options: CallOptions = {}): Promise<CborMap | null> {
    return this.send(encodeCommand(CTAP2_CMD.CLIENT_PIN, params), options);
  }

  /** CTAP 2.1 authenticatorSelection: waits for a touch. */
  async selection(options: CallOptions = {}): Promise<void> {
    await this.send(encodeCommand(CTAP2_CMD.SELECTION), options);
  }

  async reset(options: CallOptions = {}): Promise<void> {
    await this.send(encodeCommand(CTAP2_CMD.RESET), options);
  }
}
