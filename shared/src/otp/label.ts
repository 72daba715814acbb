import { OtpauthError } from './errors.js';

export type SplitLabel = { issuer?: string; account: string };

/**
 * Splits a decoded label "Issuer:account" (Key URI format; also Google export names).
 * The issuer parameter, when given, takes precedence over the label's prefix; when the label starts
 * with exactly that issuer and a colon, that whole prefix is removed (so issuers containing ':'
 * survive). Otherwise the first colon separates prefix and account. Both are trimmed.
 */
export function splitLabel(label: string, issuerParameter?: string): SplitLabel {
  const issuer = issuerParameter?.trim() || undefined;
  let prefix: string | undefined;
  let account = label;
  if (issuer !== undefined && label.startsWith(`${issuer}:`)) {
    account = label.slice(issuer.length + 1);
  } else {
    const colon = label.indexOf(':');
    if (colon >= 0) {
      prefix = label.slice(0, colon).trim() || undefined;
      account = label.slice(colon + 1);
    }
  }
  account = account.trim();
  if (account === '') {
    throw new OtpauthError(
      'bad-label',
      'The account name is missing (the label should look like "Service:you@example.com").',
    );
  }
  const chosen = issuer ?? prefix;
  return chosen === undefined ? { account } : { issuer: chosen, account };
}

/**
 * Joins issuer and account into a label that splitLabel reads back exactly, encoding each part with
 * `encode` (identity for Google export names, encodeURIComponent for otpauth:// paths). An account
 * containing ':' without an issuer gets an empty prefix, so its colon is not taken for a separator.
 */
export function joinLabel(
  issuer: string | undefined,
  account: string,
  encode: (part: string) => string,
): string {
  const name = account.trim();
  const service = issuer?.trim() || undefined;
  if (service !== undefined) return `${encode(service)}:${encode(name)}`;
  return name.includes(':') ? `:${encode(name)}` : encode(name);
}
