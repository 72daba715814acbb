// The AppID extension on a CTAP2 key: a credential registered over U2F under a legacy AppID is found by
// a silent probe and used with the AppID as RP ID (clientExtensionResults.appid = true); a credential of
// the RP ID itself still wins (appid = false). Verified by @simplewebauthn/server and the shared core.
import { randomBytes } from 'node:crypto';
import {
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { describe, expect, it } from 'vitest';
import {
  b64u,
  keyAndHostPerTest,
  ORIGIN,
  RP_ID,
  registerLegacyU2f,
  verifyAuthenticationBoth,
} from './harness.js';
import type { HostProcess } from './host-process.js';

const APPID = 'https://example.com/u2f/app-id.json';

const { startKey, startHostFor } = keyAndHostPerTest();

interface Cred {
  id: string;
  publicKey: Uint8Array<ArrayBuffer>;
}

async function signIn(h: HostProcess, id: string, cred: Cred, expectedRpId: string, extensions?: object) {
  const challenge = b64u(randomBytes(32));
  h.send({
    id,
    type: 'webauthn.get',
    origin: ORIGIN,
    options: {
      challenge,
      rpId: RP_ID,
      userVerification: 'discouraged',
      allowCredentials: [{ type: 'public-key', id: cred.id }],
      ...(extensions ? { extensions } : {}),
    },
  });
  const reply = await h.reply(id);
  if (reply.error) return reply;
  await verifyAuthenticationBoth(
    reply.result as AuthenticationResponseJSON,
    challenge,
    expectedRpId,
    {
      credential: { id: cred.id, publicKey: cred.publicKey, counter: 0 },
      stored: { id: cred.id, publicKey: cred.publicKey, signCount: 0 },
    },
    false,
  );
  return reply;
}

describe('appid extension on a CTAP2 key', () => {
  it('uses a U2F credential registered under the AppID, and the RP ID for its own credentials', async () => {
    const { key, hostPort } = await startKey();
    // The legacy registration, made over U2F with the AppID's hash before the site moved to WebAuthn.
    const u2f = await registerLegacyU2f(key.port, hostPort, APPID);
    const legacy: Cred = { id: b64u(u2f.keyHandle), publicKey: u2f.publicKey };

    const { host } = startHostFor(key, hostPort);
    const withAppId = await signIn(host, 'g1', legacy, APPID, { appid: APPID });
    expect((withAppId.result as AuthenticationResponseJSON).clientExtensionResults).toEqual({ appid: true });

    // Without the extension the key has nothing for the RP ID.
    const without = await signIn(host, 'g2', legacy, RP_ID);
    expect(without.error).toMatchObject({ name: 'NotAllowedError' });

    // A WebAuthn credential of the RP ID: appid is reported false.
    const challenge = b64u(randomBytes(32));
    host.send({
      id: 'c1',
      type: 'webauthn.create',
      origin: ORIGIN,
      options: {
        rp: { id: RP_ID, name: 'Example' },
        user: { id: b64u(randomBytes(8)), name: 'alice', displayName: 'Alice' },
        challenge,
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        authenticatorSelection: { userVerification: 'discouraged' },
      },
    });
    const created = await verifyRegistrationResponse({
      response: (await host.reply('c1')).result as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      requireUserVerification: false,
    });
    const modern: Cred = {
      id: created.registrationInfo!.credential.id,
      publicKey: created.registrationInfo!.credential.publicKey,
    };
    const own = await signIn(host, 'g3', modern, RP_ID, { appid: APPID });
    expect((own.result as AuthenticationResponseJSON).clientExtensionResults).toEqual({ appid: false });

    // An AppID on another site is refused before any key is asked.
    const other = await signIn(host, 'g4', modern, RP_ID, { appid: 'https://example.org/app-id.json' });
    expect(other.error).toMatchObject({ name: 'SecurityError' });
  });
});
