// The virtual key's CTAP1/U2F side (FIDO U2F Raw Message Formats v1.2): U2F_VERSION, U2F_REGISTER with
// a self-signed attestation certificate, U2F_AUTHENTICATE (check-only, enforce and don't-enforce user
// presence). Real U2F keys never block: without a recent touch they answer 0x6985 and the host polls.
import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
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

/** Makes the attestation key pair and a self-signed certificate for it, once, and keeps them in the state. */
export async function ensureU2fAttestation(store: StateStore): Promise<void> {
  if (store.state.u2fAttestation) return;
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
  store.state.u2fAttestation = {
    certificate: Buffer.from(cert.rawData).toString('base64'),
    privateKey: Buffer.from(pkcs8).toString('base64'),
  };
  store.save();
}

export class U2fAuthenticator {
  constructor(private readonly store: StateStore) {}

  private attestation(): { certificate: Uint8Array; key: KeyObject } {
    const a = this.store.state.u2fAttestation;
    if (!a) throw new Error('the U2F attestation certificate was not made (ensureU2fAttestation)');
    return {
      certificate: new Uint8Array(Buffer.from(a.certificate, 'base64')),
      key: createPrivateKey({ key: Buffer.from(a.privateKey, 'base64'), format: 'der', type: 'pkcs8' }),
    };
  }

  /** A credential this key made for `appParam`: by U2F_REGISTER, or by CTAP2 for an RP ID hashing to it. */
  private find(appParam: Uint8Array, keyHandle: Uint8Array): StoredCredential | undefined {
    const id = b64u(keyHandle);
    const app = b64u(appParam);
    return this.store.state.credentials.find(
      (c) =>
        c.id === id &&
        c.alg === -7 &&
        (c.appParam === app || (c.rpId !== '' && b64u(sha256(c.rpId)) === app)),
    );
  }

  /** One request APDU → response APDU (data + status word). */
  async handle(apdu: Uint8Array, ctx: U2fRequestContext): Promise<Uint8Array> {
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
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const point = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-65));
    const keyHandle = randomBytes(64);
    this.store.state.credentials.push({
      id: b64u(keyHandle),
      rpId: '',
      appParam: b64u(appParam),
      alg: -7,
      privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
      signCount: 0,
      discoverable: false,
      created: Date.now(),
    });
    this.store.save();
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
