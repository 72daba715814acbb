/**
 * Windowing for long lists of fixed-height rows: only the rows in (or near) the scroll viewport are
 * rendered; padding above and below stands in for the others so the scrollbar stays true.
 */

export interface RowWindow {
  /** First rendered row (inclusive). */
  start: number;
  /** End of the rendered rows (exclusive). */
  end: number;
  /** px of padding before the first rendered row (the rows above it). */
  padTop: number;
  /** px of padding after the last rendered row (the rows below it). */
  padBottom: number;
}

/**
 * The rows to render for a scroll position. `overscan` extra rows on each side keep keyboard focus
 * and fast scrolling from reaching an unrendered row. Out-of-range or non-finite input is clamped.
 */
export function rowWindow(
  count: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  overscan = 4,
): RowWindow {
  const n = Math.max(0, Math.floor(count));
  if (n === 0 || !(rowHeight > 0)) return { start: 0, end: n, padTop: 0, padBottom: 0 };
  const top = Number.isFinite(scrollTop) ? Math.max(0, scrollTop) : 0;
  const height = Number.isFinite(viewportHeight) ? Math.max(0, viewportHeight) : 0;
  const first = Math.min(n - 1, Math.floor(top / rowHeight));
  const visible = Math.ceil(height / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(n, first + visible + overscan);
  return { start, end, padTop: start * rowHeight, padBottom: (n - end) * rowHeight };
}
