// Native messaging protocol, version 1: the only contract between the extension and the native host.
export * from './constants.js';
export * from './schemas.js';
export * from './webauthn-json.js';
