// Every CTAP1 parser fed arbitrary bytes (and mutated valid replies) raises only Ctap1Error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ctap1Error, decodeCommandApdu, decodeResponseApdu } from './apdu.js';
import { derElementLength, parseAuthentication, parseRegistration, parseVersion } from './messages.js';
import { REGISTER_RESPONSE_DATA, SIGN_RESPONSE_DATA } from './u2f-vectors.js';

function onlyCtap1Errors(parse: (b: Uint8Array) => unknown): (b: Uint8Array) => void {
  return (bytes) => {
    try {
      parse(bytes);
    } catch (err) {
      expect(err).toBeInstanceOf(Ctap1Error);
    }
  };
}

/** A valid reply with a few bytes overwritten, truncated or extended. */
const mutated = (valid: Uint8Array) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.nat(valid.length + 8),
    )
    .map(([edits, length]) => {
      const out = new Uint8Array(length);
      out.set(valid.subarray(0, Math.min(length, valid.length)));
      for (const [at, value] of edits) if (at < length) out[at] = value;
      return out;
    });

const parsers: Array<[string, (b: Uint8Array) => unknown, Uint8Array | null]> = [
  ['parseRegistration', parseRegistration, REGISTER_RESPONSE_DATA],
  ['parseAuthentication', parseAuthentication, SIGN_RESPONSE_DATA],
  ['parseVersion', parseVersion, new TextEncoder().encode('U2F_V2')],
  ['decodeResponseApdu', decodeResponseApdu, null],
  ['decodeCommandApdu', decodeCommandApdu, null],
  ['derElementLength', (b) => derElementLength(b, 0), null],
];

describe('CTAP1 parser fuzz', () => {
  for (const [name, parse, valid] of parsers) {
    it(`${name}: arbitrary bytes raise only Ctap1Error`, () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), onlyCtap1Errors(parse)), { numRuns: 500 });
    });
    if (valid) {
      it(`${name}: mutated valid replies raise only Ctap1Error`, () => {
        fc.assert(fc.property(mutated(valid), onlyCtap1Errors(parse)), { numRuns: 500 });
      });
    }
  }

  it('parseRegistration: whatever it accepts is consistent with its input', () => {
    fc.assert(
      fc.property(mutated(REGISTER_RESPONSE_DATA), (bytes) => {
        let reg: ReturnType<typeof parseRegistration>;
        try {
          reg = parseRegistration(bytes);
        } catch {
          return;
        }
        const total = 1 + 65 + 1 + reg.keyHandle.length + reg.certificate.length + reg.signature.length;
        expect(total).toBe(bytes.length);
        expect(reg.publicKey[0]).toBe(4);
        expect(reg.certificate[0]).toBe(0x30);
      }),
      { numRuns: 500 },
    );
  });
});
