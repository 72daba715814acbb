/**
 * Messages inside the extension for the WebAuthn bridge, validated with valibot at every edge:
 * - page (MAIN world) ↔ relay (isolated world), over a private MessageChannel per request;
 * - relay ↔ background, over one runtime port per frame (`BRIDGE_PORT_NAME`), kept open while the
 *   background lives; requests on it are told apart by a relay-chosen request id (`rid`).
 * Nothing from the page is trusted but the options: the background takes the caller's origin from the
 * browser (`sender`), never from a message.
 */
import * as v from 'valibot';

export const BRIDGE_PORT_NAME = 'mfa-bridge.webauthn';
export const PIN_PORT_NAME = 'mfa-bridge.pin';
export const MODE_MESSAGE_TYPE = 'mfa-bridge.mode';
/** Marker of the one window message the page script posts to open a request channel. */
export const PAGE_OPEN_SOURCE = 'mfa-bridge/page';

export const BridgeModeSchema = v.picklist(['off', 'fallback', 'always']);
/** For `fallback`: whether the browser can reach any key the host sees (see browser-access.ts). */
export const BrowserHidAccessSchema = v.picklist(['none', 'some', 'unknown']);
export const OperationSchema = v.picklist(['create', 'get']);
export type Operation = v.InferOutput<typeof OperationSchema>;

const Base64url = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]*$/, 'not base64url'));

/** The page's `window.postMessage` that carries a fresh MessagePort. */
export const PageOpenSchema = v.object({ source: v.literal(PAGE_OPEN_SOURCE), version: v.literal(1) });

/** JSON-safe options: any JSON object (the background checks them against the protocol schema). */
const JsonObject = v.record(v.string(), v.unknown());

export const PageToRelaySchema = v.variant('t', [
  v.object({ t: v.literal('query') }),
  v.object({
    t: v.literal('request'),
    op: OperationSchema,
    options: JsonObject,
    /** Milliseconds the page allowed (already clamped by the page script). */
    timeout: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3_600_000)),
  }),
  v.object({ t: v.literal('cancel') }),
  v.object({ t: v.literal('close') }),
]);
export type PageToRelay = v.InferOutput<typeof PageToRelaySchema>;

export const ErrorNameSchema = v.picklist([
  'NotAllowedError',
  'InvalidStateError',
  'SecurityError',
  'AbortError',
  'NotSupportedError',
  'ConstraintError',
  'UnknownError',
  'TypeError',
]);
export type BridgeErrorName = v.InferOutput<typeof ErrorNameSchema>;

const AuthenticatorAttachment = v.picklist(['cross-platform', 'platform']);

export const RegistrationResponseJSONSchema = v.object({
  id: Base64url,
  rawId: Base64url,
  type: v.literal('public-key'),
  authenticatorAttachment: v.optional(AuthenticatorAttachment),
  clientExtensionResults: JsonObject,
  response: v.object({
    clientDataJSON: Base64url,
    attestationObject: Base64url,
    authenticatorData: Base64url,
    publicKey: v.optional(Base64url),
    publicKeyAlgorithm: v.pipe(v.number(), v.integer()),
    transports: v.array(v.string()),
  }),
});
export type RegistrationResponseJSON = v.InferOutput<typeof RegistrationResponseJSONSchema>;

export const AuthenticationResponseJSONSchema = v.object({
  id: Base64url,
  rawId: Base64url,
  type: v.literal('public-key'),
  authenticatorAttachment: v.optional(AuthenticatorAttachment),
  clientExtensionResults: JsonObject,
  response: v.object({
    clientDataJSON: Base64url,
    authenticatorData: Base64url,
    signature: Base64url,
    userHandle: v.optional(v.nullable(Base64url)),
  }),
});
export type AuthenticationResponseJSON = v.InferOutput<typeof AuthenticationResponseJSONSchema>;

/** What the background (and the relay) send back for one request. */
export const BridgeReplySchema = v.variant('t', [
  v.object({ t: v.literal('ack') }),
  v.object({
    t: v.literal('mode'),
    mode: BridgeModeSchema,
    /** `none`: in fallback mode, go to the bridge without trying the browser (it has no HID access). */
    browserHid: v.optional(BrowserHidAccessSchema),
  }),
  /** Give the request back to the browser's own WebAuthn (with a note for the console). */
  v.object({ t: v.literal('handback'), reason: v.string() }),
  v.object({ t: v.literal('created'), credential: RegistrationResponseJSONSchema }),
  v.object({ t: v.literal('got'), credential: AuthenticationResponseJSONSchema }),
  v.object({ t: v.literal('error'), name: ErrorNameSchema, message: v.string() }),
]);
export type BridgeReply = v.InferOutput<typeof BridgeReplySchema>;

/** Facts about the calling document that only the isolated world can read without trusting the page. */
export const FrameFactsSchema = v.object({
  isSecureContext: v.boolean(),
  /** `document.featurePolicy.allowsFeature(...)`, or null where the browser cannot say (fail closed). */
  permissions: v.nullable(v.object({ create: v.boolean(), get: v.boolean() })),
  /** Transient user activation, or null where the browser cannot say. */
  userActivation: v.nullable(v.boolean()),
  /** `document.hasFocus()`: this frame's document has the focus (the background checks the tab too). */
  hasFocus: v.boolean(),
  /** `document.visibilityState === 'visible'`. */
  visible: v.boolean(),
});
export type FrameFacts = v.InferOutput<typeof FrameFactsSchema>;

/** A request's id on the relay's port, chosen by the relay (unique per port, nothing more). */
export const RequestIdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{1,64}$/, 'not a request id'));

export const RelayToBackgroundSchema = v.variant('t', [
  v.object({
    t: v.literal('request'),
    rid: RequestIdSchema,
    op: OperationSchema,
    options: JsonObject,
    timeout: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3_600_000)),
    frame: FrameFactsSchema,
  }),
  v.object({ t: v.literal('cancel'), rid: RequestIdSchema }),
]);
export type RelayToBackground = v.InferOutput<typeof RelayToBackgroundSchema>;

/** The background's answer on the relay's port: one reply for request `rid`. */
export const BackgroundToRelaySchema = v.object({ rid: RequestIdSchema, reply: BridgeReplySchema });
export type BackgroundToRelay = v.InferOutput<typeof BackgroundToRelaySchema>;

/** The relay's question: the site's mode; with `forRequest`, a fallback site's browser access too. */
export const ModeQuerySchema = v.object({
  type: v.literal(MODE_MESSAGE_TYPE),
  forRequest: v.optional(v.literal(true)),
});
export const ModeAnswerSchema = v.object({
  mode: BridgeModeSchema,
  browserHid: v.optional(BrowserHidAccessSchema),
});
export type ModeAnswer = v.InferOutput<typeof ModeAnswerSchema>;
