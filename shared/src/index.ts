// Public API of the shared core (shared/dist/index.js). Each area keeps its own barrel.

export * from './cbor/index.js';
export * from './cose/index.js';
export * from './otp/index.js';
export * from './protocol/index.js';
export * from './webauthn/index.js';
