import { create, toBinary } from '@bufbuild/protobuf';
import type { OtpAccount } from './account.js';
import { base64Encode } from './base64.js';
import { OtpauthError } from './errors.js';
import { joinLabel } from './label.js';
import {
  MigrationAlgorithm,
  MigrationDigitCount,
  MigrationOtpParametersSchema,
  MigrationOtpType,
  MigrationPayloadSchema,
} from './migration-payload.js';
import { assertValidAccount } from './validate-account.js';

export type MigrationBatchPosition = { batchIndex?: number; batchSize?: number; batchId?: number };

/**
 * Writes accounts as one Google Authenticator export QR payload (`otpauth-migration://offline?data=…`),
 * as the app itself does (version 1). Only what the format can hold: 6 or 8 digits, 30-second
 * periods. Contains secrets: never log the result.
 */
export function formatMigrationUri(
  accounts: readonly OtpAccount[],
  position: MigrationBatchPosition = {},
): string {
  const { batchIndex = 0, batchSize = 1, batchId = 0 } = position;
  if (accounts.length === 0) {
    throw new OtpauthError('bad-payload', 'An export needs at least one account.');
  }
  if (
    !isInt32(batchSize) ||
    !isInt32(batchIndex) ||
    !isInt32(batchId) ||
    batchIndex < 0 ||
    batchIndex >= batchSize
  ) {
    throw new OtpauthError(
      'bad-payload',
      'The batch position must be whole numbers with 0 <= batchIndex < batchSize.',
    );
  }
  const otpParameters = accounts.map((a, i) => {
    assertValidAccount(a);
    if (a.digits === 7) {
      throw new OtpauthError(
        'bad-digits',
        `Account ${i + 1}: Google Authenticator exports cannot hold 7-digit codes.`,
      );
    }
    if (a.type === 'totp' && a.period !== 30) {
      throw new OtpauthError(
        'bad-period',
        `Account ${i + 1}: Google Authenticator exports only hold 30-second codes.`,
      );
    }
    return create(MigrationOtpParametersSchema, {
      secret: a.secret,
      name: joinLabel(a.issuer, a.account, (part) => part),
      issuer: a.issuer?.trim() ?? '',
      algorithm: MigrationAlgorithm[a.algorithm],
      digits: a.digits === 8 ? MigrationDigitCount.EIGHT : MigrationDigitCount.SIX,
      type: a.type === 'hotp' ? MigrationOtpType.HOTP : MigrationOtpType.TOTP,
      counter: BigInt(a.type === 'hotp' ? (a.counter ?? 0) : 0),
    });
  });
  const payload = create(MigrationPayloadSchema, {
    otpParameters,
    version: 1,
    batchSize,
    batchIndex,
    batchId,
  });
  return `otpauth-migration://offline?data=${encodeURIComponent(base64Encode(toBinary(MigrationPayloadSchema, payload)))}`;
}

function isInt32(value: number): boolean {
  return Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31;
}
