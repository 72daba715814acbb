import { certificateKeyEquals, parseCertificate, readX5c } from './certificates.js';
import { type AttestationVerifier, bytesEqual, concat, invalid, onlyKeys, sha } from './types.js';

const NONCE_OID = '1.2.840.113635.100.8.2';

/** `apple` (L3 §8.8): the leaf certificate carries SHA-256(authData ‖ clientDataHash) and the credential key. */
export const verifyApple: AttestationVerifier = async ({
  attStmt,
  authData,
  clientDataHash,
  credentialKey,
}) => {
  onlyKeys(attStmt, ['x5c'], 'apple');
  const x5c = readX5c(attStmt);
  const leaf = parseCertificate(x5c[0]);
  const nonce = await sha('SHA-256', concat(authData, clientDataHash));
  const ext = leaf.getExtension(NONCE_OID);
  if (ext === null) throw invalid('apple attestation certificate lacks the nonce extension');
  // SEQUENCE { [1] EXPLICIT OCTET STRING (32 bytes) }: fixed layout, compared whole.
  const expected = concat(new Uint8Array([0x30, 0x24, 0xa1, 0x22, 0x04, 0x20]), nonce);
  if (!bytesEqual(new Uint8Array(ext.value), expected))
    throw invalid('apple attestation nonce does not match');
  if (!(await certificateKeyEquals(leaf, credentialKey))) {
    throw invalid('apple attestation certificate key differs from the credential key');
  }
  return { type: 'basic', x5c };
};
