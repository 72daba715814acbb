import { describe, expect, it } from 'vitest';
import { OtpauthError, quoteForMessage } from './errors.js';

describe('OtpauthError', () => {
  it('carries a stable code, its own name and the cause', () => {
    const cause = new Error('inner');
    const error = new OtpauthError('bad-digits', 'Digits must be 6, 7 or 8.', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('OtpauthError');
    expect(error.code).toBe('bad-digits');
    expect(error.message).toBe('Digits must be 6, 7 or 8.');
    expect(error.cause).toBe(cause);
  });
});

describe('quoteForMessage', () => {
  it('quotes short values and shortens long ones', () => {
    expect(quoteForMessage('MD5')).toBe('"MD5"');
    expect(quoteForMessage('x'.repeat(50))).toBe(`"${'x'.repeat(40)}…"`);
  });
});
