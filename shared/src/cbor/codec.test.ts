import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PY_FROM_TAGGED,
  runPythonFido2,
  type Tagged,
} from '../../../test/webauthn-core/support/python-fido2.js';
import { CborError, type CborErrorCode, decodeCtap, decodeCtapPrefix, encodeCtap } from './index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

function expectCode(fn: () => unknown, code: CborErrorCode) {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(CborError);
  expect((caught as CborError).code).toBe(code);
  expect((caught as CborError).name).toBe('CborError');
}

describe('encodeCtap', () => {
  // RFC 8949 Appendix A (the ones valid in CTAP2).
  it.each([
    [0, '00'],
    [1, '01'],
    [10, '0a'],
    [23, '17'],
    [24, '1818'],
    [25, '1819'],
    [100, '1864'],
    [1000, '1903e8'],
    [1000000, '1a000f4240'],
    [1000000000000, '1b000000e8d4a51000'],
    [2n ** 64n - 1n, '1bffffffffffffffff'],
    [-(2n ** 64n) + 1n, '3bfffffffffffffffe'],
    [-1, '20'],
    [-10, '29'],
    [-100, '3863'],
    [-1000, '3903e7'],
    [2 ** 32, '1b0000000100000000'],
    [2 ** 32 - 1, '1affffffff'],
    [-(2 ** 32), '3affffffff'],
    [-(2n ** 32n), '3affffffff'],
    [-(2 ** 32) - 1, '3b0000000100000000'],
    [2n ** 32n - 1n, '1affffffff'],
    [5n, '05'],
    [Number.MAX_SAFE_INTEGER, '1b001fffffffffffff'],
    [false, 'f4'],
    [true, 'f5'],
    [null, 'f6'],
    [undefined, 'f7'],
    [new Uint8Array(), '40'],
    [new Uint8Array([1, 2, 3, 4]), '4401020304'],
    ['', '60'],
    ['a', '6161'],
    ['IETF', '6449455446'],
    ['"\\', '62225c'],
    ['\u00fc', '62c3bc'],
    ['\u6c34', '63e6b0b4'],
    [[], '80'],
    [[1, 2, 3], '83010203'],
    [[1, [2, 3], [4, 5]], '8301820203820405'],
    [new Map(), 'a0'],
    [
      new Map([
        [1, 2],
        [3, 4],
      ]),
      'a201020304',
    ],
    [{ a: 1, b: [2, 3] }, 'a26161016162820203'],
    [['a', { b: 'c' }], '826161a161626163'],
  ])('encodes %o as %s', (value, expected) => {
    expect(hex(encodeCtap(value))).toBe(expected);
  });

  it('encodes 25 array items with a one-byte length', () => {
    const items = Array.from({ length: 25 }, (_, i) => i + 1);
    expect(hex(encodeCtap(items)).slice(0, 4)).toBe('9819');
  });

  it('sorts keys in CTAP2 canonical order regardless of insertion order', () => {
    // CTAP2 §8: major type first, then length, then bytes: 24 (0x1818) sorts before -1 (0x20).
    const m = new Map<unknown, unknown>([
      ['aa', 1],
      ['b', 2],
      [-1, 3],
      [24, 4],
      [1, 5],
      [-25, 6],
    ]);
    expect(hex(encodeCtap(m))).toBe('a6' + '0105' + '181804' + '2003' + '381806' + '616202' + '62616101');
  });

  it('produces a plain Uint8Array that later encodes do not overwrite', () => {
    const a = encodeCtap(new Map([[1, new Uint8Array(100).fill(7)]]));
    const copy = hex(a);
    encodeCtap(new Map([[1, new Uint8Array(100).fill(9)]]));
    expect(Object.getPrototypeOf(a)).toBe(Uint8Array.prototype);
    expect(hex(a)).toBe(copy);
  });

  it.each([
    ['a Date', new Date(0)],
    ['a Set', new Set([1])],
    ['a function', () => 1],
    ['a symbol', Symbol('x')],
    ['a too-large bigint', 2n ** 64n],
    ['a Uint16Array', new Uint16Array(2)],
    [
      'keys that collide',
      new Map<unknown, unknown>([
        [1, 'a'],
        [1n, 'b'],
      ]),
    ],
  ])('refuses %s with CBOR_UNENCODABLE', (_name, value) => {
    expectCode(() => encodeCtap(value), 'CBOR_UNENCODABLE');
  });

  it('refuses cyclic values with CBOR_TOO_DEEP', () => {
    const a: unknown[] = [];
    a.push(a);
    expectCode(() => encodeCtap(a), 'CBOR_TOO_DEEP');
  });
});

describe('decodeCtap', () => {
  it('decodes maps with integer keys as Map and byte strings as Uint8Array', () => {
    const v = decodeCtap(unhex('a30102032620 41ff'.replace(' ', ''))) as Map<unknown, unknown>;
    expect(v).toBeInstanceOf(Map);
    expect(v.get(1)).toBe(2);
    expect(v.get(3)).toBe(-7);
    expect(v.get(-1)).toEqual(new Uint8Array([0xff]));
    expect(Object.getPrototypeOf(v.get(-1))).toBe(Uint8Array.prototype);
  });

  it('accepts non-canonical key order and non-minimal integers (real authenticators send them)', () => {
    const v = decodeCtap(unhex('a2616201616100')) as Map<unknown, unknown>;
    expect([...v.keys()]).toEqual(['b', 'a']);
    expect(decodeCtap(unhex('1801'))).toBe(1);
  });

  it('returns copies of byte strings, not views of the input', () => {
    const input = unhex('43010203');
    const out = decodeCtap(input) as Uint8Array;
    input[1] = 9;
    expect([...out]).toEqual([1, 2, 3]);
  });

  it('accepts Buffer input', () => {
    expect(decodeCtap(Buffer.from('8201f5', 'hex'))).toEqual([1, true]);
  });

  it('decodes 8-byte integers as bigint', () => {
    expect(decodeCtap(unhex('1b0000000100000000'))).toBe(2n ** 32n);
  });

  it.each<[string, string, CborErrorCode]>([
    ['trailing byte', 'a0' + '00', 'CBOR_TRAILING_BYTES'],
    ['two items', '0101', 'CBOR_TRAILING_BYTES'],
    ['duplicate integer key', 'a2010201 03', 'CBOR_DUPLICATE_KEY'],
    ['duplicate key in non-minimal form', 'a20102180103', 'CBOR_DUPLICATE_KEY'],
    ['duplicate text key', 'a2616101616102', 'CBOR_DUPLICATE_KEY'],
    ['duplicate key in a nested map', '81a220202021', 'CBOR_DUPLICATE_KEY'],
    ['indefinite byte string', '5f41014102ff', 'CBOR_INDEFINITE_LENGTH'],
    ['indefinite text', '7f6161ff', 'CBOR_INDEFINITE_LENGTH'],
    ['indefinite array', '9f01ff', 'CBOR_INDEFINITE_LENGTH'],
    ['indefinite map', 'bf0101ff', 'CBOR_INDEFINITE_LENGTH'],
    ['lone break', 'ff', 'CBOR_MALFORMED'],
    ['reserved additional info', '1c', 'CBOR_MALFORMED'],
    ['empty input', '', 'CBOR_TRUNCATED'],
    ['truncated head', '19 01', 'CBOR_TRUNCATED'],
    ['byte string longer than input', '450102', 'CBOR_TRUNCATED'],
    ['oversize length (2^32)', '5b0000000100000000', 'CBOR_TRUNCATED'],
    ['oversize array count', '9bffffffffffffffff', 'CBOR_TRUNCATED'],
    ['oversize map count', 'bb7fffffffffffffff00', 'CBOR_TRUNCATED'],
    ['map missing a value', 'a101', 'CBOR_TRUNCATED'],
    ['array missing an item', '830102', 'CBOR_TRUNCATED'],
    ['tag', 'c11a514b67b0', 'CBOR_UNSUPPORTED_TAG'],
    ['bignum tag', 'c249010000000000000000', 'CBOR_UNSUPPORTED_TAG'],
    ['simple value 16', 'f0', 'CBOR_UNSUPPORTED_SIMPLE'],
    ['two-byte simple value', 'f820', 'CBOR_UNSUPPORTED_SIMPLE'],
    ['invalid UTF-8 text', '62c328', 'CBOR_INVALID_UTF8'],
    ['deep nesting', `${'81'.repeat(40)}00`, 'CBOR_TOO_DEEP'],
  ])('rejects %s', (_name, input, code) => {
    expectCode(() => decodeCtap(unhex(input.replace(/ /g, ''))), code);
  });

  it('rejects non-Uint8Array input with a CborError', () => {
    expectCode(() => decodeCtap('a0' as unknown as Uint8Array), 'CBOR_MALFORMED');
  });

  it('decodeCtapPrefix reads one item and reports where it ends', () => {
    const bytes = unhex('ff' + 'a201020304' + 'a0');
    const { value, end } = decodeCtapPrefix(bytes, 1);
    expect(value).toEqual(
      new Map([
        [1, 2],
        [3, 4],
      ]),
    );
    expect(end).toBe(6);
  });
});

// ---- Independent oracle: python-fido2's CTAP2 CBOR (Debian python3-fido2) ----

type Value = number | string | boolean | null | Uint8Array | Value[] | Map<Value, Value> | bigint;

function tag(v: Value): Tagged {
  if (v instanceof Uint8Array) return { b: hex(v) };
  if (typeof v === 'bigint') return { i: v.toString() };
  if (Array.isArray(v)) return { a: v.map(tag) };
  if (v instanceof Map) return { m: [...v.entries()].map(([k, x]) => [tag(k), tag(x)] as [Tagged, Tagged]) };
  return v;
}

const keyArb = fc.oneof(fc.integer({ min: -100000, max: 100000 }), fc.string({ maxLength: 8 }));
const valueArb: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer(),
    fc.bigInt({ min: -(2n ** 64n) + 1n, max: 2n ** 64n - 1n }),
    fc.string(),
    fc.boolean(),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.uniqueArray(fc.tuple(keyArb, tie('v')), { maxLength: 5, selector: ([k]) => k }).map((e) => new Map(e)),
  ),
})).v;

describe('agreement with python-fido2', () => {
  it('encodes 300 random values to the same bytes as fido2.cbor.encode, and both decode them', () => {
    const values = fc.sample(valueArb, { numRuns: 300, seed: 42 });
    const ours = values.map((v) => hex(encodeCtap(v)));
    const theirs = runPythonFido2<{ enc: string[]; roundtrip: boolean[] }>(
      `${PY_FROM_TAGGED}
from fido2 import cbor
data = json.load(sys.stdin)
vals = [conv(t) for t in data['values']]
enc = [cbor.encode(v).hex() for v in vals]
rt = [cbor.decode(bytes.fromhex(h)) == v for h, v in zip(data['ours'], vals)]
print(json.dumps({'enc': enc, 'roundtrip': rt}))`,
      { values: values.map(tag), ours },
    );
    expect(theirs.roundtrip.every(Boolean)).toBe(true);
    expect(ours).toEqual(theirs.enc);
    for (let i = 0; i < values.length; i++) {
      expect(encodeCtap(decodeCtap(unhex(ours[i]!)))).toEqual(unhex(ours[i]!));
    }
  });
});
