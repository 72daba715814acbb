import { describe, expect, it } from 'vitest';
import { lookalikeOf } from './lookalike';

const trusted = ['iamconnected.eu', 'portbase.com'];

describe('lookalikeOf', () => {
  it.each([
    ['iamconnected-login.com', 'iamconnected.eu'],
    ['www.iamconnected.eu.evil.net', 'iamconnected.eu'],
    ['iamconected.eu', 'iamconnected.eu'],
    ['iamc0nnected.eu', 'iamconnected.eu'],
    ['iаmconnected.eu', 'iamconnected.eu'], // Cyrillic а
    ['iamconnected.github.io', 'iamconnected.eu'],
    ['portbase-secure.net', 'portbase.com'],
    ['www.iamconnected.eu', null],
    ['login.pcs.portbase.com', null],
    ['github.com', null],
    ['connected.example', null],
  ])('%s imitates %s', (host, real) => {
    expect(lookalikeOf(host, trusted)).toBe(real);
  });
  it('ignores localhost, IP addresses and short names as trusted hosts', () => {
    expect(lookalikeOf('localhost.evil.net', ['localhost'])).toBeNull();
    expect(lookalikeOf('127.0.0.1.evil.net', ['127.0.0.1'])).toBeNull();
    expect(lookalikeOf('abcx.com', ['abc.com'])).toBeNull();
  });
});
