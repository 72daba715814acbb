// CTAP2 status codes (CTAP 2.1 §8.2) and the WebAuthn DOMException names they surface as.
import type { HostErrorName } from '@shared/protocol/index.js';

export const CTAP2_STATUS = {
  OK: 0x00,
  INVALID_COMMAND: 0x01,
  INVALID_PARAMETER: 0x02,
  INVALID_LENGTH: 0x03,
  INVALID_SEQ: 0x04,
  TIMEOUT: 0x05,
  CHANNEL_BUSY: 0x06,
  LOCK_REQUIRED: 0x0a,
  INVALID_CHANNEL: 0x0b,
  CBOR_UNEXPECTED_TYPE: 0x11,
  INVALID_CBOR: 0x12,
  MISSING_PARAMETER: 0x14,
  LIMIT_EXCEEDED: 0x15,
  FP_DATABASE_FULL: 0x17,
  LARGE_BLOB_STORAGE_FULL: 0x18,
  CREDENTIAL_EXCLUDED: 0x19,
  PROCESSING: 0x21,
  INVALID_CREDENTIAL: 0x22,
  USER_ACTION_PENDING: 0x23,
  OPERATION_PENDING: 0x24,
  NO_OPERATIONS: 0x25,
  UNSUPPORTED_ALGORITHM: 0x26,
  OPERATION_DENIED: 0x27,
  KEY_STORE_FULL: 0x28,
  UNSUPPORTED_OPTION: 0x2b,
  INVALID_OPTION: 0x2c,
  KEEPALIVE_CANCEL: 0x2d,
  NO_CREDENTIALS: 0x2e,
  USER_ACTION_TIMEOUT: 0x2f,
  NOT_ALLOWED: 0x30,
  PIN_INVALID: 0x31,
  PIN_BLOCKED: 0x32,
  PIN_AUTH_INVALID: 0x33,
  PIN_AUTH_BLOCKED: 0x34,
  PIN_NOT_SET: 0x35,
  PUAT_REQUIRED: 0x36,
  PIN_POLICY_VIOLATION: 0x37,
  REQUEST_TOO_LARGE: 0x39,
  ACTION_TIMEOUT: 0x3a,
  UP_REQUIRED: 0x3b,
  UV_BLOCKED: 0x3c,
  INTEGRITY_FAILURE: 0x3d,
  INVALID_SUBCOMMAND: 0x3e,
  UV_INVALID: 0x3f,
  UNAUTHORIZED_PERMISSION: 0x40,
  OTHER: 0x7f,
} as const;

export type Ctap2StatusName = keyof typeof CTAP2_STATUS;

export function statusName(code: number): string {
  for (const [name, value] of Object.entries(CTAP2_STATUS)) if (value === code) return name;
  return `0x${code.toString(16).padStart(2, '0')}`;
}

/**
 * The DOMException name a CTAP2 status becomes in navigator.credentials (WebAuthn L3 §6.3.2/§6.3.3 and
 * what browsers do): excluded credential → InvalidStateError, unsupported algorithm → NotSupportedError,
 * unsupported option → ConstraintError, cancel → AbortError, everything the user or key refused → NotAllowedError.
 */
export function domExceptionNameForStatus(code: number): HostErrorName {
  switch (code) {
    case CTAP2_STATUS.CREDENTIAL_EXCLUDED:
      return 'InvalidStateError';
    case CTAP2_STATUS.UNSUPPORTED_ALGORITHM:
      return 'NotSupportedError';
    case CTAP2_STATUS.UNSUPPORTED_OPTION:
    case CTAP2_STATUS.INVALID_OPTION:
    case CTAP2_STATUS.KEY_STORE_FULL:
      return 'ConstraintError';
    case CTAP2_STATUS.KEEPALIVE_CANCEL:
      return 'AbortError';
    case CTAP2_STATUS.NO_CREDENTIALS:
    case CTAP2_STATUS.OPERATION_DENIED:
    case CTAP2_STATUS.NOT_ALLOWED:
    case CTAP2_STATUS.USER_ACTION_TIMEOUT:
    case CTAP2_STATUS.ACTION_TIMEOUT:
    case CTAP2_STATUS.PIN_INVALID:
    case CTAP2_STATUS.PIN_BLOCKED:
    case CTAP2_STATUS.PIN_AUTH_INVALID:
    case CTAP2_STATUS.PIN_AUTH_BLOCKED:
    case CTAP2_STATUS.PIN_NOT_SET:
    case CTAP2_STATUS.PUAT_REQUIRED:
    case CTAP2_STATUS.PIN_POLICY_VIOLATION:
    case CTAP2_STATUS.UV_BLOCKED:
    case CTAP2_STATUS.UV_INVALID:
    case CTAP2_STATUS.UNAUTHORIZED_PERMISSION:
    case CTAP2_STATUS.INVALID_CREDENTIAL:
      return 'NotAllowedError';
    default:
      return 'UnknownError';
  }
}

/** A non-zero CTAP2 status from the key. */
export class CtapError extends Error {
  override readonly name = 'CtapError';
  readonly code: string;
  constructor(
    readonly status: number,
    message?: string,
  ) {
    super(message ?? `the key answered ${statusName(status)} (0x${status.toString(16).padStart(2, '0')})`);
    this.code = statusName(status);
  }
}
