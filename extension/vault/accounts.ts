/**
 * Vault accounts: the shared OtpAccount plus id, display name, icon hint and the origins the account
 * may be filled on. The stored (plaintext-inside-the-container) form and its schema.
 */
import * as v from 'valibot';
import { servedOrigin } from '../sites/hosts';
import { fromBase64, toBase64 } from './crypto';
import { type OtpAccount, validateOtpAccount } from './otp';

export interface VaultAccount extends OtpAccount {
  id: string;
  /** Display name chosen by the user (falls back to issuer / account). */
  label?: string;
  /** Icon hint: a short key such as "portbase" or a host name; the UI picks an icon or initials. */
  icon?: string;
  /** Origins ("https://host[:port]") this account may be filled on. Empty: popup only. */
  origins: string[];
  createdAt: number;
  updatedAt: number;
}

/** What the UI and content scripts see: everything except the secret. */
export type AccountSummary = Omit<VaultAccount, 'secret'>;

export function summarize(a: VaultAccount): AccountSummary {
  const { secret: _secret, ...rest } = a;
  return rest;
}

export function displayName(a: Pick<VaultAccount, 'label' | 'issuer' | 'account'>): string {
  return a.label || (a.issuer ? `${a.issuer} (${a.account})` : a.account);
}

/** A canonical origin ("https://host[:port]"), or a named error message. */
export function normalizeOrigin(
  input: string,
): { ok: true; origin: string } | { ok: false; message: string } {
  let text = input.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return { ok: false, message: `"${input.slice(0, 80)}" is not a web address.` };
  }
  // The site module's rule (extension/sites): https, or plain http on localhost and its subdomains only.
  if (!servedOrigin(u.href)) {
    return { ok: false, message: 'Only https:// sites (or http://localhost) can be bound to an account.' };
  }
  return { ok: true, origin: u.origin };
}

export const OriginSchema = v.pipe(
  v.string(),
  v.maxLength(300),
  v.check((s) => {
    const r = normalizeOrigin(s);
    return r.ok && r.origin === s;
  }, 'An origin such as https://login.example.com'),
);

const StoredAccountSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  type: v.picklist(['totp', 'hotp']),
  issuer: v.optional(v.string()),
  account: v.string(),
  secret: v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]+={0,2}$/)),
  algorithm: v.picklist(['SHA1', 'SHA256', 'SHA512']),
  digits: v.picklist([6, 7, 8]),
  period: v.pipe(v.number(), v.integer(), v.minValue(1)),
  counter: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  label: v.optional(v.string()),
  icon: v.optional(v.string()),
  origins: v.array(OriginSchema),
  createdAt: v.number(),
  updatedAt: v.number(),
});
type StoredAccount = v.InferOutput<typeof StoredAccountSchema>;

export const PayloadSchema = v.object({
  accounts: v.array(StoredAccountSchema),
});

export interface VaultPayload {
  accounts: VaultAccount[];
}

function toStored(a: VaultAccount): StoredAccount {
  const s: StoredAccount = {
    id: a.id,
    type: a.type,
    account: a.account,
    secret: toBase64(a.secret),
    algorithm: a.algorithm,
    digits: a.digits,
    period: a.period,
    origins: [...a.origins],
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
  if (a.issuer !== undefined) s.issuer = a.issuer;
  if (a.counter !== undefined) s.counter = a.counter;
  if (a.label !== undefined) s.label = a.label;
  if (a.icon !== undefined) s.icon = a.icon;
  return s;
}

function fromStored(s: StoredAccount): VaultAccount {
  const a: VaultAccount = { ...s, secret: fromBase64(s.secret), origins: [...s.origins] };
  validateOtpAccount(a);
  return a;
}

export function encodePayload(p: VaultPayload): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(JSON.stringify({ accounts: p.accounts.map(toStored) }));
}

/** Throws when the decrypted bytes are not a valid payload (the caller reports "damaged"). */
export function decodePayload(bytes: Uint8Array): VaultPayload {
  const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  const p = v.parse(PayloadSchema, parsed);
  return { accounts: p.accounts.map(fromStored) };
}

export function newAccountId(): string {
  return crypto.randomUUID();
}

/** Same secret, type, issuer and account name: treated as the same account on import. */
export function sameAccount(a: OtpAccount, b: OtpAccount): boolean {
  if (a.type !== b.type || a.account !== b.account || (a.issuer ?? '') !== (b.issuer ?? '')) return false;
  if (a.secret.length !== b.secret.length) return false;
  return a.secret.every((x, i) => x === b.secret[i]);
}
