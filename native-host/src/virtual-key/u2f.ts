// The virtual key's CTAP1/U2F side (FIDO U2F Raw Message Formats v1.2): U2F_VERSION, U2F_REGISTER with
// a self-signed attestation certificate, U2F_AUTHENTICATE (check-only, enforce and don't-enforce user
// presence). Real U2F keys never block: without a recent touch they answer 0x6985 and the host polls.
import {
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createPrivateKey,
  type KeyObject,
  randomBytes,
  sign,
  webcrypto,
} from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { Ctap1Error, decodeCommandApdu, encodeResponseApdu, SW, U2F_AUTH, U2F_INS } from '../ctap1/apdu.js';
import type { StateStore, StoredCredential } from './state.js';

/** What the HID layer gives a U2F request. */
export interface U2fRequestContext {
  /**
   * True when the user touched the key recently (the touch is used up); otherwise false, and the key
   * starts waiting for a touch (blinking) so that a later poll finds one.
   */
  testPresence(): Promise<boolean>;
}

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const sha256 = (d: Uint8Array | string): Uint8Array =>
  new Uint8Array(createHash('sha256').update(d).digest());
const status = (sw: number): Uint8Array => encodeResponseApdu(new Uint8Array(0), sw);

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * Makes the U2F state once and keeps it: the attestation key pair with a self-signed certificate
 * (@peculiar/x509), the key-handle wrapping key, the global signature counter.
 */
export async function ensureU2fAttestation(store: StateStore): Promise<void> {
  if (store.state.u2f) return;
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(randomBytes(8))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: 'CN=mfa-bridge virtual U2F key, O=mfa-bridge, C=NL',
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + 20 * 365 * 86_400_000),
    signingAlgorithm: alg,
    keys,
    extensions: [new x509.BasicConstraintsExtension(false, undefined, true)],
  });
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  store.state.u2f = {
    certificate: Buffer.from(cert.rawData).toString('base64'),
    privateKey: Buffer.from(pkcs8).toString('base64'),
    wrapKey: randomBytes(32).toString('base64'),
    counter: 0,
  };
  store.save();
}

const KEY_HANDLE_VERSION = 0x01;
/** version (1) || AES-GCM IV (12) || sealed P-256 private scalar (32) || tag (16). */
const KEY_HANDLE_LENGTH = 61;

/**
 * Like real U2F keys, the virtual key stores nothing per U2F credential: the private scalar travels
 * in the key handle, sealed with AES-256-GCM under the key's wrapping key, bound to the application
 * parameter (as additional data), so a handle only opens for the app it was made for.
 */
function wrapKeyHandle(store: StateStore, appParam: Uint8Array, scalar: Uint8Array): Uint8Array {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(store.state.u2f!.wrapKey, 'base64'), iv);
  cipher.setAAD(appParam);
  const sealed = Buffer.concat([cipher.update(scalar), cipher.final()]);
  return concat(new Uint8Array([KEY_HANDLE_VERSION]), iv, sealed, cipher.getAuthTag());
}

/**
 * The credential behind a U2F key handle made by this key for `appParam`, or undefined. Its signCount
 * is the key's global U2F counter; `rpId` names the RP for CTAP2 callers (U2F itself only sees hashes).
 */
export function unwrapKeyHandle(
  store: StateStore,
  appParam: Uint8Array,
  keyHandle: Uint8Array,
  rpId = '',
): StoredCredential | undefined {
  const u2f = store.state.u2f;
  if (!u2f || keyHandle.length !== KEY_HANDLE_LENGTH || keyHandle[0] !== KEY_HANDLE_VERSION) return undefined;
  let scalar: Buffer;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      Buffer.from(u2f.wrapKey, 'base64'),
      keyHandle.subarray(1, 13),
    );
    decipher.setAAD(appParam);
    decipher.setAuthTag(keyHandle.subarray(45));
    scalar = Buffer.concat([decipher.update(keyHandle.subarray(13, 45)), decipher.final()]);
  } catch {
    return undefined;
  }
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(scalar);
  const point = ecdh.getPublicKey();
  const key = createPrivateKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: scalar.toString('base64url'),
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
  return {
    id: b64u(keyHandle),
    rpId,
    alg: -7,
    privateKey: key.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    discoverable: false,
    created: 0,
    get signCount() {
      return u2f.counter;
    },
    set signCount(n: number) {
      u2f.counter = n;
    },
  };
}

export interface U2fOptions {
  /** 'short': refuse extended-length APDUs with WRONG_LENGTH, as some older keys do (default 'any'). */
  apdus?: 'any' | 'short';
}

export class U2fAuthenticator {
  constructor(
    private readonly store: StateStore,
    private readonly options: U2fOptions = {},
  ) {}

  private attestation(): { certificate: Uint8Array; key: KeyObject } {
    const a = this.store.state.u2f;
    if (!a) throw new Error('the U2F state was not made (ensureU2fAttestation)');
    return {
      certificate: new Uint8Array(Buffer.from(a.certificate, 'base64')),
      key: createPrivateKey({ key: Buffer.from(a.privateKey, 'base64'), format: 'der', type: 'pkcs8' }),
    };
  }

  /** A credential for `appParam`: a handle this key sealed, or an ES256 CTAP2 credential of an RP ID hashing to it. */
  private find(appParam: Uint8Array, keyHandle: Uint8Array): StoredCredential | undefined {
    const id = b64u(keyHandle);
    const app = b64u(appParam);
    return (
      unwrapKeyHandle(this.store, appParam, keyHandle) ??
      this.store.state.credentials.find((c) => c.id === id && c.alg === -7 && b64u(sha256(c.rpId)) === app)
    );
  }

  /** One request APDU → response APDU (data + status word). */
  async handle(apdu: Uint8Array, ctx: U2fRequestContext): Promise<Uint8Array> {
    // An extended-length APDU has a zero byte where a short one has its non-zero Lc.
    if (this.options.apdus === 'short' && apdu.length >= 7 && apdu[4] === 0) return status(SW.WRONG_LENGTH);
    let cmd: ReturnType<typeof decodeCommandApdu>;
    try {
      cmd = decodeCommandApdu(apdu);
    } catch (err) {
      if (err instanceof Ctap1Error) return status(SW.WRONG_LENGTH);
      throw err;
    }
    if (cmd.cla !== 0) return status(SW.CLA_NOT_SUPPORTED);
    switch (cmd.ins) {
      case U2F_INS.VERSION:
        if (cmd.data.length) return status(SW.WRONG_LENGTH);
        return encodeResponseApdu(new TextEncoder().encode('U2F_V2'), SW.NO_ERROR);
      case U2F_INS.REGISTER:
        return this.register(cmd.data, ctx);
      case U2F_INS.AUTHENTICATE:
        return this.authenticate(cmd.p1, cmd.data, ctx);
      default:
        return status(SW.INS_NOT_SUPPORTED);
    }
  }

  private async register(data: Uint8Array, ctx: U2fRequestContext): Promise<Uint8Array> {
    if (data.length !== 64) return status(SW.WRONG_LENGTH);
    const clientParam = data.subarray(0, 32);
    const appParam = data.subarray(32, 64);
    if (!(await ctx.testPresence())) return status(SW.CONDITIONS_NOT_SATISFIED);
    const att = this.attestation();
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const point = new Uint8Array(ecdh.getPublicKey());
    const d = ecdh.getPrivateKey();
    const scalar = new Uint8Array(32);
    scalar.set(d, 32 - d.length);
    const keyHandle = wrapKeyHandle(this.store, appParam, scalar);
    const signed = concat(new Uint8Array([0]), appParam, clientParam, keyHandle, point);
    const sig = new Uint8Array(sign('sha256', signed, { key: att.key, dsaEncoding: 'der' }));
    const body = concat(
      new Uint8Array([0x05]),
      point,
      new Uint8Array([keyHandle.length]),
      keyHandle,
      att.certificate,
      sig,
    );
    return encodeResponseApdu(body, SW.NO_ERROR);
  }

  private async authenticate(p1: number, data: Uint8Array, ctx: U2fRequestContext): Promise<Uint8Array> {
    if (data.length < 66 || data.length !== 65 + data[64]!) return status(SW.WRONG_LENGTH);
    const clientParam = data.subarray(0, 32);
    const appParam = data.subarray(32, 64);
    const cred = this.find(appParam, data.subarray(65));
    if (!cred) return status(SW.WRONG_DATA);
    let up = 0;
    switch (p1) {
      case U2F_AUTH.CHECK_ONLY:
        return status(SW.CONDITIONS_NOT_SATISFIED);
      case U2F_AUTH.ENFORCE_USER_PRESENCE:
        if (!(await ctx.testPresence())) return status(SW.CONDITIONS_NOT_SATISFIED);
        up = 1;
        break;
      case U2F_AUTH.DONT_ENFORCE_USER_PRESENCE:
        break;
      default:
        return status(SW.WRONG_DATA);
    }
    cred.signCount += 1;
    this.store.save();
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(cred.signCount >>> 0);
    const head = concat(new Uint8Array([up]), counter);
    const key = createPrivateKey({
      key: Buffer.from(cred.privateKey, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    const sig = new Uint8Array(
      sign('sha256', concat(appParam, head, clientParam), { key, dsaEncoding: 'der' }),
    );
    return encodeResponseApdu(concat(head, sig), SW.NO_ERROR);
  }
}
