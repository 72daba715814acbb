import { COSE_ALG } from '../../cose/algorithms.js';
import { parseCertificate, readX5c, verifyWithCertificate } from './certificates.js';
import { type AttestationVerifier, concat, invalid, onlyKeys, readSig } from './types.js';

/** `fido-u2f` (L3 §8.6): one P-256 certificate signs the U2F registration data. */
export const verifyFidoU2f: AttestationVerifier = async ({
  attStmt,
  parsedAuthData,
  clientDataHash,
  credentialKey,
}) => {
  onlyKeys(attStmt, ['sig', 'x5c'], 'fido-u2f');
  const sig = readSig(attStmt);
  const x5c = readX5c(attStmt);
  if (x5c.length !== 1) throw invalid('fido-u2f x5c must hold exactly one certificate');
  const cert = parseCertificate(x5c[0]);
  const certAlg = cert.publicKey.algorithm as EcKeyAlgorithm;
  if (certAlg.name !== 'ECDSA' || certAlg.namedCurve !== 'P-256') {
    throw invalid('fido-u2f attestation certificate key is not P-256');
  }
  if (credentialKey.spec.kind !== 'ecdsa' || credentialKey.spec.curve !== 'P-256') {
    throw invalid('fido-u2f credential key is not an EC2 P-256 key');
  }
  const acd = parsedAuthData.attestedCredentialData!;
  const verificationData = concat(
    new Uint8Array([0x00]),
    parsedAuthData.rpIdHash,
    clientDataHash,
    acd.credentialId,
    credentialKey.keyData as Uint8Array,
  );
  if (!(await verifyWithCertificate(cert, COSE_ALG.ES256, verificationData, sig))) {
    throw invalid('fido-u2f attestation signature is invalid');
  }
  return { type: 'basic', x5c };
};
