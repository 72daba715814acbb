import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { BridgeReplySchema, PageToRelaySchema, RelayToBackgroundSchema } from '../wire';
import { creationOptionsToJSON, requestOptionsToJSON } from './options';

/** Arbitrary page input: anything JSON-like plus buffers, nested a few levels. */
const pageValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(undefined),
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.string(),
    fc.uint8Array({ maxLength: 80 }),
    fc.uint8Array({ maxLength: 80 }).map((b) => b.buffer),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.constantFrom(
        'rp',
        'user',
        'id',
        'name',
        'displayName',
        'challenge',
        'pubKeyCredParams',
        'alg',
        'type',
        'rpId',
        'allowCredentials',
        'excludeCredentials',
        'timeout',
        'extensions',
        'transports',
        'hints',
      ),
      tie('value'),
      { maxKeys: 8 },
    ),
  ),
})).value;

describe('page options conversion takes anything a page can pass', () => {
  it('either converts to JSON-safe options or throws TypeError, nothing else', () => {
    fc.assert(
      fc.property(pageValue, (input) => {
        for (const convert of [creationOptionsToJSON, requestOptionsToJSON]) {
          try {
            const out = convert(input as never);
            expect(JSON.parse(JSON.stringify(out))).toEqual(out);
          } catch (error) {
            expect(error).toBeInstanceOf(TypeError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('bridge message schemas never throw on arbitrary input', () => {
  it('PageToRelay, RelayToBackground and BridgeReply parse or refuse', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        for (const schema of [PageToRelaySchema, RelayToBackgroundSchema, BridgeReplySchema]) {
          const result = v.safeParse(schema, input);
          expect(typeof result.success).toBe('boolean');
        }
      }),
      { numRuns: 2000 },
    );
  });
});
