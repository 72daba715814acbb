export type { CeremonyContext } from './context.js';
export { type CreateRequest, createCredential } from './create.js';
export { type OpenKey, openKey, waitForKey } from './device.js';
export { type AbortReason, CeremonyError, toHostError } from './errors.js';
export { type GetRequest, getAssertion } from './get.js';
