/**
 * Runtime messages between extension pages / content scripts and the background vault.
 * Every request is validated with `RequestSchema` in the background; responses are
 * `{ ok: true, value } | { ok: false, error }`. Use `sendVault()` from ./client on the calling side.
 *
 * Who may send them (checked in ./background.ts from the sender's reported origin, never from the
 * message): the extension's own pages (popup, options, unlock page) only. Content scripts send `fill.*`
 * (extension/fill/protocol.ts), each checked against the site module.
 */
import * as v from 'valibot';
import type { EffectiveSettings } from '../settings/effective';
import type { AccountSummary } from './accounts';
import type { VaultErrorCode, VaultErrorDetails } from './errors';
import type { CodeResult, ImportReport, VaultInfo, VaultStatus } from './service';

const Password = v.pipe(v.string(), v.maxLength(1024));
const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const ShortText = v.pipe(v.string(), v.maxLength(200));
const Origin = v.pipe(v.string(), v.maxLength(300));

const Meta = v.object({
  label: v.optional(ShortText),
  icon: v.optional(ShortText),
  origins: v.optional(v.pipe(v.array(Origin), v.maxLength(50))),
});

/** A new account from a link or from typed fields (secret in base32, as sites show it). */
export const NewAccountSchema = v.variant('source', [
  v.object({ source: v.literal('uri'), uri: v.pipe(v.string(), v.maxLength(4096)), meta: v.optional(Meta) }),
  v.object({
    source: v.literal('fields'),
    type: v.picklist(['totp', 'hotp']),
    issuer: v.optional(ShortText),
    account: ShortText,
    secret: v.pipe(v.string(), v.maxLength(512)),
    algorithm: v.picklist(['SHA1', 'SHA256', 'SHA512']),
    digits: v.picklist([6, 7, 8]),
    period: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3600)),
    counter: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    meta: v.optional(Meta),
  }),
]);
export type NewAccount = v.InferOutput<typeof NewAccountSchema>;

export const IMPORT_FORMATS = ['auto', 'otpauth', 'migration', 'mfa-bridge', 'aegis', '2fas'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const RequestSchema = v.variant('type', [
  v.object({ type: v.literal('vault.status') }),
  v.object({ type: v.literal('vault.create'), password: Password }),
  /**
   * `newPassword`: answer to `password-change-required` (the password rules changed since the vault
   * was made); the vault is re-encrypted under it and unlocked.
   */
  v.object({ type: v.literal('vault.unlock'), password: Password, newPassword: v.optional(Password) }),
  v.object({ type: v.literal('vault.lock') }),
  v.object({ type: v.literal('vault.restorePrevious'), password: Password }),
  v.object({ type: v.literal('vault.reset'), confirm: v.literal('DELETE') }),
  v.object({ type: v.literal('vault.changePassword'), oldPassword: Password, newPassword: Password }),
  v.object({ type: v.literal('vault.list') }),
  v.object({ type: v.literal('vault.add'), account: NewAccountSchema }),
  v.object({
    type: v.literal('vault.update'),
    id: Id,
    patch: v.object({
      label: v.optional(v.nullable(ShortText)),
      icon: v.optional(v.nullable(ShortText)),
      issuer: v.optional(v.nullable(ShortText)),
      account: v.optional(ShortText),
      origins: v.optional(v.pipe(v.array(Origin), v.maxLength(50))),
    }),
  }),
  v.object({ type: v.literal('vault.reorder'), ids: v.pipe(v.array(Id), v.maxLength(10_000)) }),
  v.object({ type: v.literal('vault.delete'), id: Id }),
  v.object({ type: v.literal('vault.code'), id: Id }),
  v.object({ type: v.literal('vault.codes') }),
  /** Where the vault lives and how it is protected (options page, About). */
  v.object({ type: v.literal('vault.info') }),
  /** Accounts / a code for a site the extension page names. */
  v.object({ type: v.literal('vault.forOrigin'), origin: v.optional(Origin) }),
  v.object({ type: v.literal('vault.codeForOrigin'), id: Id, origin: v.optional(Origin) }),
  v.object({
    type: v.literal('vault.import'),
    format: v.picklist(IMPORT_FORMATS),
    data: v.pipe(v.string(), v.maxLength(20_000_000)),
    password: v.optional(Password),
    /** Sites to bind imported accounts to (those that bring no sites of their own). */
    origins: v.optional(v.pipe(v.array(Origin), v.maxLength(50))),
  }),
  v.object({ type: v.literal('vault.exportEncrypted'), exportPassword: Password }),
  v.object({ type: v.literal('vault.exportUris'), masterPassword: Password }),
  /** Decode a QR code in the active tab's visible area (popup "scan"). */
  v.object({ type: v.literal('vault.scanTab') }),
  v.object({ type: v.literal('settings.get') }),
  v.object({ type: v.literal('settings.set'), patch: v.record(v.string(), v.unknown()) }),
]);
export type VaultRequest = v.InferOutput<typeof RequestSchema>;
export type VaultRequestType = VaultRequest['type'];

export interface ScanResult {
  /** Accounts found in QR codes on the visible tab, ready for `vault.add` / `vault.import`. */
  found: Array<{ text: string; kind: 'otpauth' | 'migration' }>;
}

/** What each request answers. */
export interface VaultResponses {
  'vault.status': VaultStatus;
  'vault.create': VaultStatus;
  'vault.unlock': VaultStatus;
  'vault.lock': VaultStatus;
  'vault.restorePrevious': VaultStatus;
  'vault.reset': VaultStatus;
  'vault.changePassword': null;
  'vault.list': AccountSummary[];
  'vault.add': AccountSummary;
  'vault.update': AccountSummary;
  'vault.reorder': AccountSummary[];
  'vault.delete': null;
  'vault.code': CodeResult;
  'vault.codes': Record<string, CodeResult>;
  'vault.info': VaultInfo;
  'vault.forOrigin': AccountSummary[];
  'vault.codeForOrigin': CodeResult;
  'vault.import': ImportReport;
  'vault.exportEncrypted': string;
  'vault.exportUris': string;
  'vault.scanTab': ScanResult;
  'settings.get': EffectiveSettings;
  'settings.set': EffectiveSettings;
}

export interface WireError {
  code: VaultErrorCode | 'otpauth' | 'settings' | 'internal';
  message: string;
  details?: VaultErrorDetails & { otpauthCode?: string; key?: string };
}

export type WireResponse<T> = { ok: true; value: T } | { ok: false; error: WireError };
