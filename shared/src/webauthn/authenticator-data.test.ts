import { describe, expect, it } from 'vitest';
import { decodeCtap, encodeCtap } from '../cbor/index.js';
import vectors from './__vectors__/webauthn-l3-test-vectors.json' with { type: 'json' };
import { parseAuthenticatorData, WebAuthnError, type WebAuthnErrorCode } from './index.js';

const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

const rpIdHash = new Uint8Array(32).fill(0x11);
const coseKey = encodeCtap(
  new Map<number, unknown>([
    [1, 2],
    [3, -7],
    [-1, 1],
    [-2, new Uint8Array(32).fill(2)],
    [-3, new Uint8Array(32).fill(3)],
  ]),
);
const ext = encodeCtap(new Map([['credProtect', 2]]));
const aaguid = new Uint8Array(16).fill(0xaa);

function build(flags: number, count: number, ...rest: Uint8Array[]): Uint8Array {
  const head = new Uint8Array(37);
  head.set(rpIdHash);
  head[32] = flags;
  new DataView(head.buffer).setUint32(33, count);
  return cat(head, ...rest);
}
const acd = (id: Uint8Array, key = coseKey) =>
  cat(aaguid, new Uint8Array([id.length >> 8, id.length & 0xff]), id, key);

function codeOf(bytes: Uint8Array): WebAuthnErrorCode | undefined {
  try {
    parseAuthenticatorData(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(WebAuthnError);
    return (err as WebAuthnError).code;
  }
  return undefined;
}

describe('parseAuthenticatorData', () => {
  it('reads flags, counter and rpIdHash of an assertion', () => {
    const ad = parseAuthenticatorData(build(0x1d, 0x01020304));
    expect(ad.rpIdHash).toEqual(rpIdHash);
    expect(ad.flags).toEqual({ up: true, uv: true, be: true, bs: true, at: false, ed: false });
    expect(ad.signCount).toBe(0x01020304);
    expect(ad.attestedCredentialData).toBeUndefined();
  });

  it('reads attested credential data and keeps the exact COSE key bytes', () => {
    const id = new Uint8Array(20).fill(9);
    const ad = parseAuthenticatorData(build(0x45, 0xffffffff, acd(id)));
    expect(ad.signCount).toBe(0xffffffff);
    expect(ad.attestedCredentialData?.aaguid).toEqual(aaguid);
    expect(ad.attestedCredentialData?.credentialId).toEqual(id);
    expect(ad.attestedCredentialData?.publicKeyBytes).toEqual(coseKey);
    expect(ad.attestedCredentialData?.publicKey.get(3)).toBe(-7);
  });

  it('finds extensions after the COSE key (decodes exactly one CBOR item)', () => {
    const ad = parseAuthenticatorData(build(0xc5, 1, acd(new Uint8Array(16)), ext));
    expect(ad.extensions?.get('credProtect')).toBe(2);
    expect(ad.attestedCredentialData?.publicKeyBytes).toEqual(coseKey);
  });

  it('reads extensions without attested data', () => {
    expect(parseAuthenticatorData(build(0x81, 1, ext)).extensions?.get('credProtect')).toBe(2);
  });

  it('accepts a 1023-byte credential ID and refuses 1024', () => {
    expect(
      parseAuthenticatorData(build(0x41, 0, acd(new Uint8Array(1023)))).attestedCredentialData?.credentialId,
    ).toHaveLength(1023);
    expect(codeOf(build(0x41, 0, acd(new Uint8Array(1024))))).toBe('AUTH_DATA_MALFORMED');
  });

  it('parses every L3 vector authenticatorData', () => {
    for (const v of vectors.vectors) {
      const att = decodeCtap(unhex(v.registration.attestationObject)) as Map<string, unknown>;
      const reg = parseAuthenticatorData(att.get('authData') as Uint8Array);
      expect(reg.attestedCredentialData?.credentialId).toEqual(unhex(v.registration.credential_id));
      const auth = parseAuthenticatorData(unhex(v.authentication.authenticatorData));
      expect(auth.attestedCredentialData).toBeUndefined();
    }
  });

  it.each<[string, () => Uint8Array, WebAuthnErrorCode]>([
    ['empty', () => new Uint8Array(), 'AUTH_DATA_MALFORMED'],
    ['36 bytes', () => build(0x01, 0).subarray(0, 36), 'AUTH_DATA_MALFORMED'],
    ['BS without BE', () => build(0x11, 0), 'AUTH_DATA_FLAGS'],
    ['AT without data', () => build(0x41, 0), 'AUTH_DATA_MALFORMED'],
    ['AT with a short header', () => build(0x41, 0, aaguid), 'AUTH_DATA_MALFORMED'],
    [
      'credential ID past the end',
      () => build(0x41, 0, aaguid, new Uint8Array([0, 40]), new Uint8Array(10)),
      'AUTH_DATA_MALFORMED',
    ],
    ['AT with no COSE key', () => build(0x41, 0, aaguid, new Uint8Array([0, 1, 7])), 'AUTH_DATA_MALFORMED'],
    [
      'truncated COSE key',
      () => build(0x41, 0, acd(new Uint8Array(4), coseKey.subarray(0, 40))),
      'AUTH_DATA_MALFORMED',
    ],
    [
      'COSE key that is not a map',
      () => build(0x41, 0, acd(new Uint8Array(4), encodeCtap([1, 2]))),
      'AUTH_DATA_MALFORMED',
    ],
    [
      'COSE key with a duplicate label',
      () => build(0x41, 0, acd(new Uint8Array(4), unhex('a20102 0102'.replace(' ', '')))),
      'AUTH_DATA_MALFORMED',
    ],
    ['credential data without AT', () => build(0x01, 0, acd(new Uint8Array(4))), 'AUTH_DATA_TRAILING_BYTES'],
    [
      'trailing byte after the key',
      () => build(0x41, 0, acd(new Uint8Array(4)), new Uint8Array([0])),
      'AUTH_DATA_TRAILING_BYTES',
    ],
    ['trailing byte on an assertion', () => build(0x01, 0, new Uint8Array([0])), 'AUTH_DATA_TRAILING_BYTES'],
    ['ED without extensions', () => build(0x81, 0), 'AUTH_DATA_MALFORMED'],
    ['extensions that are not a map', () => build(0x81, 0, encodeCtap('x')), 'AUTH_DATA_MALFORMED'],
    ['extensions without ED', () => build(0x01, 0, ext), 'AUTH_DATA_TRAILING_BYTES'],
    [
      'extensions then trailing bytes',
      () => build(0x81, 0, ext, new Uint8Array([1])),
      'AUTH_DATA_TRAILING_BYTES',
    ],
  ])('rejects %s', (_name, make, code) => {
    expect(codeOf(make())).toBe(code);
  });
});

describe('Firefox 117 EdDSA key quirk', () => {
  it('reads the mislabelled 3-entry map as the Ed25519 key it meant, with canonical key bytes', async () => {
    const { makeCredential } = await import('../../../test/webauthn-core/support/keys.js');
    const { importCoseKey } = await import('../cose/index.js');
    const cred = makeCredential('EdDSA');
    const x = cred.coseKey.get(-2) as Uint8Array;
    const bad = cat(unhex('a301634f4b500327206745643235353139'), unhex('215820'), x);
    const ad = parseAuthenticatorData(build(0x45, 0, acd(new Uint8Array(16), bad)));
    const key = ad.attestedCredentialData!;
    expect(key.publicKey).toEqual(
      new Map<number, unknown>([
        [1, 1],
        [3, -8],
        [-1, 6],
        [-2, x],
      ]),
    );
    expect(key.publicKeyBytes).toEqual(encodeCtap(cred.coseKey));
    expect((await importCoseKey(key.publicKeyBytes)).algorithm.name).toBe('Ed25519');
  });
});
