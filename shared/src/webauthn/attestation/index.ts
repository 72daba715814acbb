import { verifyAndroidKey } from './android-key.js';
import { verifyApple } from './apple.js';
import { verifyFidoU2f } from './fido-u2f.js';
import { verifyNone } from './none.js';
import { verifyPacked } from './packed.js';
import { verifyTpm } from './tpm.js';
import type { AttestationVerifier } from './types.js';

export { verifyChainToAnchors } from './certificates.js';
export type { AttestationInput, AttestationResult, AttestationType, AttestationVerifier } from './types.js';

/** Attestation statement formats we verify, by `fmt`. */
export const ATTESTATION_FORMATS: ReadonlyMap<string, AttestationVerifier> = new Map([
  ['none', verifyNone],
  ['packed', verifyPacked],
  ['fido-u2f', verifyFidoU2f],
  ['tpm', verifyTpm],
  ['android-key', verifyAndroidKey],
  ['apple', verifyApple],
]);
