// WebAuthn ceremonies on a U2F-only key, as browsers run them (CTAP 2.1 §10.3, WebAuthn L3 §6.1.2 AppID):
// check-only probes for exclude/allow lists, U2F_REGISTER → `fido-u2f` attestation, U2F_AUTHENTICATE →
// authenticator data, polling 0x6985 with a `touch` event.
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@shared/protocol/index.js';
import { fromBase64Url, validateRpId } from '@shared/webauthn/index.js';
import { getDomain } from 'tldts';
import type { PollOptions } from '../ctap1/client.js';
import { attestationFromRegistration, authDataFromAuthentication } from '../ctap1/webauthn.js';
import type { AttestationResponse } from '../ctap2/commands.js';
import { type CeremonyContext, sha256 } from './context.js';
import { type OpenKey, u2fTouch } from './device.js';
import { CeremonyError } from './errors.js';

function poll(ctx: CeremonyContext): PollOptions {
  return { signal: ctx.signal, onTouch: () => ctx.onTouch() };
}

/** Credential IDs a U2F key could have made (1-255 bytes), decoded; other types and lengths dropped. */
function keyHandles(list: Array<{ type: string; id: string }> | undefined, what: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const d of list ?? []) {
    if (d.type !== 'public-key') continue;
    const id = fromBase64Url(d.id, `${what} credential id`);
    if (id.length >= 1 && id.length <= 255) out.push(id);
  }
  return out;
}

/** Waits for the user's touch, then fails: so that a page cannot probe the key without the user. */
async function touchThenFail(key: OpenKey, ctx: CeremonyContext, err: CeremonyError): Promise<never> {
  await u2fTouch(key, { signal: ctx.signal, onKeepalive: () => ctx.onTouch() });
  throw err;
}

/** navigator.credentials.create() on a U2F key: ES256 only, no discoverable credentials, no UV. */
export async function u2fMakeCredential(
  key: OpenKey,
  rpId: string,
  clientDataHash: Uint8Array,
  options: PublicKeyCredentialCreationOptionsJSON,
  ctx: CeremonyContext,
): Promise<AttestationResponse> {
  const params = options.pubKeyCredParams.filter((p) => p.type === 'public-key');
  if (params.length && !params.some((p) => p.alg === -7)) {
    throw new CeremonyError('NotSupportedError', 'a U2F security key only makes ES256 (-7) credentials');
  }
  const sel = options.authenticatorSelection ?? {};
  const rkWanted = sel.residentKey ?? (sel.requireResidentKey ? 'required' : 'discouraged');
  if (rkWanted === 'required') {
    throw new CeremonyError('NotAllowedError', 'a U2F security key cannot store discoverable credentials');
  }
  if (sel.userVerification === 'required') {
    throw new CeremonyError('NotAllowedError', 'a U2F security key cannot verify the user (no PIN)');
  }
  const appParam = sha256(new TextEncoder().encode(rpId));
  const call = { signal: ctx.signal };
  for (const kh of keyHandles(options.excludeCredentials, 'excludeCredentials')) {
    if (await key.ctap1.checkKeyHandle(appParam, kh, call)) {
      await touchThenFail(
        key,
        ctx,
        new CeremonyError(
          'InvalidStateError',
          'this security key already holds a credential for this account',
        ),
      );
    }
  }
  const reg = await key.ctap1.register(clientDataHash, appParam, poll(ctx));
  return attestationFromRegistration(appParam, reg);
}

export interface U2fAssertion {
  credentialId: Uint8Array;
  authData: Uint8Array;
  signature: Uint8Array;
  /** Set when the request carried the appid extension: whether the AppID's hash was used. */
  appid?: boolean;
}

/** The AppID extension's hash (FIDO AppID: an https URL whose host the caller's origin may claim). */
function appIdParam(origin: string, appid: unknown): Uint8Array | null {
  if (appid === undefined) return null;
  if (typeof appid !== 'string')
    throw new CeremonyError('ProtocolError', 'extensions.appid must be a string');
  let url: URL;
  try {
    url = new URL(appid);
  } catch {
    throw new CeremonyError('SecurityError', 'extensions.appid is not a URL');
  }
  if (url.protocol !== 'https:')
    throw new CeremonyError('SecurityError', 'extensions.appid must be an https URL');
  // FIDO AppID rule as browsers apply it: the caller's origin must be valid, and the AppID's host must
  // share its registrable domain (eTLD+1).
  const host = validateRpId(origin);
  const site = getDomain(host);
  if (!site || getDomain(url.hostname) !== site) {
    throw new CeremonyError(
      'SecurityError',
      `extensions.appid ${url.hostname} is not on the site of ${host}`,
    );
  }
  return sha256(new TextEncoder().encode(appid));
}

/**
 * navigator.credentials.get() on a U2F key: check-only over the allow list (with the RP ID's hash, then
 * the AppID's) to find a handle this key made, then U2F_AUTHENTICATE with a touch.
 */
export async function u2fGetAssertion(
  key: OpenKey,
  origin: string,
  rpId: string,
  clientDataHash: Uint8Array,
  options: PublicKeyCredentialRequestOptionsJSON,
  ctx: CeremonyContext,
): Promise<U2fAssertion> {
  const appidHash = appIdParam(origin, options.extensions?.appid);
  if (!options.allowCredentials?.length) {
    throw new CeremonyError(
      'NotAllowedError',
      'a U2F security key holds no discoverable credentials: the site must list the allowed credentials',
    );
  }
  if (options.userVerification === 'required') {
    throw new CeremonyError('NotAllowedError', 'a U2F security key cannot verify the user (no PIN)');
  }
  const rpIdHash = sha256(new TextEncoder().encode(rpId));
  const call = { signal: ctx.signal };
  const handles = keyHandles(options.allowCredentials, 'allowCredentials');
  for (const appParam of appidHash ? [rpIdHash, appidHash] : [rpIdHash]) {
    for (const kh of handles) {
      if (!(await key.ctap1.checkKeyHandle(appParam, kh, call))) continue;
      const auth = await key.ctap1.authenticate(clientDataHash, appParam, kh, poll(ctx));
      return {
        credentialId: kh,
        authData: authDataFromAuthentication(appParam, auth),
        signature: auth.signature,
        ...(appidHash ? { appid: appParam === appidHash } : {}),
      };
    }
  }
  return touchThenFail(
    key,
    ctx,
    new CeremonyError('NotAllowedError', `this security key holds no allowed credential for ${rpId}`),
  );
}
