import { DEFAULT_PERIOD, type OtpAccount, type OtpAlgorithm, type OtpDigits } from './account.js';
import { OtpauthError } from './errors.js';
import { splitLabel } from './label.js';
import {
  MigrationAlgorithm,
  MigrationDigitCount,
  type MigrationOtpParameters,
  MigrationOtpType,
} from './migration-payload.js';
import { assertValidAccount } from './validate-account.js';

/**
 * Turns one entry of a Google Authenticator export into an account. Unset algorithm and digits mean
 * the Key URI defaults (SHA1, 6); an unset type, MD5 and unknown enum values are refused rather than
 * guessed. Errors say which entry (1-based) is wrong.
 */
export function accountFromMigrationEntry(entry: MigrationOtpParameters, position: number): OtpAccount {
  try {
    const { issuer, account } = splitLabel(entry.name, entry.issuer);
    const type = otpType(entry.type);
    const result: OtpAccount = {
      type,
      ...(issuer === undefined ? {} : { issuer }),
      account,
      // A copy: the decoder hands out views into the whole payload, and a view would carry every
      // other account's secret along wherever this one is stored, cloned or posted.
      secret: entry.secret.slice(),
      algorithm: algorithm(entry.algorithm),
      digits: digits(entry.digits),
      period: DEFAULT_PERIOD,
    };
    if (type === 'hotp') result.counter = counter(entry.counter);
    assertValidAccount(result);
    return result;
  } catch (error) {
    if (!(error instanceof OtpauthError)) throw error;
    throw new OtpauthError(error.code, `Account ${position} in this export: ${error.message}`, {
      cause: error,
    });
  }
}

function otpType(value: number): 'totp' | 'hotp' {
  if (value === MigrationOtpType.TOTP) return 'totp';
  if (value === MigrationOtpType.HOTP) return 'hotp';
  throw new OtpauthError(
    'bad-type',
    `The account type (${value}) is neither time-based (TOTP) nor counter-based (HOTP).`,
  );
}

function algorithm(value: number): OtpAlgorithm {
  switch (value) {
    case MigrationAlgorithm.UNSPECIFIED:
    case MigrationAlgorithm.SHA1:
      return 'SHA1';
    case MigrationAlgorithm.SHA256:
      return 'SHA256';
    case MigrationAlgorithm.SHA512:
      return 'SHA512';
    case MigrationAlgorithm.MD5:
      throw new OtpauthError(
        'bad-algorithm',
        'The account uses MD5, which is not supported; only SHA1, SHA256 and SHA512 are.',
      );
    default:
      throw new OtpauthError(
        'bad-algorithm',
        `The algorithm (${value}) is unknown; only SHA1, SHA256 and SHA512 are supported.`,
      );
  }
}

function digits(value: number): OtpDigits {
  switch (value) {
    case MigrationDigitCount.UNSPECIFIED:
    case MigrationDigitCount.SIX:
      return 6;
    case MigrationDigitCount.EIGHT:
      return 8;
    default:
      throw new OtpauthError(
        'bad-digits',
        `The code length (${value}) is unknown; exports know 6 and 8 digits.`,
      );
  }
}

function counter(value: bigint): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new OtpauthError('bad-counter', `The HOTP counter must be from 0 to ${Number.MAX_SAFE_INTEGER}.`);
  }
  return Number(value);
}
