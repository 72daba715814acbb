// CTAP2 command encoding (canonical CBOR via the shared codec) and lenient response decoding.
import { decodeCtap, encodeCtap } from '@shared/cbor/index.js';
import { CTAP2_STATUS, CtapError } from './status.js';

export const CTAP2_CMD = {
  MAKE_CREDENTIAL: 0x01,
  GET_ASSERTION: 0x02,
  GET_INFO: 0x04,
  CLIENT_PIN: 0x06,
  RESET: 0x07,
  GET_NEXT_ASSERTION: 0x08,
  SELECTION: 0x0b,
} as const;

export type CborMap = Map<unknown, unknown>;

export interface CredentialDescriptor {
  type: string;
  id: Uint8Array;
  transports?: string[];
}

export interface AuthenticatorInfo {
  versions: string[];
  extensions: string[];
  aaguid: Uint8Array;
  options: Record<string, boolean>;
  maxMsgSize: number;
  pinUvAuthProtocols: number[];
  maxCredentialCountInList?: number;
  maxCredentialIdLength?: number;
  transports: string[];
  algorithms: Array<{ type: string; alg: number }>;
  minPinLength?: number;
  firmwareVersion?: number;
}

export interface MakeCredentialParams {
  clientDataHash: Uint8Array;
  rp: { id: string; name?: string };
  user: { id: Uint8Array; name?: string; displayName?: string };
  pubKeyCredParams: Array<{ type: string; alg: number }>;
  excludeList?: CredentialDescriptor[];
  extensions?: CborMap;
  options?: { rk?: boolean; uv?: boolean; up?: boolean };
  pinUvAuthParam?: Uint8Array;
  pinUvAuthProtocol?: number;
}

export interface AttestationResponse {
  fmt: string;
  authData: Uint8Array;
  attStmt: CborMap;
}

export interface GetAssertionParams {
  rpId: string;
  clientDataHash: Uint8Array;
  allowList?: CredentialDescriptor[];
  extensions?: CborMap;
  options?: { up?: boolean; uv?: boolean };
  pinUvAuthParam?: Uint8Array;
  pinUvAuthProtocol?: number;
}

export interface AssertionResponse {
  credential?: CredentialDescriptor;
  authData: Uint8Array;
  signature: Uint8Array;
  user?: { id: Uint8Array; name?: string; displayName?: string };
  numberOfCredentials?: number;
}

/** A response the key sent that does not have the shape CTAP2 gives it. */
export class CtapResponseError extends Error {
  override readonly name = 'CtapResponseError';
  readonly code = 'BAD_RESPONSE';
}

function descriptorToCbor(d: CredentialDescriptor): Map<string, unknown> {
  const m = new Map<string, unknown>([
    ['id', d.id],
    ['type', d.type],
  ]);
  return m;
}

function compact(entries: Array<[number, unknown]>): Map<number, unknown> {
  return new Map(entries.filter(([, v]) => v !== undefined));
}

function optionsMap(o: Record<string, boolean | undefined> | undefined): Map<string, boolean> | undefined {
  if (!o) return undefined;
  const m = new Map<string, boolean>();
  for (const [k, v] of Object.entries(o)) if (v !== undefined) m.set(k, v);
  return m.size ? m : undefined;
}

export function encodeCommand(cmd: number, params?: Map<number, unknown>): Uint8Array {
  const body = params ? encodeCtap(params) : new Uint8Array(0);
  const out = new Uint8Array(1 + body.length);
  out[0] = cmd;
  out.set(body, 1);
  return out;
}

export function encodeMakeCredential(p: MakeCredentialParams): Uint8Array {
  const rp = new Map<string, unknown>([['id', p.rp.id]]);
  if (p.rp.name !== undefined) rp.set('name', p.rp.name);
  const user = new Map<string, unknown>([['id', p.user.id]]);
  if (p.user.name !== undefined) user.set('name', p.user.name);
  if (p.user.displayName !== undefined) user.set('displayName', p.user.displayName);
  return encodeCommand(
    CTAP2_CMD.MAKE_CREDENTIAL,
    compact([
      [1, p.clientDataHash],
      [2, rp],
      [3, user],
      [
        4,
        p.pubKeyCredParams.map(
          (c) =>
            new Map<string, unknown>([
              ['alg', c.alg],
              ['type', c.type],
            ]),
        ),
      ],
      [5, p.excludeList?.length ? p.excludeList.map(descriptorToCbor) : undefined],
      [6, p.extensions?.size ? p.extensions : undefined],
      [7, optionsMap(p.options)],
      [8, p.pinUvAuthParam],
      [9, p.pinUvAuthProtocol],
    ]),
  );
}

export function encodeGetAssertion(p: GetAssertionParams): Uint8Array {
  return encodeCommand(
    CTAP2_CMD.GET_ASSERTION,
    compact([
      [1, p.rpId],
      [2, p.clientDataHash],
      [3, p.allowList?.length ? p.allowList.map(descriptorToCbor) : undefined],
      [4, p.extensions?.size ? p.extensions : undefined],
      [5, optionsMap(p.options)],
      [6, p.pinUvAuthParam],
      [7, p.pinUvAuthProtocol],
    ]),
  );
}

/** Splits a CTAPHID_CBOR reply into status and body; throws CtapError on non-zero status. */
export function parseCtapReply(reply: Uint8Array): CborMap | null {
  if (reply.length === 0) throw new CtapResponseError('the key sent an empty CTAP2 reply');
  const status = reply[0]!;
  if (status !== CTAP2_STATUS.OK) throw new CtapError(status);
  if (reply.length === 1) return null;
  let value: unknown;
  try {
    value = decodeCtap(reply.subarray(1));
  } catch (err) {
    throw new CtapResponseError(`the key sent invalid CBOR: ${(err as Error).message}`);
  }
  if (!(value instanceof Map)) throw new CtapResponseError('the key sent a CTAP2 reply that is not a map');
  return value;
}

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const asNumber = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'bigint' ? Number(v) : undefined;

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new CtapResponseError(`the key's reply lacks ${what}`);
  return value;
}

function decodeDescriptor(v: unknown): CredentialDescriptor | undefined {
  if (!(v instanceof Map)) return undefined;
  const id = v.get('id');
  if (!isBytes(id)) return undefined;
  return { type: asString(v.get('type')) ?? 'public-key', id };
}

/** Lenient GetInfo: unknown members ignored, missing optional ones defaulted. */
export function decodeGetInfo(m: CborMap | null): AuthenticatorInfo {
  if (!m) throw new CtapResponseError('GetInfo reply is empty');
  const versions = m.get(1);
  if (!Array.isArray(versions)) throw new CtapResponseError('GetInfo reply lacks versions');
  const aaguid = m.get(3);
  const options: Record<string, boolean> = {};
  const rawOptions = m.get(4);
  if (rawOptions instanceof Map) {
    for (const [k, v] of rawOptions) if (typeof k === 'string' && typeof v === 'boolean') options[k] = v;
  }
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const algorithms: Array<{ type: string; alg: number }> = [];
  for (const a of list(m.get(0x0a))) {
    if (a instanceof Map) {
      const alg = asNumber(a.get('alg'));
      if (alg !== undefined) algorithms.push({ type: asString(a.get('type')) ?? 'public-key', alg });
    }
  }
  const info: AuthenticatorInfo = {
    versions: versions.filter((x): x is string => typeof x === 'string'),
    extensions: list(m.get(2)).filter((x): x is string => typeof x === 'string'),
    aaguid: isBytes(aaguid) && aaguid.length === 16 ? aaguid : new Uint8Array(16),
    options,
    maxMsgSize: asNumber(m.get(5)) ?? 1024,
    pinUvAuthProtocols: list(m.get(6))
      .map(asNumber)
      .filter((x): x is number => x !== undefined),
    transports: list(m.get(9)).filter((x): x is string => typeof x === 'string'),
    algorithms,
  };
  const count = asNumber(m.get(7));
  if (count !== undefined) info.maxCredentialCountInList = count;
  const idLen = asNumber(m.get(8));
  if (idLen !== undefined) info.maxCredentialIdLength = idLen;
  const minPin = asNumber(m.get(0x0d));
  if (minPin !== undefined) info.minPinLength = minPin;
  const fw = asNumber(m.get(0x0e));
  if (fw !== undefined) info.firmwareVersion = fw;
  return info;
}

export function decodeAttestationResponse(m: CborMap | null): AttestationResponse {
  if (!m) throw new CtapResponseError('makeCredential reply is empty');
  const fmt = need(asString(m.get(1)), 'fmt');
  const authData = m.get(2);
  if (!isBytes(authData)) throw new CtapResponseError("the key's reply lacks authData");
  const attStmt = m.get(3);
  return { fmt, authData, attStmt: attStmt instanceof Map ? attStmt : new Map() };
}

/**
 * Lenient getAssertion/getNextAssertion reply; a missing `credential` is filled in from a one-entry
 * allow list (CTAP 2.0 keys omit it then).
 */
export function decodeAssertionResponse(
  m: CborMap | null,
  allowList?: CredentialDescriptor[],
): AssertionResponse {
  if (!m) throw new CtapResponseError('getAssertion reply is empty');
  const authData = m.get(2);
  const signature = m.get(3);
  if (!isBytes(authData)) throw new CtapResponseError("the key's reply lacks authData");
  if (!isBytes(signature)) throw new CtapResponseError("the key's reply lacks a signature");
  let credential = decodeDescriptor(m.get(1));
  if (!credential && allowList?.length === 1) credential = { type: 'public-key', id: allowList[0]!.id };
  const out: AssertionResponse = { authData, signature };
  if (credential) out.credential = credential;
  const user = m.get(4);
  if (user instanceof Map && isBytes(user.get('id'))) {
    const u: NonNullable<AssertionResponse['user']> = { id: user.get('id') as Uint8Array };
    const name = asString(user.get('name'));
    const displayName = asString(user.get('displayName'));
    if (name !== undefined) u.name = name;
    if (displayName !== undefined) u.displayName = displayName;
    out.user = u;
  }
  const n = asNumber(m.get(5));
  if (n !== undefined) out.numberOfCredentials = n;
  return out;
}
