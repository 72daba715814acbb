// Requests (browser → host), final replies and progress events (host → browser).
import * as v from 'valibot';
import { HOST_ERROR_NAMES } from './constants.js';
import {
  AuthenticationResponseJSONSchema,
  PublicKeyCredentialCreationOptionsJSONSchema,
  PublicKeyCredentialRequestOptionsJSONSchema,
  RegistrationResponseJSONSchema,
} from './webauthn-json.js';

const id = v.pipe(v.string(), v.minLength(1, 'id must not be empty'), v.maxLength(200, 'id is too long'));
const origin = v.pipe(v.string(), v.minLength(1), v.maxLength(2048));

export const HelloRequestSchema = v.object({ id, type: v.literal('hello') });
export const DevicesRequestSchema = v.object({ id, type: v.literal('devices') });
/**
 * Which security keys the host reaches, and whether the browser could reach each itself: the input of
 * the bridge's `fallback` trigger "no HID access". Enumerates only; no key is opened for it.
 */
export const BrowserAccessRequestSchema = v.object({ id, type: v.literal('browser-access') });
export const CreateRequestSchema = v.object({
  id,
  type: v.literal('webauthn.create'),
  origin,
  /** The browser's crossOrigin (not same-origin with all its ancestors); derived from topOrigin if absent. */
  crossOrigin: v.optional(v.boolean()),
  topOrigin: v.optional(origin),
  options: PublicKeyCredentialCreationOptionsJSONSchema,
});
export const GetRequestSchema = v.object({
  id,
  type: v.literal('webauthn.get'),
  origin,
  /** The browser's crossOrigin (not same-origin with all its ancestors); derived from topOrigin if absent. */
  crossOrigin: v.optional(v.boolean()),
  topOrigin: v.optional(origin),
  options: PublicKeyCredentialRequestOptionsJSONSchema,
});
/** Answers a `pin-required` event; `id` is the pending request's id. No reply of its own. */
export const PinRequestSchema = v.object({
  id,
  type: v.literal('pin'),
  pin: v.pipe(v.string(), v.maxLength(256)),
});
/** Aborts the pending request `id`, which then ends with AbortError. No reply of its own. */
export const CancelRequestSchema = v.object({ id, type: v.literal('cancel') });

export const HostRequestSchema = v.variant('type', [
  HelloRequestSchema,
  DevicesRequestSchema,
  BrowserAccessRequestSchema,
  CreateRequestSchema,
  GetRequestSchema,
  PinRequestSchema,
  CancelRequestSchema,
]);
export type HostRequest = v.InferOutput<typeof HostRequestSchema>;
export type HostRequestType = HostRequest['type'];
export const HOST_REQUEST_TYPES: readonly HostRequestType[] = [
  'hello',
  'devices',
  'browser-access',
  'webauthn.create',
  'webauthn.get',
  'pin',
  'cancel',
];

export const HostErrorSchema = v.object({
  name: v.picklist(HOST_ERROR_NAMES),
  message: v.string(),
});
export type HostError = v.InferOutput<typeof HostErrorSchema>;

export const HelloResultSchema = v.object({
  protocol: v.literal(1),
  version: v.string(),
  transport: v.string(),
});
export type HelloResult = v.InferOutput<typeof HelloResultSchema>;

export const DeviceInfoSchema = v.object({
  id: v.string(),
  product: v.string(),
  transport: v.string(),
  versions: v.array(v.string()),
  aaguid: v.string(),
  options: v.record(v.string(), v.boolean()),
  pinProtocols: v.array(v.number()),
  maxMsgSize: v.number(),
});
export type DeviceInfo = v.InferOutput<typeof DeviceInfoSchema>;

/** One key the host reaches, and whether the browser has a path of its own to it. */
export const KeyReachSchema = v.object({
  transport: v.picklist(['usb', 'udp']),
  product: v.string(),
  browser: v.picklist(['reachable', 'unreachable']),
  /** Why, in words for logs and `doctor` (no identifiers of the key). */
  why: v.string(),
});
export type KeyReach = v.InferOutput<typeof KeyReachSchema>;
export const BrowserAccessResultSchema = v.object({ keys: v.array(KeyReachSchema) });
export type BrowserAccessResult = v.InferOutput<typeof BrowserAccessResultSchema>;

export const HostResultSchemas = {
  hello: HelloResultSchema,
  devices: v.array(DeviceInfoSchema),
  'browser-access': BrowserAccessResultSchema,
  'webauthn.create': RegistrationResponseJSONSchema,
  'webauthn.get': AuthenticationResponseJSONSchema,
} as const;

export const OkReplySchema = v.object({ id: v.string(), ok: v.literal(true), result: v.unknown() });
export const ErrorReplySchema = v.object({ id: v.string(), ok: v.literal(false), error: HostErrorSchema });
export const TouchEventSchema = v.object({ id: v.string(), event: v.literal('touch') });
export const PinRequiredEventSchema = v.object({
  id: v.string(),
  event: v.literal('pin-required'),
  retries: v.number(),
  reason: v.picklist(['verify', 'set']),
});
/** The PIN was wrong; the host waits for another `pin` message for the same request. */
export const PinInvalidEventSchema = v.object({
  id: v.string(),
  event: v.literal('pin-invalid'),
  retries: v.number(),
});
export const HostEventSchema = v.variant('event', [
  TouchEventSchema,
  PinRequiredEventSchema,
  PinInvalidEventSchema,
]);
export type HostEvent = v.InferOutput<typeof HostEventSchema>;
export type OkReply = v.InferOutput<typeof OkReplySchema>;
export type ErrorReply = v.InferOutput<typeof ErrorReplySchema>;
export type HostReply = OkReply | ErrorReply;
export type HostMessage = HostReply | HostEvent;

/** Any message the host sends. Events carry `event`, final replies carry `ok`. */
export const HostMessageSchema = v.union([OkReplySchema, ErrorReplySchema, HostEventSchema]);
