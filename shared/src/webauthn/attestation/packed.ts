import { importDescribedKey, verifyWithSpec } from '../../cose/key.js';
import {
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
} from './types.js';

/** `packed` (L3 §8.2): self attestation, or a signature by an attestation certificate (x5c). */
export const verifyPacked: AttestationVerifier = async ({
  attStmt,
  authData,
  parsedAuthData,
  clientDataHash,
  credentialKey,
}) => {
  onlyKeys(attStmt, ['alg', 'sig', 'x5c'], 'packed');
  const alg = readAlg(attStmt);
  const sig = readSig(attStmt);
  const signed = concat(authData, clientDataHash);
  if (!attStmt.has('x5c')) {
    if (alg !== credentialKey.alg)
      throw invalid('packed self attestation alg differs from the credential key alg');
    const key = await importDescribedKey(credentialKey);
    if (!(await verifyWithSpec(credentialKey.spec, key, signed, sig))) {
      throw invalid('packed self attestation signature is invalid');
    }
    return { type: 'self' };
  }
  const x5c = readX5c(attStmt);
  const leaf = parseCertificate(x5c[0]);
  if (!(await verifyWithCertificate(leaf, alg, signed, sig)))
    throw invalid('packed attestation signature is invalid');
  // §8.2.1 certificate requirements.
  if (certificateVersion(leaf) !== 3) throw invalid('packed attestation certificate is not X.509 v3');
  const subject = leaf.subjectName;
  if (subject.getField('OU')[0] !== 'Authenticator Attestation') {
    throw invalid('packed attestation certificate OU is not "Authenticator Attestation"');
  }
  for (const field of ['C', 'O', 'CN']) {
    if ((subject.getField(field)[0] ?? '') === '')
      throw invalid(`packed attestation certificate lacks subject ${field}`);
  }
  if (isCaCertificate(leaf)) throw invalid('packed attestation certificate is a CA certificate');
  const aaguid = certificateAaguid(leaf);
  if (aaguid !== null && !bytesEqual(aaguid, parsedAuthData.attestedCredentialData!.aaguid)) {
    throw invalid('packed attestation certificate AAGUID differs from authenticator data');
  }
  return { type: 'basic', x5c };
};
