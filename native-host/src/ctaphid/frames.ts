// CTAPHID framing (CTAP 2.1 §11.2.4): pure functions over 64-byte reports.

export const REPORT_SIZE = 64;
export const BROADCAST_CID = 0xffffffff;
const INIT_HEADER = 7;
const CONT_HEADER = 5;
/** Largest payload a 64-byte report size can carry: 57 + 128 × 59. */
export const MAX_PAYLOAD = REPORT_SIZE - INIT_HEADER + 128 * (REPORT_SIZE - CONT_HEADER);

export const CTAPHID_CMD = {
  PING: 0x01,
  MSG: 0x03,
  LOCK: 0x04,
  INIT: 0x06,
  WINK: 0x08,
  CBOR: 0x10,
  CANCEL: 0x11,
  KEEPALIVE: 0x3b,
  ERROR: 0x3f,
} as const;

export const KEEPALIVE_STATUS = { PROCESSING: 1, UP_NEEDED: 2 } as const;

/** CTAPHID_ERROR codes. */
export const HID_ERROR = {
  INVALID_CMD: 0x01,
  INVALID_PAR: 0x02,
  INVALID_LEN: 0x03,
  INVALID_SEQ: 0x04,
  MSG_TIMEOUT: 0x05,
  CHANNEL_BUSY: 0x06,
  LOCK_REQUIRED: 0x0a,
  INVALID_CHANNEL: 0x0b,
  OTHER: 0x7f,
} as const;

export const CAPABILITY = { WINK: 0x01, CBOR: 0x04, NMSG: 0x08 } as const;

export type CtapHidErrorCode =
  | 'INVALID_PACKET'
  | 'INVALID_SEQ'
  | 'PAYLOAD_TOO_LONG'
  | 'TIMEOUT'
  | 'DEVICE_ERROR'
  | 'BAD_INIT_REPLY'
  | 'CLOSED'
  | 'UNEXPECTED_COMMAND';

/** A CTAPHID-level failure: bad frames, a silent key, a CTAPHID_ERROR reply. */
export class CtapHidError extends Error {
  override readonly name = 'CtapHidError';
  constructor(
    readonly code: CtapHidErrorCode,
    message: string,
    /** The CTAPHID_ERROR byte, for code DEVICE_ERROR. */
    readonly hidError?: number,
  ) {
    super(message);
  }
}

export type Packet =
  | { kind: 'init'; cid: number; cmd: number; bcnt: number; data: Uint8Array }
  | { kind: 'cont'; cid: number; seq: number; data: Uint8Array };

/** Splits a message into 64-byte reports: one initialisation packet, then continuation packets. */
export function fragment(cid: number, cmd: number, payload: Uint8Array): Uint8Array[] {
  if (payload.length > MAX_PAYLOAD) {
    throw new CtapHidError(
      'PAYLOAD_TOO_LONG',
      `CTAPHID payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD}`,
    );
  }
  if (cmd < 0 || cmd > 0x7f) throw new CtapHidError('INVALID_PACKET', `CTAPHID command ${cmd} out of range`);
  const reports: Uint8Array[] = [];
  const first = new Uint8Array(REPORT_SIZE);
  const view = new DataView(first.buffer);
  view.setUint32(0, cid >>> 0);
  first[4] = 0x80 | cmd;
  view.setUint16(5, payload.length);
  let offset = Math.min(payload.length, REPORT_SIZE - INIT_HEADER);
  first.set(payload.subarray(0, offset), INIT_HEADER);
  reports.push(first);
  let seq = 0;
  while (offset < payload.length) {
    const cont = new Uint8Array(REPORT_SIZE);
    new DataView(cont.buffer).setUint32(0, cid >>> 0);
    cont[4] = seq++;
    const n = Math.min(payload.length - offset, REPORT_SIZE - CONT_HEADER);
    cont.set(payload.subarray(offset, offset + n), CONT_HEADER);
    offset += n;
    reports.push(cont);
  }
  return reports;
}

/** Reads the header of one report. Reports shorter than a header are rejected. */
export function parsePacket(report: Uint8Array): Packet {
  if (report.length < INIT_HEADER) {
    throw new CtapHidError('INVALID_PACKET', `CTAPHID report of ${report.length} bytes is too short`);
  }
  const view = new DataView(report.buffer, report.byteOffset, report.byteLength);
  const cid = view.getUint32(0);
  const b4 = report[4]!;
  if (b4 & 0x80) {
    return { kind: 'init', cid, cmd: b4 & 0x7f, bcnt: view.getUint16(5), data: report.subarray(INIT_HEADER) };
  }
  return { kind: 'cont', cid, seq: b4, data: report.subarray(CONT_HEADER) };
}

/** Reassembles one message from the packets of a single channel. */
export class Reassembler {
  private buf: Uint8Array | null = null;
  private filled = 0;
  private nextSeq = 0;
  private cmdValue = 0;

  get inProgress(): boolean {
    return this.buf !== null;
  }

  get cmd(): number {
    return this.cmdValue;
  }

  /** Starts a message from an initialisation packet; returns the payload when it is complete. */
  start(p: Extract<Packet, { kind: 'init' }>, maxPayload = MAX_PAYLOAD): Uint8Array | null {
    if (p.bcnt > maxPayload) {
      this.reset();
      throw new CtapHidError('PAYLOAD_TOO_LONG', `CTAPHID message length ${p.bcnt} exceeds ${maxPayload}`);
    }
    this.cmdValue = p.cmd;
    this.buf = new Uint8Array(p.bcnt);
    this.filled = 0;
    this.nextSeq = 0;
    return this.take(p.data);
  }

  /** Adds a continuation packet; returns the payload when it is complete. */
  continue(p: Extract<Packet, { kind: 'cont' }>): Uint8Array | null {
    if (!this.buf)
      throw new CtapHidError('INVALID_SEQ', 'continuation packet without an initialisation packet');
    if (p.seq !== this.nextSeq) {
      this.reset();
      throw new CtapHidError('INVALID_SEQ', `expected sequence ${this.nextSeq}, got ${p.seq}`);
    }
    this.nextSeq++;
    return this.take(p.data);
  }

  reset(): void {
    this.buf = null;
    this.filled = 0;
    this.nextSeq = 0;
  }

  private take(data: Uint8Array): Uint8Array | null {
    const buf = this.buf!;
    const n = Math.min(buf.length - this.filled, data.length);
    buf.set(data.subarray(0, n), this.filled);
    this.filled += n;
    if (this.filled < buf.length) return null;
    this.buf = null;
    return buf;
  }
}

/** The 17-byte CTAPHID_INIT response. */
export interface InitResponse {
  nonce: Uint8Array;
  cid: number;
  protocolVersion: number;
  deviceVersion: [number, number, number];
  capabilities: number;
}

export function encodeInitResponse(r: InitResponse): Uint8Array {
  const out = new Uint8Array(17);
  out.set(r.nonce.subarray(0, 8), 0);
  new DataView(out.buffer).setUint32(8, r.cid >>> 0);
  out[12] = r.protocolVersion;
  out.set(r.deviceVersion, 13);
  out[16] = r.capabilities;
  return out;
}

export function decodeInitResponse(payload: Uint8Array): InitResponse {
  if (payload.length < 17) {
    throw new CtapHidError('BAD_INIT_REPLY', `CTAPHID_INIT reply of ${payload.length} bytes (need 17)`);
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  return {
    nonce: payload.slice(0, 8),
    cid: view.getUint32(8),
    protocolVersion: payload[12]!,
    deviceVersion: [payload[13]!, payload[14]!, payload[15]!],
    capabilities: payload[16]!,
  };
}

export function hidErrorName(code: number): string {
  for (const [name, value] of Object.entries(HID_ERROR)) if (value === code) return name;
  return `0x${code.toString(16).padStart(2, '0')}`;
}
