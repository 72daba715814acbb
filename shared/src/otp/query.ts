import { OtpauthError, type OtpauthErrorCode } from './errors.js';

const CODE_BY_PARAMETER: Record<string, OtpauthErrorCode> = {
  secret: 'bad-secret',
  issuer: 'bad-issuer',
  algorithm: 'bad-algorithm',
  digits: 'bad-digits',
  period: 'bad-period',
  counter: 'bad-counter',
  data: 'bad-payload',
};

/** The error code that belongs to a query parameter (bad-parameter for ones we do not know). */
export function codeForParameter(name: string): OtpauthErrorCode {
  return Object.hasOwn(CODE_BY_PARAMETER, name) ? CODE_BY_PARAMETER[name]! : 'bad-parameter';
}

/**
 * Splits a URI query into lower-cased names and percent-decoded values. With `plusIsSpace`, '+'
 * means a space as in HTML forms (Android's Uri does this, and PHP writes issuer=ACME+Co).
 * A known parameter given twice is an error, since we could not tell which one was meant;
 * unknown parameters are kept (first wins) and otherwise ignored by callers.
 */
export function parseQuery(query: string, plusIsSpace: boolean): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const rawName = equals < 0 ? part : part.slice(0, equals);
    const rawValue = equals < 0 ? '' : part.slice(equals + 1);
    const name = decodePart(rawName, plusIsSpace, 'bad-parameter', 'a parameter name').toLowerCase();
    const code = codeForParameter(name);
    const value = decodePart(rawValue, plusIsSpace, code, `the ${name} parameter`);
    if (parameters.has(name)) {
      if (code === 'bad-parameter') continue;
      throw new OtpauthError(
        code,
        `The link gives ${name} more than once; it is not clear which one to use.`,
      );
    }
    parameters.set(name, value);
  }
  return parameters;
}

function decodePart(raw: string, plusIsSpace: boolean, code: OtpauthErrorCode, what: string): string {
  try {
    return decodeURIComponent(plusIsSpace ? raw.replaceAll('+', ' ') : raw);
  } catch (cause) {
    throw new OtpauthError(code, `The link is damaged: ${what} has a broken %-escape.`, { cause });
  }
}
