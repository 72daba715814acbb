import { describe, expect, it } from 'vitest';
import {
  BROADCAST_CID,
  CtapHidError,
  decodeInitResponse,
  encodeInitResponse,
  fragment,
  MAX_PAYLOAD,
  parsePacket,
  Reassembler,
} from './frames.js';

function roundTrip(payload: Uint8Array): Uint8Array {
  const reports = fragment(0x01020304, 0x10, payload);
  const r = new Reassembler();
  let out: Uint8Array | null = null;
  reports.forEach((rep, i) => {
    expect(rep.length).toBe(64);
    const p = parsePacket(rep);
    expect(p.cid).toBe(0x01020304);
    out = p.kind === 'init' ? r.start(p) : r.continue(p);
    if (i < reports.length - 1) expect(out).toBeNull();
  });
  return out!;
}

describe('CTAPHID framing', () => {
  it('lays out an INIT request on the broadcast channel as CTAP 2.1 §11.2.4 shows', () => {
    const [report, ...rest] = fragment(BROADCAST_CID, 0x06, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(rest).toEqual([]);
    expect(Buffer.from(report!.subarray(0, 15)).toString('hex')).toBe('ffffffff8600080102030405060708');
    expect(report!.subarray(15).every((b) => b === 0)).toBe(true);
  });

  it('fragments and reassembles 0, 57, 58, 116, 117 and 7609 bytes', () => {
    for (const n of [0, 57, 58, 116, 117, MAX_PAYLOAD]) {
      const payload = new Uint8Array(n).map((_, i) => i * 7);
      const reports = fragment(1, 0x10, payload);
      expect(reports.length).toBe(n <= 57 ? 1 : 1 + Math.ceil((n - 57) / 59));
      expect(roundTrip(payload)).toEqual(payload);
    }
    expect(MAX_PAYLOAD).toBe(7609);
    const last = fragment(1, 0x10, new Uint8Array(MAX_PAYLOAD)).at(-1)!;
    expect(last[4]).toBe(127);
  });

  it('refuses payloads over 7609 bytes and commands over 0x7f', () => {
    expect(() => fragment(1, 0x10, new Uint8Array(MAX_PAYLOAD + 1))).toThrow(CtapHidError);
    expect(() => fragment(1, 0x80, new Uint8Array(1))).toThrow(CtapHidError);
  });

  it('rejects out-of-order continuation packets and over-long announced lengths', () => {
    const reports = fragment(9, 0x10, new Uint8Array(200));
    const r = new Reassembler();
    const init = parsePacket(reports[0]!);
    if (init.kind !== 'init') throw new Error('expected init');
    r.start(init);
    const second = parsePacket(reports[2]!);
    if (second.kind !== 'cont') throw new Error('expected cont');
    expect(() => r.continue(second)).toThrow(expect.objectContaining({ code: 'INVALID_SEQ' }));
    expect(() => r.continue(second)).toThrow(CtapHidError);
    const big = new Uint8Array(64);
    big.set([0, 0, 0, 9, 0x90, 0xff, 0xff]);
    const p = parsePacket(big);
    if (p.kind !== 'init') throw new Error('expected init');
    expect(() => new Reassembler().start(p)).toThrow(expect.objectContaining({ code: 'PAYLOAD_TOO_LONG' }));
    expect(() => parsePacket(new Uint8Array(6))).toThrow(expect.objectContaining({ code: 'INVALID_PACKET' }));
  });

  it('encodes and decodes the 17-byte INIT response', () => {
    const r = {
      nonce: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
      cid: 0xdeadbeef,
      protocolVersion: 2,
      deviceVersion: [5, 4, 3] as [number, number, number],
      capabilities: 0x0d,
    };
    const bytes = encodeInitResponse(r);
    expect(Buffer.from(bytes).toString('hex')).toBe('0102030405060708deadbeef020504030d');
    expect(decodeInitResponse(bytes)).toEqual(r);
    expect(() => decodeInitResponse(new Uint8Array(16))).toThrow(
      expect.objectContaining({ code: 'BAD_INIT_REPLY' }),
    );
  });
});
