import { describe, expect, it } from 'vitest';
import type { OtpAccount } from './account.js';
import { secondsRemaining } from './seconds-remaining.js';

const a: OtpAccount = {
  type: 'totp',
  account: 'x',
  secret: new Uint8Array(10),
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
};

describe('secondsRemaining', () => {
  it.each([
    [0, 30],
    [999, 30],
    [1_000, 29],
    [29_999, 1],
    [30_000, 30],
    [59_000, 1],
    [1_111_111_109_000, 1],
  ])('at %i ms a 30 s code has %i s left', (atMs, want) => {
    expect(secondsRemaining(a, atMs)).toBe(want);
  });

  it('follows the period', () => {
    expect(secondsRemaining({ ...a, period: 60 }, 59_000)).toBe(1);
    expect(secondsRemaining({ ...a, period: 60 }, 60_000)).toBe(60);
    expect(secondsRemaining({ ...a, period: 1 }, 12_345)).toBe(1);
  });

  it('is between 1 and the period for the current time', () => {
    const left = secondsRemaining(a);
    expect(left).toBeGreaterThanOrEqual(1);
    expect(left).toBeLessThanOrEqual(30);
  });

  it('is Infinity for HOTP, whose codes do not expire', () => {
    expect(secondsRemaining({ ...a, type: 'hotp', counter: 1 }, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('rejects a bad period or time', () => {
    expect(() => secondsRemaining({ ...a, period: 0 }, 0)).toThrowError(
      expect.objectContaining({ code: 'bad-period' }),
    );
    expect(() => secondsRemaining(a, -5)).toThrowError(expect.objectContaining({ code: 'bad-time' }));
  });
});
