import { fromBinary } from '@bufbuild/protobuf';
import type { OtpAccount } from './account.js';
import { base64Decode } from './base64.js';
import { OtpauthError } from './errors.js';
import { accountFromMigrationEntry } from './migration-entry.js';
import { type MigrationPayload, MigrationPayloadSchema } from './migration-payload.js';
import { parseQuery } from './query.js';

export type MigrationBatch = {
  accounts: OtpAccount[];
  batchIndex: number;
  batchSize: number;
  batchId: number;
};

const PREFIX = 'otpauth-migration://offline?';

/**
 * Reads one QR code of a Google Authenticator export (`otpauth-migration://offline?data=…`).
 * Large exports span several QR codes: each gives the same batchId, its batchIndex (0-based) and the
 * batchSize. An export that did not say how many codes it has counts as 1 of 1.
 * Either every account in the code is returned, or an OtpauthError says which one is wrong.
 */
export function parseMigrationUri(uri: string): MigrationBatch {
  if (typeof uri !== 'string' || uri.trim().slice(0, PREFIX.length).toLowerCase() !== PREFIX) {
    throw new OtpauthError(
      'bad-scheme',
      /^\s*otpauth:/i.test(String(uri))
        ? 'This is a single-account otpauth:// link, not a Google Authenticator export; add it as one account.'
        : 'This is not a Google Authenticator export (it should start with otpauth-migration://offline?data=).',
    );
  }
  const query = uri.trim().slice(PREFIX.length).split('#', 1)[0]!;
  const data = parseQuery(query, false).get('data');
  if (data === undefined || data.trim() === '') {
    throw new OtpauthError('bad-payload', 'The export link has no data. Scan the QR code again.');
  }
  const bytes = base64Decode(data.trim());
  let payload: MigrationPayload;
  try {
    payload = fromBinary(MigrationPayloadSchema, bytes);
  } catch (cause) {
    throw new OtpauthError(
      'bad-payload',
      'The export data is damaged or incomplete. Scan the QR code again, or export again from Google Authenticator.',
      { cause },
    );
  }
  if (payload.otpParameters.length === 0) {
    throw new OtpauthError('bad-payload', 'The export contains no accounts.');
  }
  const batchSize = payload.batchSize === 0 ? 1 : payload.batchSize;
  const { batchIndex } = payload;
  if (batchSize < 0 || batchIndex < 0 || batchIndex >= batchSize) {
    throw new OtpauthError(
      'bad-payload',
      `The export says this is QR code ${batchIndex + 1} of ${batchSize}, which cannot be. Export again from Google Authenticator.`,
    );
  }
  const accounts = payload.otpParameters.map((entry, i) => accountFromMigrationEntry(entry, i + 1));
  return { accounts, batchIndex, batchSize, batchId: payload.batchId };
}
