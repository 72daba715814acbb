/**
 * Messages between the detect/fill content script and the background (`fill.*`): the only requests a
 * content script may send (the vault's are for extension pages). Validated with valibot in the
 * background; the origin always comes from the message's sender, never from the page, and every request
 * but `fill.query` passes the site module's activation check (extension/sites/activation.ts).
 */
import * as v from 'valibot';
import type { Activation } from '../sites/activation';

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(64));

export const FillRequestSchema = v.variant('type', [
  v.object({ type: v.literal('fill.query') }),
  v.object({ type: v.literal('fill.code'), accountId: Id }),
  v.object({ type: v.literal('fill.choose'), accountId: Id }),
  /** The vault is locked: open the extension's unlock window (the answer to `fill.query` says when it is unlocked). */
  v.object({ type: v.literal('fill.openUnlock') }),
  v.object({
    type: v.literal('fill.enrol'),
    /** An otpauth URI or a base32 secret read from the enrolment page. */
    secret: v.pipe(v.string(), v.minLength(16), v.maxLength(4096)),
    /** The page's own name for the account (e.g. the user name shown), if any. */
    label: v.optional(v.pipe(v.string(), v.maxLength(200))),
  }),
]);
export type FillRequest = v.InferOutput<typeof FillRequestSchema>;
export type FillRequestType = FillRequest['type'];

export type VaultState = 'uninitialised' | 'locked' | 'unlocked' | 'damaged';

export interface ClockInfo {
  /** Server minus local clock, in ms. */
  offsetMs: number;
  /** Codes are generated at the server's time (setting `clockCompensation`). */
  compensated: boolean;
  /** The offset is large enough to produce wrong codes without compensation. */
  warn: boolean;
}

export interface QueryReply {
  origin: string;
  activation: Activation;
  vault: VaultState;
  /** Accounts that may be filled here (only while unlocked). */
  accounts: Array<{ id: string; name: string }>;
  /** The account the user picked earlier for this site, if still bound here. */
  chosen?: string;
  autoSubmit: boolean;
  /** The interface language setting: 'auto' | 'en' | 'nl' | 'de'. */
  language: string;
  clock?: ClockInfo;
}

export interface FillResponses {
  'fill.query': QueryReply;
  'fill.code': { code: string; secondsRemaining: number };
  'fill.choose': null;
  'fill.openUnlock': null;
  'fill.enrol': { id: string; name: string };
}

export interface FillWireError {
  code: string;
  message: string;
}
export type FillWire<T> = { ok: true; value: T } | { ok: false; error: FillWireError };
