import { describe, expect, it } from 'vitest';
import vectors from './__vectors__/webauthn-l3-test-vectors.json' with { type: 'json' };
import {
  buildClientDataJSON,
  fromBase64Url,
  parseClientDataJSON,
  toBase64Url,
  WebAuthnError,
  type WebAuthnErrorCode,
} from './index.js';

const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function codeOf(fn: () => unknown): WebAuthnErrorCode | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WebAuthnError);
    return (err as WebAuthnError).code;
  }
  return undefined;
}

describe('base64url', () => {
  it.each([
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy'],
  ])('RFC 4648 vector %s', (plain, encoded) => {
    const bytes = new TextEncoder().encode(plain);
    expect(toBase64Url(bytes)).toBe(encoded);
    expect(fromBase64Url(encoded)).toEqual(bytes);
  });

  it('agrees with Node Buffer base64url on every byte value and many lengths', () => {
    for (let len = 0; len < 70; len++) {
      const bytes = new Uint8Array(len).map((_, i) => (i * 37 + len * 11) & 0xff);
      const ref = Buffer.from(bytes).toString('base64url');
      expect(toBase64Url(bytes)).toBe(ref);
      expect(fromBase64Url(ref)).toEqual(bytes);
    }
    const all = new Uint8Array(256).map((_, i) => i);
    expect(toBase64Url(all)).toBe(Buffer.from(all).toString('base64url'));
  });

  it.each(['Zm9v=', 'Zm+v', 'Zm/v', 'Z', 'Zm9 v', 'Zh', 'Zm9\u00e9'])('rejects %j', (bad) => {
    expect(codeOf(() => fromBase64Url(bad))).toBe('INVALID_BASE64URL');
  });
});

describe('buildClientDataJSON', () => {
  it('writes the spec key order', () => {
    const out = buildClientDataJSON({
      type: 'webauthn.get',
      challenge: new Uint8Array([1, 2, 3]),
      origin: 'https://example.com',
    });
    expect(text(out)).toBe(
      '{"type":"webauthn.get","challenge":"AQID","origin":"https://example.com","crossOrigin":false}',
    );
  });

  it('adds topOrigin last and escapes per the spec serializer', () => {
    const out = buildClientDataJSON({
      type: 'webauthn.create',
      challenge: 'AQID',
      origin: 'https://a"b\\c\u0001',
      crossOrigin: true,
      topOrigin: 'https://top.example',
    });
    expect(text(out)).toBe(
      '{"type":"webauthn.create","challenge":"AQID","origin":"https://a\\"b\\\\c\\u0001","crossOrigin":true,"topOrigin":"https://top.example"}',
    );
    expect(JSON.parse(text(out)).origin).toBe('https://a"b\\c\u0001');
  });

  // The spec's vectors extend client data with extra members; everything before them is the standard
  // serialization, so our output minus its closing brace must be a prefix of each vector's bytes.
  const cases = vectors.vectors.flatMap((v) => [
    [`${v.anchor} registration`, v.registration.clientDataJSON, 'webauthn.create'] as const,
    [`${v.anchor} authentication`, v.authentication.clientDataJSON, 'webauthn.get'] as const,
  ]);
  it.each(cases)('reproduces the standard members of %s', (_name, hexJson, type) => {
    const spec = text(unhex(hexJson));
    const parsed = JSON.parse(spec) as {
      challenge: string;
      origin: string;
      crossOrigin: boolean;
      topOrigin?: string;
    };
    const ours = text(
      buildClientDataJSON({
        type,
        challenge: parsed.challenge,
        origin: parsed.origin,
        crossOrigin: parsed.crossOrigin,
        ...(parsed.topOrigin !== undefined ? { topOrigin: parsed.topOrigin } : {}),
      }),
    );
    expect(spec.startsWith(ours.slice(0, -1))).toBe(true);
  });

  it.each([
    ['bad type', { type: 'payment.get', challenge: 'AQID', origin: 'https://x.com' }, 'INVALID_INPUT'],
    [
      'bad challenge',
      { type: 'webauthn.get', challenge: 'A+==', origin: 'https://x.com' },
      'INVALID_BASE64URL',
    ],
    ['empty origin', { type: 'webauthn.get', challenge: 'AQID', origin: '' }, 'INVALID_INPUT'],
  ])('refuses %s', (_name, input, code) => {
    expect(codeOf(() => buildClientDataJSON(input as never))).toBe(code);
  });
});

describe('parseClientDataJSON', () => {
  it.each([
    ['not JSON', '{'],
    ['an array', '[]'],
    ['missing origin', '{"type":"webauthn.get","challenge":"AA"}'],
    ['crossOrigin string', '{"type":"webauthn.get","challenge":"AA","origin":"x","crossOrigin":"true"}'],
    ['topOrigin number', '{"type":"webauthn.get","challenge":"AA","origin":"x","topOrigin":1}'],
  ])('rejects %s', (_name, json) => {
    expect(codeOf(() => parseClientDataJSON(new TextEncoder().encode(json)))).toBe('CLIENT_DATA_MALFORMED');
  });

  it('rejects invalid UTF-8', () => {
    expect(codeOf(() => parseClientDataJSON(new Uint8Array([0x7b, 0xff, 0x7d])))).toBe(
      'CLIENT_DATA_MALFORMED',
    );
  });
});
