/**
 * The encrypted container, used for the vault itself and for our encrypted export.
 *
 * Record (JSON): { header: string, ciphertext: base64, digest: base64 }
 * - `header` is the exact JSON text of VaultHeader; its UTF-8 bytes are the AES-GCM additional data,
 *   so any change to the format, version, KDF parameters, salt, IV or generation fails authentication.
 * - key material = Argon2id(password, salt, params) → 64 bytes: the first 32 are the AES-256-GCM key,
 *   SHA-256 of the last 32 is `keyCheck` in the header: it tells a wrong password from damage.
 * - `digest` = SHA-256(header + "\n" + ciphertext), unkeyed: finds accidental damage (bit flips,
 *   truncation) before any password is asked, so the UI can offer recovery.
 * Order of checks when opening: structure and digest (damaged) → version (unsupported-version) →
 * key check (wrong-password) → GCM tag (damaged).
 */
import { argon2id } from 'hash-wasm';
import * as v from 'valibot';
import { VaultError } from './errors';

export const VAULT_FORMAT = 'mfa-bridge-vault';
/** Current container version. Readers exist for every version ≤ this one. */
export const VAULT_VERSION = 1;

export interface KdfParams {
  alg: 'argon2id';
  /** KiB */
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  /** base64, 16 random bytes per vault (new salt on every password or parameter change) */
  salt: string;
}

/**
 * Defaults for new vaults and for the upgrade on unlock: 64 MiB, t=3, p=1 (hash-wasm runs on one
 * thread, so p>1 only costs time). Measured in bench/vault.bench.ts.
 */
export const DEFAULT_KDF: Omit<KdfParams, 'salt'> = {
  alg: 'argon2id',
  memoryKiB: 64 * 1024,
  iterations: 3,
  parallelism: 1,
};

/** Lower bounds accepted when opening (a header asking for less is damaged or hostile). */
const MIN_KDF = { memoryKiB: 8 * 1024, iterations: 1 };
/** Upper bounds, so a damaged header cannot make us allocate gigabytes. */
const MAX_KDF = { memoryKiB: 1024 * 1024, iterations: 20, parallelism: 8 };

export type ContainerKind = 'vault' | 'export';

export interface VaultHeader {
  format: typeof VAULT_FORMAT;
  version: number;
  kind: ContainerKind;
  /** Increases with each write of the vault. */
  generation: number;
  kdf: KdfParams;
  /** base64, 12 random bytes, fresh for every write */
  iv: string;
  keyCheck: string;
  writtenAt: number;
}

export interface VaultRecord {
  header: string;
  ciphertext: string;
  digest: string;
}

const b64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/));

const HeaderSchema = v.object({
  format: v.literal(VAULT_FORMAT),
  version: v.pipe(v.number(), v.integer(), v.minValue(1)),
  kind: v.picklist(['vault', 'export']),
  generation: v.pipe(v.number(), v.integer(), v.minValue(0)),
  kdf: v.object({
    alg: v.literal('argon2id'),
    memoryKiB: v.pipe(v.number(), v.integer(), v.minValue(MIN_KDF.memoryKiB), v.maxValue(MAX_KDF.memoryKiB)),
    iterations: v.pipe(
      v.number(),
      v.integer(),
      v.minValue(MIN_KDF.iterations),
      v.maxValue(MAX_KDF.iterations),
    ),
    parallelism: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_KDF.parallelism)),
    salt: v.pipe(b64, v.length(24)),
  }),
  iv: v.pipe(b64, v.length(16)),
  keyCheck: v.pipe(b64, v.length(44)),
  writtenAt: v.number(),
});

const RecordSchema = v.object({
  header: v.pipe(v.string(), v.maxLength(4096)),
  ciphertext: b64,
  digest: v.pipe(b64, v.length(44)),
});

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const enc = new TextEncoder();

async function sha256(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

export function newKdfParams(base: Omit<KdfParams, 'salt'> = DEFAULT_KDF): KdfParams {
  return { ...base, salt: toBase64(crypto.getRandomValues(new Uint8Array(16))) };
}

/** Raw key bytes (32) and the key check for these parameters. */
export interface DerivedKey {
  key: Uint8Array<ArrayBuffer>;
  keyCheck: string;
  salt: string;
}

export async function deriveKey(password: string, kdf: KdfParams): Promise<DerivedKey> {
  const out = await argon2id({
    password: password.normalize('NFC'),
    salt: fromBase64(kdf.salt),
    iterations: kdf.iterations,
    parallelism: kdf.parallelism,
    memorySize: kdf.memoryKiB,
    hashLength: 64,
    outputType: 'binary',
  });
  const key = new Uint8Array(out.subarray(0, 32));
  const keyCheck = toBase64(await sha256(new Uint8Array(out.subarray(32, 64))));
  out.fill(0);
  return { key, keyCheck, salt: kdf.salt };
}

async function importAes(key: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

async function recordDigest(header: string, ciphertext: string): Promise<string> {
  return toBase64(await sha256(enc.encode(`${header}\n${ciphertext}`)));
}

/** Encrypt `plaintext` under an already derived key (its KDF parameters go into the header). */
export async function seal(
  plaintext: Uint8Array<ArrayBuffer>,
  dk: DerivedKey,
  kdf: KdfParams,
  opts: { kind: ContainerKind; generation: number; now?: number },
): Promise<VaultRecord> {
  if (kdf.salt !== dk.salt) throw new Error('seal: key was derived with a different salt');
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const h: VaultHeader = {
    format: VAULT_FORMAT,
    version: VAULT_VERSION,
    kind: opts.kind,
    generation: opts.generation,
    kdf,
    iv: toBase64(iv),
    keyCheck: dk.keyCheck,
    writtenAt: opts.now ?? Date.now(),
  };
  const header = JSON.stringify(h);
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: enc.encode(header), tagLength: 128 },
    await importAes(dk.key),
    plaintext,
  );
  const ciphertext = toBase64(new Uint8Array(ct));
  return { header, ciphertext, digest: await recordDigest(header, ciphertext) };
}

/**
 * Check a stored record without a password: structure, digest, header and version. Throws
 * VaultError 'damaged' or 'unsupported-version'.
 */
export async function inspect(record: unknown, kind: ContainerKind): Promise<VaultHeader> {
  const r = v.safeParse(RecordSchema, record);
  if (!r.success) throw new VaultError('damaged', 'The vault data is damaged (its structure is incomplete).');
  const { header, ciphertext, digest } = r.output;
  if ((await recordDigest(header, ciphertext)) !== digest) {
    throw new VaultError('damaged', 'The vault data is damaged (its checksum does not match).');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    throw new VaultError('damaged', 'The vault data is damaged (unreadable header).');
  }
  if (parsed && typeof parsed === 'object' && 'version' in parsed) {
    const ver = (parsed as { version: unknown }).version;
    if (typeof ver === 'number' && ver > VAULT_VERSION) {
      throw new VaultError(
        'unsupported-version',
        `This vault was written by a newer version of mfa-bridge (format ${ver}); update the extension to open it.`,
      );
    }
  }
  const h = v.safeParse(HeaderSchema, parsed);
  if (!h.success) throw new VaultError('damaged', 'The vault data is damaged (invalid header).');
  if (h.output.kind !== kind) {
    throw new VaultError(
      'damaged',
      kind === 'vault' ? 'This is not a vault.' : 'This is not an mfa-bridge encrypted export.',
    );
  }
  return h.output as VaultHeader;
}

/** Open with a password: derives the key, then decrypts. */
export async function openWithPassword(
  record: unknown,
  password: string,
  kind: ContainerKind,
): Promise<{ plaintext: Uint8Array; header: VaultHeader; dk: DerivedKey }> {
  const header = await inspect(record, kind);
  const dk = await deriveKey(password, header.kdf);
  if (dk.keyCheck !== header.keyCheck) {
    throw new VaultError('wrong-password', 'Wrong password.');
  }
  const plaintext = await decrypt(record as VaultRecord, header, dk);
  return { plaintext, header, dk };
}

/** Open with a key derived earlier (kept in session storage while unlocked). */
export async function openWithKey(
  record: unknown,
  dk: DerivedKey,
  kind: ContainerKind,
): Promise<{ plaintext: Uint8Array; header: VaultHeader }> {
  const header = await inspect(record, kind);
  if (header.kdf.salt !== dk.salt || header.keyCheck !== dk.keyCheck) {
    throw new VaultError('locked', 'The vault changed since it was unlocked; unlock it again.');
  }
  return { plaintext: await decrypt(record as VaultRecord, header, dk), header };
}

async function decrypt(record: VaultRecord, header: VaultHeader, dk: DerivedKey): Promise<Uint8Array> {
  try {
    const pt = await crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: fromBase64(header.iv),
        additionalData: enc.encode(record.header),
        tagLength: 128,
      },
      await importAes(dk.key),
      fromBase64(record.ciphertext),
    );
    return new Uint8Array(pt);
  } catch {
    throw new VaultError('damaged', 'The vault data is damaged (authentication failed).');
  }
}

/** True when stored parameters are below the current defaults (re-encrypt on the next unlock). */
export function needsUpgrade(header: VaultHeader, target: Omit<KdfParams, 'salt'> = DEFAULT_KDF): boolean {
  return (
    header.version < VAULT_VERSION ||
    header.kdf.memoryKiB < target.memoryKiB ||
    header.kdf.iterations < target.iterations
  );
}
