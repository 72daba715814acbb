// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { ALGORITHM_NAMES, ALGORITHMS, type AlgorithmSpec, COSE_ALG } from '../../cose/algorithms.js';
import { type CoseKeyInfo, verifyWithSpec } from '../../cose/key.js';
import { WebAuthnError } from '../errors.js';
import { bytesEqual } from './types.js';

export type X509Certificate = x509.X509Certificate;

/** Parses a DER certificate with @peculiar/x509; `ATTESTATION_INVALID` if it is not one. */
export function parseCertificate(der: unknown, what = 'attestation certificate'): x509.X509Certificate {
  if (!(der instanceof Uint8Array))
    throw new WebAuthnError('ATTESTATION_INVALID', `${what} is not a byte string`);
  try {
    return new x509.X509Certificate(der as Uint8Array<ArrayBuffer>);
  } catch (err) {
    throw new WebAuthnError('ATTESTATION_INVALID', `${what} is not a valid X.509 certificate`, {
      cause: err,
    });
  }
}

/** The certificate's X.509 version as written in it (3 for v3). */
export function certificateVersion(cert: x509.X509Certificate): number {
  return AsnConvert.parse(cert.rawData, Certificate).tbsCertificate.version + 1;
}

/** Reads `x5c` from an attestation statement: a non-empty array of DER certificates. */
export function readX5c(attStmt: ReadonlyMap<unknown, unknown>): Uint8Array[] {
  const x5c = attStmt.get('x5c');
  if (!Array.isArray(x5c) || x5c.length === 0 || !x5c.every((c) => c instanceof Uint8Array)) {
    throw new WebAuthnError('ATTESTATION_INVALID', 'x5c is not a non-empty array of certificates');
  }
  return x5c as Uint8Array[];
}

function importParamsFor(
  spec: AlgorithmSpec,
): AlgorithmIdentifier | EcKeyImportParams | RsaHashedImportParams {
  switch (spec.kind) {
    case 'ecdsa':
      return { name: 'ECDSA', namedCurve: spec.curve };
    case 'eddsa':
      return { name: spec.curve };
    case 'rsa-pss':
      return { name: 'RSA-PSS', hash: spec.hash };
    default:
      return { name: 'RSASSA-PKCS1-v1_5', hash: spec.hash };
  }
}

/** Looks up a COSE algorithm for an attestation signature (RS1 allowed here). */
export function attestationAlgorithm(alg: unknown): AlgorithmSpec {
  const spec = typeof alg === 'number' ? ALGORITHMS.get(alg) : undefined;
  if (spec === undefined) {
    throw new WebAuthnError('ALGORITHM_UNSUPPORTED', `attestation algorithm ${String(alg)} is not supported`);
  }
  return spec;
}

/** Verifies `sig` over `data` with the certificate's public key under COSE algorithm `alg`. */
export async function verifyWithCertificate(
  cert: x509.X509Certificate,
  alg: unknown,
  data: Uint8Array,
  sig: Uint8Array,
): Promise<boolean> {
  let spec = attestationAlgorithm(alg);
  if (spec.kind === 'eddsa' && alg === COSE_ALG.EdDSA) {
    const name = cert.publicKey.algorithm.name;
    if (name === 'Ed25519' || name === 'Ed448') spec = { kind: 'eddsa', curve: name };
  }
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey('spki', cert.publicKey.rawData, importParamsFor(spec), false, [
      'verify',
    ]);
  } catch (err) {
    throw new WebAuthnError(
      'ATTESTATION_INVALID',
      `certificate key does not fit algorithm ${ALGORITHM_NAMES.get(alg as number) ?? String(alg)}`,
      { cause: err },
    );
  }
  return verifyWithSpec(spec, key, data, sig);
}

/** True when the certificate carries the same public key as the credential. */
export async function certificateKeyEquals(cert: x509.X509Certificate, info: CoseKeyInfo): Promise<boolean> {
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey('spki', cert.publicKey.rawData, info.importParams, true, ['verify']);
  } catch {
    return false; // a different key type or curve
  }
  if (info.format === 'raw') {
    return bytesEqual(new Uint8Array(await crypto.subtle.exportKey('raw', key)), info.keyData as Uint8Array);
  }
  const jwk = await crypto.subtle.exportKey('jwk', key);
  const expected = info.keyData as JsonWebKey;
  return jwk.n === expected.n && jwk.e === expected.e;
}

/** The AAGUID extension (id-fido-gen-ce-aaguid): OCTET STRING { 16 bytes }. Null when absent. */
export function certificateAaguid(cert: x509.X509Certificate): Uint8Array | null {
  const ext = cert.getExtension('1.3.6.1.4.1.45724.1.1.4');
  if (ext === null) return null;
  if (ext.critical)
    throw new WebAuthnError('ATTESTATION_INVALID', 'AAGUID certificate extension must not be critical');
  const v = new Uint8Array(ext.value);
  if (v.length !== 18 || v[0] !== 0x04 || v[1] !== 16) {
    throw new WebAuthnError('ATTESTATION_INVALID', 'AAGUID certificate extension is malformed');
  }
  return v.subarray(2);
}

export function isCaCertificate(cert: x509.X509Certificate): boolean {
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  return bc?.ca === true;
}

/**
 * Checks that the x5c chain leads to one of `trustAnchors` (DER): builds the path with
 * @peculiar/x509's chain builder, then checks every signature up to the anchor, that each issuer is a
 * CA, and that every certificate below the anchor is within its validity period at `now`.
 * Throws `ATTESTATION_UNTRUSTED`.
 */
export async function verifyChainToAnchors(x5c: Uint8Array[], trustAnchors: Uint8Array[], now = new Date()) {
  const certs = x5c.map((der, i) => parseCertificate(der, `x5c[${i}]`));
  const anchors = trustAnchors.map((der, i) => parseCertificate(der, `trust anchor ${i}`));
  const isAnchor = (c: x509.X509Certificate) => {
    const raw = new Uint8Array(c.rawData);
    return anchors.some((a) => bytesEqual(new Uint8Array(a.rawData), raw));
  };
  let chain: x509.X509Certificate[];
  try {
    chain = [
      ...(await new x509.X509ChainBuilder({ certificates: [...certs.slice(1), ...anchors] }).build(
        certs[0]!,
      )),
    ];
  } catch (err) {
    throw new WebAuthnError('ATTESTATION_UNTRUSTED', 'could not build a certificate path', { cause: err });
  }
  const anchorAt = chain.findIndex(isAnchor);
  if (anchorAt < 0) {
    throw new WebAuthnError(
      'ATTESTATION_UNTRUSTED',
      'attestation certificate path does not reach a trust anchor',
    );
  }
  for (let i = 0; i < anchorAt; i++) {
    const cert = chain[i]!;
    const issuer = chain[i + 1]!;
    if (now < cert.notBefore || now > cert.notAfter) {
      throw new WebAuthnError(
        'ATTESTATION_UNTRUSTED',
        `certificate ${i} of the path is outside its validity period`,
      );
    }
    if (i + 1 < anchorAt && !isCaCertificate(issuer)) {
      throw new WebAuthnError('ATTESTATION_UNTRUSTED', `certificate ${i + 1} of the path is not a CA`);
    }
    let ok = false;
    try {
      ok = await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true });
    } catch {
      ok = false;
    }
    if (!ok)
      throw new WebAuthnError('ATTESTATION_UNTRUSTED', `certificate ${i} of the path has a bad signature`);
  }
}
