export {
  ALGORITHM_NAMES,
  type AlgorithmSpec,
  COSE_ALG,
  COSE_CRV,
  COSE_KEY,
  COSE_KTY,
  type CoseAlgorithm,
  type HashName,
} from './algorithms.js';
export { derToP1363 } from './der.js';
export { CoseError, type CoseErrorCode } from './errors.js';
export {
  type CoseKey,
  type CoseKeyInfo,
  type CoseKeyInput,
  type CoseKeyOptions,
  coseKeyAlgorithm,
  describeCoseKey,
  importCoseKey,
  importDescribedKey,
  verifyCoseSignature,
  verifyWithImportedKey,
  verifyWithSpec,
} from './key.js';
