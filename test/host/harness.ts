// Test harness for the host tests: one virtual key and the built native host wired to it over UDP, torn
// down after each test (or the key opened directly as a CTAPHID device); the relying party's constants;
// and a legacy U2F registration made over CTAP1.
import { createHash } from 'node:crypto';
import { encodeCtap } from '@shared/cbor/index.js';
import { AuthenticationResponseJSONSchema, RegistrationResponseJSONSchema } from '@shared/protocol/index.js';
import { type StoredCredential, verifyAuthentication, verifyRegistration } from '@shared/webauthn/index.js';
import {
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import * as v from 'valibot';
import { afterEach, beforeAll, expect } from 'vitest';
import { Ctap1 } from '../../native-host/src/ctap1/client.js';
import { CtapHidDevice } from '../../native-host/src/ctaphid/device.js';
import { UdpTransport } from '../../native-host/src/transport/udp.js';
import {
  startVirtualKey,
  type VirtualKey,
  type VirtualKeyOptions,
} from '../../native-host/src/virtual-key/index.js';
import { ensureHostBuilt, type HostProcess, type Message, startHost } from './host-process.js';
import { freeUdpPort } from './ports.js';

export const ORIGIN = 'https://login.example.com';
export const RP_ID = 'example.com';
export const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
export const sha256 = (s: string) => new Uint8Array(createHash('sha256').update(s).digest());
export const errorOf = (m: Message) => m.error as { name: string; message: string };

/** The `MFA_BRIDGE_TRANSPORT` value that points the host at a virtual key. */
export const udpTransport = (keyPort: number, hostPort: number) => `udp:127.0.0.1:${keyPort}:${hostPort}`;

/** The key and host of the running test; whatever is set here is closed after each test. */
export interface Rig {
  key?: VirtualKey;
  host?: HostProcess;
}

/**
 * Registers the hooks (build the host once; close the key and host after each test) and returns the
 * rig plus the start-up functions. `keyDefaults` apply to every key this suite starts.
 */
export function keyAndHostPerTest(keyDefaults: VirtualKeyOptions = {}) {
  const rig: Rig = {};
  beforeAll(() => ensureHostBuilt());
  afterEach(async () => {
    await rig.host?.close();
    await rig.key?.close();
    rig.host = undefined;
    rig.key = undefined;
  });

  /** Starts a virtual key (no host yet); the host's UDP port is reserved for it. */
  async function startKey(keyOptions: VirtualKeyOptions = {}) {
    const hostPort = await freeUdpPort();
    const key = await startVirtualKey({ port: 0, hostPort, ...keyDefaults, ...keyOptions });
    rig.key = key;
    return { key, hostPort };
  }

  /** Starts the host on the rig's key. */
  function startHostFor(key: VirtualKey, hostPort: number, env: Record<string, string> = {}) {
    const transport = udpTransport(key.port, hostPort);
    const host = startHost({ MFA_BRIDGE_TRANSPORT: transport, ...env });
    rig.host = host;
    return { host, transport };
  }

  /** A key and a host talking to it. */
  async function setup(keyOptions: VirtualKeyOptions = {}, env: Record<string, string> = {}) {
    const { key, hostPort } = await startKey(keyOptions);
    const { host, transport } = startHostFor(key, hostPort, env);
    return { key, host, transport, hostPort };
  }

  return { rig, startKey, startHostFor, setup };
}

/**
 * A legacy U2F registration under `appId`, made directly over CTAP1 (as before the site moved to
 * WebAuthn) on the key at `keyPort`, listening on `hostPort` (no host may hold that port meanwhile).
 * Returns the key handle and the credential's public key as a COSE EC2 ES256 key.
 */
export async function registerLegacyU2f(keyPort: number, hostPort: number, appId: string) {
  const device = await openUdpDevice(keyPort, hostPort);
  const u2f = await new Ctap1(device).register(sha256('legacy'), sha256(appId)).finally(() => device.close());
  const cose = new Map<number, number | Uint8Array>([
    [1, 2],
    [3, -7],
    [-1, 1],
    [-2, u2f.publicKey.slice(1, 33)],
    [-3, u2f.publicKey.slice(33)],
  ]);
  return { keyHandle: u2f.keyHandle, publicKey: new Uint8Array(encodeCtap(cose)) };
}

/** The virtual key at `keyPort` opened as a CTAPHID device over UDP, listening on `hostPort`. */
export async function openUdpDevice(keyPort: number, hostPort: number): Promise<CtapHidDevice> {
  const transport = new UdpTransport({ host: '127.0.0.1', port: keyPort, listenPort: hostPort });
  const [descriptor] = await transport.list();
  return CtapHidDevice.open(await transport.open(descriptor!));
}

/**
 * For tests of the host's CTAP clients without the host: registers the hook that closes the device and
 * key after each test, and returns the rig plus `connect`, which starts a virtual key (`keyDefaults`,
 * then `options`) and opens it as a CTAPHID device.
 */
export function keyDevicePerTest(keyDefaults: VirtualKeyOptions = {}) {
  const rig: { key?: VirtualKey; device?: CtapHidDevice } = {};
  afterEach(async () => {
    await rig.device?.close();
    await rig.key?.close();
    rig.device = undefined;
    rig.key = undefined;
  });
  async function connect(options: VirtualKeyOptions = {}) {
    const hostPort = await freeUdpPort();
    const key = await startVirtualKey({ port: 0, hostPort, ...keyDefaults, ...options });
    rig.key = key;
    const device = await openUdpDevice(key.port, hostPort);
    rig.device = device;
    return { key, device };
  }
  return { rig, connect };
}

/**
 * Verifies a registration for ORIGIN and RP_ID with both oracles: @simplewebauthn/server and the shared
 * WebAuthn core (after the protocol's own schema, which is what the extension validates). Both must
 * accept it, and the core must name the credential the response names.
 */
export async function verifyRegistrationBoth(
  response: RegistrationResponseJSON,
  challenge: string,
  requireUserVerification: boolean,
) {
  const verified = await verifyRegistrationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    requireUserVerification,
  });
  expect(verified.verified).toBe(true);
  const core = await verifyRegistration({
    response: v.parse(RegistrationResponseJSONSchema, response),
    expectedChallenge: challenge,
    expectedOrigin: ORIGIN,
    expectedRpId: RP_ID,
    requireUserVerification,
  });
  expect(core.credentialId).toBe(response.id);
  return { verified, core };
}

/**
 * Verifies an assertion for ORIGIN and `expectedRpId` with both oracles (@simplewebauthn/server with
 * `credential`, the shared core with `stored`); both must accept it and agree on the signature counter.
 */
export async function verifyAuthenticationBoth(
  response: AuthenticationResponseJSON,
  challenge: string,
  expectedRpId: string,
  { credential, stored }: { credential: WebAuthnCredential; stored: StoredCredential },
  requireUserVerification: boolean,
) {
  const verified = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: expectedRpId,
    credential,
    requireUserVerification,
  });
  expect(verified.verified).toBe(true);
  const core = await verifyAuthentication({
    response: v.parse(AuthenticationResponseJSONSchema, response),
    expectedChallenge: challenge,
    expectedOrigin: ORIGIN,
    expectedRpId,
    credential: stored,
    requireUserVerification,
  });
  expect(core.signCount).toBe(verified.authenticationInfo.newCounter);
  return verified;
}
