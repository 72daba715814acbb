import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OtpAccount, OtpAlgorithm, OtpDigits } from './account.js';
import { base32Decode } from './base32.js';
import { generateCode } from './generate-code.js';

const ascii = (s: string) => new TextEncoder().encode(s);
// RFC 6238 Appendix B seeds: "12345678901234567890" repeated to the hash's output size.
const SEED: Record<OtpAlgorithm, Uint8Array> = {
  SHA1: ascii('12345678901234567890'),
  SHA256: ascii('12345678901234567890123456789012'),
  SHA512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
};

const totp = (algorithm: OtpAlgorithm, digits: OtpDigits = 8): OtpAccount => ({
  type: 'totp',
  account: 'rfc6238',
  secret: SEED[algorithm],
  algorithm,
  digits,
  period: 30,
});

describe('generateCode: RFC 4226 Appendix D (HOTP)', () => {
  const want = [
    '755224',
    '287082',
    '359152',
    '969429',
    '338314',
    '254676',
    '287922',
    '162583',
    '399871',
    '520489',
  ];
  it.each(want.map((code, counter) => [counter, code] as const))(
    'counter %i gives %s',
    async (counter, code) => {
      const a: OtpAccount = {
        type: 'hotp',
        account: 'rfc4226',
        secret: SEED.SHA1,
        algorithm: 'SHA1',
        digits: 6,
        period: 30,
        counter,
      };
      expect(await generateCode(a)).toBe(code);
    },
  );
});

describe('generateCode: RFC 6238 Appendix B (TOTP, 8 digits)', () => {
  const table: [number, string, string, string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  it.each(table)('t=%i', async (t, sha1, sha256, sha512) => {
    expect(await generateCode(totp('SHA1'), t * 1000)).toBe(sha1);
    expect(await generateCode(totp('SHA256'), t * 1000)).toBe(sha256);
    expect(await generateCode(totp('SHA512'), t * 1000)).toBe(sha512);
  });

  it('uses the whole step the time falls in (milliseconds are floored)', async () => {
    expect(await generateCode(totp('SHA1'), 59_999)).toBe('94287082');
    expect(await generateCode(totp('SHA1'), 30_000)).toBe(await generateCode(totp('SHA1'), 59_000));
  });

  it('gives the last 6 digits of the 8-digit code for 6-digit accounts', async () => {
    expect(await generateCode(totp('SHA1', 6), 59_000)).toBe('287082');
  });
});

/** Independent oracle: RFC 4226 section 5.3 over Web Crypto's HMAC. */
async function oracle(a: OtpAccount, atMs: number): Promise<string> {
  const counter = a.type === 'hotp' ? a.counter! : Math.floor(Math.floor(atMs / 1000) / a.period);
  const message = new Uint8Array(8);
  new DataView(message.buffer).setBigUint64(0, BigInt(counter));
  const hash = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' }[a.algorithm];
  const key = await crypto.subtle.importKey('raw', new Uint8Array(a.secret), { name: 'HMAC', hash }, false, [
    'sign',
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, message));
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = new DataView(mac.buffer).getUint32(offset) & 0x7fffffff;
  return String(binary % 10 ** a.digits).padStart(a.digits, '0');
}

describe('generateCode: agrees with a Web Crypto oracle', () => {
  it('for any secret (10 to 64 bytes), algorithm, 6/7/8 digits, period, time and counter (property)', async () => {
    const account = fc.record({
      type: fc.constantFrom<'totp' | 'hotp'>('totp', 'hotp'),
      account: fc.constant('p'),
      secret: fc.uint8Array({ minLength: 10, maxLength: 64 }),
      algorithm: fc.constantFrom<OtpAlgorithm>('SHA1', 'SHA256', 'SHA512'),
      digits: fc.constantFrom<OtpDigits>(6, 7, 8),
      period: fc.integer({ min: 1, max: 3600 }),
      counter: fc.maxSafeNat(),
    });
    await fc.assert(
      fc.asyncProperty(account, fc.integer({ min: 0, max: 4_102_444_800_000 }), async (a, atMs) => {
        expect(await generateCode(a, atMs)).toBe(await oracle(a, atMs));
      }),
      { numRuns: 300 },
    );
  });

  it('works with a 10-byte secret (which otplib refuses by default)', async () => {
    const a: OtpAccount = {
      type: 'totp',
      account: 'x',
      secret: base32Decode('JBSWY3DPEHPK3PXP'),
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    };
    expect(await generateCode(a, 1_700_000_000_000)).toBe(await oracle(a, 1_700_000_000_000));
  });
});

describe('generateCode: bad input', () => {
  it('rejects with OtpauthError for invalid accounts and times', async () => {
    const good = totp('SHA1', 6);
    await expect(generateCode({ ...good, secret: new Uint8Array(5) })).rejects.toMatchObject({
      code: 'bad-secret',
    });
    await expect(generateCode({ ...good, period: 0 })).rejects.toMatchObject({ code: 'bad-period' });
    await expect(generateCode({ ...good, type: 'hotp' })).rejects.toMatchObject({ code: 'bad-counter' });
    await expect(generateCode(good, -1)).rejects.toMatchObject({ code: 'bad-time' });
    await expect(generateCode(good, Number.NaN)).rejects.toMatchObject({ code: 'bad-time' });
  });
});
