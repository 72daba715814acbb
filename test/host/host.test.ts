// The built native host ↔ the virtual key over UDP, through the messaging protocol as a browser speaks
// it. Registrations and assertions are verified by @simplewebauthn/server.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  udpTransport,
  verifyAuthenticationBoth,
  verifyRegistrationBoth,
} from './harness.js';
import { type HostProcess, startHost } from './host-process.js';
import { freeUdpPort } from './ports.js';

const { rig, setup } = keyAndHostPerTest();

function createOptions(over: Record<string, unknown> = {}) {
  const challenge = b64u(randomBytes(32));
  return {
    challenge,
    options: {
      rp: { id: RP_ID, name: 'Example' },
      user: { id: b64u(randomBytes(16)), name: 'alice@example.com', displayName: 'Alice' },
      challenge,
      pubKeyCredParams: [
        { type: 'public-key', alg: -7 },
        { type: 'public-key', alg: -8 },
      ],
      authenticatorSelection: { userVerification: 'preferred', residentKey: 'discouraged' },
      // The key's own (self) attestation, as the extension sends it once the user agreed.
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
    options: { challenge, rpId: RP_ID, userVerification: 'preferred', timeout: 30_000, ...over },
  };
}

async function register(
  h: HostProcess,
  id: string,
  over: Record<string, unknown> = {},
  pin?: string,
): Promise<{
  credential: WebAuthnCredential;
  stored: StoredCredential;
  response: RegistrationResponseJSON;
  uv: boolean;
}> {
  const { challenge, options } = createOptions(over);
  h.send({ id, type: 'webauthn.create', origin: ORIGIN, options });
  if (pin !== undefined) {
    const ev = await h.next((m) => m.id === id && m.event === 'pin-required');
    expect(ev).toMatchObject({ reason: 'verify' });
    h.send({ id, type: 'pin', pin });
  }
  const reply = await h.reply(id);
  expect(reply.error).toBeUndefined();
  const response = reply.result as RegistrationResponseJSON;
  const { verified, core } = await verifyRegistrationBoth(response, challenge, pin !== undefined);
  expect(core.fmt).toBe('packed');
  expect(core.attestationType).toBe('self');
  return {
    credential: verified.registrationInfo!.credential,
    stored: { id: core.credentialId, publicKey: core.publicKey, signCount: core.signCount },
    response,
    uv: verified.registrationInfo!.userVerified,
  };
}

async function authenticate(
  h: HostProcess,
  id: string,
  { credential, stored }: { credential: WebAuthnCredential; stored: StoredCredential },
  over: Record<string, unknown> = {},
  pin?: string,
) {
  const { challenge, options } = getOptions({
    allowCredentials: [{ type: 'public-key', id: credential.id }],
    ...over,
  });
  h.send({ id, type: 'webauthn.get', origin: ORIGIN, options });
  if (pin !== undefined) {
    await h.next((m) => m.id === id && m.event === 'pin-required');
    h.send({ id, type: 'pin', pin });
  }
  const reply = await h.reply(id);
  expect(reply.error).toBeUndefined();
  const response = reply.result as AuthenticationResponseJSON;
  const verified = await verifyAuthenticationBoth(
    response,
    challenge,
    RP_ID,
    { credential, stored },
    pin !== undefined,
  );
  return { response, verified };
}

describe('native host over the UDP wire', () => {
  it('answers hello and lists the virtual key under devices', async () => {
    const { host: h, transport } = await setup();
    h.send({ id: 'h1', type: 'hello' });
    expect(await h.reply('h1')).toEqual({
      id: 'h1',
      ok: true,
      result: { protocol: 1, version: '0.1.0', transport },
    });
    h.send({ id: 'd1', type: 'devices' });
    const devices = (await h.reply('d1')).result as Array<Record<string, unknown>>;
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({
      transport: 'udp',
      versions: ['FIDO_2_0', 'FIDO_2_1'],
      aaguid: '6d666162726964676576697274756b31',
      pinProtocols: [2, 1],
      maxMsgSize: 7609,
      options: { rk: true, clientPin: false, pinUvAuthToken: true },
    });
  });

  it('registers and signs in without a PIN (ES256), touch events included', async () => {
    const { host: h } = await setup();
    const reg = await register(h, 'c1');
    expect(h.messages.some((m) => m.id === 'c1' && m.event === 'touch')).toBe(true);
    expect(reg.response).toMatchObject({
      type: 'public-key',
      authenticatorAttachment: 'cross-platform',
      clientExtensionResults: {},
      response: { publicKeyAlgorithm: -7, transports: ['usb'] },
    });
    expect(reg.response.response.publicKey).toBeTruthy();
    const first = await authenticate(h, 'g1', reg);
    expect(first.verified.authenticationInfo.newCounter).toBe(1);
    const second = await authenticate(h, 'g2', reg);
    expect(second.verified.authenticationInfo.newCounter).toBe(2);
  });

  it('attestation none, indirect, absent or unknown: the packed self attestation and its AAGUID become none and zeros; direct keeps them', async () => {
    const { host: h } = await setup();
    const cases: Array<[string | undefined, string, string]> = [
      ['none', 'none', '00000000-0000-0000-0000-000000000000'],
      ['indirect', 'none', '00000000-0000-0000-0000-000000000000'],
      [undefined, 'none', '00000000-0000-0000-0000-000000000000'],
      ['bogus', 'none', '00000000-0000-0000-0000-000000000000'],
      ['direct', 'packed', '6d666162-7269-6467-6576-697274756b31'],
      ['enterprise', 'packed', '6d666162-7269-6467-6576-697274756b31'],
    ];
    for (const [i, [conveyance, fmt, aaguid]] of cases.entries()) {
      const { challenge, options } = createOptions({ attestation: conveyance });
      h.send({ id: `c${i}`, type: 'webauthn.create', origin: ORIGIN, options });
      const reply = await h.reply(`c${i}`);
      expect(reply.error).toBeUndefined();
      const verified = await verifyRegistrationResponse({
        response: reply.result as RegistrationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: ORIGIN,
        expectedRPID: RP_ID,
        requireUserVerification: false,
      });
      expect([conveyance, verified.registrationInfo?.fmt, verified.registrationInfo?.aaguid]).toEqual([
        conveyance,
        fmt,
        aaguid,
      ]);
    }
  });

  it('asks for the PIN when the key has one, and the assertion carries UV', async () => {
    const { host: h } = await setup({ pin: '1234' });
    const reg = await register(h, 'c1', {}, '1234');
    expect(reg.uv).toBe(true);
    const { verified } = await authenticate(h, 'g1', reg, { userVerification: 'required' }, '1234');
    expect(verified.authenticationInfo.userVerified).toBe(true);
  });

  it('logs request ids and outcomes when asked, never the PIN or key material', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'mfa-bridge-log-')), 'host.log');
    const { host: h } = await setup({ pin: '8642' }, { MFA_BRIDGE_LOG: log });
    const reg = await register(h, 'logged-create', {}, '8642');
    await h.close();
    const text = (await import('node:fs')).readFileSync(log, 'utf8');
    expect(text).toContain('"id":"logged-create"');
    expect(text).toContain('"type":"webauthn.create"');
    expect(text).toContain('"outcome":"ok"');
    expect(text).not.toContain('8642');
    expect(text).not.toContain(reg.response.id);
    expect(text).not.toContain(reg.response.response.attestationObject.slice(0, 40));
  });

  it('uses EdDSA when the RP prefers it', async () => {
    const { host: h } = await setup();
    const reg = await register(h, 'c1', { pubKeyCredParams: [{ type: 'public-key', alg: -8 }] });
    expect(reg.response.response.publicKeyAlgorithm).toBe(-8);
    await authenticate(h, 'g1', reg);
  });

  it('sets a PIN when the RP requires user verification and the key has none', async () => {
    const { host: h, key: k } = await setup();
    const { challenge, options } = createOptions({
      authenticatorSelection: { userVerification: 'required' },
    });
    h.send({ id: 'c1', type: 'webauthn.create', origin: ORIGIN, options });
    const ev = await h.next((m) => m.id === 'c1' && m.event === 'pin-required');
    expect(ev).toEqual({ id: 'c1', event: 'pin-required', retries: 8, reason: 'set' });
    h.send({ id: 'c1', type: 'pin', pin: '12' });
    const again = await h.next((m) => m.id === 'c1' && m.event === 'pin-required');
    expect(again).toMatchObject({ reason: 'set' });
    h.send({ id: 'c1', type: 'pin', pin: '987654' });
    const reply = await h.reply('c1');
    expect(reply.ok).toBe(true);
    const verified = await verifyRegistrationResponse({
      response: reply.result as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      requireUserVerification: true,
    });
    expect(verified.verified).toBe(true);
    expect(k.authenticator.pinSet).toBe(true);
  });

  it('reports a wrong PIN with retries left, then accepts the right one', async () => {
    const { host: h } = await setup({ pin: '1234' });
    const { options } = createOptions();
    h.send({ id: 'c1', type: 'webauthn.create', origin: ORIGIN, options });
    expect(await h.next((m) => m.id === 'c1' && m.event === 'pin-required')).toEqual({
      id: 'c1',
      event: 'pin-required',
      retries: 8,
      reason: 'verify',
    });
    h.send({ id: 'c1', type: 'pin', pin: '0000' });
    expect(await h.next((m) => m.id === 'c1' && m.event === 'pin-invalid')).toEqual({
      id: 'c1',
      event: 'pin-invalid',
      retries: 7,
    });
    h.send({ id: 'c1', type: 'pin', pin: '1234' });
    expect((await h.reply('c1')).ok).toBe(true);
  });

  it('tells PIN_AUTH_BLOCKED (three wrong in a row) from PIN_BLOCKED (no retries left)', async () => {
    const { host: h } = await setup({ pin: '1234' });
    const { options } = createOptions();
    h.send({ id: 'c1', type: 'webauthn.create', origin: ORIGIN, options });
    await h.next((m) => m.id === 'c1' && m.event === 'pin-required');
    h.send({ id: 'c1', type: 'pin', pin: '0000' });
    await h.next((m) => m.id === 'c1' && m.event === 'pin-invalid');
    h.send({ id: 'c1', type: 'pin', pin: '0001' });
    await h.next((m) => m.id === 'c1' && m.event === 'pin-invalid');
    h.send({ id: 'c1', type: 'pin', pin: '0002' });
    const blocked = await h.reply('c1');
    expect(errorOf(blocked).name).toBe('NotAllowedError');
    expect(errorOf(blocked).message).toContain('PIN_AUTH_BLOCKED');
    await h.close();
    await rig.key!.close();

    const dir = mkdtempSync(join(tmpdir(), 'mfa-bridge-vk-'));
    const stateFile = join(dir, 'state.json');
    const hash = (await import('node:crypto')).createHash('sha256').update('1234').digest().subarray(0, 16);
    writeFileSync(
      stateFile,
      JSON.stringify({
        version: 1,
        aaguid: '6d666162726964676576697274756b31',
        pinHash: hash.toString('base64'),
        pinRetries: 1,
        credentials: [],
      }),
    );
    const { host: h2 } = await setup({ stateFile });
    h2.send({ id: 'c2', type: 'webauthn.create', origin: ORIGIN, options: createOptions().options });
    expect(await h2.next((m) => m.id === 'c2' && m.event === 'pin-required')).toMatchObject({ retries: 1 });
    h2.send({ id: 'c2', type: 'pin', pin: '0000' });
    const dead = await h2.reply('c2');
    expect(errorOf(dead).name).toBe('NotAllowedError');
    expect(errorOf(dead).message).toContain('PIN_BLOCKED');
    expect(errorOf(dead).message).not.toContain('PIN_AUTH_BLOCKED');
  });

  it('cancels a request while the key waits for a touch (CTAPHID_CANCEL → AbortError)', async () => {
    const { host: h, key: k } = await setup({ touch: 'manual' });
    const { options } = createOptions();
    h.send({ id: 'c1', type: 'webauthn.create', origin: ORIGIN, options });
    await h.next((m) => m.id === 'c1' && m.event === 'touch');
    expect(k.waitingForTouch).toBe(true);
    h.send({ id: 'c1', type: 'cancel' });
    const reply = await h.reply('c1');
    expect(errorOf(reply).name).toBe('AbortError');
    expect(k.waitingForTouch).toBe(false);
    expect(k.authenticator.credentialCount).toBe(0);
    // The host is free again.
    h.send({ id: 'h', type: 'hello' });
    expect((await h.reply('h')).ok).toBe(true);
  });

  it('refuses a second key operation while one is pending', async () => {
    const { host: h } = await setup({ touch: 'manual' });
    h.send({ id: 'c1', type: 'webauthn.create', origin: ORIGIN, options: createOptions().options });
    await h.next((m) => m.id === 'c1' && m.event === 'touch');
    h.send({ id: 'g1', type: 'webauthn.get', origin: ORIGIN, options: getOptions().options });
    const refused = await h.reply('g1');
    expect(errorOf(refused)).toEqual({
      name: 'NotAllowedError',
      message: 'another security key request is in progress',
    });
    rig.key!.touch();
    expect((await h.reply('c1')).ok).toBe(true);
  });

  it('runs a request sent right after a cancel once the cancelled one has ended (create, then get)', async () => {
    const { host: h, key: k } = await setup({ touch: 'manual' });
    // The page aborts a registration that waits for a touch and starts another at once.
    h.send({ id: 'c1', type: 'webauthn.create', origin: ORIGIN, options: createOptions().options });
    await h.next((m) => m.id === 'c1' && m.event === 'touch');
    const second = createOptions();
    h.send({ id: 'c1', type: 'cancel' });
    h.send({ id: 'c2', type: 'webauthn.create', origin: ORIGIN, options: second.options });
    expect(errorOf(await h.reply('c1'))).toEqual({
      name: 'AbortError',
      message: 'the request was cancelled',
    });
    await h.next((m) => m.id === 'c2' && m.event === 'touch');
    k.touch();
    const created = await h.reply('c2');
    expect(created.error).toBeUndefined();
    const response = created.result as RegistrationResponseJSON;
    const { verified, core } = await verifyRegistrationBoth(response, second.challenge, false);
    expect(k.authenticator.credentialCount).toBe(1);
    const reg = {
      credential: verified.registrationInfo!.credential,
      stored: { id: core.credentialId, publicKey: core.publicKey, signCount: core.signCount },
    };

    // The same for a sign-in.
    const allow = { allowCredentials: [{ type: 'public-key', id: reg.credential.id }] };
    h.send({ id: 'g1', type: 'webauthn.get', origin: ORIGIN, options: getOptions(allow).options });
    await h.next((m) => m.id === 'g1' && m.event === 'touch');
    const retry = getOptions(allow);
    h.send({ id: 'g1', type: 'cancel' });
    h.send({ id: 'g2', type: 'webauthn.get', origin: ORIGIN, options: retry.options });
    expect(errorOf(await h.reply('g1')).name).toBe('AbortError');
    await h.next((m) => m.id === 'g2' && m.event === 'touch');
    k.touch();
    const got = await h.reply('g2');
    expect(got.error).toBeUndefined();
    const signed = await verifyAuthenticationBoth(
      got.result as AuthenticationResponseJSON,
      retry.challenge,
      RP_ID,
      reg,
      false,
    );
    expect(signed.authenticationInfo.newCounter).toBe(1);
  });

  it('answers NotAllowedError when a CTAP2 key cannot meet a required rk or UV, and serves "preferred"', async () => {
    const { host: h, key: k } = await setup({ residentKeys: false, pinSupport: false });
    // "preferred" on such a key: a non-discoverable credential without UV (credProps says so).
    const reg = await register(h, 'c0', {
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
      extensions: { credProps: true },
    });
    expect(reg.response.clientExtensionResults).toEqual({ credProps: { rk: false } });
    expect(reg.uv).toBe(false);
    const allow = [{ type: 'public-key', id: reg.credential.id }];
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      [
        'webauthn.create',
        createOptions({ authenticatorSelection: { residentKey: 'required' } }).options,
        /cannot store discoverable credentials/,
      ],
      [
        'webauthn.create',
        createOptions({ authenticatorSelection: { requireResidentKey: true } }).options,
        /cannot store discoverable credentials/,
      ],
      [
        'webauthn.create',
        createOptions({ authenticatorSelection: { userVerification: 'required' } }).options,
        /cannot verify the user/,
      ],
      [
        'webauthn.get',
        getOptions({ userVerification: 'required', allowCredentials: allow }).options,
        /cannot verify the user/,
      ],
    ];
    for (const [i, [type, options, message]] of cases.entries()) {
      h.send({ id: `r${i}`, type, origin: ORIGIN, options });
      const error = errorOf(await h.reply(`r${i}`));
      expect(error.name, `${type} case ${i}`).toBe('NotAllowedError');
      expect(error.message).toMatch(message);
    }
    expect(k.authenticator.credentialCount).toBe(1);
    // And the credential it did make still signs in without UV.
    await authenticate(h, 'g1', reg, { userVerification: 'preferred' });
  });

  it('reports a key that goes silent mid-request as DeviceError', async () => {
    const { host: h, key: k } = await setup({ touch: 'manual' });
    h.send({ id: 'c1', type: 'webauthn.create', origin: ORIGIN, options: createOptions().options });
    await h.next((m) => m.id === 'c1' && m.event === 'touch');
    k.pause();
    const reply = await h.reply('c1', 20_000);
    expect(errorOf(reply).name).toBe('DeviceError');
    expect(errorOf(reply).message).toContain('stopped answering');
  });

  it('times out with NotAllowedError when no key answers', async () => {
    const { host: h, key: k } = await setup();
    k.pause();
    h.send({
      id: 'g1',
      type: 'webauthn.get',
      origin: ORIGIN,
      options: getOptions({ timeout: 1500 }).options,
    });
    expect(errorOf(await h.reply('g1', 20_000))).toEqual({
      name: 'NotAllowedError',
      message: 'the operation timed out',
    });
  });

  it('refuses an RP ID the origin may not use (SecurityError), before touching the key', async () => {
    const { host: h, key: k } = await setup({ touch: 'manual' });
    const { options } = getOptions({ rpId: 'example.com' });
    h.send({ id: 'g1', type: 'webauthn.get', origin: 'https://evil.example.org', options });
    expect(errorOf(await h.reply('g1')).name).toBe('SecurityError');
    h.send({
      id: 'c1',
      type: 'webauthn.create',
      origin: 'http://example.com',
      options: createOptions().options,
    });
    expect(errorOf(await h.reply('c1')).name).toBe('SecurityError');
    expect(k.waitingForTouch).toBe(false);
  });

  it('builds clientDataJSON itself, with crossOrigin and topOrigin for embedded callers', async () => {
    const { host: h } = await setup();
    const reg = await register(h, 'c1');
    const { options } = getOptions({ allowCredentials: [{ type: 'public-key', id: reg.credential.id }] });
    h.send({
      id: 'g1',
      type: 'webauthn.get',
      origin: ORIGIN,
      topOrigin: 'https://portal.other.org',
      options,
    });
    const r = (await h.reply('g1')).result as AuthenticationResponseJSON;
    const cd = JSON.parse(Buffer.from(r.response.clientDataJSON, 'base64url').toString('utf8'));
    expect(cd).toEqual({
      type: 'webauthn.get',
      challenge: options.challenge,
      origin: ORIGIN,
      crossOrigin: true,
      topOrigin: 'https://portal.other.org',
    });
  });

  it('takes crossOrigin as the extension sends it: a frame A inside B inside A is cross-origin', async () => {
    const { host: h } = await setup();
    const reg = await register(h, 'c1');
    const { options } = getOptions({ allowCredentials: [{ type: 'public-key', id: reg.credential.id }] });
    // Top and caller are both ORIGIN, but an ancestor in between is not: the browser says crossOrigin.
    h.send({ id: 'g1', type: 'webauthn.get', origin: ORIGIN, crossOrigin: true, topOrigin: ORIGIN, options });
    const r = (await h.reply('g1')).result as AuthenticationResponseJSON;
    const cd = JSON.parse(Buffer.from(r.response.clientDataJSON, 'base64url').toString('utf8'));
    expect(cd).toEqual({
      type: 'webauthn.get',
      challenge: options.challenge,
      origin: ORIGIN,
      crossOrigin: true,
      topOrigin: ORIGIN,
    });
    // And a same-origin caller the extension calls same-origin stays so.
    const again = getOptions({ allowCredentials: [{ type: 'public-key', id: reg.credential.id }] }).options;
    h.send({ id: 'g2', type: 'webauthn.get', origin: ORIGIN, crossOrigin: false, options: again });
    const r2 = (await h.reply('g2')).result as AuthenticationResponseJSON;
    const cd2 = JSON.parse(Buffer.from(r2.response.clientDataJSON, 'base64url').toString('utf8'));
    expect(cd2.crossOrigin).toBe(false);
    expect(cd2.topOrigin).toBeUndefined();
  });

  it('gives InvalidStateError for an excluded credential and NotAllowedError for an unknown one', async () => {
    const { host: h } = await setup();
    const reg = await register(h, 'c1');
    h.send({
      id: 'c2',
      type: 'webauthn.create',
      origin: ORIGIN,
      options: createOptions({ excludeCredentials: [{ type: 'public-key', id: reg.credential.id }] }).options,
    });
    expect(errorOf(await h.reply('c2')).name).toBe('InvalidStateError');
    h.send({
      id: 'g1',
      type: 'webauthn.get',
      origin: ORIGIN,
      options: getOptions({ allowCredentials: [{ type: 'public-key', id: b64u(randomBytes(32)) }] }).options,
    });
    expect(errorOf(await h.reply('g1')).name).toBe('NotAllowedError');
  });

  it('finds the allowed credential in an allow list longer than the key takes at once', async () => {
    const { host: h } = await setup();
    const reg = await register(h, 'c1');
    const decoys = Array.from({ length: 12 }, () => ({ type: 'public-key', id: b64u(randomBytes(32)) }));
    const { response } = await authenticate(h, 'g1', reg, {
      allowCredentials: [...decoys, { type: 'public-key', id: reg.credential.id }],
    });
    expect(response.id).toBe(reg.credential.id);
  });

  it('signs in with a discoverable credential (no allow list) and returns the user handle', async () => {
    const { host: h } = await setup({ pin: '1234' });
    const { options } = createOptions({
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    const userId = options.user.id;
    h.send({
      id: 'c1',
      type: 'webauthn.create',
      origin: ORIGIN,
      options: { ...options, extensions: { credProps: true } },
    });
    await h.next((m) => m.id === 'c1' && m.event === 'pin-required');
    h.send({ id: 'c1', type: 'pin', pin: '1234' });
    const created = (await h.reply('c1')).result as RegistrationResponseJSON;
    expect(created.clientExtensionResults).toEqual({ credProps: { rk: true } });
    const { options: get } = getOptions({ userVerification: 'required' });
    h.send({ id: 'g1', type: 'webauthn.get', origin: ORIGIN, options: get });
    await h.next((m) => m.id === 'g1' && m.event === 'pin-required');
    h.send({ id: 'g1', type: 'pin', pin: '1234' });
    const r = (await h.reply('g1')).result as AuthenticationResponseJSON;
    expect(r.id).toBe(created.id);
    expect(r.response.userHandle).toBe(userId);
  });

  it('works with a CTAP 2.0 key (getPinToken without permissions, PIN protocol 1)', async () => {
    const { host: h } = await setup({ ctapVersion: '2.0', pinProtocols: [1], pin: '5555' });
    const reg = await register(h, 'c1', {}, '5555');
    await authenticate(h, 'g1', reg, { userVerification: 'required' }, '5555');
  });
});

describe('native host with two keys', () => {
  for (const ctapVersion of ['2.1', '2.0'] as const) {
    it(`lists both and uses the one the user touches; the other gets CTAPHID_CANCEL (CTAP ${ctapVersion})`, async () => {
      const [hp1, hp2] = [await freeUdpPort(), await freeUdpPort()];
      const slow = await startVirtualKey({ port: 0, hostPort: hp1, touch: 'manual', ctapVersion });
      const touched = await startVirtualKey({ port: 0, hostPort: hp2, touch: 'delay:300', ctapVersion });
      try {
        const host = startHost({
          MFA_BRIDGE_TRANSPORT: `${udpTransport(slow.port, hp1)},${udpTransport(touched.port, hp2)}`,
        });
        rig.host = host;
        host.send({ id: 'd', type: 'devices' });
        expect((await host.reply('d')).result).toHaveLength(2);
        const reg = await register(host, 'c1');
        expect(reg.response.id).toBeTruthy();
        expect(touched.authenticator.credentialCount).toBe(1);
        expect(slow.authenticator.credentialCount).toBe(0);
        expect(slow.waitingForTouch).toBe(false);
      } finally {
        await rig.host?.close();
        rig.host = undefined;
        await slow.close();
        await touched.close();
      }
    });
  }
});

describe('native host input handling', () => {
  it('answers malformed JSON, unknown types and missing fields with ProtocolError, and keeps going', async () => {
    const { host: h } = await setup();
    const body = Buffer.from('{not json', 'utf8');
    const head = Buffer.alloc(4);
    head.writeUInt32LE(body.length, 0);
    h.sendRaw(Buffer.concat([head, body]));
    expect(await h.next((m) => m.id === '')).toMatchObject({ ok: false, error: { name: 'ProtocolError' } });
    h.send({ id: 'u1', type: 'frobnicate' });
    expect(errorOf(await h.reply('u1'))).toEqual({
      name: 'ProtocolError',
      message: 'unknown request type "frobnicate"',
    });
    h.send({ id: 'm1', type: 'webauthn.get', origin: ORIGIN });
    const missing = errorOf(await h.reply('m1'));
    expect(missing.name).toBe('ProtocolError');
    expect(missing.message).toContain('options');
    h.send([1, 2, 3]);
    expect(errorOf(await h.next((m) => m.id === '' && m.ok === false))).toMatchObject({
      name: 'ProtocolError',
    });
    h.send({ id: 'p1', type: 'pin', pin: '1234' });
    expect(errorOf(await h.reply('p1')).name).toBe('ProtocolError');
    h.send({ id: 'h1', type: 'hello' });
    expect((await h.reply('h1')).ok).toBe(true);
  });

  it('discards an oversized message with ProtocolError and answers the next one', async () => {
    const { host: h } = await setup();
    h.send({ id: 'big', type: 'hello', pad: 'x'.repeat(2 * 1024 * 1024) });
    const err = await h.next((m) => m.id === '' && m.ok === false);
    expect(errorOf(err).message).toContain('exceeds the 1 MB limit');
    h.send({ id: 'h1', type: 'hello' });
    expect((await h.reply('h1')).ok).toBe(true);
  });

  it('answers a frame far over the limit with ProtocolError before it has all arrived, and keeps serving', async () => {
    const { host: h } = await setup();
    const length = 80 * 1024 * 1024; // more than the 64 MiB that once ended the host
    const head = Buffer.alloc(4);
    head.writeUInt32LE(length, 0);
    h.sendRaw(Buffer.concat([head, Buffer.alloc(1024 * 1024, 0x20)]));
    const err = await h.next((m) => m.id === '' && m.ok === false);
    expect(errorOf(err)).toEqual({
      name: 'ProtocolError',
      message: `a message of ${length} bytes exceeds the 1 MB limit and was discarded`,
    });
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    for (let sent = 1; sent < 80; sent++) h.sendRaw(chunk);
    h.send({ id: 'h1', type: 'hello' });
    expect((await h.reply('h1')).ok).toBe(true);
    expect(h.child.exitCode).toBeNull();
  });

  it('a 4 GB frame header does not end the host; it exits cleanly when stdin closes', async () => {
    const { host: h } = await setup();
    h.sendRaw(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7b]));
    expect(errorOf(await h.next((m) => m.id === '' && m.ok === false)).name).toBe('ProtocolError');
    h.child.stdin!.end();
    expect(await h.exit()).toBe(0);
    expect(h.stderr()).not.toContain('    at ');
  });
});
