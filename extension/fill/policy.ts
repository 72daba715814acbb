/**
 * Fill policy that is not about sites: the clock offset read from a server's Date header. Which sites
 * are served (profiles, allowed sites, binding, look-alikes) is extension/sites.
 */

/** Offsets below this are not worth a word (codes tolerate a step; the Date header has 1 s resolution). */
export const CLOCK_WARN_MS = 10_000;

/**
 * The local clock's offset from a server's: positive when the server is ahead. `sentAt`/`receivedAt`
 * bracket the request; the Date header is truncated to the second, so half a second is added.
 * Null when the header is missing or unreadable.
 */
export function clockOffsetMs(dateHeader: string | null, sentAt: number, receivedAt: number): number | null {
  if (!dateHeader) return null;
  const server = Date.parse(dateHeader);
  if (Number.isNaN(server)) return null;
  return server + 500 - (sentAt + receivedAt) / 2;
}
