import { describe, expect, it } from 'vitest';
import type { OtpAccount } from './account.js';
import { base32Decode } from './base32.js';
import { OtpauthError, type OtpauthErrorCode } from './errors.js';
import { parseOtpauthUri } from './parse-otpauth-uri.js';

const HELLO = base32Decode('JBSWY3DPEHPK3PXP'); // 10 bytes
const ACME = base32Decode('HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ'); // 20 bytes
const S = 'JBSWY3DPEHPK3PXP';

describe('parseOtpauthUri: accepted links', () => {
  it.each<[string, string, OtpAccount]>([
    [
      "Google's Key URI example",
      'otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30',
      {
        type: 'totp',
        issuer: 'ACME Co',
        account: 'john.doe@email.com',
        secret: ACME,
        algorithm: 'SHA1',
        digits: 6,
        period: 30,
      },
    ],
    [
      'a bare link with a 10-byte secret and defaults',
      `otpauth://totp/alice?secret=${S}`,
      { type: 'totp', account: 'alice', secret: HELLO, algorithm: 'SHA1', digits: 6, period: 30 },
    ],
    [
      'issuer only in the label prefix, with a space after the colon',
      `otpauth://totp/Example:%20alice@google.com?secret=${S}`,
      {
        type: 'totp',
        issuer: 'Example',
        account: 'alice@google.com',
        secret: HELLO,
        algorithm: 'SHA1',
        digits: 6,
        period: 30,
      },
    ],
    [
      'the issuer parameter taking precedence over the label prefix',
      `otpauth://totp/Old%20Name:alice?secret=${S}&issuer=New%20Name`,
      {
        type: 'totp',
        issuer: 'New Name',
        account: 'alice',
        secret: HELLO,
        algorithm: 'SHA1',
        digits: 6,
        period: 30,
      },
    ],
    [
      'an encoded colon in the label, form-style + in the issuer',
      `otpauth://totp/ACME%20Co%3Ajohn%40example.com?secret=${S}&issuer=ACME+Co`,
      {
        type: 'totp',
        issuer: 'ACME Co',
        account: 'john@example.com',
        secret: HELLO,
        algorithm: 'SHA1',
        digits: 6,
        period: 30,
      },
    ],
    [
      'lower-case base32 with spaces and padding, upper-case scheme and type, other options',
      'OTPAUTH://TOTP/Portbase:jan?secret=jbsw%20y3dp%20ehpk%203pxp%3D%3D%3D%3D%3D%3D&algorithm=sha256&digits=8&period=60',
      {
        type: 'totp',
        issuer: 'Portbase',
        account: 'jan',
        secret: HELLO,
        algorithm: 'SHA256',
        digits: 8,
        period: 60,
      },
    ],
    [
      'SHA512, 7 digits, unknown parameters ignored, fragment ignored',
      `otpauth://totp/x:y?secret=${S}&algorithm=SHA512&digits=7&image=https%3A%2F%2Fe.com%2Fa.png#frag`,
      { type: 'totp', issuer: 'x', account: 'y', secret: HELLO, algorithm: 'SHA512', digits: 7, period: 30 },
    ],
    [
      'HOTP with a counter (period ignored)',
      `otpauth://hotp/Bank:bob?secret=${S}&counter=42&period=0`,
      {
        type: 'hotp',
        issuer: 'Bank',
        account: 'bob',
        secret: HELLO,
        algorithm: 'SHA1',
        digits: 6,
        period: 30,
        counter: 42,
      },
    ],
    [
      'HOTP without a counter starts at 0',
      `otpauth://hotp/bob?secret=${S}`,
      { type: 'hotp', account: 'bob', secret: HELLO, algorithm: 'SHA1', digits: 6, period: 30, counter: 0 },
    ],
    [
      'TOTP ignores a counter parameter, and surrounding white space',
      `  otpauth://totp/bob?secret=${S}&counter=-5\n`,
      { type: 'totp', account: 'bob', secret: HELLO, algorithm: 'SHA1', digits: 6, period: 30 },
    ],
  ])('reads %s', (_name, uri, want) => {
    expect(parseOtpauthUri(uri)).toEqual(want);
  });
});

/** The corpus of malformed links: each must fail with exactly this code. */
const MALFORMED: [string, unknown, OtpauthErrorCode][] = [
  ['empty string', '', 'bad-scheme'],
  ['not a string', 42, 'bad-scheme'],
  ['https link', 'https://example.com/?secret=JBSWY3DPEHPK3PXP', 'bad-scheme'],
  ['missing slashes', `otpauth:totp/a?secret=${S}`, 'bad-scheme'],
  ['migration export', 'otpauth-migration://offline?data=CgA%3D', 'bad-scheme'],
  ['unknown type', `otpauth://steam/a?secret=${S}`, 'bad-type'],
  ['empty type', `otpauth:///a?secret=${S}`, 'bad-type'],
  ['no label', `otpauth://totp?secret=${S}`, 'bad-label'],
  ['empty label', `otpauth://totp/?secret=${S}`, 'bad-label'],
  ['issuer prefix only', `otpauth://totp/ACME:?secret=${S}`, 'bad-label'],
  ['broken escape in label', `otpauth://totp/a%E2%82?secret=${S}`, 'bad-label'],
  ['no secret', 'otpauth://totp/a?issuer=x', 'bad-secret'],
  ['empty secret', 'otpauth://totp/a?secret=', 'bad-secret'],
  ['secret of spaces', 'otpauth://totp/a?secret=%20%20', 'bad-secret'],
  ['secret not base32', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PX1', 'bad-secret'],
  ['secret of impossible length', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PXPA', 'bad-secret'],
  ['secret of 5 bytes', 'otpauth://totp/a?secret=JBSWY3DP', 'bad-secret'],
  ['secret of 65 bytes', `otpauth://totp/a?secret=${'A'.repeat(104)}`, 'bad-secret'],
  ['secret twice', `otpauth://totp/a?secret=${S}&secret=${S}`, 'bad-secret'],
  ['broken escape in issuer', `otpauth://totp/a?secret=${S}&issuer=%FF`, 'bad-issuer'],
  ['MD5', `otpauth://totp/a?secret=${S}&algorithm=MD5`, 'bad-algorithm'],
  ['empty algorithm', `otpauth://totp/a?secret=${S}&algorithm=`, 'bad-algorithm'],
  ['digits 5', `otpauth://totp/a?secret=${S}&digits=5`, 'bad-digits'],
  ['digits 9', `otpauth://totp/a?secret=${S}&digits=9`, 'bad-digits'],
  ['digits six', `otpauth://totp/a?secret=${S}&digits=six`, 'bad-digits'],
  ['digits 6.0', `otpauth://totp/a?secret=${S}&digits=6.0`, 'bad-digits'],
  ['period 0', `otpauth://totp/a?secret=${S}&period=0`, 'bad-period'],
  ['period -30', `otpauth://totp/a?secret=${S}&period=-30`, 'bad-period'],
  ['period 30.5', `otpauth://totp/a?secret=${S}&period=30.5`, 'bad-period'],
  ['period 1e3', `otpauth://totp/a?secret=${S}&period=1e3`, 'bad-period'],
  ['period empty', `otpauth://totp/a?secret=${S}&period=`, 'bad-period'],
  ['period huge', `otpauth://totp/a?secret=${S}&period=99999999999999999999`, 'bad-period'],
  ['period twice', `otpauth://totp/a?secret=${S}&period=30&period=60`, 'bad-period'],
  ['counter -1', `otpauth://hotp/a?secret=${S}&counter=-1`, 'bad-counter'],
  ['counter 2^53', `otpauth://hotp/a?secret=${S}&counter=9007199254740992`, 'bad-counter'],
  ['counter abc', `otpauth://hotp/a?secret=${S}&counter=abc`, 'bad-counter'],
  ['broken escape in a parameter name', `otpauth://totp/a?secret=${S}&%zz=1`, 'bad-parameter'],
];

describe('parseOtpauthUri: the malformed corpus', () => {
  it.each(MALFORMED)('rejects %s', (_name, uri, code) => {
    let thrown: unknown;
    try {
      parseOtpauthUri(uri as string);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OtpauthError);
    expect(thrown).toMatchObject({ code });
    // Messages are for people: a sentence, and never the secret.
    const { message } = thrown as OtpauthError;
    expect(message.length).toBeGreaterThan(20);
    expect(message).not.toContain(S);
  });
});
