import { encodeCtap } from '@shared/cbor/index.js';
import { describe, expect, it } from 'vitest';
import {
  CtapResponseError,
  decodeAssertionResponse,
  decodeGetInfo,
  encodeMakeCredential,
  parseCtapReply,
} from './commands.js';
import { CTAP2_STATUS, CtapError, domExceptionNameForStatus } from './status.js';

describe('CTAP2 request encoding', () => {
  it('encodes makeCredential canonically, byte for byte as python-fido2 0.9.1 does', () => {
    const req = encodeMakeCredential({
      clientDataHash: new Uint8Array(32),
      rp: { id: 'example.com', name: 'Example' },
      user: { id: new Uint8Array([1, 2]), name: 'alice', displayName: 'Alice' },
      pubKeyCredParams: [
        { type: 'public-key', alg: -7 },
        { type: 'public-key', alg: -8 },
      ],
      excludeList: [{ type: 'public-key', id: new Uint8Array(4).fill(0xaa) }],
      options: { rk: true },
      pinUvAuthParam: new Uint8Array(16).fill(0x55),
      pinUvAuthProtocol: 1,
    });
    expect(req[0]).toBe(0x01);
    expect(Buffer.from(req.subarray(1)).toString('hex')).toBe(
      'a8015820000000000000000000000000000000000000000000000000000000000000000002a26269646b6578616d706c652e636f6d646e616d65674578616d706c6503a3626964420102646e616d6565616c6963656b646973706c61794e616d6565416c6963650482a263616c672664747970656a7075626c69632d6b6579a263616c672764747970656a7075626c69632d6b65790581a262696444aaaaaaaa64747970656a7075626c69632d6b657907a162726bf50850555555555555555555555555555555550901',
    );
  });
});

describe('CTAP2 response decoding (lenient)', () => {
  it('reads a GetInfo whose map is out of canonical order and skips unknown members', () => {
    // Hand-built non-canonical map: key 4 before key 1, an unknown key 0x20.
    const body = new Uint8Array([
      0xa4,
      0x04,
      0xa1,
      0x69,
      ...Buffer.from('clientPin'),
      0xf4,
      0x01,
      0x81,
      0x68,
      ...Buffer.from('FIDO_2_0'),
      0x18,
      0x20,
      0x00,
      0x03,
      0x50,
      ...new Uint8Array(16).fill(9),
    ]);
    const info = decodeGetInfo(parseCtapReply(new Uint8Array([0, ...body])));
    expect(info.versions).toEqual(['FIDO_2_0']);
    expect(info.options).toEqual({ clientPin: false });
    expect(info.aaguid).toEqual(new Uint8Array(16).fill(9));
    expect(info.maxMsgSize).toBe(1024);
    expect(info.pinUvAuthProtocols).toEqual([]);
  });

  it('fills in a missing credential from a one-entry allow list', () => {
    const m = new Map<number, unknown>([
      [2, new Uint8Array(37)],
      [3, new Uint8Array([0x30, 0x00])],
    ]);
    const id = new Uint8Array([7, 7, 7]);
    expect(decodeAssertionResponse(m, [{ type: 'public-key', id }]).credential).toEqual({
      type: 'public-key',
      id,
    });
    expect(decodeAssertionResponse(m).credential).toBeUndefined();
    expect(() => decodeAssertionResponse(new Map([[2, new Uint8Array(37)]]))).toThrow(CtapResponseError);
  });

  it('turns a non-zero status into CtapError and bad CBOR into CtapResponseError', () => {
    expect(() => parseCtapReply(new Uint8Array([CTAP2_STATUS.PIN_INVALID]))).toThrow(CtapError);
    try {
      parseCtapReply(new Uint8Array([0x31]));
    } catch (e) {
      expect((e as CtapError).code).toBe('PIN_INVALID');
    }
    expect(parseCtapReply(new Uint8Array([0]))).toBeNull();
    expect(() => parseCtapReply(new Uint8Array([0, 0xa1]))).toThrow(CtapResponseError);
    expect(() => parseCtapReply(new Uint8Array([0, ...encodeCtap([1])]))).toThrow(CtapResponseError);
    expect(() => parseCtapReply(new Uint8Array())).toThrow(CtapResponseError);
  });

  it('maps statuses to the DOMException names WebAuthn uses', () => {
    expect(domExceptionNameForStatus(CTAP2_STATUS.CREDENTIAL_EXCLUDED)).toBe('InvalidStateError');
    expect(domExceptionNameForStatus(CTAP2_STATUS.UNSUPPORTED_ALGORITHM)).toBe('NotSupportedError');
    expect(domExceptionNameForStatus(CTAP2_STATUS.KEEPALIVE_CANCEL)).toBe('AbortError');
    expect(domExceptionNameForStatus(CTAP2_STATUS.NO_CREDENTIALS)).toBe('NotAllowedError');
    expect(domExceptionNameForStatus(CTAP2_STATUS.PIN_BLOCKED)).toBe('NotAllowedError');
    expect(domExceptionNameForStatus(CTAP2_STATUS.UNSUPPORTED_OPTION)).toBe('ConstraintError');
    expect(domExceptionNameForStatus(CTAP2_STATUS.INVALID_CBOR)).toBe('UnknownError');
  });
});
