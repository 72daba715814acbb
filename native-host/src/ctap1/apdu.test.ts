import { describe, expect, it } from 'vitest';
import {
  ApduStatusError,
  Ctap1Error,
  decodeCommandApdu,
  decodeResponseApdu,
  encodeCommandApdu,
  encodeResponseApdu,
  SW,
  swName,
} from './apdu.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('command APDUs (ISO 7816-4 cases 1-4)', () => {
  const data = new Uint8Array([0xaa, 0xbb, 0xcc]);

  it('encodes the extended form U2F over HID uses', () => {
    expect(hex(encodeCommandApdu({ ins: 2, p1: 7, data }))).toBe('000207000000' + '03aabbcc0000');
    expect(hex(encodeCommandApdu({ ins: 3 }))).toBe('00030000000000');
    expect(hex(encodeCommandApdu({ ins: 2, p1: 3, data, ne: 0 }))).toBe('00020300000003aabbcc');
    expect(hex(encodeCommandApdu({ ins: 3, ne: 0 }))).toBe('00030000');
    expect(hex(encodeCommandApdu({ ins: 3, ne: 300 }))).toBe('0003000000012c');
    const big = encodeCommandApdu({ ins: 1, data: new Uint8Array(300) });
    expect(hex(big.subarray(0, 7))).toBe('00010000' + '00012c');
    expect(big.length).toBe(7 + 300 + 2);
  });

  it('encodes the short form (NFC and some older keys)', () => {
    expect(hex(encodeCommandApdu({ ins: 2, p1: 7, data }, 'short'))).toBe('0002070003aabbcc00');
    expect(hex(encodeCommandApdu({ ins: 3 }, 'short'))).toBe('0003000000');
    expect(hex(encodeCommandApdu({ ins: 3, ne: 0 }, 'short'))).toBe('00030000');
    expect(hex(encodeCommandApdu({ ins: 3, ne: 16 }, 'short'))).toBe('0003000010');
    expect(() => encodeCommandApdu({ ins: 1, data: new Uint8Array(256) }, 'short')).toThrow(/at most 255/);
  });

  it('refuses fields that do not fit', () => {
    expect(() => encodeCommandApdu({ ins: 256 })).toThrow(Ctap1Error);
    expect(() => encodeCommandApdu({ ins: 1, cla: -1 })).toThrow(/CLA/);
    expect(() => encodeCommandApdu({ ins: 1, data: new Uint8Array(65536) })).toThrow(/65535/);
    expect(() => encodeCommandApdu({ ins: 1, ne: 70000 })).toThrow(/Ne/);
    expect(() => encodeCommandApdu({ ins: 1, ne: 257 }, 'short')).toThrow(/Ne/);
  });

  it('decodes what it encodes, in both forms', () => {
    for (const form of ['extended', 'short'] as const) {
      for (const apdu of [
        { ins: 1, p1: 0, data, ne: 0 },
        { ins: 2, p1: 7, data, ne: form === 'short' ? 256 : 65536 },
        { ins: 3, p1: 0, data: new Uint8Array(0), ne: form === 'short' ? 256 : 65536 },
        { ins: 3, p1: 0, data: new Uint8Array(0), ne: 0 },
      ]) {
        expect(decodeCommandApdu(encodeCommandApdu(apdu, form))).toEqual({ cla: 0, p2: 0, ...apdu });
      }
    }
  });

  it('accepts the empty-Lc form python-fido2 sends (00 0000 Le)', () => {
    expect(decodeCommandApdu(new Uint8Array([0, 3, 0, 0, 0, 0, 0, 0, 0]))).toMatchObject({
      ins: 3,
      ne: 65536,
    });
  });

  it('refuses APDUs whose lengths do not add up', () => {
    expect(() => decodeCommandApdu(new Uint8Array([0, 1, 0]))).toThrow(/at least 4/);
    expect(() => decodeCommandApdu(new Uint8Array([0, 1, 0, 0, 5, 1, 2]))).toThrow(/Lc 5/);
    expect(() => decodeCommandApdu(new Uint8Array([0, 1, 0, 0, 0, 0, 4, 1]))).toThrow(/Lc 4/);
    expect(() => decodeCommandApdu(new Uint8Array([0, 1, 0, 0, 0, 0]))).toThrow(/truncated/);
    expect(() => decodeCommandApdu(new Uint8Array([0, 1, 0, 0, 0, 0, 0, 0]))).toThrow(/Lc 0/);
  });
});

describe('response APDUs', () => {
  it('splits data and status word, and back', () => {
    const r = decodeResponseApdu(new Uint8Array([1, 2, 0x90, 0x00]));
    expect(r).toEqual({ data: new Uint8Array([1, 2]), sw: SW.NO_ERROR });
    expect(decodeResponseApdu(encodeResponseApdu(new Uint8Array(0), SW.WRONG_DATA))).toEqual({
      data: new Uint8Array(0),
      sw: 0x6a80,
    });
    expect(() => decodeResponseApdu(new Uint8Array([0x90]))).toThrow(/at least 2/);
  });

  it('names status words', () => {
    expect(swName(0x6985)).toBe('CONDITIONS_NOT_SATISFIED');
    expect(swName(0x6a80)).toBe('WRONG_DATA');
    expect(swName(0x6f00)).toBe('0x6f00');
    const err = new ApduStatusError(0x6985);
    expect(err).toBeInstanceOf(Ctap1Error);
    expect(err).toMatchObject({ code: 'STATUS', sw: 0x6985, name: 'Ctap1Error' });
    expect(err.message).toContain('CONDITIONS_NOT_SATISFIED');
  });
});
