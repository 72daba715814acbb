// The built native host ↔ the virtual key in U2F-only mode (--ctap u2f) over UDP, through the messaging
// protocol: the CTAP1/U2F fallback. Registrations (fido-u2f) and assertions are verified by
// @simplewebauthn/server and by the shared core.
import { randomBytes } from 'node:crypto';
import { NOT_ALLOWED_MESSAGE } from '@shared/protocol/index.js';
import type { StoredCredential } from '@shared/webauthn/index.js';
import {
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import { describe, expect, it } from 'vitest';
import { startVirtualKey } from '../../native-host/src/virtual-key/index.js';
import {
  b64u,
  errorOf,
  keyAndHostPerTest,
  ORIGIN,
  RP_ID,
  registerLegacyU2f,
  udpTransport,
  verifyAuthenticationBoth,
  verifyRegistrationBoth,
} from './harness.js';
import { type HostProcess, startHost } from './host-process.js';
import { freeUdpPort } from './ports.js';

const APPID = 'https://www.example.com/u2f/app-id.json';

const { rig, startHostFor, setup } = keyAndHostPerTest({ ctapVersion: 'u2f' });

function createOptions(over: Record<string, unknown> = {}) {
  const challenge = b64u(randomBytes(32));
  return {
    challenge,
    options: {
      rp: { id: RP_ID, name: 'Example' },
      user: { id: b64u(randomBytes(16)), name: 'alice@example.com', displayName: 'Alice' },
      challenge,
      pubKeyCredParams: [
        { type: 'public-key', alg: -8 },
        { type: 'public-key', alg: -7 },
      ],
      authenticatorSelection: { userVerification: 'discouraged', residentKey: 'discouraged' },
      attestation: 'direct',
      timeout: 30_000,
      ...over,
    },
  };
}

function getOptions(over: Record<string, unknown> = {}) {
  const challenge = b64u(randomBytes(32));
  return {
    challenge,
    options: { challenge, rpId: RP_ID, userVerification: 'discouraged', timeout: 30_000, ...over },
  };
}

interface Registered {
  credential: WebAuthnCredential;
  stored: StoredCredential;
  response: RegistrationResponseJSON;
}

async function register(h: HostProcess, id: string, over: Record<string, unknown> = {}): Promise<Registered> {
  const { challenge, options } = createOptions(over);
  h.send({ id, type: 'webauthn.create', origin: ORIGIN, options });
  const reply = await h.reply(id);
  expect(reply.error).toBeUndefined();
  const response = reply.result as RegistrationResponseJSON;
  const { verified, core } = await verifyRegistrationBoth(response, challenge, false);
  expect(core.fmt).toBe(verified.registrationInfo!.fmt);
  return {
    credential: verified.registrationInfo!.credential,
    stored: { id: core.credentialId, publicKey: core.publicKey, signCount: core.signCount },
    response,
  };
}

async function authenticate(
  h: HostProcess,
  id: string,
  reg: Pick<Registered, 'credential' | 'stored'>,
  over: Record<string, unknown> = {},
  expectedRpId = RP_ID,
) {
  const { challenge, options } = getOptions({
    allowCredentials: [{ type: 'public-key', id: reg.credential.id }],
    ...over,
  });
  h.send({ id, type: 'webauthn.get', origin: ORIGIN, options });
  const reply = await h.reply(id);
  expect(reply.error).toBeUndefined();
  const response = reply.result as AuthenticationResponseJSON;
  const verified = await verifyAuthenticationBoth(response, challenge, expectedRpId, reg, false);
  return { response, verified };
}

describe('native host with a U2F-only key (CTAP1 fallback)', () => {
  it('lists the key as U2F_V2 with an all-zero AAGUID', async () => {
    const { host: h } = await setup();
    h.send({ id: 'd1', type: 'devices' });
    const devices = (await h.reply('d1')).result as Array<Record<string, unknown>>;
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({
      transport: 'udp',
      versions: ['U2F_V2'],
      aaguid: '00000000000000000000000000000000',
      options: {},
      pinProtocols: [],
    });
  });

  it('registers (fido-u2f attestation) and signs in twice, counters 1 and 2, with touch events', async () => {
    const { host: h } = await setup({ touch: 'delay:250' });
    const reg = await register(h, 'c1');
    expect(h.messages.some((m) => m.id === 'c1' && m.event === 'touch')).toBe(true);
    const att = await verifyRegistrationResponse({
      response: reg.response,
      expectedChallenge: () => true,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      requireUserVerification: false,
    });
    expect(att.registrationInfo).toMatchObject({
      fmt: 'fido-u2f',
      aaguid: '00000000-0000-0000-0000-000000000000',
      userVerified: false,
      credentialDeviceType: 'singleDevice',
    });
    expect(reg.response).toMatchObject({
      type: 'public-key',
      authenticatorAttachment: 'cross-platform',
      clientExtensionResults: {},
      response: { publicKeyAlgorithm: -7, transports: ['usb'] },
    });
    expect(Buffer.from(reg.response.id, 'base64url')).toHaveLength(61);
    expect(reg.response.response.publicKey).toBeTruthy();
    const first = await authenticate(h, 'g1', reg);
    expect(first.verified.authenticationInfo.newCounter).toBe(1);
    expect(h.messages.some((m) => m.id === 'g1' && m.event === 'touch')).toBe(true);
    const second = await authenticate(h, 'g2', reg);
    expect(second.verified.authenticationInfo.newCounter).toBe(2);
    expect(first.response.response.userHandle).toBeUndefined();
  });

  it('works with an older key that refuses extended-length APDUs', async () => {
    const { host: h } = await setup({ u2fApdus: 'short' });
    const reg = await register(h, 'c1');
    const { verified } = await authenticate(h, 'g1', reg);
    expect(verified.authenticationInfo.newCounter).toBe(1);
  });

  for (const conveyance of ['none', 'indirect'] as const) {
    it(`reports attestation "${conveyance}" as browsers do (fido-u2f statement and AAGUID stripped)`, async () => {
      const { host: h } = await setup();
      const reg = await register(h, 'c1', { attestation: conveyance });
      const att = await verifyRegistrationResponse({
        response: reg.response,
        expectedChallenge: () => true,
        expectedOrigin: ORIGIN,
        expectedRPID: RP_ID,
        requireUserVerification: false,
      });
      expect(att.registrationInfo!.fmt).toBe('none');
      expect(att.registrationInfo!.aaguid).toBe('00000000-0000-0000-0000-000000000000');
      await authenticate(h, 'g1', reg);
    });
  }

  it('finds the key handle in a longer allow list by check-only probes', async () => {
    const { host: h } = await setup();
    const reg = await register(h, 'c1');
    const decoys = Array.from({ length: 5 }, () => ({ type: 'public-key', id: b64u(randomBytes(64)) }));
    const { response } = await authenticate(h, 'g1', reg, {
      allowCredentials: [...decoys, { type: 'public-key', id: reg.credential.id }, decoys[0]],
    });
    expect(response.id).toBe(reg.credential.id);
  });

  it('a key handle not from this key gives NotAllowedError (after a touch)', async () => {
    const { host: h, key: k } = await setup({ touch: 'delay:200' });
    await register(h, 'c1');
    const { options } = getOptions({ allowCredentials: [{ type: 'public-key', id: b64u(randomBytes(64)) }] });
    h.send({ id: 'g1', type: 'webauthn.get', origin: ORIGIN, options });
    const reply = await h.reply('g1');
    expect(errorOf(reply)).toEqual({
      name: 'NotAllowedError',
      message: NOT_ALLOWED_MESSAGE,
    });
    // A U2F key stores nothing: neither the real registration nor the touch probe.
    expect(k.authenticator.credentialCount).toBe(0);
    expect(h.messages.some((m) => m.id === 'g1' && m.event === 'touch')).toBe(true);
  });

  it('gives InvalidStateError for an excluded credential', async () => {
    const { host: h } = await setup();
    const reg = await register(h, 'c1');
    h.send({
      id: 'c2',
      type: 'webauthn.create',
      origin: ORIGIN,
      options: createOptions({ excludeCredentials: [{ type: 'public-key', id: reg.credential.id }] }).options,
    });
    expect(errorOf(await h.reply('c2')).name).toBe('InvalidStateError');
  });

  it('refuses what a U2F key cannot do: UV, discoverable credentials, non-ES256, no allow list', async () => {
    const { host: h, key: k } = await setup({ touch: 'manual' });
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [
        'webauthn.create',
        createOptions({ authenticatorSelection: { userVerification: 'required' } }).options,
        'NotAllowedError',
      ],
      [
        'webauthn.create',
        createOptions({ authenticatorSelection: { residentKey: 'required' } }).options,
        'NotAllowedError',
      ],
      [
        'webauthn.create',
        createOptions({ authenticatorSelection: { requireResidentKey: true } }).options,
        'NotAllowedError',
      ],
      [
        'webauthn.create',
        createOptions({ pubKeyCredParams: [{ type: 'public-key', alg: -8 }] }).options,
        'NotSupportedError',
      ],
      ['webauthn.get', getOptions().options, 'NotAllowedError'],
      [
        'webauthn.get',
        getOptions({
          userVerification: 'required',
          allowCredentials: [{ type: 'public-key', id: b64u(randomBytes(64)) }],
        }).options,
        'NotAllowedError',
      ],
    ];
    for (const [i, [type, options, name]] of cases.entries()) {
      h.send({ id: `r${i}`, type, origin: ORIGIN, options });
      const reply = await h.reply(`r${i}`);
      expect(errorOf(reply).name, `${type} case ${i}`).toBe(name);
      expect(errorOf(reply).message).toMatch(/U2F security key/);
    }
    expect(k.authenticator.credentialCount).toBe(0);
    expect(k.waitingForTouch).toBe(false);
  });

  it('ends a touch wait that never comes with NotAllowedError at the timeout', async () => {
    const { host: h, key: k } = await setup({ touch: 'manual' });
    const { options } = createOptions({ timeout: 1500 });
    h.send({ id: 'c1', type: 'webauthn.create', origin: ORIGIN, options });
    await h.next((m) => m.id === 'c1' && m.event === 'touch');
    expect(k.waitingForTouch).toBe(true);
    expect(errorOf(await h.reply('c1', 20_000))).toEqual({
      name: 'NotAllowedError',
      message: 'the operation timed out',
    });
    expect(k.authenticator.credentialCount).toBe(0);
  });

  it('cancels while the host polls for a touch (AbortError); the key stops waiting once polls stop', async () => {
    const { host: h, key: k } = await setup({ touch: 'manual', u2fPollLapseMs: 300 });
    const { options } = createOptions();
    h.send({ id: 'c1', type: 'webauthn.create', origin: ORIGIN, options });
    await h.next((m) => m.id === 'c1' && m.event === 'touch');
    h.send({ id: 'c1', type: 'cancel' });
    expect(errorOf(await h.reply('c1')).name).toBe('AbortError');
    await expect.poll(() => k.waitingForTouch, { timeout: 3000 }).toBe(false);
    // A touch now does not register anything, and the host is free for the next request.
    k.touch();
    expect(k.authenticator.credentialCount).toBe(0);
    h.send({ id: 'h', type: 'hello' });
    expect((await h.reply('h')).ok).toBe(true);
  });

  it('runs a registration sent right after a cancelled one (touch pending) once that one has ended', async () => {
    const { host: h, key: k } = await setup({ touch: 'manual' });
    h.send({ id: 'c1', type: 'webauthn.create', origin: ORIGIN, options: createOptions().options });
    await h.next((m) => m.id === 'c1' && m.event === 'touch');
    const second = createOptions();
    h.send({ id: 'c1', type: 'cancel' });
    h.send({ id: 'c2', type: 'webauthn.create', origin: ORIGIN, options: second.options });
    expect(errorOf(await h.reply('c1')).name).toBe('AbortError');
    await h.next((m) => m.id === 'c2' && m.event === 'touch');
    k.touch();
    const reply = await h.reply('c2');
    expect(reply.error).toBeUndefined();
    const { core } = await verifyRegistrationBoth(
      reply.result as RegistrationResponseJSON,
      second.challenge,
      false,
    );
    expect(core.fmt).toBe('fido-u2f');
  });

  it('signs with a credential registered under an AppID (appid extension → clientExtensionResults.appid)', async () => {
    const { host: h, key: k, hostPort } = await setup();
    // A legacy U2F registration made with the AppID's hash, by the host's own CTAP1 client.
    await h.close();
    rig.host = undefined;
    const legacy = await registerLegacyU2f(k.port, hostPort, APPID);
    const reg = {
      credential: { id: b64u(legacy.keyHandle), publicKey: legacy.publicKey, counter: 0 },
      stored: { id: b64u(legacy.keyHandle), publicKey: legacy.publicKey, signCount: 0 },
    };
    const { host } = startHostFor(k, hostPort);
    const { response } = await authenticate(host, 'g1', reg, { extensions: { appid: APPID } }, APPID);
    expect(response.clientExtensionResults).toEqual({ appid: true });

    // An AppID on another site is refused before the key is asked.
    const { options } = getOptions({
      allowCredentials: [{ type: 'public-key', id: b64u(legacy.keyHandle) }],
      extensions: { appid: 'https://evil.example.org/app-id.json' },
    });
    host.send({ id: 'g2', type: 'webauthn.get', origin: ORIGIN, options });
    expect(errorOf(await host.reply('g2')).name).toBe('SecurityError');
  });
});

describe('native host with a U2F-only key and a CTAP2 key', () => {
  it('uses the U2F key when the user touches it (bogus-register touch), the CTAP2 key is cancelled', async () => {
    const [hp1, hp2] = [await freeUdpPort(), await freeUdpPort()];
    const ctap2 = await startVirtualKey({ port: 0, hostPort: hp1, touch: 'manual' });
    const u2f = await startVirtualKey({ port: 0, hostPort: hp2, touch: 'delay:300', ctapVersion: 'u2f' });
    try {
      const host = startHost({
        MFA_BRIDGE_TRANSPORT: `${udpTransport(ctap2.port, hp1)},${udpTransport(u2f.port, hp2)}`,
      });
      rig.host = host;
      const reg = await register(host, 'c1');
      expect(Buffer.from(reg.response.id, 'base64url')).toHaveLength(61);
      expect(ctap2.authenticator.credentialCount).toBe(0);
      expect(ctap2.waitingForTouch).toBe(false);
      await authenticate(host, 'g1', reg);
    } finally {
      await rig.host?.close();
      rig.host = undefined;
      await ctap2.close();
      await u2f.close();
    }
  });
});
