import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

/** A test credential made with Node's crypto (an implementation independent of our Web Crypto path). */
export interface TestCredential {
  alg: number;
  coseKey: Map<number, number | Uint8Array>;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Signs as an authenticator does: DER for ECDSA, raw for EdDSA, PKCS#1 v1.5 or PSS for RSA. */
  sign(data: Uint8Array): Uint8Array;
}

const b64 = (s: string | undefined) => new Uint8Array(Buffer.from(s ?? '', 'base64url'));

export type TestAlg = 'ES256' | 'ES384' | 'ES512' | 'EdDSA' | 'Ed448' | 'RS256' | 'PS256' | 'RS1';

const EC: Record<string, { curve: string; crv: number; alg: number; hash: string }> = {
  ES256: { curve: 'P-256', crv: 1, alg: -7, hash: 'sha256' },
  ES384: { curve: 'P-384', crv: 2, alg: -35, hash: 'sha384' },
  ES512: { curve: 'P-521', crv: 3, alg: -36, hash: 'sha512' },
};

export function makeCredential(kind: TestAlg): TestCredential {
  const ec = EC[kind];
  if (ec) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: ec.curve });
    const jwk = publicKey.export({ format: 'jwk' });
    const coseKey = new Map<number, number | Uint8Array>([
      [1, 2],
      [3, ec.alg],
      [-1, ec.crv],
      [-2, b64(jwk.x)],
      [-3, b64(jwk.y)],
    ]);
    return {
      alg: ec.alg,
      coseKey,
      privateKey,
      publicKey,
      sign: (data) => new Uint8Array(sign(ec.hash, data, { key: privateKey, dsaEncoding: 'der' })),
    };
  }
  if (kind === 'EdDSA' || kind === 'Ed448') {
    const { privateKey, publicKey } =
      kind === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ed448');
    const jwk = publicKey.export({ format: 'jwk' });
    const coseKey = new Map<number, number | Uint8Array>([
      [1, 1],
      [3, kind === 'EdDSA' ? -8 : -53],
      [-1, kind === 'EdDSA' ? 6 : 7],
      [-2, b64(jwk.x)],
    ]);
    return {
      alg: kind === 'EdDSA' ? -8 : -53,
      coseKey,
      privateKey,
      publicKey,
      sign: (data) => new Uint8Array(sign(null, data, privateKey)),
    };
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const alg = kind === 'RS256' ? -257 : kind === 'PS256' ? -37 : -65535;
  const coseKey = new Map<number, number | Uint8Array>([
    [1, 3],
    [3, alg],
    [-1, b64(jwk.n)],
    [-2, b64(jwk.e)],
  ]);
  return {
    alg,
    coseKey,
    privateKey,
    publicKey,
    sign: (data) =>
      kind === 'PS256'
        ? new Uint8Array(sign('sha256', data, { key: privateKey, padding: 6, saltLength: 32 }))
        : new Uint8Array(sign(kind === 'RS1' ? 'sha1' : 'sha256', data, privateKey)),
  };
}
