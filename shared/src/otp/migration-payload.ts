import { create, createFileRegistry, type Message } from '@bufbuild/protobuf';
import type { GenMessage } from '@bufbuild/protobuf/codegenv2';
import {
  FileDescriptorProtoSchema,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
} from '@bufbuild/protobuf/wkt';

/**
 * Google Authenticator's export format, as a protobuf descriptor written out by hand (no protoc step):
 *
 *   message MigrationPayload {
 *     enum Algorithm { ALGORITHM_UNSPECIFIED = 0; SHA1 = 1; SHA256 = 2; SHA512 = 3; MD5 = 4; }
 *     enum DigitCount { DIGIT_COUNT_UNSPECIFIED = 0; SIX = 1; EIGHT = 2; }
 *     enum OtpType { OTP_TYPE_UNSPECIFIED = 0; HOTP = 1; TOTP = 2; }
 *     message OtpParameters {
 *       bytes secret = 1; string name = 2; string issuer = 3; Algorithm algorithm = 4;
 *       DigitCount digits = 5; OtpType type = 6; int64 counter = 7;
 *     }
 *     repeated OtpParameters otp_parameters = 1;
 *     int32 version = 2; int32 batch_size = 3; int32 batch_index = 4; int32 batch_id = 5;
 *   }
 *
 * @bufbuild/protobuf does all the wire work (varints, 10-byte negative int32s, lengths, unknown fields)
 * from this descriptor.
 */
export const MigrationAlgorithm = { UNSPECIFIED: 0, SHA1: 1, SHA256: 2, SHA512: 3, MD5: 4 } as const;
export const MigrationDigitCount = { UNSPECIFIED: 0, SIX: 1, EIGHT: 2 } as const;
export const MigrationOtpType = { UNSPECIFIED: 0, HOTP: 1, TOTP: 2 } as const;

export type MigrationOtpParameters = Message<'googleauth.MigrationPayload.OtpParameters'> & {
  secret: Uint8Array;
  name: string;
  issuer: string;
  /** Open enum: values outside MigrationAlgorithm arrive as plain numbers. */
  algorithm: number;
  digits: number;
  type: number;
  counter: bigint;
};

export type MigrationPayload = Message<'googleauth.MigrationPayload'> & {
  otpParameters: MigrationOtpParameters[];
  version: number;
  batchSize: number;
  batchIndex: number;
  batchId: number;
};

const PREFIX = '.googleauth.MigrationPayload';

function scalar(name: string, number: number, type: Type) {
  return { name, number, type, label: Label.OPTIONAL };
}

function enumField(name: string, number: number, enumName: string) {
  return { name, number, type: Type.ENUM, typeName: `${PREFIX}.${enumName}`, label: Label.OPTIONAL };
}

function enumType(name: string, values: Record<string, number>) {
  return {
    name,
    value: Object.entries(values).map(([key, number]) => ({
      name: `${name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}_${key}`,
      number,
    })),
  };
}

const file = create(FileDescriptorProtoSchema, {
  name: 'google_auth_migration.proto',
  package: 'googleauth',
  syntax: 'proto3',
  messageType: [
    {
      name: 'MigrationPayload',
      field: [
        {
          name: 'otp_parameters',
          number: 1,
          type: Type.MESSAGE,
          typeName: `${PREFIX}.OtpParameters`,
          label: Label.REPEATED,
        },
        scalar('version', 2, Type.INT32),
        scalar('batch_size', 3, Type.INT32),
        scalar('batch_index', 4, Type.INT32),
        scalar('batch_id', 5, Type.INT32),
      ],
      nestedType: [
        {
          name: 'OtpParameters',
          field: [
            scalar('secret', 1, Type.BYTES),
            scalar('name', 2, Type.STRING),
            scalar('issuer', 3, Type.STRING),
            enumField('algorithm', 4, 'Algorithm'),
            enumField('digits', 5, 'DigitCount'),
            enumField('type', 6, 'OtpType'),
            scalar('counter', 7, Type.INT64),
          ],
        },
      ],
      enumType: [
        enumType('Algorithm', MigrationAlgorithm),
        enumType('DigitCount', MigrationDigitCount),
        enumType('OtpType', MigrationOtpType),
      ],
    },
  ],
});

const registry = createFileRegistry(file, () => undefined);

function messageSchema<Shape extends Message>(typeName: Shape['$typeName']): GenMessage<Shape> {
  const desc = registry.getMessage(typeName);
  if (desc === undefined) throw new Error(`protobuf descriptor for ${typeName} is missing`);
  return desc as GenMessage<Shape>;
}

/** Typed schemas for fromBinary/toBinary/create from @bufbuild/protobuf. */
export const MigrationPayloadSchema = messageSchema<MigrationPayload>('googleauth.MigrationPayload');
export const MigrationOtpParametersSchema = messageSchema<MigrationOtpParameters>(
  'googleauth.MigrationPayload.OtpParameters',
);
