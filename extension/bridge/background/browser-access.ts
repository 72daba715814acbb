/**
 * The `fallback` trigger "no HID access": the host says which keys it reaches and whether the browser
 * could reach each itself; when it reaches keys and the browser can reach none of them, the browser's
 * own WebAuthn would wait for a key it will never see, so the bridge serves the request instead of
 * trying the browser first. Asked when a fallback site loads (with the host's start) and again at
 * request time when the answer is older than a few seconds (keys come and go).
 */
import { type BrowserAccessResult, BrowserAccessResultSchema } from '@shared/protocol/index.js';
import * as v from 'valibot';
import type { HostConnection } from './host-port';

/** none: keys, but none the browser can reach; some: at least one it can; unknown: no keys or no answer. */
export type BrowserHidAccess = 'none' | 'some' | 'unknown';

export function browserHidAccess(result: BrowserAccessResult | null): BrowserHidAccess {
  if (!result || result.keys.length === 0) return 'unknown';
  return result.keys.every((k) => k.browser === 'unreachable') ? 'none' : 'some';
}

/** Asks the host once (hello first, so an old host answers "unknown" rather than an error). */
export async function askHost(host: HostConnection): Promise<BrowserAccessResult | null> {
  try {
    await host.ensureHello();
    const outcome = await host.request({ type: 'browser-access' }).done;
    if (!outcome.ok) return null; // busy with a ceremony, or no transport: no opinion
    const parsed = v.safeParse(BrowserAccessResultSchema, outcome.result);
    return parsed.success ? parsed.output : null;
  } catch {
    return null; // host missing or gone
  }
}

export interface BrowserAccessProbeOptions {
  /** How long an answer stays good (default 5 s). */
  ttlMs?: number;
  /** Longest a request waits for an answer before treating it as unknown (default 1 s). */
  waitMs?: number;
  now?: () => number;
}

export class BrowserAccessProbe {
  private last: { at: number; access: BrowserHidAccess } | null = null;
  private inFlight: Promise<BrowserHidAccess> | null = null;
  private readonly ttlMs: number;
  private readonly waitMs: number;
  private readonly now: () => number;

  constructor(
    private readonly ask: () => Promise<BrowserAccessResult | null>,
    options: BrowserAccessProbeOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 5_000;
    this.waitMs = options.waitMs ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  /** Starts a fresh answer unless a recent one is at hand (a fallback site just loaded). */
  prime(): void {
    if (!this.fresh()) void this.refresh();
  }

  /** The answer for a request now: a recent one, else a new one, bounded by `waitMs`. */
  async check(): Promise<BrowserHidAccess> {
    const recent = this.fresh();
    if (recent) return recent;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<BrowserHidAccess>((resolve) => {
      timer = setTimeout(() => resolve('unknown'), this.waitMs);
    });
    try {
      return await Promise.race([this.refresh(), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private fresh(): BrowserHidAccess | null {
    return this.last && this.now() - this.last.at < this.ttlMs ? this.last.access : null;
  }

  private refresh(): Promise<BrowserHidAccess> {
    this.inFlight ??= this.ask()
      .then(browserHidAccess, () => 'unknown' as const)
      .then((access) => {
        this.last = { at: this.now(), access };
        return access;
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }
}
