import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FLAG,
  makeAssertion,
  makeRegistration,
  type SoftRegistration,
} from '../../../test/webauthn-core/support/authenticator.js';
import { encodeCtap } from '../cbor/index.js';
import {
  buildClientDataJSON,
  toBase64Url,
  type VerifyAuthenticationOptions,
  type VerifyRegistrationOptions,
  verifyAuthentication,
  verifyRegistration,
  WebAuthnError,
  type WebAuthnErrorCode,
} from './index.js';

/**
 * The negative corpus: every single-byte flip in signature, authenticator data, client data and
 * attestation object; wrong origin, challenge, RP ID, type; trailing bytes; duplicate CBOR keys; BS without
 * BE; truncations; oversize lengths. Each must be refused with the expected code and nothing but a
 * WebAuthnError may escape.
 */

const rpId = 'login.example.com';
const origin = 'https://login.example.com';
const cat = (...p: Uint8Array[]) => new Uint8Array(Buffer.concat(p));
let corpusSize = 0;

async function codeOf(p: Promise<unknown>): Promise<WebAuthnErrorCode | 'ACCEPTED'> {
  corpusSize++;
  try {
    await p;
    return 'ACCEPTED';
  } catch (err) {
    if (!(err instanceof WebAuthnError)) throw new Error(`a non-WebAuthnError escaped: ${String(err)}`);
    return err.code;
  }
}

function flips(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i++) {
    for (const mask of [0x01, 0x80]) {
      const c = bytes.slice();
      c[i]! ^= mask;
      out.push(c);
    }
  }
  return out;
}

let reg: SoftRegistration;
let credential: VerifyAuthenticationOptions['credential'];
const authChallenge = new Uint8Array(randomBytes(32));
let baseAssertion: ReturnType<typeof makeAssertion>;

function authOptions(
  resp: Partial<Record<'clientDataJSON' | 'authenticatorData' | 'signature', Uint8Array>>,
  extra: Partial<VerifyAuthenticationOptions> = {},
): VerifyAuthenticationOptions {
  const r = baseAssertion.response;
  return {
    response: {
      ...r,
      response: {
        clientDataJSON: resp.clientDataJSON ? toBase64Url(resp.clientDataJSON) : r.response.clientDataJSON,
        authenticatorData: resp.authenticatorData
          ? toBase64Url(resp.authenticatorData)
          : r.response.authenticatorData,
        signature: resp.signature ? toBase64Url(resp.signature) : r.response.signature,
      },
    },
    expectedChallenge: toBase64Url(authChallenge),
    expectedOrigin: origin,
    expectedRpId: rpId,
    credential,
    ...extra,
  };
}

beforeAll(async () => {
  reg = makeRegistration({ rpId, origin, challenge: new Uint8Array(randomBytes(32)), fmt: 'packed-self' });
  const verified = await verifyRegistration({
    response: reg.response,
    expectedChallenge: toBase64Url(
      JSON.parse(new TextDecoder().decode(reg.clientDataJSON)).challenge === undefined
        ? new Uint8Array()
        : Buffer.from(JSON.parse(new TextDecoder().decode(reg.clientDataJSON)).challenge, 'base64url'),
    ),
    expectedOrigin: origin,
    expectedRpId: rpId,
  });
  credential = { id: verified.credentialId, publicKey: verified.publicKey, signCount: 0 };
  baseAssertion = makeAssertion({
    credential: reg.credential,
    credentialId: reg.credentialId,
    rpId,
    origin,
    challenge: authChallenge,
    signCount: 5,
  });
  expect(await codeOf(verifyAuthentication(authOptions({})))).toBe('ACCEPTED');
});

/** What a flipped flags byte must produce (parse order, then the ceremony checks). */
function expectedForFlags(flags: number): WebAuthnErrorCode {
  if (flags & FLAG.BS && !(flags & FLAG.BE)) return 'AUTH_DATA_FLAGS';
  if (flags & FLAG.AT) return 'AUTH_DATA_MALFORMED';
  if (flags & FLAG.ED) return 'AUTH_DATA_MALFORMED';
  if (!(flags & FLAG.UP)) return 'USER_NOT_PRESENT';
  if (!(flags & FLAG.UV)) return 'USER_NOT_VERIFIED';
  return 'SIGNATURE_INVALID';
}

/** What flipped client data must produce, judged with JSON.parse (independent of our parser). */
function expectedForClientData(bytes: Uint8Array): WebAuthnErrorCode {
  let cd: Record<string, unknown>;
  try {
    cd = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return 'CLIENT_DATA_MALFORMED';
  }
  if (
    typeof cd !== 'object' ||
    cd === null ||
    typeof cd.type !== 'string' ||
    typeof cd.challenge !== 'string' ||
    typeof cd.origin !== 'string'
  ) {
    return 'CLIENT_DATA_MALFORMED';
  }
  if (
    (cd.crossOrigin !== undefined && typeof cd.crossOrigin !== 'boolean') ||
    (cd.topOrigin !== undefined && typeof cd.topOrigin !== 'string')
  ) {
    return 'CLIENT_DATA_MALFORMED';
  }
  if (cd.type !== 'webauthn.get') return 'CLIENT_DATA_TYPE';
  if (cd.challenge !== toBase64Url(authChallenge)) return 'CHALLENGE_MISMATCH';
  if (cd.origin !== origin) return 'ORIGIN_MISMATCH';
  if (cd.crossOrigin === true) return 'CROSS_ORIGIN';
  return 'SIGNATURE_INVALID';
}

describe('negative corpus: assertions', () => {
  it('every single-byte flip in the signature is SIGNATURE_INVALID', async () => {
    for (const sig of flips(baseAssertion.signature)) {
      expect(await codeOf(verifyAuthentication(authOptions({ signature: sig })))).toBe('SIGNATURE_INVALID');
    }
  });

  it('every single-byte flip in authenticator data gets the code its position implies', async () => {
    const ad = baseAssertion.authData;
    for (let i = 0; i < ad.length; i++) {
      for (const mask of [0x01, 0x04, 0x10, 0x40, 0x80]) {
        const c = ad.slice();
        c[i]! ^= mask;
        const expected =
          i < 32 ? 'RP_ID_HASH_MISMATCH' : i === 32 ? expectedForFlags(c[32]!) : 'SIGNATURE_INVALID';
        expect(
          await codeOf(verifyAuthentication(authOptions({ authenticatorData: c }))),
          `byte ${i} ^ ${mask}`,
        ).toBe(expected);
      }
    }
  });

  it('every single-byte flip in client data gets the code its content implies', async () => {
    const cd = baseAssertion.clientDataJSON;
    for (let i = 0; i < cd.length; i++) {
      for (const mask of [0x01, 0x20, 0x80]) {
        const c = cd.slice();
        c[i]! ^= mask;
        expect(
          await codeOf(verifyAuthentication(authOptions({ clientDataJSON: c }))),
          `byte ${i} ^ ${mask}`,
        ).toBe(expectedForClientData(c));
      }
    }
  });

  it('every truncation of signature, authenticator data and client data is refused', async () => {
    const a = baseAssertion;
    for (let n = 0; n < a.signature.length; n++) {
      expect(await codeOf(verifyAuthentication(authOptions({ signature: a.signature.subarray(0, n) })))).toBe(
        'SIGNATURE_INVALID',
      );
    }
    for (let n = 0; n < a.authData.length; n++) {
      expect(
        await codeOf(verifyAuthentication(authOptions({ authenticatorData: a.authData.subarray(0, n) }))),
      ).toBe('AUTH_DATA_MALFORMED');
    }
    for (let n = 0; n < a.clientDataJSON.length; n++) {
      expect(
        await codeOf(verifyAuthentication(authOptions({ clientDataJSON: a.clientDataJSON.subarray(0, n) }))),
      ).toBe('CLIENT_DATA_MALFORMED');
    }
  });

  it('wrong origin, challenge, RP ID, type, credential and counter', async () => {
    const v = (extra: Partial<VerifyAuthenticationOptions>, resp = {}) =>
      codeOf(verifyAuthentication(authOptions(resp, extra)));
    expect(await v({ expectedOrigin: 'https://evil.example.com' })).toBe('ORIGIN_MISMATCH');
    expect(await v({ expectedChallenge: toBase64Url(new Uint8Array(32)) })).toBe('CHALLENGE_MISMATCH');
    expect(await v({ expectedRpId: 'example.com' })).toBe('RP_ID_HASH_MISMATCH');
    expect(await v({ credential: { ...credential, id: 'AAAA' } })).toBe('CREDENTIAL_ID_MISMATCH');
    expect(await v({ credential: { ...credential, signCount: 5 } })).toBe('SIGN_COUNT_REGRESSION');
    expect(await v({ credential: { ...credential, signCount: 9 } })).toBe('SIGN_COUNT_REGRESSION');
    const createType = buildClientDataJSON({ type: 'webauthn.create', challenge: authChallenge, origin });
    expect(await v({}, { clientDataJSON: createType })).toBe('CLIENT_DATA_TYPE');
    const cross = makeAssertion({
      credential: reg.credential,
      credentialId: reg.credentialId,
      rpId,
      origin,
      challenge: authChallenge,
      crossOrigin: true,
      topOrigin: 'https://top.example',
    });
    const crossResp = {
      clientDataJSON: cross.clientDataJSON,
      authenticatorData: cross.authData,
      signature: cross.signature,
    };
    expect(await v({}, crossResp)).toBe('CROSS_ORIGIN');
    expect(await v({ expectedTopOrigin: 'https://other.example' }, crossResp)).toBe('TOP_ORIGIN_MISMATCH');
    expect(await v({ expectedTopOrigin: 'https://top.example' }, crossResp)).toBe('ACCEPTED');
    expect(await v({ allowCrossOrigin: true }, crossResp)).toBe('ACCEPTED');
  });

  it('trailing bytes, attested data or BS-without-BE in a signed assertion are refused', async () => {
    const mk = (flags: number, suffix?: Uint8Array) => {
      const a = makeAssertion({
        credential: reg.credential,
        credentialId: reg.credentialId,
        rpId,
        origin,
        challenge: authChallenge,
        flags,
        ...(suffix ? { authDataSuffix: suffix } : {}),
      });
      return codeOf(
        verifyAuthentication(
          authOptions({
            clientDataJSON: a.clientDataJSON,
            authenticatorData: a.authData,
            signature: a.signature,
          }),
        ),
      );
    };
    expect(await mk(FLAG.UP | FLAG.UV, new Uint8Array([0]))).toBe('AUTH_DATA_TRAILING_BYTES');
    expect(
      await mk(FLAG.UP | FLAG.UV | FLAG.ED, cat(encodeCtap(new Map([['x', 1]])), new Uint8Array([0]))),
    ).toBe('AUTH_DATA_TRAILING_BYTES');
    expect(await mk(FLAG.UP | FLAG.UV | FLAG.BS)).toBe('AUTH_DATA_FLAGS');
    expect(await mk(FLAG.UP | FLAG.UV | FLAG.ED, encodeCtap(new Map([['x', 1]])))).toBe('ACCEPTED');
  });

  it('malformed JSON shapes and base64url are INVALID_INPUT, never a TypeError', async () => {
    const bad: unknown[] = [
      null,
      1,
      'x',
      {},
      { ...baseAssertion.response, type: 'other' },
      { ...baseAssertion.response, response: null },
      { ...baseAssertion.response, rawId: 'a+b' },
    ];
    for (const response of bad) {
      expect(await codeOf(verifyAuthentication({ ...authOptions({}), response: response as never }))).toBe(
        'INVALID_INPUT',
      );
    }
    expect(await codeOf(verifyAuthentication({ ...authOptions({}), expectedChallenge: '***' }))).toBe(
      'INVALID_BASE64URL',
    );
  });
});

describe('negative corpus: registrations', () => {
  let challenge: Uint8Array;
  let base: SoftRegistration;
  const regOptions = (
    attObj?: Uint8Array,
    extra: Partial<VerifyRegistrationOptions> = {},
  ): VerifyRegistrationOptions => ({
    response: attObj
      ? { ...base.response, response: { ...base.response.response, attestationObject: toBase64Url(attObj) } }
      : base.response,
    expectedChallenge: toBase64Url(challenge),
    expectedOrigin: origin,
    expectedRpId: rpId,
    ...extra,
  });
  const attObjOf = (r: SoftRegistration) => Buffer.from(r.response.response.attestationObject, 'base64url');

  beforeAll(() => {
    challenge = new Uint8Array(randomBytes(32));
    base = makeRegistration({ rpId, origin, challenge, fmt: 'packed-self' });
  });

  it('every single-byte flip in the attestation object is refused with a WebAuthnError', async () => {
    const attObj = new Uint8Array(attObjOf(base));
    const codes = new Map<string, number>();
    for (const c of flips(attObj)) {
      const code = await codeOf(verifyRegistration(regOptions(c)));
      expect(code).not.toBe('ACCEPTED');
      expect(code).not.toBe('INVALID_INPUT');
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    // The flips reach every layer: CBOR, authenticator data, key, attestation.
    for (const code of [
      'ATTESTATION_OBJECT_MALFORMED',
      'RP_ID_HASH_MISMATCH',
      'ATTESTATION_INVALID',
      'AUTH_DATA_MALFORMED',
    ]) {
      expect(codes.has(code), code).toBe(true);
    }
  });

  it('every truncation of the attestation object is ATTESTATION_OBJECT_MALFORMED', async () => {
    const attObj = new Uint8Array(attObjOf(base));
    for (let n = 0; n < attObj.length; n++) {
      expect(await codeOf(verifyRegistration(regOptions(attObj.subarray(0, n))))).toBe(
        'ATTESTATION_OBJECT_MALFORMED',
      );
    }
  });

  it('trailing bytes, duplicate keys, indefinite lengths and oversize lengths in CBOR', async () => {
    const attObj = new Uint8Array(attObjOf(base));
    expect(await codeOf(verifyRegistration(regOptions(cat(attObj, new Uint8Array([0])))))).toBe(
      'ATTESTATION_OBJECT_MALFORMED',
    );
    // Duplicate "fmt": bump the map count and append another fmt entry.
    const dup = cat(new Uint8Array([0xa4]), attObj.subarray(1), encodeCtap('fmt'), encodeCtap('none'));
    expect(await codeOf(verifyRegistration(regOptions(dup)))).toBe('ATTESTATION_OBJECT_MALFORMED');
    // Indefinite-length map header.
    const indef = cat(new Uint8Array([0xbf]), attObj.subarray(1), new Uint8Array([0xff]));
    expect(await codeOf(verifyRegistration(regOptions(indef)))).toBe('ATTESTATION_OBJECT_MALFORMED');
    // A byte string claiming 4 GiB.
    const huge = encodeCtap(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
      ]),
    );
    const oversize = cat(
      new Uint8Array([0xa3]),
      huge.subarray(1),
      encodeCtap('authData'),
      new Uint8Array([0x5a, 0xff, 0xff, 0xff, 0xff, 1, 2]),
    );
    expect(await codeOf(verifyRegistration(regOptions(oversize)))).toBe('ATTESTATION_OBJECT_MALFORMED');
  });

  it('BS without BE, missing UP, oversize credential ID length, wrong challenge/origin/RP ID/type', async () => {
    const mk = (p: Partial<Parameters<typeof makeRegistration>[0]>) =>
      makeRegistration({ rpId, origin, challenge, ...p });
    const run = (r: SoftRegistration, extra: Partial<VerifyRegistrationOptions> = {}) =>
      codeOf(
        verifyRegistration({
          response: r.response,
          expectedChallenge: toBase64Url(challenge),
          expectedOrigin: origin,
          expectedRpId: rpId,
          ...extra,
        }),
      );
    expect(await run(mk({ flags: FLAG.UP | FLAG.UV | FLAG.AT | FLAG.BS }))).toBe('AUTH_DATA_FLAGS');
    expect(await run(mk({ flags: FLAG.UV | FLAG.AT }))).toBe('USER_NOT_PRESENT');
    expect(await run(mk({ flags: FLAG.UP | FLAG.AT }))).toBe('USER_NOT_VERIFIED');
    expect(await run(mk({ flags: FLAG.UP | FLAG.AT }), { requireUserVerification: false })).toBe('ACCEPTED');
    expect(await run(mk({ credentialId: new Uint8Array(1024) }))).toBe('AUTH_DATA_MALFORMED');
    expect(await run(base, { expectedChallenge: toBase64Url(new Uint8Array(32)) })).toBe(
      'CHALLENGE_MISMATCH',
    );
    expect(await run(base, { expectedOrigin: 'https://login.example.org' })).toBe('ORIGIN_MISMATCH');
    expect(await run(base, { expectedRpId: 'example.com' })).toBe('RP_ID_HASH_MISMATCH');
    const getType = {
      ...base.response,
      response: {
        ...base.response.response,
        clientDataJSON: toBase64Url(buildClientDataJSON({ type: 'webauthn.get', challenge, origin })),
      },
    };
    expect(await codeOf(verifyRegistration({ ...regOptions(), response: getType }))).toBe('CLIENT_DATA_TYPE');
    const otherId = { ...base.response, id: 'AAAA', rawId: 'AAAA' };
    expect(await codeOf(verifyRegistration({ ...regOptions(), response: otherId }))).toBe(
      'CREDENTIAL_ID_MISMATCH',
    );
    // Self attestation signed over other client data (same challenge and origin, but crossOrigin true).
    const otherClientData = buildClientDataJSON({
      type: 'webauthn.create',
      challenge,
      origin,
      crossOrigin: true,
    });
    const swapped = {
      ...base.response,
      response: { ...base.response.response, clientDataJSON: toBase64Url(otherClientData) },
    };
    expect(
      await codeOf(verifyRegistration({ ...regOptions(), response: swapped, allowCrossOrigin: true })),
    ).toBe('ATTESTATION_INVALID');
    // Unknown format.
    const unknownFmt = encodeCtap(
      new Map<string, unknown>([
        ['fmt', 'android-safetynet'],
        ['attStmt', new Map()],
        ['authData', base.authData],
      ]),
    );
    expect(await codeOf(verifyRegistration(regOptions(unknownFmt)))).toBe('ATTESTATION_FORMAT_UNSUPPORTED');
    // none with a non-empty statement.
    const noneWithStmt = encodeCtap(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map([['sig', new Uint8Array(1)]])],
        ['authData', base.authData],
      ]),
    );
    expect(await codeOf(verifyRegistration(regOptions(noneWithStmt)))).toBe('ATTESTATION_INVALID');
    // A COSE key with an unsupported algorithm.
    const weird = mk({});
    const authData = weird.authData.slice();
    const keyStart = 37 + 16 + 2 + 32;
    const key = encodeCtap(
      new Map<number, unknown>([
        [1, 2],
        [3, -999],
        [-1, 1],
        [-2, new Uint8Array(32)],
        [-3, new Uint8Array(32)],
      ]),
    );
    const badKeyAuthData = cat(authData.subarray(0, keyStart), key);
    const attBadKey = encodeCtap(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', badKeyAuthData],
      ]),
    );
    expect(
      await codeOf(
        verifyRegistration({
          response: {
            ...weird.response,
            response: { ...weird.response.response, attestationObject: toBase64Url(attBadKey) },
          },
          expectedChallenge: toBase64Url(challenge),
          expectedOrigin: origin,
          expectedRpId: rpId,
        }),
      ),
    ).toBe('ALGORITHM_UNSUPPORTED');
  });

  it('reports the corpus size', () => {
    console.log(`negative corpus: ${corpusSize} cases`);
    expect(corpusSize).toBeGreaterThan(1000);
  });
});
