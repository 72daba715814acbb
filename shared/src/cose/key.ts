import { CborError } from '../cbor/errors.js';
import { decodeCtap } from '../cbor/index.js';
import { toBase64Url } from '../webauthn/base64url.js';
import {
  ALGORITHM_NAMES,
  ALGORITHMS,
  type AlgorithmSpec,
  COSE_ALG,
  COSE_CRV,
  COSE_KEY,
  COSE_KTY,
} from './algorithms.js';
import { derToP1363 } from './der.js';
import { CoseError } from './errors.js';

/** A decoded COSE_Key: the `Map` that `decodeCtap` returns (integer labels). */
export type CoseKey = ReadonlyMap<unknown, unknown>;
/** A COSE key as a decoded map or as its CBOR bytes. */
export type CoseKeyInput = CoseKey | Uint8Array;

export interface CoseKeyOptions {
  /** Accept RS1 (RSASSA-PKCS1-v1_5 with SHA-1). Only attestation statements may use it. */
  allowRs1?: boolean;
}

/** What a COSE key is, once checked: its algorithm and how to import it into Web Crypto. */
export interface CoseKeyInfo {
  alg: number;
  spec: AlgorithmSpec;
  format: 'raw' | 'jwk';
  keyData: Uint8Array | JsonWebKey;
  importParams: AlgorithmIdentifier | EcKeyImportParams | RsaHashedImportParams;
}

function toMap(key: CoseKeyInput): CoseKey {
  if (key instanceof Uint8Array) {
    let decoded: unknown;
    try {
      decoded = decodeCtap(key);
    } catch (err) {
      if (err instanceof CborError) {
        throw new CoseError('COSE_KEY_MALFORMED', `COSE key is not valid CBOR: ${err.message}`, {
          cause: err,
        });
      }
      throw err;
    }
    key = decoded as CoseKey;
  }
  if (!(key instanceof Map)) throw new CoseError('COSE_KEY_MALFORMED', 'COSE key is not a CBOR map');
  return key;
}

function intParam(key: CoseKey, label: number, name: string): number {
  const v = key.get(label);
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new CoseError('COSE_KEY_MALFORMED', `COSE key ${name} (${label}) is missing or not an integer`);
  }
  return v;
}

function bytesParam(key: CoseKey, label: number, name: string): Uint8Array {
  const v = key.get(label);
  if (!(v instanceof Uint8Array) || v.length === 0) {
    throw new CoseError('COSE_KEY_MALFORMED', `COSE key ${name} (${label}) is missing or not a byte string`);
  }
  return v;
}

/** Left-pads a big-endian coordinate to the field size (some keys drop leading zero bytes). */
function padTo(bytes: Uint8Array, size: number, name: string): Uint8Array {
  if (bytes.length > size) {
    throw new CoseError(
      'COSE_KEY_INVALID',
      `EC ${name} coordinate is ${bytes.length} bytes, more than ${size}`,
    );
  }
  if (bytes.length === size) return bytes;
  const out = new Uint8Array(size);
  out.set(bytes, size - bytes.length);
  return out;
}

function stripZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

const KTY_NAMES: Record<number, string> = { 1: 'OKP', 2: 'EC2', 3: 'RSA' };

/** Checks a COSE key for consistency and works out how to import it. Throws `CoseError`. */
export function describeCoseKey(input: CoseKeyInput, options: CoseKeyOptions = {}): CoseKeyInfo {
  const key = toMap(input);
  const kty = intParam(key, COSE_KEY.kty, 'kty');
  if (kty !== COSE_KTY.OKP && kty !== COSE_KTY.EC2 && kty !== COSE_KTY.RSA) {
    throw new CoseError('COSE_KEY_TYPE_UNSUPPORTED', `COSE key type ${kty} is not supported`);
  }
  const alg = intParam(key, COSE_KEY.alg, 'alg');
  let spec = ALGORITHMS.get(alg);
  if (spec === undefined)
    throw new CoseError('COSE_ALGORITHM_UNSUPPORTED', `COSE algorithm ${alg} is not supported`);
  if (alg === COSE_ALG.RS1 && options.allowRs1 !== true) {
    throw new CoseError(
      'COSE_ALGORITHM_NOT_ALLOWED',
      'RS1 (SHA-1) is allowed only in attestation statements',
    );
  }
  const algName = ALGORITHM_NAMES.get(alg)!;
  const expectedKty =
    spec.kind === 'ecdsa' ? COSE_KTY.EC2 : spec.kind === 'eddsa' ? COSE_KTY.OKP : COSE_KTY.RSA;
  if (kty !== expectedKty) {
    throw new CoseError(
      'COSE_KEY_INCONSISTENT',
      `algorithm ${algName} needs key type ${KTY_NAMES[expectedKty]}, the key is ${KTY_NAMES[kty]}`,
    );
  }
  switch (spec.kind) {
    case 'ecdsa': {
      const crv = intParam(key, COSE_KEY.crv, 'crv');
      if (crv !== spec.crv) {
        throw new CoseError(
          'COSE_KEY_INCONSISTENT',
          `algorithm ${algName} needs curve ${spec.curve}, key has crv ${crv}`,
        );
      }
      if (typeof key.get(COSE_KEY.y) === 'boolean') {
        throw new CoseError('COSE_KEY_MALFORMED', 'compressed EC points are not supported in WebAuthn');
      }
      const x = padTo(bytesParam(key, COSE_KEY.x, 'x'), spec.size, 'x');
      const y = padTo(bytesParam(key, COSE_KEY.y, 'y'), spec.size, 'y');
      const raw = new Uint8Array(1 + spec.size * 2);
      raw[0] = 0x04;
      raw.set(x, 1);
      raw.set(y, 1 + spec.size);
      return {
        alg,
        spec,
        format: 'raw',
        keyData: raw,
        importParams: { name: 'ECDSA', namedCurve: spec.curve },
      };
    }
    case 'eddsa': {
      const crv = intParam(key, COSE_KEY.crv, 'crv');
      if (crv !== COSE_CRV.Ed25519 && crv !== COSE_CRV.Ed448) {
        throw new CoseError('COSE_KEY_INCONSISTENT', `OKP curve ${crv} is not an EdDSA curve`);
      }
      const curve = crv === COSE_CRV.Ed25519 ? 'Ed25519' : 'Ed448';
      if (alg !== COSE_ALG.EdDSA && curve !== spec.curve) {
        throw new CoseError('COSE_KEY_INCONSISTENT', `algorithm ${algName} does not match curve ${curve}`);
      }
      spec = { kind: 'eddsa', curve };
      const x = bytesParam(key, COSE_KEY.x, 'x');
      const size = curve === 'Ed25519' ? 32 : 57;
      if (x.length !== size) {
        throw new CoseError('COSE_KEY_INVALID', `${curve} public key is ${x.length} bytes, expected ${size}`);
      }
      return { alg, spec, format: 'raw', keyData: x, importParams: { name: curve } };
    }
    default: {
      const n = stripZeros(bytesParam(key, COSE_KEY.n, 'n'));
      const e = stripZeros(bytesParam(key, COSE_KEY.e, 'e'));
      if (n.length < 128)
        throw new CoseError('COSE_KEY_INVALID', `RSA modulus of ${n.length * 8} bits is too short`);
      const jwk: JsonWebKey = { kty: 'RSA', n: toBase64Url(n), e: toBase64Url(e), ext: true };
      const name = spec.kind === 'rsa-pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5';
      return { alg, spec, format: 'jwk', keyData: jwk, importParams: { name, hash: spec.hash } };
    }
  }
}

/** The COSE algorithm of a key, after checking the key is consistent with it. */
export function coseKeyAlgorithm(key: CoseKeyInput, options?: CoseKeyOptions): number {
  return describeCoseKey(key, options).alg;
}

const importedSpecs = new WeakMap<CryptoKey, AlgorithmSpec>();

/** Imports a described key into Web Crypto (verify only, not extractable). */
export async function importDescribedKey(info: CoseKeyInfo): Promise<CryptoKey> {
  let cryptoKey: CryptoKey;
  try {
    cryptoKey =
      info.format === 'raw'
        ? await crypto.subtle.importKey(
            'raw',
            info.keyData as Uint8Array<ArrayBuffer>,
            info.importParams,
            false,
            ['verify'],
          )
        : await crypto.subtle.importKey('jwk', info.keyData as JsonWebKey, info.importParams, false, [
            'verify',
          ]);
  } catch (err) {
    const name = (err as { name?: unknown }).name;
    if (name === 'NotSupportedError' && info.spec.kind === 'eddsa') {
      throw new CoseError(
        'COSE_ALGORITHM_UNSUPPORTED',
        `this runtime's Web Crypto has no ${info.spec.curve}`,
        {
          cause: err,
        },
      );
    }
    throw new CoseError('COSE_KEY_INVALID', `Web Crypto refused the key: ${(err as Error).message}`, {
      cause: err,
    });
  }
  importedSpecs.set(cryptoKey, info.spec);
  return cryptoKey;
}

/** Imports a COSE public key into Web Crypto. Throws `CoseError` naming what is wrong with the key. */
export async function importCoseKey(key: CoseKeyInput, options?: CoseKeyOptions): Promise<CryptoKey> {
  return importDescribedKey(describeCoseKey(key, options));
}

/**
 * Verifies a WebAuthn signature (DER for ECDSA, raw for EdDSA, PKCS#1/PSS for RSA) with a key that
 * `importCoseKey`/`importDescribedKey` made. Malformed signatures verify as false.
 */
export async function verifyWithImportedKey(
  cryptoKey: CryptoKey,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const spec = importedSpecs.get(cryptoKey);
  if (spec === undefined) throw new CoseError('COSE_KEY_INVALID', 'key was not imported by importCoseKey');
  return verifyWithSpec(spec, cryptoKey, data, signature);
}

export async function verifyWithSpec(
  spec: AlgorithmSpec,
  cryptoKey: CryptoKey,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  let params: AlgorithmIdentifier | EcdsaParams | RsaPssParams;
  let sig: Uint8Array = signature;
  switch (spec.kind) {
    case 'ecdsa': {
      const p1363 = derToP1363(signature, spec.size);
      if (p1363 === null) return false;
      sig = p1363;
      params = { name: 'ECDSA', hash: spec.hash };
      break;
    }
    case 'eddsa':
      params = { name: spec.curve };
      break;
    case 'rsa-pss':
      params = { name: 'RSA-PSS', saltLength: spec.saltLength };
      break;
    default:
      params = { name: 'RSASSA-PKCS1-v1_5' };
  }
  try {
    return await crypto.subtle.verify(
      params,
      cryptoKey,
      sig as Uint8Array<ArrayBuffer>,
      data as Uint8Array<ArrayBuffer>,
    );
  } catch {
    return false;
  }
}

/** Imports `key` and verifies `signature` over `data`. False for a bad signature; `CoseError` for a bad key. */
export async function verifyCoseSignature(
  key: CoseKeyInput,
  data: Uint8Array,
  signature: Uint8Array,
  options?: CoseKeyOptions,
): Promise<boolean> {
  const info = describeCoseKey(key, options);
  return verifyWithSpec(info.spec, await importDescribedKey(info), data, signature);
}
