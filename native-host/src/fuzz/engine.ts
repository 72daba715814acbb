// A small mutation fuzzer for the host's parsers: seeded inputs mutated at random (bit flips, byte
// changes, interesting values, insertions, deletions, truncation, splices of two seeds, fresh random
// bytes), each run once through a target. What a target may throw is its named errors; anything else is
// a crash. A run slower than `hangMs` counts as a hang (the parsers are synchronous: a real infinite loop
// would stop the fuzzer, which then reports nothing — the harness that starts it has a time limit).

/** xorshift32: fast, seedable, good enough to pick mutations. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  next32(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  /** 0 ≤ n < max. */
  below(max: number): number {
    return max <= 1 ? 0 : this.next32() % max;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.next32() & 0xff;
    return out;
  }
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x40, 0x20, 0x18, 0x19, 0x1a, 0x1b, 0x1f, 0x3f];

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One mutant of `seed` (other seeds feed splices), at most `maxLength` bytes. */
export function mutate(rng: Rng, seed: Uint8Array, seeds: Uint8Array[], maxLength: number): Uint8Array {
  let data: Uint8Array = seed.slice();
  const rounds = 1 + rng.below(4);
  for (let r = 0; r < rounds; r++) {
    const at = rng.below(data.length + 1);
    switch (rng.below(9)) {
      case 0: // bit flip
        if (data.length) data[rng.below(data.length)]! ^= 1 << rng.below(8);
        break;
      case 1: // random byte
        if (data.length) data[rng.below(data.length)] = rng.below(256);
        break;
      case 2: // interesting byte
        if (data.length) data[rng.below(data.length)] = INTERESTING[rng.below(INTERESTING.length)]!;
        break;
      case 3: // insert random bytes
        data = concat(data.subarray(0, at), rng.bytes(1 + rng.below(16)), data.subarray(at));
        break;
      case 4: // delete a range
        data = concat(data.subarray(0, at), data.subarray(Math.min(data.length, at + 1 + rng.below(16))));
        break;
      case 5: // truncate
        data = data.subarray(0, at);
        break;
      case 6: {
        // splice with another seed
        const other = seeds[rng.below(seeds.length)]!;
        const from = rng.below(other.length + 1);
        data = concat(data.subarray(0, at), other.subarray(from, from + 1 + rng.below(64)));
        break;
      }
      case 7: // duplicate a range
        data = concat(data.subarray(0, at), data.subarray(at, at + 1 + rng.below(32)), data.subarray(at));
        break;
      default: // fresh random input
        data = rng.bytes(rng.below(maxLength + 1));
    }
  }
  return data.length > maxLength ? data.subarray(0, maxLength) : data;
}

export interface FuzzTarget {
  name: string;
  seeds: Uint8Array[];
  maxLength: number;
  /** Runs one input; returns normally or throws. */
  run(input: Uint8Array): void;
  /** The errors this target may raise on bad input. */
  expected(error: unknown): boolean;
}

export interface FuzzReport {
  name: string;
  executions: number;
  crashes: number;
  hangs: number;
  /** Inputs that were refused with a named error (the rest were accepted). */
  refused: number;
  seconds: number;
  firstCrash?: { input: string; error: string };
  firstHang?: string;
}

function safely(target: FuzzTarget, input: Uint8Array): void {
  try {
    target.run(input);
  } catch {
    // counted by `once`
  }
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** Runs one input, counts a refusal or a crash; returns how long it took (ms). */
function once(target: FuzzTarget, input: Uint8Array, report: FuzzReport): number {
  return time(() => {
    try {
      target.run(input);
    } catch (error) {
      if (target.expected(error)) report.refused++;
      else {
        report.crashes++;
        report.firstCrash ??= {
          input: Buffer.from(input).toString('hex'),
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        };
      }
    }
  });
}

export function fuzz(target: FuzzTarget, executions: number, seed: number, hangMs = 250): FuzzReport {
  const rng = new Rng(seed);
  const report: FuzzReport = {
    name: target.name,
    executions: 0,
    crashes: 0,
    hangs: 0,
    refused: 0,
    seconds: 0,
  };
  const start = performance.now();
  for (let i = 0; i < executions; i++) {
    // A share of plain seeds keeps the valid paths covered.
    const base = target.seeds[rng.below(target.seeds.length)]!;
    const input = i % 64 === 0 ? base : mutate(rng, base, target.seeds, target.maxLength);
    let elapsed = once(target, input, report);
    report.executions++;
    // A slow run on a shared machine may be a GC pause or the scheduler: it is a hang only if the same
    // input is slow every time.
    for (let again = 0; again < 2 && elapsed > hangMs; again++) elapsed = time(() => safely(target, input));
    if (elapsed > hangMs) {
      report.hangs++;
      report.firstHang ??= Buffer.from(input).toString('hex');
    }
  }
  report.seconds = (performance.now() - start) / 1000;
  return report;
}
