// The AppID extension on a CTAP2 key: a credential registered over U2F under a legacy AppID is found by
// a silent probe and used with the AppID as RP ID (clientExtensionResults.appid = true); a credential of
// the RP ID itself still wins (appid = false). Verified by @simplewebauthn/server and the shared core.
import { createHash, randomBytes } from 'node:crypto';
import { encodeCtap } from '@shared/cbor/index.js';
import { AuthenticationResponseJSONSchema } from '@shared/protocol/index.js';
import { verifyAuthentication } from '@shared/webauthn/index.js';
import {
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import * as v from 'valibot';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Ctap1 } from '../../native-host/src/ctap1/client.js';
import { CtapHidDevice } from '../../native-host/src/ctaphid/device.js';
import { UdpTransport } from '../../native-host/src/transport/udp.js';
import { startVirtualKey, type VirtualKey } from '../../native-host/src/virtual-key/index.js';
import { ensureHostBuilt, type HostProcess, startHost } from './host-process.js';
import { freeUdpPort } from './ports.js';

const ORIGIN = 'https://login.example.com';
const RP_ID = 'example.com';
const APPID = 'https://example.com/u2f/app-id.json';
const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const sha256 = (s: string) => new Uint8Array(createHash('sha256').update(s).digest());

let key: VirtualKey | undefined;
let host: HostProcess | undefined;
beforeAll(() => ensureHostBuilt());
afterEach(async () => {
  await host?.close();
  await key?.close();
  host = undefined;
  key = undefined;
});

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
  const response = reply.result as AuthenticationResponseJSON;
  const verified = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: expectedRpId,
    credential: { id: cred.id, publicKey: cred.publicKey, counter: 0 },
    requireUserVerification: false,
  });
  expect(verified.verified).toBe(true);
  const core = await verifyAuthentication({
    response: v.parse(AuthenticationResponseJSONSchema, response),
    expectedChallenge: challenge,
    expectedOrigin: ORIGIN,
    expectedRpId,
    credential: { id: cred.id, publicKey: cred.publicKey, signCount: 0 },
    requireUserVerification: false,
  });
  expect(core.signCount).toBe(verified.authenticationInfo.newCounter);
  return reply;
}

describe('appid extension on a CTAP2 key', () => {
  it('uses a U2F credential registered under the AppID, and the RP ID for its own credentials', async () => {
    const hostPort = await freeUdpPort();
    key = await startVirtualKey({ port: 0, hostPort });
    // The legacy registration, made over U2F with the AppID's hash before the site moved to WebAuthn.
    const transport = new UdpTransport({ host: '127.0.0.1', port: key.port, listenPort: hostPort });
    const [descriptor] = await transport.list();
    const device = await CtapHidDevice.open(await transport.open(descriptor!));
    const u2f = await new Ctap1(device)
      .register(sha256('legacy'), sha256(APPID))
      .finally(() => device.close());
    const legacy: Cred = {
      id: b64u(u2f.keyHandle),
      publicKey: new Uint8Array(
        encodeCtap(
          new Map<number, number | Uint8Array>([
            [1, 2],
            [3, -7],
            [-1, 1],
            [-2, u2f.publicKey.slice(1, 33)],
            [-3, u2f.publicKey.slice(33)],
          ]),
        ),
      ),
    };

    host = startHost({ MFA_BRIDGE_TRANSPORT: `udp:127.0.0.1:${key.port}:${hostPort}` });
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
