import { NonStandardKeyDescription } from '@peculiar/asn1-android';
import { AsnConvert } from '@peculiar/asn1-schema';
import { certificateKeyEquals, parseCertificate, readX5c, verifyWithCertificate } from './certificates.js';
import {
  type AttestationVerifier,
  bytesEqual,
  concat,
  invalid,
  onlyKeys,
  readAlg,
  readSig,
} from './types.js';

const KEY_DESCRIPTION_OID = '1.3.6.1.4.1.11129.2.1.17';
const KM_ORIGIN_GENERATED = 0;
const KM_PURPOSE_SIGN = 2;

/** `android-key` (L3 §8.4): a hardware-backed key whose certificate's key description names this challenge. */
export const verifyAndroidKey: AttestationVerifier = async ({
  attStmt,
  authData,
  clientDataHash,
  credentialKey,
}) => {
  onlyKeys(attStmt, ['alg', 'sig', 'x5c'], 'android-key');
  const alg = readAlg(attStmt);
  const sig = readSig(attStmt);
  const x5c = readX5c(attStmt);
  const leaf = parseCertificate(x5c[0]);
  if (!(await verifyWithCertificate(leaf, alg, concat(authData, clientDataHash), sig))) {
    throw invalid('android-key attestation signature is invalid');
  }
  if (!(await certificateKeyEquals(leaf, credentialKey))) {
    throw invalid('android-key certificate key differs from the credential key');
  }
  const ext = leaf.getExtension(KEY_DESCRIPTION_OID);
  if (ext === null) throw invalid('android-key certificate lacks the key description extension');
  let desc: NonStandardKeyDescription;
  try {
    desc = AsnConvert.parse(ext.value, NonStandardKeyDescription);
  } catch (err) {
    throw invalid('android-key key description is malformed', err);
  }
  if (!bytesEqual(new Uint8Array(desc.attestationChallenge.buffer), clientDataHash)) {
    throw invalid('android-key attestationChallenge is not the client data hash');
  }
  const software = desc.softwareEnforced;
  const tee = desc.teeEnforced;
  if (
    software.findProperty('allApplications') !== undefined ||
    tee.findProperty('allApplications') !== undefined
  ) {
    throw invalid('android-key key is usable by all applications');
  }
  // The union of both lists (L3 lets the RP choose TEE-only; we report, not decide, the security level).
  // A value that is present must be right; the spec's own §16 vector carries neither, so absence passes.
  const origin = tee.findProperty('origin') ?? software.findProperty('origin');
  const purpose = tee.findProperty('purpose') ?? software.findProperty('purpose');
  if (origin !== undefined && origin !== KM_ORIGIN_GENERATED) {
    throw invalid('android-key key was not generated in the keystore');
  }
  if (purpose !== undefined && ![...purpose].includes(KM_PURPOSE_SIGN)) {
    throw invalid('android-key key purpose does not include signing');
  }
  return { type: 'basic', x5c };
};
