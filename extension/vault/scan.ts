/**
 * What a QR scan of the visible tab found, in a form the popup lists for the user to pick from: every
 * account (issuer, account name, where it was shown), migration exports expanded entry by entry, and
 * how many codes were not authenticator set-up codes. Pure functions; the tab capture and the frame
 * look-up are in ./background.ts.
 */
import { formatOtpauthUri, parseMigrationUri, parseOtpauthUri } from './otp';

/** A QR code read from the screenshot, with the origin of the frame that showed it. */
export interface ScannedCode {
  text: string;
  /** Origin of the document showing the code (browser-reported); null when it cannot be told. */
  frameOrigin: string | null;
  /** True when that document is not the tab's top-level origin (or cannot be told). */
  crossOrigin: boolean;
}

export interface ScannedAccount {
  issuer: string;
  account: string;
  /** A single-account otpauth:// URI to import when the user picks this account. */
  uri: string;
  /** `migration`: one entry of an otpauth-migration:// export. */
  source: 'otpauth' | 'migration';
  frameOrigin: string | null;
  crossOrigin: boolean;
}

export interface ScanReport {
  accounts: ScannedAccount[];
  /** QR codes that are not authenticator set-up codes (a link, a Wi-Fi code…) or could not be read. */
  notAuthenticator: number;
}

/** Turns decoded QR texts into the accounts they hold; anything else is counted, never imported. */
export function accountsFromCodes(codes: readonly ScannedCode[]): ScanReport {
  const accounts: ScannedAccount[] = [];
  let notAuthenticator = 0;
  for (const c of codes) {
    const where = { frameOrigin: c.frameOrigin, crossOrigin: c.crossOrigin };
    const text = c.text.trim();
    try {
      if (/^otpauth-migration:\/\//i.test(text)) {
        for (const a of parseMigrationUri(text).accounts)
          accounts.push({
            issuer: a.issuer ?? '',
            account: a.account,
            uri: formatOtpauthUri(a),
            source: 'migration',
            ...where,
          });
      } else if (/^otpauth:\/\//i.test(text)) {
        const a = parseOtpauthUri(text);
        accounts.push({
          issuer: a.issuer ?? '',
          account: a.account,
          uri: formatOtpauthUri(a),
          source: 'otpauth',
          ...where,
        });
      } else notAuthenticator++;
    } catch {
      notAuthenticator++; // an otpauth link that does not parse is no set-up code either
    }
  }
  return { accounts, notAuthenticator };
}
