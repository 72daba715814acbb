/**
 * Server-side TOTP for the demo site, on otplib: secrets, the otpauth URI, and the check at sign-in
 * (one step either side, each code accepted once).
 */
import { createGuardrails, generateSecret, generateURI, verify } from 'otplib';

const PERIOD = 30;
/** Okta Google Authenticator secrets are 10 bytes; otplib's default minimum is 16. */
const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });

export function newTotpSecret(bytes: number): string {
  return generateSecret({ length: bytes });
}

export function totpUri(issuer: string, account: string, secret: string): string {
  return generateURI({ issuer, label: account, secret });
}

export type TotpCheck =
  | { ok: true; timeStep: number; delta: number }
  | { ok: false; reason: 'code-required' | 'code-malformed' | 'code-mismatch' | 'code-reused' };

/**
 * Checks `code` against `secret` at `nowMs`, accepting the previous, current and next 30 s step.
 * A code whose step is at or before `lastTimeStep` is refused as reused (RFC 6238 §5.2).
 */
export async function checkTotp(
  secret: string,
  code: string,
  nowMs: number,
  lastTimeStep: number | undefined,
): Promise<TotpCheck> {
  const token = code.replace(/\s+/g, '');
  if (token === '') return { ok: false, reason: 'code-required' };
  if (!/^\d{6}$/.test(token)) return { ok: false, reason: 'code-malformed' };
  const epoch = Math.floor(nowMs / 1000);
  const result = await verify({ secret, token, epoch, epochTolerance: PERIOD, guardrails });
  if (!result.valid) return { ok: false, reason: 'code-mismatch' };
  if (!('timeStep' in result)) return { ok: false, reason: 'code-mismatch' };
  if (lastTimeStep !== undefined && result.timeStep <= lastTimeStep)
    return { ok: false, reason: 'code-reused' };
  return { ok: true, timeStep: result.timeStep, delta: result.delta };
}
