import { AsnConvert } from '@peculiar/asn1-schema';
import { SubjectAlternativeName } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import type { HashName } from '../../cose/algorithms.js';
import { fromBase64Url } from '../base64url.js';
import {
  attestationAlgorithm,
  certificateAaguid,
  certificateVersion,
  isCaCertificate,
  parseCertificate,
  readX5c,
  verifyWithCertificate,
} from './certificates.js';
import {
  type AttestationVerifier,
  bytesEqual,
  concat,
  invalid,
  onlyKeys,
  readAlg,
  readSig,
  sha,
} from './types.js';

/*
 * TPM 2.0 structures (TPM 2.0 Library Part 2). Hand-written: no maintained JavaScript library parses
 * TPMT_PUBLIC / TPMS_ATTEST; the reader below is bounds-checked and must consume every byte.
 */

const TPM_ALG = {
  RSA: 0x0001,
  SHA1: 0x0004,
  SHA256: 0x000b,
  SHA384: 0x000c,
  SHA512: 0x000d,
  NULL: 0x0010,
  ECC: 0x0023,
};
const TPM_HASH: Record<number, HashName> = {
  [TPM_ALG.SHA1]: 'SHA-1',
  [TPM_ALG.SHA256]: 'SHA-256',
  [TPM_ALG.SHA384]: 'SHA-384',
  [TPM_ALG.SHA512]: 'SHA-512',
};
const TPM_ECC_CURVE: Record<number, string> = { 3: 'P-256', 4: 'P-384', 5: 'P-521' };
const TPM_GENERATED_VALUE = 0xff544347;
const TPM_ST_ATTEST_CERTIFY = 0x8017;

class Reader {
  pos = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {}
  private need(n: number) {
    if (this.pos + n > this.bytes.length) throw invalid(`${this.what} is truncated`);
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const v = (this.bytes[this.pos]! << 8) | this.bytes[this.pos + 1]!;
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const b = this.bytes;
    const v =
      ((b[this.pos]! << 24) | (b[this.pos + 1]! << 16) | (b[this.pos + 2]! << 8) | b[this.pos + 3]!) >>> 0;
    this.pos += 4;
    return v;
  }
  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** TPM2B_*: a 16-bit size, then that many bytes. */
  sized(): Uint8Array {
    return this.take(this.u16());
  }
  end() {
    if (this.pos !== this.bytes.length)
      throw invalid(`${this.what} has ${this.bytes.length - this.pos} extra bytes`);
  }
}

interface PubArea {
  type: number;
  nameAlg: number;
  rsa?: { n: Uint8Array; exponent: number };
  ecc?: { curve: string; x: Uint8Array; y: Uint8Array };
}

function parsePubArea(bytes: Uint8Array): PubArea {
  const r = new Reader(bytes, 'pubArea');
  const type = r.u16();
  const nameAlg = r.u16();
  r.u32(); // objectAttributes
  r.sized(); // authPolicy
  // TPMT_SYM_DEF_OBJECT: algorithm, then keyBits and mode unless NULL.
  if (r.u16() !== TPM_ALG.NULL) r.take(4);
  // TPMT_*_SCHEME: scheme, then hashAlg unless NULL.
  if (r.u16() !== TPM_ALG.NULL) r.u16();
  let out: PubArea;
  if (type === TPM_ALG.RSA) {
    r.u16(); // keyBits
    const exponent = r.u32();
    out = { type, nameAlg, rsa: { n: r.sized(), exponent: exponent === 0 ? 65537 : exponent } };
  } else if (type === TPM_ALG.ECC) {
    const curveId = r.u16();
    if (r.u16() !== TPM_ALG.NULL) r.u16(); // kdf scheme
    const curve = TPM_ECC_CURVE[curveId];
    if (curve === undefined) throw invalid(`pubArea ECC curve 0x${curveId.toString(16)} is not supported`);
    out = { type, nameAlg, ecc: { curve, x: r.sized(), y: r.sized() } };
  } else {
    throw invalid(`pubArea key type 0x${type.toString(16)} is not supported`);
  }
  r.end();
  return out;
}

interface CertInfo {
  magic: number;
  type: number;
  extraData: Uint8Array;
  attestedName: Uint8Array;
}

function parseCertInfo(bytes: Uint8Array): CertInfo {
  const r = new Reader(bytes, 'certInfo');
  const magic = r.u32();
  const type = r.u16();
  r.sized(); // qualifiedSigner
  const extraData = r.sized();
  r.take(17); // clockInfo: clock u64, resetCount u32, restartCount u32, safe u8
  r.take(8); // firmwareVersion
  const attestedName = r.sized();
  r.sized(); // qualifiedName
  r.end();
  return { magic, type, extraData, attestedName };
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function bigEndian(b: Uint8Array): number {
  let v = 0;
  for (const x of stripZeros(b)) v = v * 256 + x;
  return v;
}

const TCG_KP_AIK_CERTIFICATE = '2.23.133.8.3';
const TPM_SAN_OIDS = ['2.23.133.2.1', '2.23.133.2.2', '2.23.133.2.3'];

/** `tpm` (L3 §8.3). */
export const verifyTpm: AttestationVerifier = async ({
  attStmt,
  authData,
  parsedAuthData,
  clientDataHash,
  credentialKey,
}) => {
  onlyKeys(attStmt, ['ver', 'alg', 'x5c', 'sig', 'certInfo', 'pubArea'], 'tpm');
  if (attStmt.get('ver') !== '2.0') throw invalid('tpm attestation ver is not "2.0"');
  const alg = readAlg(attStmt);
  const sig = readSig(attStmt);
  const certInfoBytes = attStmt.get('certInfo');
  const pubAreaBytes = attStmt.get('pubArea');
  if (!(certInfoBytes instanceof Uint8Array) || !(pubAreaBytes instanceof Uint8Array)) {
    throw invalid('tpm attStmt certInfo or pubArea is missing');
  }
  const pubArea = parsePubArea(pubAreaBytes);

  // The key in pubArea must be the credential key.
  const spec = credentialKey.spec;
  if (pubArea.rsa) {
    if (spec.kind !== 'rsa-pkcs1' && spec.kind !== 'rsa-pss')
      throw invalid('tpm pubArea is RSA, the credential is not');
    const jwk = credentialKey.keyData as JsonWebKey;
    const n = fromBase64Url(jwk.n ?? '');
    const e = bigEndian(fromBase64Url(jwk.e ?? ''));
    if (!bytesEqual(stripZeros(pubArea.rsa.n), n) || pubArea.rsa.exponent !== e) {
      throw invalid('tpm pubArea RSA key differs from the credential key');
    }
  } else {
    const ecc = pubArea.ecc!;
    if (spec.kind !== 'ecdsa' || spec.curve !== ecc.curve)
      throw invalid('tpm pubArea curve differs from the credential');
    const raw = credentialKey.keyData as Uint8Array;
    const size = spec.size;
    const padded = (v: Uint8Array) => concat(new Uint8Array(Math.max(0, size - v.length)), v);
    if (!bytesEqual(concat(new Uint8Array([4]), padded(ecc.x), padded(ecc.y)), raw)) {
      throw invalid('tpm pubArea EC key differs from the credential key');
    }
  }

  const certInfo = parseCertInfo(certInfoBytes);
  if (certInfo.magic !== TPM_GENERATED_VALUE) throw invalid('tpm certInfo magic is not TPM_GENERATED_VALUE');
  if (certInfo.type !== TPM_ST_ATTEST_CERTIFY)
    throw invalid('tpm certInfo type is not TPM_ST_ATTEST_CERTIFY');
  const algSpec = attestationAlgorithm(alg);
  if (algSpec.kind === 'eddsa') throw invalid('tpm attestation alg must not be EdDSA');
  const attToBeSigned = concat(authData, clientDataHash);
  if (!bytesEqual(certInfo.extraData, await sha(algSpec.hash, attToBeSigned))) {
    throw invalid('tpm certInfo extraData is not the hash of attToBeSigned');
  }
  const nameAlgHash = TPM_HASH[pubArea.nameAlg];
  if (nameAlgHash === undefined) throw invalid('tpm pubArea nameAlg is not supported');
  const expectedName = concat(
    new Uint8Array([pubArea.nameAlg >> 8, pubArea.nameAlg & 0xff]),
    await sha(nameAlgHash, pubAreaBytes),
  );
  if (!bytesEqual(certInfo.attestedName, expectedName))
    throw invalid('tpm certInfo name does not match pubArea');

  const x5c = readX5c(attStmt);
  const aik = parseCertificate(x5c[0], 'AIK certificate');
  if (!(await verifyWithCertificate(aik, alg, certInfoBytes, sig)))
    throw invalid('tpm attestation signature is invalid');
  // §8.3.1 AIK certificate requirements.
  if (certificateVersion(aik) !== 3) throw invalid('AIK certificate is not X.509 v3');
  if (aik.subject !== '') throw invalid('AIK certificate subject is not empty');
  const san = aik.getExtension(x509.SubjectAlternativeNameExtension);
  if (san === null) throw invalid('AIK certificate lacks the subject alternative name');
  const sanNames = AsnConvert.parse(san.value, SubjectAlternativeName);
  const sanOids = new Set<string>();
  for (const name of sanNames)
    for (const rdn of name.directoryName ?? []) for (const atv of rdn) sanOids.add(atv.type);
  if (!TPM_SAN_OIDS.every((oid) => sanOids.has(oid))) {
    throw invalid('AIK certificate SAN lacks TPM manufacturer, model or version');
  }
  const eku = aik.getExtension(x509.ExtendedKeyUsageExtension);
  if (eku === null || !eku.usages.map(String).includes(TCG_KP_AIK_CERTIFICATE)) {
    throw invalid('AIK certificate lacks the tcg-kp-AIKCertificate extended key usage');
  }
  if (isCaCertificate(aik)) throw invalid('AIK certificate is a CA certificate');
  const aaguid = certificateAaguid(aik);
  if (aaguid !== null && !bytesEqual(aaguid, parsedAuthData.attestedCredentialData!.aaguid)) {
    throw invalid('AIK certificate AAGUID differs from authenticator data');
  }
  return { type: 'basic', x5c };
};
