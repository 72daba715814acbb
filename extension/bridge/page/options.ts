/**
 * WebAuthn options (with BufferSources) → their L3 JSON form (base64url), in the page's realm. Invalid
 * dictionaries throw `TypeError`, as the browser's own binding layer does.
 */
import { bytesToBase64url } from './bytes';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

function isBufferSource(value: unknown): value is BufferSource {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value) || isForeignBuffer(value);
}

/** ArrayBuffers from another realm (an iframe) fail `instanceof`; recognise them by tag. */
function isForeignBuffer(value: unknown): boolean {
  const tag = Object.prototype.toString.call(value);
  return tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]';
}

export function bufferSourceBytes(value: BufferSource): Uint8Array {
  if (ArrayBuffer.isView(value))
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
  return new Uint8Array(value as ArrayBuffer).slice();
}

function requireBuffer(value: unknown, what: string): string {
  if (!isBufferSource(value)) throw new TypeError(`${what} must be a BufferSource`);
  return bytesToBase64url(bufferSourceBytes(value));
}

function requireString(value: unknown, what: string): string {
  if (value === undefined || value === null) throw new TypeError(`${what} is required`);
  return String(value);
}

/** Any value made JSON-safe, BufferSources as base64url (extension inputs such as `prf`). */
function toJsonValue(value: unknown, depth = 0): JsonValue | undefined {
  if (depth > 8) throw new TypeError('extension inputs nest too deeply');
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') throw new TypeError('BigInt is not a valid option value');
  if (isBufferSource(value)) return bytesToBase64url(bufferSourceBytes(value));
  if (Array.isArray(value)) return value.map((item) => toJsonValue(item, depth + 1) ?? null);
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const converted = toJsonValue(item, depth + 1);
    if (converted !== undefined) out[key] = converted;
  }
  return out;
}

function descriptors(list: unknown, what: string): JsonObject[] | undefined {
  if (list === undefined) return undefined;
  if (list === null || typeof (list as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`${what} must be a sequence`);
  }
  return Array.from(list as Iterable<unknown>, (item, index) => {
    if (typeof item !== 'object' || item === null) throw new TypeError(`${what}[${index}] must be an object`);
    const d = item as PublicKeyCredentialDescriptor;
    const out: JsonObject = {
      type: requireString(d.type, `${what}[${index}].type`),
      id: requireBuffer(d.id, `${what}[${index}].id`),
    };
    if (d.transports !== undefined) out.transports = Array.from(d.transports, String);
    return out;
  });
}

function optionalNumber(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new TypeError(`${what} must be a finite number`);
  return Math.max(0, Math.trunc(n));
}

function setIfDefined(target: JsonObject, key: string, value: JsonValue | undefined): void {
  if (value !== undefined) target[key] = value;
}

export function creationOptionsToJSON(pk: PublicKeyCredentialCreationOptions): JsonObject {
  if (typeof pk !== 'object' || pk === null) throw new TypeError('publicKey must be an object');
  if (typeof pk.rp !== 'object' || pk.rp === null) throw new TypeError('publicKey.rp is required');
  if (typeof pk.user !== 'object' || pk.user === null) throw new TypeError('publicKey.user is required');
  if (pk.pubKeyCredParams === undefined) throw new TypeError('publicKey.pubKeyCredParams is required');
  const rp: JsonObject = { name: requireString(pk.rp.name, 'rp.name') };
  if (pk.rp.id !== undefined) rp.id = String(pk.rp.id);
  const user: JsonObject = {
    id: requireBuffer(pk.user.id, 'user.id'),
    name: requireString(pk.user.name, 'user.name'),
    displayName: requireString(pk.user.displayName, 'user.displayName'),
  };
  const params = Array.from(pk.pubKeyCredParams as Iterable<PublicKeyCredentialParameters>, (p, index) => {
    if (typeof p !== 'object' || p === null)
      throw new TypeError(`pubKeyCredParams[${index}] must be an object`);
    const alg = Number(p.alg);
    if (!Number.isInteger(alg)) throw new TypeError(`pubKeyCredParams[${index}].alg must be an integer`);
    return { type: requireString(p.type, `pubKeyCredParams[${index}].type`), alg };
  });
  const out: JsonObject = {
    rp,
    user,
    challenge: requireBuffer(pk.challenge, 'challenge'),
    pubKeyCredParams: params,
  };
  setIfDefined(out, 'timeout', optionalNumber(pk.timeout, 'timeout'));
  setIfDefined(out, 'excludeCredentials', descriptors(pk.excludeCredentials, 'excludeCredentials'));
  if (pk.authenticatorSelection !== undefined) {
    const sel = toJsonValue(pk.authenticatorSelection);
    if (sel !== undefined) out.authenticatorSelection = sel;
  }
  const hints = (pk as { hints?: Iterable<string> }).hints;
  if (hints !== undefined) out.hints = Array.from(hints, String);
  if (pk.attestation !== undefined) out.attestation = String(pk.attestation);
  if (pk.extensions !== undefined) setIfDefined(out, 'extensions', toJsonValue(pk.extensions));
  return out;
}

export function requestOptionsToJSON(pk: PublicKeyCredentialRequestOptions): JsonObject {
  if (typeof pk !== 'object' || pk === null) throw new TypeError('publicKey must be an object');
  const out: JsonObject = { challenge: requireBuffer(pk.challenge, 'challenge') };
  setIfDefined(out, 'timeout', optionalNumber(pk.timeout, 'timeout'));
  if (pk.rpId !== undefined) out.rpId = String(pk.rpId);
  setIfDefined(out, 'allowCredentials', descriptors(pk.allowCredentials, 'allowCredentials'));
  if (pk.userVerification !== undefined) out.userVerification = String(pk.userVerification);
  const hints = (pk as { hints?: Iterable<string> }).hints;
  if (hints !== undefined) out.hints = Array.from(hints, String);
  if (pk.extensions !== undefined) setIfDefined(out, 'extensions', toJsonValue(pk.extensions));
  return out;
}

/** WebAuthn's recommended range for `timeout`, applied as browsers do (L3 §5.1.3/§5.1.4). */
export const DEFAULT_TIMEOUT_MS = 300_000;
export const MAX_TIMEOUT_MS = 600_000;

/**
 * The client's effective timeout. The page's value is honoured when it is shorter than the maximum;
 * very short values are honoured too (the spec lets clients raise them, tests rely on short ones).
 */
export function effectiveTimeout(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested) || requested <= 0) return DEFAULT_TIMEOUT_MS;
  return Math.min(Math.max(1, Math.trunc(requested)), MAX_TIMEOUT_MS);
}
