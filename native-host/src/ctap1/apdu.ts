// ISO 7816-4 command and response APDUs as U2F (FIDO U2F Raw Message Formats §3) uses them: pure
// functions over bytes. Hand-written: a handful of length rules, no npm package covers U2F framing.

/** U2F instructions (FIDO U2F Raw Message Formats §4–§6). */
export const U2F_INS = { REGISTER: 0x01, AUTHENTICATE: 0x02, VERSION: 0x03 } as const;

/** U2F_AUTHENTICATE control bytes (P1). */
export const U2F_AUTH = {
  /** Only checks whether the key handle belongs to this key and app: answers 0x6985 when it does. */
  CHECK_ONLY: 0x07,
  /** Signs after a test of user presence. */
  ENFORCE_USER_PRESENCE: 0x03,
  /** Signs without a test of user presence (not used by browsers). */
  DONT_ENFORCE_USER_PRESENCE: 0x08,
} as const;

/** Status words (ISO 7816-4 SW1SW2) U2F keys answer with. */
export const SW = {
  NO_ERROR: 0x9000,
  /** Conditions of use not satisfied: no user presence yet (or, for check-only, "the handle is mine"). */
  CONDITIONS_NOT_SATISFIED: 0x6985,
  /** Wrong data: the key handle is not this key's (or not for this app). */
  WRONG_DATA: 0x6a80,
  WRONG_LENGTH: 0x6700,
  CLA_NOT_SUPPORTED: 0x6e00,
  INS_NOT_SUPPORTED: 0x6d00,
} as const;

const SW_NAMES = new Map<number, string>(Object.entries(SW).map(([k, v]) => [v, k]));

export function swName(sw: number): string {
  return SW_NAMES.get(sw) ?? `0x${sw.toString(16).padStart(4, '0')}`;
}

export type Ctap1ErrorCode = 'BAD_APDU' | 'BAD_RESPONSE' | 'STATUS';

/** A CTAP1/U2F failure: a request that cannot be encoded, a malformed reply, or a non-9000 status word. */
export class Ctap1Error extends Error {
  override readonly name = 'Ctap1Error';
  constructor(
    readonly code: Ctap1ErrorCode,
    message: string,
    /** The status word, for code STATUS. */
    readonly sw?: number,
  ) {
    super(message);
  }
}

/** A reply with a status word other than 0x9000. */
export class ApduStatusError extends Ctap1Error {
  constructor(
    override readonly sw: number,
    message?: string,
  ) {
    super(
      'STATUS',
      message ?? `the key answered status ${swName(sw)} (0x${sw.toString(16).padStart(4, '0')})`,
      sw,
    );
  }
}

export interface CommandApdu {
  cla?: number;
  ins: number;
  p1?: number;
  p2?: number;
  data?: Uint8Array;
  /** Expected response length Ne (default: the maximum the encoding allows). */
  ne?: number;
}

const byte = (n: number, what: string): number => {
  if (!Number.isInteger(n) || n < 0 || n > 0xff)
    throw new Ctap1Error('BAD_APDU', `${what} ${n} is not a byte`);
  return n;
};

/**
 * Encodes a command APDU. Extended length (the U2F HID default): `CLA INS P1 P2 00 Lc1 Lc2 data Le1 Le2`,
 * with `00 Le1 Le2` when there is no data; Le 0000 asks for up to 65536 bytes. Short length:
 * `CLA INS P1 P2 [Lc data] [Le]`, data at most 255 bytes, Le 00 meaning 256.
 */
export function encodeCommandApdu(apdu: CommandApdu, form: 'extended' | 'short' = 'extended'): Uint8Array {
  const data = apdu.data ?? new Uint8Array(0);
  const header = [
    byte(apdu.cla ?? 0, 'CLA'),
    byte(apdu.ins, 'INS'),
    byte(apdu.p1 ?? 0, 'P1'),
    byte(apdu.p2 ?? 0, 'P2'),
  ];
  if (form === 'short') {
    if (data.length > 255) {
      throw new Ctap1Error('BAD_APDU', `a short APDU carries at most 255 data bytes, not ${data.length}`);
    }
    const ne = apdu.ne ?? 256;
    if (!Number.isInteger(ne) || ne < 0 || ne > 256)
      throw new Ctap1Error('BAD_APDU', `short Ne ${ne} is out of range`);
    const out: number[] = [...header];
    if (data.length) out.push(data.length, ...data);
    if (ne > 0) out.push(ne & 0xff);
    return new Uint8Array(out);
  }
  if (data.length > 0xffff) {
    throw new Ctap1Error('BAD_APDU', `an extended APDU carries at most 65535 data bytes, not ${data.length}`);
  }
  const ne = apdu.ne ?? 65536;
  if (!Number.isInteger(ne) || ne < 0 || ne > 65536)
    throw new Ctap1Error('BAD_APDU', `extended Ne ${ne} is out of range`);
  const out = new Uint8Array(4 + (data.length ? 3 + data.length : 0) + (ne > 0 ? (data.length ? 2 : 3) : 0));
  out.set(header, 0);
  let o = 4;
  if (data.length) {
    out[o++] = 0;
    out[o++] = data.length >> 8;
    out[o++] = data.length & 0xff;
    out.set(data, o);
    o += data.length;
  }
  if (ne > 0) {
    if (!data.length) out[o++] = 0;
    out[o++] = (ne >> 8) & 0xff;
    out[o++] = ne & 0xff;
  }
  return out;
}

export interface DecodedCommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Uint8Array;
  /** Expected response length (0 when absent). */
  ne: number;
}

/**
 * Decodes a command APDU in either length form (the authenticator side; ISO 7816-4 §5.1 cases 1–4).
 * Throws Ctap1Error BAD_APDU when the lengths do not add up.
 */
export function decodeCommandApdu(bytes: Uint8Array): DecodedCommandApdu {
  if (bytes.length < 4) throw new Ctap1Error('BAD_APDU', `an APDU has at least 4 bytes, not ${bytes.length}`);
  const [cla, ins, p1, p2] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  const body = bytes.subarray(4);
  const n = body.length;
  const out = (data: Uint8Array, ne: number): DecodedCommandApdu => ({ cla, ins, p1, p2, data, ne });
  if (n === 0) return out(new Uint8Array(0), 0);
  if (n === 1) return out(new Uint8Array(0), body[0] === 0 ? 256 : body[0]!);
  if (body[0] !== 0) {
    // Short form: Lc data [Le].
    const lc = body[0]!;
    if (n === 1 + lc) return out(body.slice(1, 1 + lc), 0);
    if (n === 2 + lc) return out(body.slice(1, 1 + lc), body[1 + lc] === 0 ? 256 : body[1 + lc]!);
    throw new Ctap1Error('BAD_APDU', `short APDU with Lc ${lc} has ${n - 1} bytes after it`);
  }
  // Extended form: 00 then either Le (2 bytes) or Lc (2 bytes) data [Le (2 bytes)].
  if (n === 3) {
    const le = (body[1]! << 8) | body[2]!;
    return out(new Uint8Array(0), le === 0 ? 65536 : le);
  }
  if (n < 3) throw new Ctap1Error('BAD_APDU', 'extended APDU is truncated');
  const lc = (body[1]! << 8) | body[2]!;
  if (lc === 0) {
    // `00 0000 Le1 Le2`: an empty Lc field, as python-fido2 and some other U2F clients send.
    if (n !== 5) throw new Ctap1Error('BAD_APDU', 'extended APDU with Lc 0');
    const le = (body[3]! << 8) | body[4]!;
    return out(new Uint8Array(0), le === 0 ? 65536 : le);
  }
  if (n === 3 + lc) return out(body.slice(3, 3 + lc), 0);
  if (n === 5 + lc) {
    const le = (body[3 + lc]! << 8) | body[4 + lc]!;
    return out(body.slice(3, 3 + lc), le === 0 ? 65536 : le);
  }
  throw new Ctap1Error('BAD_APDU', `extended APDU with Lc ${lc} has ${n - 3} bytes after it`);
}

export interface ResponseApdu {
  data: Uint8Array;
  sw: number;
}

/** Splits a response APDU into its data and the trailing status word. */
export function decodeResponseApdu(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) {
    throw new Ctap1Error('BAD_RESPONSE', `a response APDU has at least 2 bytes, not ${bytes.length}`);
  }
  const n = bytes.length;
  return { data: bytes.slice(0, n - 2), sw: (bytes[n - 2]! << 8) | bytes[n - 1]! };
}

export function encodeResponseApdu(data: Uint8Array, sw: number): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data, 0);
  out[data.length] = sw >> 8;
  out[data.length + 1] = sw & 0xff;
  return out;
}
