import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rowWindow } from './row-window';

describe('rowWindow', () => {
  it('renders the rows of the first screen plus overscan at the top', () => {
    expect(rowWindow(200, 0, 470, 50, 4)).toEqual({ start: 0, end: 15, padTop: 0, padBottom: 185 * 50 });
  });

  it('follows the scroll position, with overscan on both sides', () => {
    // Row 100 at the top: rows 96..114 (10 visible + 1 partial, 4 overscan each side).
    expect(rowWindow(200, 5000, 470, 50, 4)).toEqual({
      start: 96,
      end: 115,
      padTop: 96 * 50,
      padBottom: 85 * 50,
    });
  });

  it('ends at the last row when scrolled to (or past) the bottom', () => {
    const w = rowWindow(200, 1e9, 470, 50, 4);
    expect(w.end).toBe(200);
    expect(w.padBottom).toBe(0);
    expect(w.start).toBe(195);
  });

  it('renders short lists whole and nothing for an empty list', () => {
    expect(rowWindow(3, 0, 470, 50)).toEqual({ start: 0, end: 3, padTop: 0, padBottom: 0 });
    expect(rowWindow(0, 0, 470, 50)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
  });

  it('clamps nonsense input instead of rendering a wrong range', () => {
    expect(rowWindow(10, Number.NaN, -5, 50, 2)).toEqual({ start: 0, end: 3, padTop: 0, padBottom: 350 });
    expect(rowWindow(10, 0, 470, 0)).toEqual({ start: 0, end: 10, padTop: 0, padBottom: 0 });
  });

  it('always keeps the total height and a non-empty range for a non-empty list', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: -1e6, max: 1e7, noNaN: true }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: 20 }),
        (count, top, height, row, over) => {
          const w = rowWindow(count, top, height, row, over);
          expect(w.start).toBeGreaterThanOrEqual(0);
          expect(w.end).toBeGreaterThan(w.start);
          expect(w.end).toBeLessThanOrEqual(count);
          expect(w.padTop + (w.end - w.start) * row + w.padBottom).toBe(count * row);
        },
      ),
    );
  });
});
