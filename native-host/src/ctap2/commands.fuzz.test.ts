// Device replies are untrusted input: arbitrary bytes and arbitrary CBOR maps only ever give our named
// errors from the CTAP2 reply decoders.
import { encodeCtap } from '@shared/cbor/index.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CtapResponseError,
  decodeAssertionResponse,
  decodeAttestationResponse,
  decodeGetInfo,
  parseCtapReply,
} from './commands.js';
import { CtapError } from './status.js';

const named = (err: unknown) => err instanceof CtapResponseError || err instanceof CtapError;

const cborValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.integer(),
    fc.string({ maxLength: 8 }),
    fc.boolean(),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .array(
        fc.tuple(fc.oneof(fc.integer({ min: -3, max: 16 }), fc.string({ maxLength: 6 })), tie('value')),
        {
          maxLength: 6,
        },
      )
      .map((entries) => new Map(entries)),
  ),
})).value;

describe('CTAP2 reply decoders fuzz', () => {
  it('arbitrary reply bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const decode of [decodeGetInfo, decodeAttestationResponse, decodeAssertionResponse]) {
          try {
            decode(parseCtapReply(bytes));
          } catch (err) {
            expect(named(err)).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('well-formed CBOR maps of the wrong shape', () => {
    fc.assert(
      fc.property(cborValue, (value) => {
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array([0, ...encodeCtap(value)]);
        } catch {
          return;
        }
        for (const decode of [decodeGetInfo, decodeAttestationResponse, decodeAssertionResponse]) {
          try {
            decode(parseCtapReply(bytes));
          } catch (err) {
            expect(named(err)).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
