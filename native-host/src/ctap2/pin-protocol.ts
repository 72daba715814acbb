// PIN/UV auth protocols one and two (CTAP 2.1 §6.5.6, §6.5.7) on node:crypto: ECDH P-256, AES-256-CBC,
// HMAC-SHA-256, HKDF-SHA-256. Used by the host (platform side) and by the virtual key (authenticator side).
import {
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createHmac,
  type ECDH,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

export type PinProtocolVersion = 1 | 2;

/** The COSE_Key form of a P-256 key-agreement public key (alg -25, ECDH-ES+HKDF-256). */
export type CoseEcdhKey = Map<number, number | Uint8Array>;

export class PinProtocolError extends Error {
  override readonly name = 'PinProtocolError';
  constructor(
    readonly code: 'BAD_KEY' | 'BAD_LENGTH' | 'BAD_PIN',
    message: string,
  ) {
    super(message);
  }
}

export function coseKeyFromPublic(uncompressed: Uint8Array): CoseEcdhKey {
  return new Map<number, number | Uint8Array>([
    [1, 2],
    [3, -25],
    [-1, 1],
    [-2, uncompressed.slice(1, 33)],
    [-3, uncompressed.slice(33, 65)],
  ]);
}

/** Reads a peer's COSE key-agreement key into the 65-byte uncompressed point form. */
export function publicFromCoseKey(key: unknown): Uint8Array {
  if (!(key instanceof Map)) throw new PinProtocolError('BAD_KEY', 'key agreement key is not a COSE map');
  const x = key.get(-2);
  const y = key.get(-3);
  if (key.get(1) !== 2 || key.get(-1) !== 1 || !(x instanceof Uint8Array) || !(y instanceof Uint8Array)) {
    throw new PinProtocolError('BAD_KEY', 'key agreement key is not an EC2 P-256 COSE key');
  }
  if (x.length > 32 || y.length > 32)
    throw new PinProtocolError('BAD_KEY', 'key agreement coordinates too long');
  const out = new Uint8Array(65);
  out[0] = 4;
  out.set(x, 1 + 32 - x.length);
  out.set(y, 33 + 32 - y.length);
  return out;
}

const zeroIv = Buffer.alloc(16);

function aesCbc(encrypt: boolean, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (data.length % 16 !== 0)
    throw new PinProtocolError('BAD_LENGTH', 'AES-CBC data is not a multiple of 16 bytes');
  const c = encrypt ? createCipheriv('aes-256-cbc', key, iv) : createDecipheriv('aes-256-cbc', key, iv);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

export interface PinProtocol {
  readonly version: PinProtocolVersion;
  /** KDF(Z): 32 bytes (v1) or HMAC key ‖ AES key, 64 bytes (v2). */
  kdf(z: Uint8Array): Uint8Array;
  encrypt(key: Uint8Array, plaintext: Uint8Array): Uint8Array;
  decrypt(key: Uint8Array, ciphertext: Uint8Array): Uint8Array;
  authenticate(key: Uint8Array, message: Uint8Array): Uint8Array;
  verify(key: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

function verifyWith(p: PinProtocol, key: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const expected = p.authenticate(key, message);
  return expected.length === signature.length && timingSafeEqual(expected, signature);
}

export const PIN_PROTOCOL_1: PinProtocol = {
  version: 1,
  kdf: (z) => new Uint8Array(createHash('sha256').update(z).digest()),
  encrypt: (key, pt) => aesCbc(true, key, zeroIv, pt),
  decrypt: (key, ct) => aesCbc(false, key, zeroIv, ct),
  authenticate: (key, msg) => new Uint8Array(createHmac('sha256', key).update(msg).digest().subarray(0, 16)),
  verify(key, msg, sig) {
    return verifyWith(this, key, msg, sig);
  },
};

const salt = Buffer.alloc(32);
export const PIN_PROTOCOL_2: PinProtocol = {
  version: 2,
  kdf(z) {
    const hmacKey = new Uint8Array(hkdfSync('sha256', z, salt, 'CTAP2 HMAC key', 32));
    const aesKey = new Uint8Array(hkdfSync('sha256', z, salt, 'CTAP2 AES key', 32));
    const out = new Uint8Array(64);
    out.set(hmacKey, 0);
    out.set(aesKey, 32);
    return out;
  },
  encrypt(key, pt) {
    const aesKey = key.length === 64 ? key.subarray(32) : key;
    const iv = randomBytes(16);
    const out = new Uint8Array(16 + pt.length);
    out.set(iv, 0);
    out.set(aesCbc(true, aesKey, iv, pt), 16);
    return out;
  },
  decrypt(key, ct) {
    if (ct.length < 16) throw new PinProtocolError('BAD_LENGTH', 'ciphertext shorter than its IV');
    const aesKey = key.length === 64 ? key.subarray(32) : key;
    return aesCbc(false, aesKey, ct.subarray(0, 16), ct.subarray(16));
  },
  authenticate: (key, msg) => new Uint8Array(createHmac('sha256', key.subarray(0, 32)).update(msg).digest()),
  verify(key, msg, sig) {
    return verifyWith(this, key, msg, sig);
  },
};

export function pinProtocol(version: number): PinProtocol {
  if (version === 1) return PIN_PROTOCOL_1;
  if (version === 2) return PIN_PROTOCOL_2;
  throw new PinProtocolError('BAD_KEY', `unsupported PIN protocol ${version}`);
}

/** Platform side of key agreement: a fresh ephemeral key, the shared secret, our COSE public key. */
export function encapsulate(
  protocol: PinProtocol,
  peerCoseKey: unknown,
  ecdh: ECDH = generateEcdh(),
): { sharedSecret: Uint8Array; platformKey: CoseEcdhKey } {
  const peer = publicFromCoseKey(peerCoseKey);
  let z: Buffer;
  try {
    z = ecdh.computeSecret(peer);
  } catch (err) {
    throw new PinProtocolError('BAD_KEY', `key agreement failed: ${(err as Error).message}`);
  }
  return { sharedSecret: protocol.kdf(z), platformKey: coseKeyFromPublic(ecdh.getPublicKey()) };
}

/** Authenticator side: shared secret from its key-agreement key and the platform's COSE key. */
export function decapsulate(protocol: PinProtocol, ecdh: ECDH, platformCoseKey: unknown): Uint8Array {
  const peer = publicFromCoseKey(platformCoseKey);
  try {
    return protocol.kdf(ecdh.computeSecret(peer));
  } catch (err) {
    throw new PinProtocolError('BAD_KEY', `key agreement failed: ${(err as Error).message}`);
  }
}

export function generateEcdh(): ECDH {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return ecdh;
}

/** LEFT(SHA-256(pin), 16). */
export function pinHash(pin: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(pin, 'utf8').digest().subarray(0, 16));
}

/** The new PIN as CTAP sends it: UTF-8, zero-padded to 64 bytes; 4+ code points, at most 63 bytes. */
export function padPin(pin: string): Uint8Array {
  const bytes = new TextEncoder().encode(pin);
  if ([...pin].length < 4) throw new PinProtocolError('BAD_PIN', 'the PIN must have at least 4 characters');
  if (bytes.length > 63) throw new PinProtocolError('BAD_PIN', 'the PIN must be at most 63 bytes of UTF-8');
  const out = new Uint8Array(64);
  out.set(bytes);
  return out;
}
