import type { CoseKeyInfo } from '../../cose/key.js';
import type { AuthenticatorData } from '../authenticator-data.js';
import { WebAuthnError } from '../errors.js';

export type AttestationType = 'none' | 'self' | 'basic';

export interface AttestationInput {
  attStmt: ReadonlyMap<unknown, unknown>;
  /** Authenticator data bytes as signed. */
  authData: Uint8Array;
  parsedAuthData: AuthenticatorData;
  clientDataHash: Uint8Array;
  /** The credential public key, checked. */
  credentialKey: CoseKeyInfo;
}

export interface AttestationResult {
  type: AttestationType;
  /** The certificate path to check against trust anchors (leaf first), for x5c-based statements. */
  x5c?: Uint8Array[];
}

export type AttestationVerifier = (input: AttestationInput) => Promise<AttestationResult>;

export function invalid(message: string, cause?: unknown): WebAuthnError {
  return new WebAuthnError('ATTESTATION_INVALID', message, cause === undefined ? undefined : { cause });
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function readSig(attStmt: ReadonlyMap<unknown, unknown>): Uint8Array {
  const sig = attStmt.get('sig');
  if (!(sig instanceof Uint8Array)) throw invalid('attStmt sig is missing or not a byte string');
  return sig;
}

export function readAlg(attStmt: ReadonlyMap<unknown, unknown>): number {
  const alg = attStmt.get('alg');
  if (typeof alg !== 'number' || !Number.isInteger(alg))
    throw invalid('attStmt alg is missing or not an integer');
  return alg;
}

/** Only the listed members may appear in the statement. */
export function onlyKeys(
  attStmt: ReadonlyMap<unknown, unknown>,
  allowed: readonly string[],
  fmt: string,
): void {
  for (const k of attStmt.keys()) {
    if (typeof k !== 'string' || !allowed.includes(k))
      throw invalid(`unexpected member ${String(k)} in ${fmt} attStmt`);
  }
}

export async function sha(
  hash: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512',
  data: Uint8Array,
): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(hash, data as Uint8Array<ArrayBuffer>));
}
