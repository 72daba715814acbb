// navigator.credentials.get() on behalf of the extension: RP ID check, client data, PIN, getAssertion.
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@shared/protocol/index.js';
import { NOT_ALLOWED_MESSAGE } from '@shared/protocol/index.js';
import { toBase64Url, validateRpId } from '@shared/webauthn/client.js';
import { CTAP2_STATUS, CtapError } from '../ctap2/status.js';
import type { CallOptions } from '../ctaphid/device.js';
import { KEEPALIVE_STATUS } from '../ctaphid/frames.js';
import { type CeremonyContext, callOptions, clientData, descriptors, fitList, sha256 } from './context.js';
import { type OpenKey, waitForKey, waitForTouch } from './device.js';
import { CeremonyError, keyCannotMeet } from './errors.js';
import { obtainPinToken, PERMISSION, pinUvAuth, withPinRetry } from './pin.js';
import { chooseRpIdForAppId, u2fGetAssertion, validateAppId } from './u2f.js';

export interface GetRequest {
  origin: string;
  crossOrigin?: boolean;
  topOrigin?: string;
  options: PublicKeyCredentialRequestOptionsJSON;
}

/**
 * The key holds none of the allowed credentials: the page learns it only after the user touched the key
 * (as browsers do, "touch to dismiss"), and in the words of any other refusal, so a site cannot probe
 * silently which of its credential IDs are on the plugged-in key.
 */
async function dismissAfterTouch(key: OpenKey, call: CallOptions): Promise<never> {
  await waitForTouch(key, call);
  throw new CeremonyError('NotAllowedError', NOT_ALLOWED_MESSAGE);
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

export async function getAssertion(
  req: GetRequest,
  ctx: CeremonyContext,
): Promise<AuthenticationResponseJSON> {
  const { options } = req;
  const rpId = validateRpId(req.origin, options.rpId);
  const appid = validateAppId(req.origin, options.extensions?.appid);
  const clientDataJSON = clientData('webauthn.get', options.challenge, req.origin, req);
  const clientDataHash = sha256(clientDataJSON);

  const key = await waitForKey(ctx.transport, { ...callOptions(ctx), signal: ctx.signal });
  try {
    if (key.u2fOnly) {
      const a = await u2fGetAssertion(key, appid, rpId, clientDataHash, options, ctx);
      const id = toBase64Url(a.credentialId);
      return {
        id,
        rawId: id,
        type: 'public-key',
        authenticatorAttachment: 'cross-platform',
        clientExtensionResults: a.appid !== undefined ? { appid: a.appid } : {},
        response: {
          clientDataJSON: toBase64Url(clientDataJSON),
          authenticatorData: toBase64Url(a.authData),
          signature: toBase64Url(a.signature),
        },
      };
    }
    const { ctap, info } = key;
    const call = callOptions(ctx);
    const uvReq = options.userVerification ?? 'preferred';
    const pinState = info.options.clientPin;
    if (uvReq === 'required' && pinState === undefined && info.options.uv !== true) {
      throw keyCannotMeet('the security key cannot verify the user (no PIN support)');
    }
    const needPin =
      (uvReq === 'required' && pinState !== undefined) || (uvReq === 'preferred' && pinState === true);

    const requested = descriptors(options.allowCredentials, info, 'allowCredentials');
    // Every ID too long to be one of this key's: no credential here (told only after a touch).
    if (options.allowCredentials?.length && !requested.length) return await dismissAfterTouch(key, call);
    // With the AppID extension, the key may hold the credential under the AppID (registered over U2F).
    const askRpId =
      appid && requested.length ? await chooseRpIdForAppId(ctap, info, rpId, appid, requested, call) : rpId;
    const allowList = await fitList(ctap, info, askRpId, requested, call);
    if (requested.length && !allowList.length) return await dismissAfterTouch(key, call);

    // CTAP 2.1 keys answer NO_CREDENTIALS before asking for presence; 2.0 keys after a touch. Without a
    // touch seen (no UP_NEEDED keepalive), the user touches to dismiss before the page hears of it.
    let touched = false;
    const watched: CallOptions = {
      ...call,
      onKeepalive: (status) => {
        if (status === KEEPALIVE_STATUS.UP_NEEDED) touched = true;
        call.onKeepalive?.(status);
      },
    };
    let first: Awaited<ReturnType<typeof ctap.getAssertion>>;
    try {
      first = await withPinRetry(
        needPin,
        () => obtainPinToken(ctap, info, PERMISSION.GA, askRpId, ctx, call),
        (pin) =>
          ctap.getAssertion(
            { rpId: askRpId, clientDataHash, allowList, ...pinUvAuth(pin, clientDataHash) },
            watched,
          ),
      );
    } catch (err) {
      if (err instanceof CtapError && err.status === CTAP2_STATUS.NO_CREDENTIALS) {
        if (!touched) return await dismissAfterTouch(key, call);
        throw new CeremonyError('NotAllowedError', NOT_ALLOWED_MESSAGE);
      }
      throw err;
    }
    const assertions = [first];
    for (let i = 1; i < (first.numberOfCredentials ?? 1); i++)
      assertions.push(await ctap.getNextAssertion(call));
    // The credential the RP asked for: the first one in its allow list; without a list, the key's first.
    const chosen = requested.length
      ? assertions.find((a) => a.credential && requested.some((r) => sameBytes(r.id, a.credential!.id)))
      : assertions[0];
    if (!chosen?.credential) {
      throw new CeremonyError('DeviceError', 'the security key did not say which credential it used');
    }
    const id = toBase64Url(chosen.credential.id);
    return {
      id,
      rawId: id,
      type: 'public-key',
      authenticatorAttachment: 'cross-platform',
      clientExtensionResults: appid ? { appid: askRpId === appid } : {},
      response: {
        clientDataJSON: toBase64Url(clientDataJSON),
        authenticatorData: toBase64Url(chosen.authData),
        signature: toBase64Url(chosen.signature),
        ...(chosen.user ? { userHandle: toBase64Url(chosen.user.id) } : {}),
      },
    };
  } finally {
    await key.close();
  }
}
