import { type AttestationVerifier, invalid } from './types.js';

/** `none` (L3 §8.7): the statement must be empty. */
export const verifyNone: AttestationVerifier = async ({ attStmt }) => {
  if (attStmt.size !== 0) throw invalid('none attestation must have an empty attStmt');
  return { type: 'none' };
};
