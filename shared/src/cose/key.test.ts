import { describe, expect, it } from 'vitest';
import { makeCredential, type TestAlg } from '../../../test/webauthn-core/support/keys.js';
import { encodeCtap } from '../cbor/index.js';
import {
  CoseError,
  type CoseErrorCode,
  coseKeyAlgorithm,
  derToP1363,
  importCoseKey,
  verifyCoseSignature,
} from './index.js';

const data = new TextEncoder().encode('authenticatorData || clientDataHash');

async function coseCode(fn: () => unknown): Promise<CoseErrorCode | undefined> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CoseError);
    return (err as CoseError).code;
  }
  return undefined;
}

describe('verifyCoseSignature against keys and signatures made by node:crypto', () => {
  const algs: [TestAlg, number][] = [
    ['ES256', -7],
    ['ES384', -35],
    ['ES512', -36],
    ['EdDSA', -8],
    ['Ed448', -53],
    ['RS256', -257],
    ['PS256', -37],
  ];
  it.each(algs)('%s: good signature verifies, altered data or signature does not', async (kind, alg) => {
    const cred = makeCredential(kind);
    const sig = cred.sign(data);
    expect(coseKeyAlgorithm(cred.coseKey)).toBe(alg);
    expect(await verifyCoseSignature(cred.coseKey, data, sig)).toBe(true);
    expect(await verifyCoseSignature(encodeCtap(cred.coseKey), data, sig)).toBe(true);
    const otherData = data.slice();
    otherData[0]! ^= 1;
    expect(await verifyCoseSignature(cred.coseKey, otherData, sig)).toBe(false);
    const badSig = sig.slice();
    badSig[badSig.length - 1]! ^= 1;
    expect(await verifyCoseSignature(cred.coseKey, data, badSig)).toBe(false);
    expect(await verifyCoseSignature(cred.coseKey, data, sig.subarray(0, sig.length - 1))).toBe(false);
    expect(await verifyCoseSignature(cred.coseKey, data, new Uint8Array())).toBe(false);
  });

  it('Ed25519 under the fully-specified alg -19', async () => {
    const cred = makeCredential('EdDSA');
    cred.coseKey.set(3, -19);
    expect(await verifyCoseSignature(cred.coseKey, data, cred.sign(data))).toBe(true);
  });

  it('RS1 only when attestation asks for it', async () => {
    const cred = makeCredential('RS1');
    const sig = cred.sign(data);
    expect(await coseCode(() => verifyCoseSignature(cred.coseKey, data, sig))).toBe(
      'COSE_ALGORITHM_NOT_ALLOWED',
    );
    expect(await verifyCoseSignature(cred.coseKey, data, sig, { allowRs1: true })).toBe(true);
  });

  it('left-pads EC coordinates that arrive shorter than the field size', async () => {
    let cred = makeCredential('ES256');
    for (let i = 0; i < 3000 && (cred.coseKey.get(-2) as Uint8Array)[0] !== 0; i++)
      cred = makeCredential('ES256');
    const x = cred.coseKey.get(-2) as Uint8Array;
    expect(x[0]).toBe(0);
    cred.coseKey.set(-2, x.subarray(1));
    expect(await verifyCoseSignature(cred.coseKey, data, cred.sign(data))).toBe(true);
  });

  it('importCoseKey gives a non-extractable verify key', async () => {
    const key = await importCoseKey(makeCredential('ES256').coseKey);
    expect(key.type).toBe('public');
    expect(key.extractable).toBe(false);
    expect(key.usages).toEqual(['verify']);
  });
});

describe('bad COSE keys', () => {
  const es = () => makeCredential('ES256').coseKey as Map<number, unknown>;
  const cases: [string, () => unknown, CoseErrorCode][] = [
    ['not a map', () => [1, 2], 'COSE_KEY_MALFORMED'],
    ['bytes that are not CBOR', () => new Uint8Array([0xff]), 'COSE_KEY_MALFORMED'],
    [
      'no kty',
      () => {
        const k = es();
        k.delete(1);
        return k;
      },
      'COSE_KEY_MALFORMED',
    ],
    [
      'no alg',
      () => {
        const k = es();
        k.delete(3);
        return k;
      },
      'COSE_KEY_MALFORMED',
    ],
    ['kty Symmetric', () => es().set(1, 4), 'COSE_KEY_TYPE_UNSUPPORTED'],
    ['unknown alg', () => es().set(3, -999), 'COSE_ALGORITHM_UNSUPPORTED'],
    ['ES256 on P-384', () => es().set(-1, 2), 'COSE_KEY_INCONSISTENT'],
    ['EC2 key claiming RS256', () => es().set(3, -257), 'COSE_KEY_INCONSISTENT'],
    [
      'x missing',
      () => {
        const k = es();
        k.delete(-2);
        return k;
      },
      'COSE_KEY_MALFORMED',
    ],
    ['compressed point', () => es().set(-3, true), 'COSE_KEY_MALFORMED'],
    ['x longer than the field', () => es().set(-2, new Uint8Array(33).fill(1)), 'COSE_KEY_INVALID'],
    ['point not on the curve', () => es().set(-2, new Uint8Array(32).fill(1)), 'COSE_KEY_INVALID'],
    [
      'Ed25519 key of 31 bytes',
      () =>
        new Map<number, unknown>([
          [1, 1],
          [3, -8],
          [-1, 6],
          [-2, new Uint8Array(31)],
        ]),
      'COSE_KEY_INVALID',
    ],
    [
      'EdDSA on X25519 curve',
      () =>
        new Map<number, unknown>([
          [1, 1],
          [3, -8],
          [-1, 4],
          [-2, new Uint8Array(32)],
        ]),
      'COSE_KEY_INCONSISTENT',
    ],
    [
      'Ed448 alg with Ed25519 curve',
      () =>
        new Map<number, unknown>([
          [1, 1],
          [3, -53],
          [-1, 6],
          [-2, new Uint8Array(32)],
        ]),
      'COSE_KEY_INCONSISTENT',
    ],
    [
      'tiny RSA modulus',
      () =>
        new Map<number, unknown>([
          [1, 3],
          [3, -257],
          [-1, new Uint8Array(64).fill(0xff)],
          [-2, new Uint8Array([1, 0, 1])],
        ]),
      'COSE_KEY_INVALID',
    ],
  ];
  it.each(cases)('%s', async (_name, make, code) => {
    expect(await coseCode(() => importCoseKey(make() as Map<unknown, unknown>))).toBe(code);
  });
});

describe('derToP1363', () => {
  it('places r and s right-aligned and tolerates extra leading zeros', () => {
    const der = new Uint8Array([0x30, 0x0a, 0x02, 0x03, 0x00, 0x00, 0x05, 0x02, 0x03, 0x00, 0x80, 0x01]);
    expect([...derToP1363(der, 4)!]).toEqual([0, 0, 0, 5, 0, 0, 0x80, 1]);
  });
  it.each([
    ['wrong outer tag', '310602010102010100'],
    ['negative r', '3006020181020101'],
    ['sequence length too long', '3007020101020101'],
    ['trailing byte', '300602010102010100'],
    ['r longer than the field', '300b0206010203040506020101'],
    ['zero-length integer', '30050200020101'],
  ])('rejects %s', (_name, hexDer) => {
    expect(derToP1363(new Uint8Array(Buffer.from(hexDer, 'hex')), 4)).toBeNull();
  });
});
