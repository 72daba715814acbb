/** COSE algorithm identifiers (IANA COSE Algorithms registry) that WebAuthn uses. */
export const COSE_ALG = {
  ES256: -7,
  ES384: -35,
  ES512: -36,
  EdDSA: -8,
  Ed25519: -19,
  Ed448: -53,
  RS256: -257,
  RS384: -258,
  RS512: -259,
  PS256: -37,
  PS384: -38,
  PS512: -39,
  RS1: -65535,
} as const;

export type CoseAlgorithm = (typeof COSE_ALG)[keyof typeof COSE_ALG];

/** COSE key parameters (RFC 9052/9053). */
export const COSE_KEY = { kty: 1, kid: 2, alg: 3, crv: -1, x: -2, y: -3, n: -1, e: -2 } as const;
export const COSE_KTY = { OKP: 1, EC2: 2, RSA: 3 } as const;
export const COSE_CRV = { P256: 1, P384: 2, P521: 3, Ed25519: 6, Ed448: 7 } as const;

export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** How each algorithm maps onto Web Crypto. */
export type AlgorithmSpec =
  | { kind: 'ecdsa'; curve: 'P-256' | 'P-384' | 'P-521'; crv: number; hash: HashName; size: number }
  | { kind: 'eddsa'; curve: 'Ed25519' | 'Ed448' }
  | { kind: 'rsa-pkcs1'; hash: HashName }
  | { kind: 'rsa-pss'; hash: HashName; saltLength: number };

const P256 = { kind: 'ecdsa', curve: 'P-256', crv: 1, hash: 'SHA-256', size: 32 } as const;
const P384 = { kind: 'ecdsa', curve: 'P-384', crv: 2, hash: 'SHA-384', size: 48 } as const;
const P521 = { kind: 'ecdsa', curve: 'P-521', crv: 3, hash: 'SHA-512', size: 66 } as const;

export const ALGORITHMS: ReadonlyMap<number, AlgorithmSpec> = new Map<number, AlgorithmSpec>([
  [COSE_ALG.ES256, P256],
  [COSE_ALG.ES384, P384],
  [COSE_ALG.ES512, P521],
  // EdDSA (-8) names no curve; the key's crv decides. Ed25519 (-19) and Ed448 (-53) are fully specified.
  [COSE_ALG.EdDSA, { kind: 'eddsa', curve: 'Ed25519' }],
  [COSE_ALG.Ed25519, { kind: 'eddsa', curve: 'Ed25519' }],
  [COSE_ALG.Ed448, { kind: 'eddsa', curve: 'Ed448' }],
  [COSE_ALG.RS256, { kind: 'rsa-pkcs1', hash: 'SHA-256' }],
  [COSE_ALG.RS384, { kind: 'rsa-pkcs1', hash: 'SHA-384' }],
  [COSE_ALG.RS512, { kind: 'rsa-pkcs1', hash: 'SHA-512' }],
  [COSE_ALG.PS256, { kind: 'rsa-pss', hash: 'SHA-256', saltLength: 32 }],
  [COSE_ALG.PS384, { kind: 'rsa-pss', hash: 'SHA-384', saltLength: 48 }],
  [COSE_ALG.PS512, { kind: 'rsa-pss', hash: 'SHA-512', saltLength: 64 }],
  [COSE_ALG.RS1, { kind: 'rsa-pkcs1', hash: 'SHA-1' }],
]);

export const ALGORITHM_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(COSE_ALG).map(([name, id]) => [id, name]),
);
