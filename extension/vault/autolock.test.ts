import { describe, expect, it } from 'vitest';
import { planAutoLock } from './autolock';

const MIN = 60_000;

describe('planAutoLock', () => {
  it('locks autoLockMinutes after the last use', () => {
    expect(planAutoLock(1_000_000, 15, 1_000_000)).toEqual({ lockNow: false, at: 1_000_000 + 15 * MIN });
    expect(planAutoLock(1_000_000, 15, 1_000_000 + 14 * MIN)).toEqual({
      lockNow: false,
      at: 1_000_000 + 15 * MIN,
    });
  });

  it('a shorter time arriving later counts from the last use, and locks at once when already idle longer', () => {
    const last = 5_000_000;
    // Idle 7 minutes; policy now says 10: lock in 3 minutes, not 10.
    expect(planAutoLock(last, 10, last + 7 * MIN)).toEqual({ lockNow: false, at: last + 10 * MIN });
    // Idle 7 minutes; policy now says 5: lock now.
    expect(planAutoLock(last, 5, last + 7 * MIN)).toEqual({ lockNow: true });
    expect(planAutoLock(last, 5, last + 5 * MIN)).toEqual({ lockNow: true });
  });

  it('an unknown or future last use counts from now (never locks at once, never pushes the lock out)', () => {
    expect(planAutoLock(undefined, 1, 42)).toEqual({ lockNow: false, at: 42 + MIN });
    expect(planAutoLock(Number.NaN, 1, 42)).toEqual({ lockNow: false, at: 42 + MIN });
    expect(planAutoLock(10 * MIN, 1, 0)).toEqual({ lockNow: false, at: MIN });
  });
});
