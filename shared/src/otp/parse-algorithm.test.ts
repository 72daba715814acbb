import { describe, expect, it } from 'vitest';
import { parseAlgorithm } from './parse-algorithm.js';

describe('parseAlgorithm', () => {
  it.each([
    ['SHA1', 'SHA1'],
    ['sha1', 'SHA1'],
    ['SHA-1', 'SHA1'],
    ['Sha256', 'SHA256'],
    ['sha_256', 'SHA256'],
    ['SHA512', 'SHA512'],
    ['sha-512', 'SHA512'],
  ])('reads %s as %s', (text, want) => {
    expect(parseAlgorithm(text)).toBe(want);
  });

  it.each(['', 'MD5', 'SHA224', 'SHA3-256', 'SHA--1', 'toString', '__proto__', 'constructor'])(
    'rejects %j with bad-algorithm',
    (text) => {
      expect(() => parseAlgorithm(text)).toThrowError(expect.objectContaining({ code: 'bad-algorithm' }));
    },
  );
});
