// What a ceremony needs from the messaging layer, and what the create/get flows share.
import { createHash } from 'node:crypto';
import { decodeCtapPrefix } from '@shared/cbor/index.js';
import { describeCoseKey } from '@shared/cose/index.js';
import { buildClientDataJSON, type ClientDataType, fromBase64Url } from '@shared/webauthn/client.js';
import type { Ctap2 } from '../ctap2/client.js';
import type { AuthenticatorInfo, CredentialDescriptor } from '../ctap2/commands.js';
import { CTAP2_STATUS, CtapError } from '../ctap2/status.js';
import type { CallOptions } from '../ctaphid/device.js';
import { KEEPALIVE_STATUS } from '../ctaphid/frames.js';
import type { Transport } from '../transport/types.js';
import { CeremonyError } from './errors.js';
import type { PinPrompter } from './pin.js';

export interface CeremonyContext extends PinPrompter {
  transport: Transport;
  /** Aborted by `cancel` or by the ceremony's timeout. */
  signal: AbortSignal;
  /** Emits `touch` (the key waits for user presence). */
  onTouch(): void;
}

export function callOptions(ctx: CeremonyContext): CallOptions {
  return {
    signal: ctx.signal,
    onKeepalive: (status) => {
      if (status === KEEPALIVE_STATUS.UP_NEEDED) ctx.onTouch();
    },
  };
}

export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

/**
 * clientDataJSON as the browser would build it. `crossOrigin` is the browser's own answer (the caller is
 * not same-origin with all its ancestors: A → B → A is cross-origin although top and caller agree), sent
 * by the extension; a request without it counts as cross-origin when a different top-level origin embeds.
 */
export function clientData(
  type: ClientDataType,
  challenge: string,
  origin: string,
  where: { crossOrigin?: boolean; topOrigin?: string | undefined } = {},
): Uint8Array {
  const { topOrigin } = where;
  const crossOrigin = where.crossOrigin ?? (topOrigin !== undefined && topOrigin !== origin);
  return buildClientDataJSON({
    type,
    challenge,
    origin,
    crossOrigin,
    ...(crossOrigin && topOrigin !== undefined ? { topOrigin } : {}),
  });
}

/** Descriptors of type public-key, decoded; over-long IDs dropped (the key could not hold them). */
export function descriptors(
  list: Array<{ type: string; id: string; transports?: string[] }> | undefined,
  info: AuthenticatorInfo,
  what: string,
): CredentialDescriptor[] {
  const out: CredentialDescriptor[] = [];
  for (const d of list ?? []) {
    if (d.type !== 'public-key') continue;
    const id = fromBase64Url(d.id, `${what} credential id`);
    if (info.maxCredentialIdLength && id.length > info.maxCredentialIdLength) continue;
    out.push({ type: 'public-key', id });
  }
  return out;
}

/**
 * Narrows a credential list to what the key can take in one request (maxCredentialCountInList, 0 or
 * missing meaning 1): when it is longer, probes chunks silently (up=false) and keeps the first hit.
 */
export async function fitList(
  ctap: Ctap2,
  info: AuthenticatorInfo,
  rpId: string,
  list: CredentialDescriptor[],
  call: CallOptions,
): Promise<CredentialDescriptor[]> {
  const max = Math.max(1, info.maxCredentialCountInList ?? 1);
  if (list.length <= max) return list;
  const probeHash = new Uint8Array(32);
  for (let i = 0; i < list.length; i += max) {
    const chunk = list.slice(i, i + max);
    try {
      const r = await ctap.getAssertion(
        { rpId, clientDataHash: probeHash, allowList: chunk, options: { up: false } },
        call,
      );
      if (r.credential) return [r.credential];
    } catch (err) {
      if (err instanceof CtapError && err.status === CTAP2_STATUS.NO_CREDENTIALS) continue;
      throw err;
    }
  }
  return [];
}

export interface ParsedAuthData {
  flags: number;
  signCount: number;
  aaguid?: Uint8Array;
  credentialId?: Uint8Array;
  publicKey?: Map<unknown, unknown>;
}

/** Reads authenticator data far enough to find the attested credential. */
export function parseAuthData(authData: Uint8Array): ParsedAuthData {
  if (authData.length < 37)
    throw new CeremonyError('DeviceError', 'authenticator data is shorter than 37 bytes');
  const view = new DataView(authData.buffer, authData.byteOffset, authData.byteLength);
  const flags = authData[32]!;
  const out: ParsedAuthData = { flags, signCount: view.getUint32(33) };
  if (flags & 0x40) {
    if (authData.length < 55) throw new CeremonyError('DeviceError', 'attested credential data is truncated');
    const len = view.getUint16(53);
    if (authData.length < 55 + len) throw new CeremonyError('DeviceError', 'credential ID is truncated');
    out.aaguid = authData.slice(37, 53);
    out.credentialId = authData.slice(55, 55 + len);
    const { value } = decodeCtapPrefix(authData, 55 + len);
    if (!(value instanceof Map))
      throw new CeremonyError('DeviceError', 'credential public key is not a COSE map');
    out.publicKey = value;
  }
  return out;
}

/** The credential public key as DER SubjectPublicKeyInfo, or undefined for algorithms Web Crypto lacks. */
export async function spkiFromCose(key: Map<unknown, unknown>): Promise<{ alg: number; spki?: Uint8Array }> {
  const info = describeCoseKey(key);
  try {
    const k =
      info.format === 'raw'
        ? await crypto.subtle.importKey(
            'raw',
            info.keyData as Uint8Array<ArrayBuffer>,
            info.importParams,
            true,
            ['verify'],
          )
        : await crypto.subtle.importKey('jwk', info.keyData as JsonWebKey, info.importParams, true, [
            'verify',
          ]);
    return { alg: info.alg, spki: new Uint8Array(await crypto.subtle.exportKey('spki', k)) };
  } catch {
    return { alg: info.alg };
  }
}
