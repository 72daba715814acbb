import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import {
  MigrationAlgorithm,
  MigrationDigitCount,
  MigrationOtpParametersSchema,
  MigrationOtpType,
  MigrationPayloadSchema,
} from './migration-payload.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!, (b) => Number.parseInt(b, 16));

describe('MigrationPayloadSchema', () => {
  it('decodes bytes written by hand from the wire format (independent of the library)', () => {
    // otp_parameters (field 1, length-delimited) { secret=0102 (1), name="a:b" (2), issuer="a" (3),
    //   algorithm=SHA256 (4), digits=EIGHT (5), type=HOTP (6), counter=300 (7, varint ac 02) }
    // version=1 (2), batch_size=2 (3), batch_index=1 (4), batch_id=-1 (5, ten-byte varint)
    const inner = '0a020102' + '1203613a62' + '1a0161' + '2002' + '2802' + '3001' + '38ac02';
    const bytes = hex(
      `0a${(inner.length / 2).toString(16).padStart(2, '0')}${inner}10011802200128ffffffffffffffffff01`,
    );
    const payload = fromBinary(MigrationPayloadSchema, bytes);
    expect(payload.version).toBe(1);
    expect(payload.batchSize).toBe(2);
    expect(payload.batchIndex).toBe(1);
    expect(payload.batchId).toBe(-1);
    expect(payload.otpParameters).toHaveLength(1);
    const [p] = payload.otpParameters;
    expect(p?.secret).toEqual(new Uint8Array([1, 2]));
    expect(p?.name).toBe('a:b');
    expect(p?.issuer).toBe('a');
    expect(p?.algorithm).toBe(MigrationAlgorithm.SHA256);
    expect(p?.digits).toBe(MigrationDigitCount.EIGHT);
    expect(p?.type).toBe(MigrationOtpType.HOTP);
    expect(p?.counter).toBe(300n);
    // and the library writes the same bytes back
    expect(toBinary(MigrationPayloadSchema, payload)).toEqual(bytes);
  });

  it('keeps enum values it does not know as numbers (open enums)', () => {
    const p = create(MigrationOtpParametersSchema, { algorithm: 9, digits: 7, type: 5 });
    const back = fromBinary(MigrationOtpParametersSchema, toBinary(MigrationOtpParametersSchema, p));
    expect([back.algorithm, back.digits, back.type]).toEqual([9, 7, 5]);
  });

  it('rejects truncated data with an exception (callers turn it into bad-payload)', () => {
    expect(() => fromBinary(MigrationPayloadSchema, hex('0a05'))).toThrow();
  });
});
