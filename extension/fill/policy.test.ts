import { describe, expect, it } from 'vitest';
import { clockOffsetMs } from './policy';

describe('clockOffsetMs', () => {
  it('compares the Date header with the middle of the request', () => {
    const sent = Date.parse('2026-01-01T12:00:00Z');
    // Server says 12:01:00 (+ half a second for truncation), request took 200 ms.
    expect(clockOffsetMs('Thu, 01 Jan 2026 12:01:00 GMT', sent, sent + 200)).toBe(60_000 + 500 - 100);
    expect(clockOffsetMs(null, sent, sent)).toBeNull();
    expect(clockOffsetMs('not a date', sent, sent)).toBeNull();
  });
});
