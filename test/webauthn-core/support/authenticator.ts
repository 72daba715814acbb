import 'reflect-metadata';
import { createHash, KeyObject, randomBytes, sign, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { encodeCtap } from '@shared/cbor/index.js';
import { buildClientDataJSON, toBase64Url } from '@shared/webauthn/index.js';
import { makeCredential, type TestAlg, type TestCredential } from './keys.js';

/**
 * A software authenticator for tests: keys from node:crypto, CBOR from our encoder (or any encoder
 * passed in, e.g. SimpleWebAuthn's), client data from buildClientDataJSON. Its output is checked by
 * independent verifiers (SimpleWebAuthn) as well as ours.
 */

const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());
const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

export const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40, ED: 0x80 } as const;

export interface AttestationCa {
  rootDer: Uint8Array;
  leafDer: Uint8Array;
  leafKey: KeyObject;
}

/** A root CA and a packed-format attestation leaf (L3 §8.2.1 subject and extensions), P-256. */
export async function makeAttestationCa(aaguid?: Uint8Array): Promise<AttestationCa> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const rootKeys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const leafKeys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = new Date(Date.now() - 86400_000);
  const notAfter = new Date(Date.now() + 365 * 86400_000);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=mfa-bridge test attestation root, O=mfa-bridge, C=NL',
    notBefore,
    notAfter,
    keys: rootKeys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true)];
  if (aaguid) {
    extensions.push(
      new x509.Extension('1.3.6.1.4.1.45724.1.1.4', false, cat(new Uint8Array([4, 16]), aaguid)),
    );
  }
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'C=NL, O=mfa-bridge, OU=Authenticator Attestation, CN=mfa-bridge test key',
    issuer: root.subject,
    notBefore,
    notAfter,
    publicKey: leafKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: alg,
    extensions,
  });
  return {
    rootDer: new Uint8Array(root.rawData),
    leafDer: new Uint8Array(leaf.rawData),
    leafKey: KeyObject.from(leafKeys.privateKey as unknown as webcrypto.CryptoKey),
  };
}

export type Fmt = 'none' | 'packed-self' | 'packed-x5c' | 'fido-u2f';

export interface RegistrationParams {
  alg?: TestAlg;
  rpId: string;
  origin: string;
  challenge: Uint8Array;
  fmt?: Fmt;
  flags?: number;
  signCount?: number;
  aaguid?: Uint8Array;
  credentialId?: Uint8Array;
  encode?: (value: unknown) => Uint8Array;
  ca?: AttestationCa;
  crossOrigin?: boolean;
  topOrigin?: string;
}

export interface SoftRegistration {
  response: {
    id: string;
    rawId: string;
    type: 'public-key';
    response: { clientDataJSON: string; attestationObject: string; transports: string[] };
    clientExtensionResults: Record<string, unknown>;
    authenticatorAttachment: 'cross-platform';
  };
  credential: TestCredential;
  credentialId: string;
  authData: Uint8Array;
  clientDataJSON: Uint8Array;
}

export function authDataBytes(
  rpId: string,
  flags: number,
  signCount: number,
  rest: Uint8Array = new Uint8Array(),
) {
  const head = new Uint8Array(37);
  head.set(sha256(new TextEncoder().encode(rpId)));
  head[32] = flags;
  new DataView(head.buffer).setUint32(33, signCount);
  return cat(head, rest);
}

export function makeRegistration(p: RegistrationParams): SoftRegistration {
  const encode = p.encode ?? encodeCtap;
  const fmt = p.fmt ?? 'none';
  const credential = makeCredential(p.alg ?? 'ES256');
  const credentialId = p.credentialId ?? new Uint8Array(randomBytes(32));
  const aaguid = p.aaguid ?? new Uint8Array(16);
  const coseKey = encode(credential.coseKey);
  const acd = cat(
    aaguid,
    new Uint8Array([credentialId.length >> 8, credentialId.length & 0xff]),
    credentialId,
    coseKey,
  );
  const authData = authDataBytes(p.rpId, p.flags ?? FLAG.UP | FLAG.UV | FLAG.AT, p.signCount ?? 0, acd);
  const clientDataJSON = buildClientDataJSON({
    type: 'webauthn.create',
    challenge: p.challenge,
    origin: p.origin,
    ...(p.crossOrigin !== undefined ? { crossOrigin: p.crossOrigin } : {}),
    ...(p.topOrigin !== undefined ? { topOrigin: p.topOrigin } : {}),
  });
  const clientDataHash = sha256(clientDataJSON);
  let attStmt: Map<string, unknown>;
  switch (fmt) {
    case 'none':
      attStmt = new Map();
      break;
    case 'packed-self':
      attStmt = new Map<string, unknown>([
        ['alg', credential.alg],
        ['sig', credential.sign(cat(authData, clientDataHash))],
      ]);
      break;
    case 'packed-x5c': {
      const ca = p.ca!;
      const sig = new Uint8Array(
        sign('sha256', cat(authData, clientDataHash), { key: ca.leafKey, dsaEncoding: 'der' }),
      );
      attStmt = new Map<string, unknown>([
        ['alg', -7],
        ['sig', sig],
        ['x5c', [ca.leafDer]],
      ]);
      break;
    }
    case 'fido-u2f': {
      const ca = p.ca!;
      const x = credential.coseKey.get(-2) as Uint8Array;
      const y = credential.coseKey.get(-3) as Uint8Array;
      const data = cat(
        new Uint8Array([0]),
        authData.subarray(0, 32),
        clientDataHash,
        credentialId,
        new Uint8Array([4]),
        x,
        y,
      );
      const sig = new Uint8Array(sign('sha256', data, { key: ca.leafKey, dsaEncoding: 'der' }));
      attStmt = new Map<string, unknown>([
        ['sig', sig],
        ['x5c', [ca.leafDer]],
      ]);
      break;
    }
  }
  const attestationObject = encode(
    new Map<string, unknown>([
      ['fmt', fmt.startsWith('packed') ? 'packed' : fmt],
      ['attStmt', attStmt],
      ['authData', authData],
    ]),
  );
  const id = toBase64Url(credentialId);
  return {
    response: {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: toBase64Url(clientDataJSON),
        attestationObject: toBase64Url(attestationObject),
        transports: ['usb'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'cross-platform',
    },
    credential,
    credentialId: id,
    authData,
    clientDataJSON,
  };
}

export interface AssertionParams {
  credential: TestCredential;
  credentialId: string;
  rpId: string;
  origin: string;
  challenge: Uint8Array;
  signCount?: number;
  flags?: number;
  crossOrigin?: boolean;
  topOrigin?: string;
  /** Appended to the authenticator data before signing (to test trailing bytes). */
  authDataSuffix?: Uint8Array;
}

export interface SoftAssertion {
  response: {
    id: string;
    rawId: string;
    type: 'public-key';
    response: { clientDataJSON: string; authenticatorData: string; signature: string; userHandle?: string };
    clientExtensionResults: Record<string, unknown>;
    authenticatorAttachment: 'cross-platform';
  };
  authData: Uint8Array;
  clientDataJSON: Uint8Array;
  signature: Uint8Array;
}

export function makeAssertion(p: AssertionParams): SoftAssertion {
  const authData = authDataBytes(p.rpId, p.flags ?? FLAG.UP | FLAG.UV, p.signCount ?? 1, p.authDataSuffix);
  const clientDataJSON = buildClientDataJSON({
    type: 'webauthn.get',
    challenge: p.challenge,
    origin: p.origin,
    ...(p.crossOrigin !== undefined ? { crossOrigin: p.crossOrigin } : {}),
    ...(p.topOrigin !== undefined ? { topOrigin: p.topOrigin } : {}),
  });
  const signature = p.credential.sign(cat(authData, sha256(clientDataJSON)));
  return {
    response: {
      id: p.credentialId,
      rawId: p.credentialId,
      type: 'public-key',
      response: {
        clientDataJSON: toBase64Url(clientDataJSON),
        authenticatorData: toBase64Url(authData),
        signature: toBase64Url(signature),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'cross-platform',
    },
    authData,
    clientDataJSON,
    signature,
  };
}
