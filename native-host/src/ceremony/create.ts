// navigator.credentials.create() on behalf of the extension: RP ID check, client data, PIN, makeCredential.
import { encodeCtap } from '@shared/cbor/index.js';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from '@shared/protocol/index.js';
import { fromBase64Url, toBase64Url, validateRpId } from '@shared/webauthn/client.js';
import type { AttestationResponse } from '../ctap2/commands.js';
import {
  type CeremonyContext,
  callOptions,
  clientData,
  descriptors,
  fitList,
  parseAuthData,
  sha256,
  spkiFromCose,
} from './context.js';
import { waitForKey } from './device.js';
import { CeremonyError, keyCannotMeet } from './errors.js';
import { obtainPinToken, PERMISSION, pinUvAuth, withPinRetry } from './pin.js';
import { u2fMakeCredential } from './u2f.js';

export interface CreateRequest {
  origin: string;
  crossOrigin?: boolean;
  topOrigin?: string;
  options: PublicKeyCredentialCreationOptionsJSON;
}

const DEFAULT_ALGS = [-7, -257];

export async function createCredential(
  req: CreateRequest,
  ctx: CeremonyContext,
): Promise<RegistrationResponseJSON> {
  const { options } = req;
  const rpId = validateRpId(req.origin, options.rp.id);
  const userId = fromBase64Url(options.user.id, 'user.id');
  if (userId.length < 1 || userId.length > 64)
    throw new CeremonyError('ProtocolError', 'user.id must be 1-64 bytes');
  const params = options.pubKeyCredParams.length
    ? options.pubKeyCredParams.filter((p) => p.type === 'public-key')
    : DEFAULT_ALGS.map((alg) => ({ type: 'public-key', alg }));
  if (!params.length) throw new CeremonyError('NotSupportedError', 'no pubKeyCredParams of type public-key');
  const clientDataJSON = clientData('webauthn.create', options.challenge, req.origin, req);
  const clientDataHash = sha256(clientDataJSON);

  const key = await waitForKey(ctx.transport, { ...callOptions(ctx), signal: ctx.signal });
  try {
    if (key.u2fOnly) {
      const att = await u2fMakeCredential(key, rpId, clientDataHash, options, ctx);
      return await registrationResponse(att, clientDataJSON, options, false);
    }
    const { ctap, info } = key;
    const call = callOptions(ctx);
    const sel = options.authenticatorSelection ?? {};
    const rkWanted = sel.residentKey ?? (sel.requireResidentKey ? 'required' : 'discouraged');
    if (rkWanted === 'required' && info.options.rk !== true) {
      throw keyCannotMeet('the security key cannot store discoverable credentials');
    }
    const rk = rkWanted === 'required' || (rkWanted === 'preferred' && info.options.rk === true);
    const uvReq = sel.userVerification ?? 'preferred';
    const pinState = info.options.clientPin;
    if (uvReq === 'required' && pinState === undefined && info.options.uv !== true) {
      throw keyCannotMeet('the security key cannot verify the user (no PIN support)');
    }
    const needPin =
      (uvReq === 'required' && pinState !== undefined) ||
      (pinState === true && (uvReq === 'preferred' || rk || info.options.makeCredUvNotRqd !== true));

    const exclude = await fitList(
      ctap,
      info,
      rpId,
      descriptors(options.excludeCredentials, info, 'excludeCredentials'),
      call,
    );
    const att = await withPinRetry(
      needPin,
      () => obtainPinToken(ctap, info, PERMISSION.MC, rpId, ctx, call),
      (pin) =>
        ctap.makeCredential(
          {
            clientDataHash,
            rp: { id: rpId, name: options.rp.name },
            user: { id: userId, name: options.user.name, displayName: options.user.displayName },
            pubKeyCredParams: params,
            excludeList: exclude,
            options: rk ? { rk: true } : {},
            ...pinUvAuth(pin, clientDataHash),
          },
          call,
        ),
    );
    return await registrationResponse(att, clientDataJSON, options, rk);
  } finally {
    await key.close();
  }
}

/** Packed self attestation with a zero AAGUID: nothing in it tells the key's make and model. */
function isAnonymousSelfAttestation(
  fmt: string,
  attStmt: Map<unknown, unknown>,
  authData: Uint8Array,
): boolean {
  return fmt === 'packed' && !attStmt.has('x5c') && authData.subarray(37, 53).every((b) => b === 0);
}

async function registrationResponse(
  att: AttestationResponse,
  clientDataJSON: Uint8Array,
  options: PublicKeyCredentialCreationOptionsJSON,
  rk: boolean,
): Promise<RegistrationResponseJSON> {
  let { fmt, attStmt, authData } = att;
  const parsed = parseAuthData(authData);
  if (!parsed.credentialId || !parsed.publicKey) {
    throw new CeremonyError('DeviceError', 'the security key returned no attested credential');
  }
  // attestation "none" (the default), "indirect" (which a client may anonymise; browsers treat it as
  // "none") and any unknown value (ignored, so the default): replace what identifies the key's make and
  // model, as WebAuthn L3 §5.1.3 step 23 says: unless this is already "none", or self attestation with a
  // zero AAGUID, the statement becomes "none" and the AAGUID 16 zero bytes (a packed self attestation
  // still names the model by its AAGUID). Only "direct" and "enterprise" keep it; the extension asks the
  // user before it sends either.
  const conveyance = options.attestation ?? 'none';
  const keep = conveyance === 'direct' || conveyance === 'enterprise';
  if (!keep && fmt !== 'none' && !isAnonymousSelfAttestation(fmt, attStmt, authData)) {
    fmt = 'none';
    attStmt = new Map();
    authData = authData.slice();
    authData.fill(0, 37, 53);
  }
  const attestationObject = encodeCtap(
    new Map<string, unknown>([
      ['fmt', fmt],
      ['attStmt', attStmt],
      ['authData', authData],
    ]),
  );
  const { alg, spki } = await spkiFromCose(parsed.publicKey);
  const extensions: Record<string, unknown> = {};
  if (options.extensions?.credProps === true) extensions.credProps = { rk };
  const id = toBase64Url(parsed.credentialId);
  return {
    id,
    rawId: id,
    type: 'public-key',
    authenticatorAttachment: 'cross-platform',
    clientExtensionResults: extensions,
    response: {
      clientDataJSON: toBase64Url(clientDataJSON),
      attestationObject: toBase64Url(attestationObject),
      authenticatorData: toBase64Url(authData),
      ...(spki ? { publicKey: toBase64Url(spki) } : {}),
      publicKeyAlgorithm: alg,
      transports: ['usb'],
    },
  };
}
