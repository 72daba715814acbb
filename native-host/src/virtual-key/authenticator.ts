// A software CTAP 2.1 authenticator: GetInfo, makeCredential (packed self-attestation, ES256/EdDSA,
// resident keys), getAssertion/getNextAssertion, clientPIN protocols one and two, selection, reset.
import {
  createHash,
  createPrivateKey,
  type ECDH,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  timingSafeEqual,
} from 'node:crypto';
import { CborError, decodeCtap, encodeCtap } from '@shared/cbor/index.js';
import { CLIENT_PIN_SUB, PERMISSION } from '../ctap2/client-pin.js';
import { CTAP2_CMD } from '../ctap2/commands.js';
import {
  coseKeyFromPublic,
  decapsulate,
  generateEcdh,
  PinProtocolError,
  pinProtocol,
} from '../ctap2/pin-protocol.js';
import { CTAP2_STATUS as S } from '../ctap2/status.js';
import { MAX_PIN_RETRIES, type StateStore, type StoredCredential } from './state.js';
import { unwrapKeyHandle } from './u2f.js';

export type TouchResult = 'touched' | 'cancelled' | 'timeout';

/** What the CTAPHID layer gives a running command. */
export interface RequestContext {
  signal: AbortSignal;
  /** Waits for user presence (the HID layer sends KEEPALIVE UP_NEEDED meanwhile). */
  waitForTouch(): Promise<TouchResult>;
}

export interface AuthenticatorOptions {
  /** '2.1' (default) or '2.0': a 2.0 key lists no pinUvAuthToken and refuses subcommand 0x09. */
  ctapVersion?: '2.0' | '2.1';
  /** PIN protocols offered, newest first (default [2, 1]). */
  pinProtocols?: number[];
  /** false: a key that cannot store discoverable credentials (GetInfo rk false; rk=true → UNSUPPORTED_OPTION). */
  residentKeys?: boolean;
  /** false: a key without PIN support (no clientPin option, no PIN protocols, clientPIN → INVALID_COMMAND). */
  pinSupport?: boolean;
}

class Fail extends Error {
  constructor(readonly status: number) {
    super(`CTAP status 0x${status.toString(16)}`);
  }
}

const fail = (status: number): never => {
  throw new Fail(status);
};

const sha256 = (data: Uint8Array | string): Uint8Array =>
  new Uint8Array(createHash('sha256').update(data).digest());
const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const fromB64u = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64url'));

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0);
  return out;
}

function bytesParam(m: Map<unknown, unknown>, key: number, required: boolean): Uint8Array | undefined {
  const v = m.get(key);
  if (v === undefined) return required ? fail(S.MISSING_PARAMETER) : undefined;
  return v instanceof Uint8Array ? v : fail(S.CBOR_UNEXPECTED_TYPE);
}

function intParam(m: Map<unknown, unknown>, key: number, required: boolean): number | undefined {
  const v = m.get(key);
  if (v === undefined) return required ? fail(S.MISSING_PARAMETER) : undefined;
  return typeof v === 'number' && Number.isInteger(v) ? v : fail(S.CBOR_UNEXPECTED_TYPE);
}

function mapParam(
  m: Map<unknown, unknown>,
  key: number,
  required: boolean,
): Map<unknown, unknown> | undefined {
  const v = m.get(key);
  if (v === undefined) return required ? fail(S.MISSING_PARAMETER) : undefined;
  return v instanceof Map ? v : fail(S.CBOR_UNEXPECTED_TYPE);
}

function descriptorIds(v: unknown): Uint8Array[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return fail(S.CBOR_UNEXPECTED_TYPE);
  const ids: Uint8Array[] = [];
  for (const d of v) {
    if (!(d instanceof Map)) fail(S.CBOR_UNEXPECTED_TYPE);
    const id = (d as Map<unknown, unknown>).get('id');
    const type = (d as Map<unknown, unknown>).get('type');
    if (!(id instanceof Uint8Array) || typeof type !== 'string') fail(S.MISSING_PARAMETER);
    if (type === 'public-key') ids.push(id as Uint8Array);
  }
  return ids;
}

function options(m: Map<unknown, unknown>, key: number): Record<string, boolean> {
  const o = mapParam(m, key, false);
  const out: Record<string, boolean> = {};
  if (!o) return out;
  for (const [k, v] of o) {
    if (typeof k !== 'string') continue;
    if (typeof v !== 'boolean') fail(S.CBOR_UNEXPECTED_TYPE);
    out[k] = v as boolean;
  }
  return out;
}

function coseFromPublicKey(alg: -7 | -8, pub: KeyObject): Map<number, number | Uint8Array> {
  const jwk = pub.export({ format: 'jwk' });
  const x = fromB64u(jwk.x ?? '');
  if (alg === -8) {
    return new Map<number, number | Uint8Array>([
      [1, 1],
      [3, -8],
      [-1, 6],
      [-2, x],
    ]);
  }
  return new Map<number, number | Uint8Array>([
    [1, 2],
    [3, -7],
    [-1, 1],
    [-2, x],
    [-3, fromB64u(jwk.y ?? '')],
  ]);
}

function signWith(alg: -7 | -8, key: KeyObject, data: Uint8Array): Uint8Array {
  return new Uint8Array(
    alg === -8 ? sign(null, data, key) : sign('sha256', data, { key, dsaEncoding: 'der' }),
  );
}

interface PinToken {
  value: Uint8Array;
  permissions: number;
  rpId?: string;
  protocol: number;
}

interface NextAssertionState {
  rpId: string;
  clientDataHash: Uint8Array;
  flags: number;
  remaining: StoredCredential[];
  expires: number;
}

export class VirtualAuthenticator {
  private keyAgreement: ECDH = generateEcdh();
  private token: PinToken | null = null;
  private consecutiveFailures = 0;
  private next: NextAssertionState | null = null;
  private readonly version: '2.0' | '2.1';
  private readonly pinProtocols: number[];
  private readonly residentKeys: boolean;
  private readonly pinSupport: boolean;

  constructor(
    private readonly store: StateStore,
    options: AuthenticatorOptions = {},
  ) {
    this.version = options.ctapVersion ?? '2.1';
    this.residentKeys = options.residentKeys ?? true;
    this.pinSupport = options.pinSupport ?? true;
    this.pinProtocols = this.pinSupport ? (options.pinProtocols ?? [2, 1]) : [];
  }

  /** Forgets power-up state: PIN_AUTH_BLOCKED lifts, tokens and key agreement keys are renewed. */
  powerCycle(): void {
    this.keyAgreement = generateEcdh();
    this.token = null;
    this.consecutiveFailures = 0;
    this.next = null;
  }

  get credentialCount(): number {
    return this.store.state.credentials.length;
  }

  get pinSet(): boolean {
    return this.store.state.pinHash !== undefined;
  }

  /** Sets a PIN directly (the CLI's --pin), as if setPIN had run. */
  presetPin(pin: string): void {
    this.store.state.pinHash = Buffer.from(sha256(pin).subarray(0, 16)).toString('base64');
    this.store.state.pinRetries = MAX_PIN_RETRIES;
    this.store.save();
  }

  /** One CTAP2 request (command byte + CBOR) → status byte + CBOR. */
  async handle(request: Uint8Array, ctx: RequestContext): Promise<Uint8Array> {
    try {
      if (request.length === 0) fail(S.INVALID_LENGTH);
      const cmd = request[0]!;
      let params = new Map<unknown, unknown>();
      if (request.length > 1) {
        let decoded: unknown;
        try {
          decoded = decodeCtap(request.subarray(1));
        } catch (err) {
          if (err instanceof CborError) fail(S.INVALID_CBOR);
          throw err;
        }
        if (!(decoded instanceof Map)) fail(S.CBOR_UNEXPECTED_TYPE);
        params = decoded as Map<unknown, unknown>;
      }
      if (cmd !== CTAP2_CMD.GET_NEXT_ASSERTION) this.next = null;
      let result: Map<unknown, unknown> | null;
      switch (cmd) {
        case CTAP2_CMD.GET_INFO:
          result = this.getInfo();
          break;
        case CTAP2_CMD.MAKE_CREDENTIAL:
          result = await this.makeCredential(params, ctx);
          break;
        case CTAP2_CMD.GET_ASSERTION:
          result = await this.getAssertion(params, ctx);
          break;
        case CTAP2_CMD.GET_NEXT_ASSERTION:
          result = this.getNextAssertion();
          break;
        case CTAP2_CMD.CLIENT_PIN:
          if (!this.pinSupport) fail(S.INVALID_COMMAND);
          result = this.clientPin(params);
          break;
        case CTAP2_CMD.RESET:
          result = await this.reset(ctx);
          break;
        case CTAP2_CMD.SELECTION:
          if (this.version === '2.0') fail(S.INVALID_COMMAND);
          await this.touch(ctx);
          result = null;
          break;
        default:
          result = fail(S.INVALID_COMMAND);
      }
      if (!result) return new Uint8Array([S.OK]);
      return concat(new Uint8Array([S.OK]), encodeCtap(result));
    } catch (err) {
      if (err instanceof Fail) return new Uint8Array([err.status]);
      if (err instanceof PinProtocolError) return new Uint8Array([S.INVALID_PARAMETER]);
      return new Uint8Array([S.OTHER]);
    }
  }

  getInfo(): Map<unknown, unknown> {
    const opts = new Map<string, boolean>([
      ['rk', this.residentKeys],
      ['up', true],
      ['plat', false],
    ]);
    if (this.pinSupport) opts.set('clientPin', this.pinSet);
    if (this.version === '2.1') {
      opts.set('pinUvAuthToken', true);
      opts.set('makeCredUvNotRqd', true);
    }
    const info = new Map<number, unknown>([
      [1, this.version === '2.1' ? ['FIDO_2_0', 'FIDO_2_1'] : ['FIDO_2_0']],
      [2, []],
      [3, Buffer.from(this.store.state.aaguid, 'hex')],
      [4, opts],
      [5, 7609],
      [6, this.pinProtocols],
      [7, 8],
      [8, 128],
      [9, ['usb']],
      [
        10,
        [
          new Map<string, unknown>([
            ['alg', -7],
            ['type', 'public-key'],
          ]),
          new Map<string, unknown>([
            ['alg', -8],
            ['type', 'public-key'],
          ]),
        ],
      ],
      [0x0d, 4],
      [0x0e, 0x010000],
    ]);
    return info;
  }

  private async touch(ctx: RequestContext): Promise<void> {
    const r = await ctx.waitForTouch();
    if (r === 'cancelled') fail(S.KEEPALIVE_CANCEL);
    if (r === 'timeout') fail(S.USER_ACTION_TIMEOUT);
  }

  /** Checks pinUvAuthParam against the current token; returns true when the request is user-verified. */
  private checkPinUvAuth(
    params: Map<unknown, unknown>,
    paramKey: number,
    protocolKey: number,
    message: Uint8Array,
    permission: number,
    rpId: string,
  ): boolean {
    const param = bytesParam(params, paramKey, false);
    if (param === undefined) return false;
    const protocol = intParam(params, protocolKey, true)!;
    if (!this.pinProtocols.includes(protocol)) fail(S.INVALID_PARAMETER);
    const token = this.token;
    if (!token || token.protocol !== protocol) return fail(S.PIN_AUTH_INVALID);
    if (!pinProtocol(protocol).verify(token.value, message, param)) fail(S.PIN_AUTH_INVALID);
    if ((token.permissions & permission) === 0) fail(S.PIN_AUTH_INVALID);
    if (token.rpId !== undefined && token.rpId !== rpId) fail(S.PIN_AUTH_INVALID);
    if (token.rpId === undefined) token.rpId = rpId;
    return true;
  }

  private async makeCredential(
    params: Map<unknown, unknown>,
    ctx: RequestContext,
  ): Promise<Map<unknown, unknown>> {
    const clientDataHash = bytesParam(params, 1, true)!;
    const rp = mapParam(params, 2, true)!;
    const user = mapParam(params, 3, true)!;
    const credParams = params.get(4);
    if (credParams === undefined) fail(S.MISSING_PARAMETER);
    if (!Array.isArray(credParams)) fail(S.CBOR_UNEXPECTED_TYPE);
    const rpId = rp.get('id');
    if (typeof rpId !== 'string') return fail(S.MISSING_PARAMETER);
    const userId = user.get('id');
    if (!(userId instanceof Uint8Array)) return fail(S.MISSING_PARAMETER);
    if (userId.length > 64) fail(S.INVALID_LENGTH);

    const emptyAuth = params.get(8);
    if (emptyAuth instanceof Uint8Array && emptyAuth.length === 0) {
      await this.touch(ctx);
      return fail(this.pinSet ? S.PIN_INVALID : S.PIN_NOT_SET);
    }

    let alg: -7 | -8 | undefined;
    for (const c of credParams as unknown[]) {
      if (!(c instanceof Map)) fail(S.CBOR_UNEXPECTED_TYPE);
      const a = (c as Map<unknown, unknown>).get('alg');
      const t = (c as Map<unknown, unknown>).get('type');
      if (t === 'public-key' && (a === -7 || a === -8)) {
        alg = a;
        break;
      }
    }
    if (alg === undefined) return fail(S.UNSUPPORTED_ALGORITHM);

    const opts = options(params, 7);
    if (opts.up === false) fail(S.INVALID_OPTION);
    if (opts.uv === true) fail(S.INVALID_OPTION);
    const rk = opts.rk === true;
    if (rk && !this.residentKeys) fail(S.UNSUPPORTED_OPTION);

    const uv = this.checkPinUvAuth(params, 8, 9, clientDataHash, PERMISSION.MC, rpId);
    if (!uv && this.pinSet && (rk || this.version === '2.0')) fail(S.PUAT_REQUIRED);

    const excluded = descriptorIds(params.get(5));
    if (excluded.some((id) => this.find(rpId, id))) {
      await this.touch(ctx);
      fail(S.CREDENTIAL_EXCLUDED);
    }
    if (this.store.state.credentials.length >= 1000) fail(S.KEY_STORE_FULL);

    await this.touch(ctx);

    const { privateKey, publicKey } =
      alg === -8 ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const credId = randomBytes(32);
    const cred: StoredCredential = {
      id: b64u(credId),
      rpId,
      alg,
      privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
      signCount: 0,
      discoverable: rk,
      created: Date.now(),
    };
    if (rk) {
      cred.userId = b64u(userId);
      const name = user.get('name');
      const displayName = user.get('displayName');
      if (typeof name === 'string') cred.userName = name;
      if (typeof displayName === 'string') cred.displayName = displayName;
      // A new discoverable credential replaces the one for the same user on the same RP.
      this.store.state.credentials = this.store.state.credentials.filter(
        (c) => !(c.discoverable && c.rpId === rpId && c.userId === cred.userId),
      );
    }
    this.store.state.credentials.push(cred);
    this.store.save();

    const flags = 0x01 | (uv ? 0x04 : 0) | 0x40;
    const attested = concat(
      Buffer.from(this.store.state.aaguid, 'hex'),
      new Uint8Array([credId.length >> 8, credId.length & 0xff]),
      credId,
      encodeCtap(coseFromPublicKey(alg, publicKey)),
    );
    const authData = concat(sha256(rpId), new Uint8Array([flags]), u32(0), attested);
    const sig = signWith(alg, privateKey, concat(authData, clientDataHash));
    return new Map<number, unknown>([
      [1, 'packed'],
      [2, authData],
      [
        3,
        new Map<string, unknown>([
          ['alg', alg],
          ['sig', sig],
        ]),
      ],
    ]);
  }

  private find(rpId: string, id: Uint8Array): StoredCredential | undefined {
    const key = b64u(id);
    const stored = this.store.state.credentials.find((c) => c.id === key && c.rpId === rpId);
    // A key handle made by U2F_REGISTER for this RP ID (real keys accept those over CTAP2 too).
    return stored ?? unwrapKeyHandle(this.store, sha256(rpId), id, rpId);
  }

  private assertion(
    cred: StoredCredential,
    clientDataHash: Uint8Array,
    flags: number,
    withUser: boolean,
    count?: number,
  ): Map<unknown, unknown> {
    cred.signCount += 1;
    this.store.save();
    const authData = concat(sha256(cred.rpId), new Uint8Array([flags]), u32(cred.signCount));
    const key = createPrivateKey({
      key: Buffer.from(cred.privateKey, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    const sig = signWith(cred.alg, key, concat(authData, clientDataHash));
    const out = new Map<number, unknown>([
      [
        1,
        new Map<string, unknown>([
          ['id', fromB64u(cred.id)],
          ['type', 'public-key'],
        ]),
      ],
      [2, authData],
      [3, sig],
    ]);
    if (withUser && cred.userId !== undefined) {
      const user = new Map<string, unknown>([['id', fromB64u(cred.userId)]]);
      if (count !== undefined && count > 1 && flags & 0x04) {
        if (cred.userName !== undefined) user.set('name', cred.userName);
        if (cred.displayName !== undefined) user.set('displayName', cred.displayName);
      }
      out.set(4, user);
    }
    if (count !== undefined && count > 1) out.set(5, count);
    return out;
  }

  private async getAssertion(
    params: Map<unknown, unknown>,
    ctx: RequestContext,
  ): Promise<Map<unknown, unknown>> {
    const rpIdValue = params.get(1);
    if (rpIdValue === undefined) fail(S.MISSING_PARAMETER);
    if (typeof rpIdValue !== 'string') fail(S.CBOR_UNEXPECTED_TYPE);
    const rpId = rpIdValue as string;
    const clientDataHash = bytesParam(params, 2, true)!;

    const emptyAuth = params.get(6);
    if (emptyAuth instanceof Uint8Array && emptyAuth.length === 0) {
      await this.touch(ctx);
      return fail(this.pinSet ? S.PIN_INVALID : S.PIN_NOT_SET);
    }
    const opts = options(params, 5);
    if (opts.uv === true) fail(S.INVALID_OPTION);
    if (opts.rk !== undefined) fail(S.UNSUPPORTED_OPTION);
    const up = opts.up !== false;
    const uv = this.checkPinUvAuth(params, 6, 7, clientDataHash, PERMISSION.GA, rpId);

    const allow = descriptorIds(params.get(3));
    let creds: StoredCredential[];
    if (allow.length) {
      creds = allow.map((id) => this.find(rpId, id)).filter((c): c is StoredCredential => c !== undefined);
      creds = creds.slice(0, 1);
    } else {
      creds = this.store.state.credentials
        .filter((c) => c.discoverable && c.rpId === rpId)
        .sort((a, b) => b.created - a.created);
    }
    if (creds.length === 0) {
      if (up) await this.touch(ctx);
      return fail(S.NO_CREDENTIALS);
    }
    if (up) await this.touch(ctx);
    const flags = (up ? 0x01 : 0) | (uv ? 0x04 : 0);
    const [first, ...rest] = creds;
    if (!allow.length && rest.length) {
      this.next = { rpId, clientDataHash, flags, remaining: rest, expires: Date.now() + 30_000 };
    }
    return this.assertion(
      first!,
      clientDataHash,
      flags,
      !allow.length,
      allow.length ? undefined : creds.length,
    );
  }

  private getNextAssertion(): Map<unknown, unknown> {
    const next = this.next;
    if (!next || Date.now() > next.expires) {
      this.next = null;
      return fail(S.NOT_ALLOWED);
    }
    const cred = next.remaining.shift()!;
    if (next.remaining.length === 0) this.next = null;
    return this.assertion(cred, next.clientDataHash, next.flags, true);
  }

  private async reset(ctx: RequestContext): Promise<null> {
    await this.touch(ctx);
    this.store.state.credentials = [];
    delete this.store.state.pinHash;
    this.store.state.pinRetries = MAX_PIN_RETRIES;
    this.store.save();
    this.powerCycle();
    return null;
  }

  private pinMismatch(): never {
    this.keyAgreement = generateEcdh();
    this.consecutiveFailures += 1;
    this.store.save();
    if (this.store.state.pinRetries === 0) fail(S.PIN_BLOCKED);
    if (this.consecutiveFailures >= 3) fail(S.PIN_AUTH_BLOCKED);
    return fail(S.PIN_INVALID);
  }

  /** Decrements the retry counter and compares the encrypted PIN hash with the stored one. */
  private checkPinHash(protocolVersion: number, sharedSecret: Uint8Array, pinHashEnc: Uint8Array): void {
    const state = this.store.state;
    state.pinRetries -= 1;
    this.store.save();
    let hash: Uint8Array;
    try {
      hash = pinProtocol(protocolVersion).decrypt(sharedSecret, pinHashEnc);
    } catch {
      this.pinMismatch();
    }
    const stored = Buffer.from(state.pinHash!, 'base64');
    if (hash!.length !== 16 || !timingSafeEqual(hash!, stored)) this.pinMismatch();
    state.pinRetries = MAX_PIN_RETRIES;
    this.consecutiveFailures = 0;
    this.store.save();
  }

  private decodeNewPin(protocolVersion: number, sharedSecret: Uint8Array, newPinEnc: Uint8Array): Uint8Array {
    const padded = pinProtocol(protocolVersion).decrypt(sharedSecret, newPinEnc);
    if (padded.length !== 64) fail(S.INVALID_PARAMETER);
    const end = padded.indexOf(0);
    const pin = padded.subarray(0, end < 0 ? 64 : end);
    const text = new TextDecoder().decode(pin);
    if ([...text].length < 4 || pin.length > 63) fail(S.PIN_POLICY_VIOLATION);
    return sha256(pin).subarray(0, 16);
  }

  private clientPin(params: Map<unknown, unknown>): Map<unknown, unknown> | null {
    const sub = intParam(params, 2, true)!;
    const state = this.store.state;
    if (sub === CLIENT_PIN_SUB.GET_RETRIES) {
      return new Map<number, unknown>([
        [3, state.pinRetries],
        [4, false],
      ]);
    }
    const version = intParam(params, 1, true)!;
    if (!this.pinProtocols.includes(version)) fail(S.INVALID_PARAMETER);
    const protocol = pinProtocol(version);
    if (sub === CLIENT_PIN_SUB.GET_KEY_AGREEMENT) {
      return new Map<number, unknown>([[1, coseKeyFromPublic(this.keyAgreement.getPublicKey())]]);
    }
    const platformKey = mapParam(params, 3, true);
    switch (sub) {
      case CLIENT_PIN_SUB.SET_PIN: {
        const auth = bytesParam(params, 4, true)!;
        const newPinEnc = bytesParam(params, 5, true)!;
        if (this.pinSet) fail(S.NOT_ALLOWED);
        const secret = decapsulate(protocol, this.keyAgreement, platformKey);
        if (!protocol.verify(secret, newPinEnc, auth)) fail(S.PIN_AUTH_INVALID);
        state.pinHash = Buffer.from(this.decodeNewPin(version, secret, newPinEnc)).toString('base64');
        state.pinRetries = MAX_PIN_RETRIES;
        this.store.save();
        return null;
      }
      case CLIENT_PIN_SUB.CHANGE_PIN: {
        const auth = bytesParam(params, 4, true)!;
        const newPinEnc = bytesParam(params, 5, true)!;
        const pinHashEnc = bytesParam(params, 6, true)!;
        if (!this.pinSet) fail(S.PIN_NOT_SET);
        if (state.pinRetries === 0) fail(S.PIN_BLOCKED);
        if (this.consecutiveFailures >= 3) fail(S.PIN_AUTH_BLOCKED);
        const secret = decapsulate(protocol, this.keyAgreement, platformKey);
        if (!protocol.verify(secret, concat(newPinEnc, pinHashEnc), auth)) fail(S.PIN_AUTH_INVALID);
        this.checkPinHash(version, secret, pinHashEnc);
        state.pinHash = Buffer.from(this.decodeNewPin(version, secret, newPinEnc)).toString('base64');
        this.token = null;
        this.store.save();
        return null;
      }
      case CLIENT_PIN_SUB.GET_PIN_TOKEN:
      case CLIENT_PIN_SUB.GET_PIN_TOKEN_WITH_PERMISSIONS: {
        const withPermissions = sub === CLIENT_PIN_SUB.GET_PIN_TOKEN_WITH_PERMISSIONS;
        if (withPermissions && this.version === '2.0') fail(S.INVALID_SUBCOMMAND);
        const pinHashEnc = bytesParam(params, 6, true)!;
        let permissions = PERMISSION.MC | PERMISSION.GA;
        let rpId: string | undefined;
        if (withPermissions) {
          permissions = intParam(params, 9, true)!;
          if (permissions === 0) fail(S.INVALID_PARAMETER);
          if (permissions & ~(PERMISSION.MC | PERMISSION.GA)) fail(S.UNAUTHORIZED_PERMISSION);
          const r = params.get(10);
          if (r !== undefined && typeof r !== 'string') fail(S.CBOR_UNEXPECTED_TYPE);
          rpId = r as string | undefined;
        } else if (params.has(9) || params.has(10)) {
          fail(S.INVALID_PARAMETER);
        }
        if (!this.pinSet) fail(S.PIN_NOT_SET);
        if (state.pinRetries === 0) fail(S.PIN_BLOCKED);
        if (this.consecutiveFailures >= 3) fail(S.PIN_AUTH_BLOCKED);
        const secret = decapsulate(protocol, this.keyAgreement, platformKey);
        this.checkPinHash(version, secret, pinHashEnc);
        this.keyAgreement = generateEcdh();
        const token: PinToken = { value: randomBytes(32), permissions, protocol: version };
        if (rpId !== undefined) token.rpId = rpId;
        this.token = token;
        return new Map<number, unknown>([[2, protocol.encrypt(secret, token.value)]]);
      }
      default:
        return fail(S.INVALID_SUBCOMMAND);
    }
  }
}
