import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinLabel, splitLabel } from './label.js';

const same = (part: string) => part;

describe('splitLabel', () => {
  it.each<[string, string | undefined, ReturnType<typeof splitLabel>]>([
    ['Example:alice@google.com', undefined, { issuer: 'Example', account: 'alice@google.com' }],
    ['Example: alice@google.com', undefined, { issuer: 'Example', account: 'alice@google.com' }],
    ['alice@google.com', undefined, { account: 'alice@google.com' }],
    ['alice@google.com', 'Example', { issuer: 'Example', account: 'alice@google.com' }],
    ['Example:alice', 'Example', { issuer: 'Example', account: 'alice' }],
    // the issuer parameter wins over a different prefix
    ['Old Name:alice', 'New Name', { issuer: 'New Name', account: 'alice' }],
    // an issuer containing ':' is stripped whole
    ['a:b:alice', 'a:b', { issuer: 'a:b', account: 'alice' }],
    // only the first colon separates prefix and account
    ['Example:alice:work', undefined, { issuer: 'Example', account: 'alice:work' }],
    [':alice:work', undefined, { account: 'alice:work' }],
    ['Example:alice', '   ', { issuer: 'Example', account: 'alice' }],
  ])('splits %j (issuer parameter %j)', (label, issuer, want) => {
    expect(splitLabel(label, issuer)).toEqual(want);
  });

  it.each(['', '   ', 'Example:', 'Example:  ', ':'])('rejects %j with bad-label', (label) => {
    expect(() => splitLabel(label)).toThrowError(expect.objectContaining({ code: 'bad-label' }));
  });
});

describe('joinLabel', () => {
  it('writes Issuer:account, encoding each part', () => {
    expect(joinLabel('ACME Co', 'john@example.com', encodeURIComponent)).toBe('ACME%20Co:john%40example.com');
    expect(joinLabel(undefined, 'john', same)).toBe('john');
    expect(joinLabel('', 'john', same)).toBe('john');
    expect(joinLabel(undefined, 'a:b', same)).toBe(':a:b');
  });

  it('is read back exactly by splitLabel (property)', () => {
    const text = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && s !== '');
    fc.assert(
      fc.property(fc.option(text, { nil: undefined }), text, (issuer, account) => {
        const label = joinLabel(issuer, account, same);
        expect(splitLabel(label, issuer)).toEqual(issuer === undefined ? { account } : { issuer, account });
      }),
    );
  });
});
