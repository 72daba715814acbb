import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCtap } from '../cbor/index.js';
import vectors from './__vectors__/webauthn-l3-test-vectors.json' with { type: 'json' };
import { parseAuthenticatorData, WebAuthnError } from './index.js';

const samples = vectors.vectors.map(
  (v) =>
    (
      decodeCtap(new Uint8Array(Buffer.from(v.registration.attestationObject, 'hex'))) as Map<string, unknown>
    ).get('authData') as Uint8Array,
);

function parseOrOurError(bytes: Uint8Array) {
  try {
    parseAuthenticatorData(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(WebAuthnError);
  }
}

describe('parseAuthenticatorData fuzz', () => {
  it('arbitrary bytes parse or throw WebAuthnError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), parseOrOurError), { numRuns: 5000 });
  });

  it('mutated and truncated real authenticator data parse or throw WebAuthnError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
        fc.nat(),
        (sample, edits, cut) => {
          const bytes = sample.slice(0, 37 + (cut % (sample.length - 36)));
          for (const [i, b] of edits) bytes[i % bytes.length] = b;
          parseOrOurError(bytes);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
