import { describe, expect, it } from 'vitest';
import { parseWholeNumber } from './parse-whole-number.js';

describe('parseWholeNumber', () => {
  it('reads plain decimals, with leading zeros and surrounding spaces', () => {
    expect(parseWholeNumber('30', 'period', 'bad-period', 1, 3600)).toBe(30);
    expect(parseWholeNumber('007', 'digits', 'bad-digits', 6, 8)).toBe(7);
    expect(parseWholeNumber(' 0 ', 'counter', 'bad-counter', 0, Number.MAX_SAFE_INTEGER)).toBe(0);
    expect(parseWholeNumber('9007199254740991', 'counter', 'bad-counter', 0, Number.MAX_SAFE_INTEGER)).toBe(
      Number.MAX_SAFE_INTEGER,
    );
  });

  it.each(['', '-1', '+5', '1.5', '1e3', '0x10', '3 0', 'Infinity', 'NaN', '9007199254740992', '0', '3601'])(
    'rejects %j for a period',
    (text) => {
      expect(() => parseWholeNumber(text, 'period', 'bad-period', 1, 3600)).toThrowError(
        expect.objectContaining({ code: 'bad-period', message: expect.stringContaining('from 1 to 3600') }),
      );
    },
  );
});
