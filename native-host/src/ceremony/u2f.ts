// WebAuthn ceremonies on a U2F-only key, as browsers run them (CTAP 2.1 §10.3, WebAuthn L3 §6.1.2 AppID):
// check-only probes for exclude/allow lists, U2F_REGISTER → `fido-u2f` attestation, U2F_AUTHENTICATE →
// authenticator data, polling 0x6985 with a `touch` event.
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@shared/protocol/index.js';
import { NOT_ALLOWED_MESSAGE } from '@shared/protocol/index.js';
import { fromBase64Url, validateRpId } from '@shared/webauthn/client.js';
import { getDomain } from 'tldts';
import type { PollOptions } from '../ctap1/client.js';
import { attestationFromRegistration, authDataFromAuthentication } from '../ctap1/webauthn.js';
import type { Ctap2 } from '../ctap2/client.js';
import type { AttestationResponse, AuthenticatorInfo, CredentialDescriptor } from '../ctap2/commands.js';
import { CTAP2_STATUS, CtapError } from '../ctap2/status.js';
import type { CallOptions } from '../ctaphid/device.js';
import { type CeremonyContext, sha256 } from './context.js';
import { type OpenKey, u2fTouch } from './device.js';
import { CeremonyError, keyCannotMeet } from './errors.js';

const TLD = { allowPrivateDomains: true } as const;

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
    throw keyCannotMeet('a U2F security key cannot store discoverable credentials');
  }
  if (sel.userVerification === 'required') {
    throw keyCannotMeet('a U2F security key cannot verify the user (no PIN)');
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

/**
 * The AppID extension's URL, checked (WebAuthn L3 §10.1.1, FIDO AppID): an https URL on the caller's
 * site (same registrable domain); null without the extension. Throws SecurityError otherwise.
 */
export function validateAppId(origin: string, appid: unknown): string | null {
  if (appid === undefined) return null;
  if (typeof appid !== 'string')
    throw new CeremonyError('ProtocolError', 'extensions.appid must be a string');
  let url: URL;
  try {
    url = new URL(appid);
  } catch {
    throw new CeremonyError('SecurityError', 'extensions.appid is not a URL');
  }
  const host = validateRpId(origin);
  // As Chromium: the AppID's scheme is the caller's, https (http only on a localhost caller, which
  // validateRpId already limits http to), and an AppID on the caller's own host needs no site lookup
  // (`localhost` has no registrable domain).
  const scheme = new URL(origin).protocol;
  if (url.protocol !== scheme || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new CeremonyError('SecurityError', 'extensions.appid must be an https URL');
  if (url.hostname === host) return appid;
  // Private suffixes (github.io, …) count as public: alice.github.io may not claim bob.github.io's AppID.
  const site = getDomain(host, TLD);
  if (!site || getDomain(url.hostname, TLD) !== site) {
    throw new CeremonyError(
      'SecurityError',
      `extensions.appid ${url.hostname} is not on the site of ${host}`,
    );
  }
  return appid;
}

/**
 * On a CTAP2 key, which RP ID to ask for when the request carries an AppID: the RP ID when the key holds
 * an allowed credential for it, else the AppID when it holds one for that (a credential registered over
 * U2F under the AppID), else the RP ID. Probes silently (up=false), in chunks the key takes.
 */
export async function chooseRpIdForAppId(
  ctap: Ctap2,
  info: AuthenticatorInfo,
  rpId: string,
  appid: string,
  list: CredentialDescriptor[],
  call: CallOptions,
): Promise<string> {
  const max = Math.max(1, info.maxCredentialCountInList ?? 1);
  const holds = async (id: string): Promise<boolean> => {
    for (let i = 0; i < list.length; i += max) {
      try {
        const r = await ctap.getAssertion(
          {
            rpId: id,
            clientDataHash: new Uint8Array(32),
            allowList: list.slice(i, i + max),
            options: { up: false },
          },
          call,
        );
        if (r.credential) return true;
      } catch (err) {
        if (err instanceof CtapError && err.status === CTAP2_STATUS.NO_CREDENTIALS) continue;
        throw err;
      }
    }
    return false;
  };
  if (await holds(rpId)) return rpId;
  return (await holds(appid)) ? appid : rpId;
}

/**
 * navigator.credentials.get() on a U2F key: check-only over the allow list (with the RP ID's hash, then
 * the AppID's) to find a handle this key made, then U2F_AUTHENTICATE with a touch.
 */
export async function u2fGetAssertion(
  key: OpenKey,
  appid: string | null,
  rpId: string,
  clientDataHash: Uint8Array,
  options: PublicKeyCredentialRequestOptionsJSON,
  ctx: CeremonyContext,
): Promise<U2fAssertion> {
  const appidHash = appid === null ? null : sha256(new TextEncoder().encode(appid));
  if (!options.allowCredentials?.length) {
    throw new CeremonyError(
      'NotAllowedError',
      'a U2F security key holds no discoverable credentials: the site must list the allowed credentials',
    );
  }
  if (options.userVerification === 'required') {
    throw keyCannotMeet('a U2F security key cannot verify the user (no PIN)');
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
  return touchThenFail(key, ctx, new CeremonyError('NotAllowedError', NOT_ALLOWED_MESSAGE));
}
