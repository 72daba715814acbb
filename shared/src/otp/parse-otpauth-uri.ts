import {
  DEFAULT_ALGORITHM,
  DEFAULT_DIGITS,
  DEFAULT_PERIOD,
  MAX_PERIOD,
  MIN_PERIOD,
  type OtpAccount,
  type OtpDigits,
} from './account.js';
import { base32Decode } from './base32.js';
import { OtpauthError, quoteForMessage } from './errors.js';
import { splitLabel } from './label.js';
import { parseAlgorithm } from './parse-algorithm.js';
import { parseWholeNumber } from './parse-whole-number.js';
import { parseQuery } from './query.js';
import { assertValidAccount } from './validate-account.js';

const SCHEME = 'otpauth://';

/**
 * Reads an otpauth:// link (Google's Key URI format) into an account, or throws OtpauthError.
 * `otpauth://TYPE/ISSUER:ACCOUNT?secret=BASE32&issuer=…&algorithm=…&digits=…&period=…&counter=…`
 */
export function parseOtpauthUri(uri: string): OtpAccount {
  if (typeof uri !== 'string') {
    throw new OtpauthError('bad-scheme', 'Expected an otpauth:// link as text.');
  }
  const text = uri.trim();
  if (text.slice(0, SCHEME.length).toLowerCase() !== SCHEME) {
    if (/^otpauth-migration:/i.test(text)) {
      throw new OtpauthError(
        'bad-scheme',
        'This is a Google Authenticator export (otpauth-migration://); import it as an export, not as one account.',
      );
    }
    throw new OtpauthError(
      'bad-scheme',
      'This is not an otpauth:// link. Scan the QR code the site shows for setting up an authenticator app.',
    );
  }
  const rest = text.slice(SCHEME.length).split('#', 1)[0]!;
  const questionMark = rest.indexOf('?');
  const path = questionMark < 0 ? rest : rest.slice(0, questionMark);
  const query = questionMark < 0 ? '' : rest.slice(questionMark + 1);
  const slash = path.indexOf('/');
  const rawType = (slash < 0 ? path : path.slice(0, slash)).toLowerCase();
  if (rawType !== 'totp' && rawType !== 'hotp') {
    throw new OtpauthError(
      'bad-type',
      `The link type ${quoteForMessage(rawType)} is not supported; only totp and hotp links are.`,
    );
  }
  const label = decodeLabel(slash < 0 ? '' : path.slice(slash + 1));
  const parameters = parseQuery(query, true);

  const secretText = parameters.get('secret');
  if (secretText === undefined || secretText.trim() === '') {
    throw new OtpauthError(
      'bad-secret',
      'The link has no secret. Scan the QR code again or copy the whole link.',
    );
  }
  const { issuer, account } = splitLabel(label, parameters.get('issuer'));
  const algorithmText = parameters.get('algorithm');
  const digitsText = parameters.get('digits');
  const periodText = parameters.get('period');
  const counterText = parameters.get('counter');

  const result: OtpAccount = {
    type: rawType,
    ...(issuer === undefined ? {} : { issuer }),
    account,
    secret: base32Decode(secretText),
    algorithm: algorithmText === undefined ? DEFAULT_ALGORITHM : parseAlgorithm(algorithmText),
    digits:
      digitsText === undefined
        ? DEFAULT_DIGITS
        : (parseWholeNumber(digitsText, 'digits', 'bad-digits', 6, 8) as OtpDigits),
    period:
      rawType === 'totp' && periodText !== undefined
        ? parseWholeNumber(periodText, 'period', 'bad-period', MIN_PERIOD, MAX_PERIOD)
        : DEFAULT_PERIOD,
  };
  if (rawType === 'hotp') {
    // Google Authenticator starts an HOTP account without a counter at 0, as RFC 4226 counters do.
    result.counter =
      counterText === undefined
        ? 0
        : parseWholeNumber(counterText, 'counter', 'bad-counter', 0, Number.MAX_SAFE_INTEGER);
  }
  assertValidAccount(result);
  return result;
}

function decodeLabel(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch (cause) {
    throw new OtpauthError('bad-label', 'The link is damaged: the account name has a broken %-escape.', {
      cause,
    });
  }
}
