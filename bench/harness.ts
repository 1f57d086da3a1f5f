// The contract every benchmark follows. A benchmark is a file `bench/<name>.bench.ts` whose default
// export is `defineBench({...})`; `npm run bench [-- name…]` finds it, runs it where it says (a
// headless Chromium page or Node) and prints one JSON line per measurement plus a table.

/** One measured figure with its baseline from the same run. */
export interface BenchMeasurement {
  /** Name printed in the JSON line, e.g. "registry-save-25M". Defaults to the benchmark's name. */
  bench?: string;
  /** Unit of `value` and `baseline`, e.g. "ms", "samples/s", "MB/s". */
  unit: string;
  /** edgeflow's figure. */
  value: number;
  /** What a user would otherwise get, measured in the same process/page on the same data. */
  baseline: number;
  /** Whether a lower figure (times) or a higher one (throughputs) is better; orients `ratio`. */
  better: 'lower' | 'higher';
  /** Anything else worth printing (peak memory, sizes, per-backend figures…). */
  extra?: Record<string, unknown>;
}

/** What a benchmark's `run` receives. */
export interface BenchContext {
  /** True under BENCH_QUICK=1: use small sizes. */
  quick: boolean;
  /** Progress lines, shown on the runner's stderr. */
  log(message: string): void;
}

/** A benchmark definition. */
export interface BenchDefinition {
  name: string;
  /** Where it runs: a Chromium page (with workers, WebGPU, IndexedDB) or Node. */
  where: 'browser' | 'node';
  /**
   * Browser storage: `'disk'` runs the page on a profile on disk (what users have; the runner reads
   * this from the file's text). Default: Playwright's in-memory context, unless BENCH_DISK=1.
   */
  storage?: 'disk' | 'memory';
  run(ctx: BenchContext): Promise<BenchMeasurement | BenchMeasurement[]>;
}

/** Declares a benchmark (identity function, for types). */
export function defineBench(definition: BenchDefinition): BenchDefinition {
  return definition;
}

/** `ratio` above 1 means edgeflow is better: baseline/value for times, value/baseline for throughputs. */
export function orientedRatio(m: Pick<BenchMeasurement, 'value' | 'baseline' | 'better'>): number {
  return m.better === 'lower' ? m.baseline / m.value : m.value / m.baseline;
}

/** One side of an alternating comparison: an untimed `setup` right before each timed `run`. */
export interface TimedSide {
  setup: () => Promise<unknown>;
  run: () => Promise<unknown>;
}

/**
 * Runs `ours` and `theirs` alternately `rounds` times (after one untimed warm-up each) and
 * returns the median milliseconds of each: alternating spreads the shared machine's noise evenly.
 * A side may be a plain function or `{ setup, run }`, whose setup runs untimed before every run.
 */
export async function timeAlternating(
  ours: (() => Promise<unknown>) | TimedSide,
  theirs: (() => Promise<unknown>) | TimedSide,
  rounds: number,
): Promise<{ ours: number; theirs: number; oursAll: number[]; theirsAll: number[] }> {
  const noSetup = async (): Promise<void> => undefined;
  const a: TimedSide = typeof ours === 'function' ? { setup: noSetup, run: ours } : ours;
  const b: TimedSide = typeof theirs === 'function' ? { setup: noSetup, run: theirs } : theirs;
  for (const side of [a, b]) {
    await side.setup();
    await side.run();
  }
  const oursAll: number[] = [];
  const theirsAll: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Swap who goes first each round so neither always runs on a warmer cache.
    const order = i % 2 === 0 ? [a, b] : [b, a];
    for (const side of order) {
      await side.setup();
      const start = performance.now();
      await side.run();
      (side === a ? oursAll : theirsAll).push(performance.now() - start);
    }
  }
  return { ours: median(oursAll), theirs: median(theirsAll), oursAll, theirsAll };
}

/** The median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
