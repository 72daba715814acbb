/** Messages between the background and the extension-owned PIN / touch window (never the page). */
import * as v from 'valibot';

export const PinUiStateSchema = v.variant('kind', [
  v.object({ kind: v.literal('touch') }),
  /** The site asks for the key's attestation (its make and model): allow or decline. */
  v.object({ kind: v.literal('attestation') }),
  v.object({
    kind: v.literal('pin'),
    reason: v.picklist(['verify', 'set']),
    retries: v.number(),
    /** The previous PIN was wrong. */
    invalid: v.boolean(),
  }),
  v.object({ kind: v.literal('working') }),
  v.object({ kind: v.literal('error'), message: v.string() }),
  v.object({ kind: v.literal('done') }),
]);
export type PinUiState = v.InferOutput<typeof PinUiStateSchema>;

export const PinUiInfoSchema = v.object({
  origin: v.string(),
  rpId: v.string(),
  op: v.picklist(['create', 'get']),
  /** The interface language in force (settings or policy); absent: the browser's. */
  lang: v.optional(v.picklist(['en', 'nl', 'de'])),
});
export type PinUiInfo = v.InferOutput<typeof PinUiInfoSchema>;

export const ToPinUiSchema = v.object({
  t: v.literal('state'),
  info: PinUiInfoSchema,
  state: PinUiStateSchema,
});
export type ToPinUi = v.InferOutput<typeof ToPinUiSchema>;

export const FromPinUiSchema = v.variant('t', [
  v.object({ t: v.literal('pin'), pin: v.pipe(v.string(), v.minLength(4), v.maxLength(63)) }),
  v.object({ t: v.literal('cancel') }),
  /** The user's answer to the attestation question. */
  v.object({ t: v.literal('attestation'), allow: v.boolean() }),
]);
export type FromPinUi = v.InferOutput<typeof FromPinUiSchema>;

/** CTAP2 PIN rules: at least 4 Unicode code points, at most 63 bytes of UTF-8. */
export function pinProblem(pin: string): string | null {
  if ([...pin].length < 4) return 'The PIN needs at least 4 characters.';
  if (new TextEncoder().encode(pin).length > 63) return 'The PIN is too long (at most 63 bytes).';
  return null;
}
