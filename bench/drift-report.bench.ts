// drift-report: time to build a full drift report for 20 numeric features from sketches (the
// window's snapshot: sketches built from its counts, then per feature the test, PSI and rates,
// dataset drift), reference 5000 rows (normalised Wasserstein) and a window of 1000 rows. Goal
// ≤ 20 ms. Baseline: what a user holding the raw rows would compute for the same report, the exact
// Wasserstein distance by sorting both samples (scipy's method) and PSI over the reference deciles.
import { createRng } from '../src/data/prng.ts';
import { profileTable } from '../src/data/profile.ts';
import type { Table } from '../src/data/types.ts';
import { computeDriftReport, DEFAULT_DRIFT_THRESHOLDS, DriftWindow } from '../src/monitor/index.ts';
import type { DatasetSchema } from '../src/schemas/dataset.ts';
import { defineBench, timeAlternating } from './harness.ts';

const FEATURES = 20;

function columns(rows: number, seed: number, shift: number): Float32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: FEATURES }, (_, f) =>
    Float32Array.from({ length: rows }, () => rng.normal() * (1 + f) + f * 10 + shift),
  );
}

function exactWasserstein(a: Float32Array, b: Float32Array): number {
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let w = 0;
  let x = Math.min(sa[0] as number, sb[0] as number);
  while (i < sa.length || j < sb.length) {
    const next = Math.min(sa[i] ?? Number.POSITIVE_INFINITY, sb[j] ?? Number.POSITIVE_INFINITY);
    w += Math.abs(i / sa.length - j / sb.length) * (next - x);
    x = next;
    while (i < sa.length && (sa[i] as number) <= x) i++;
    while (j < sb.length && (sb[j] as number) <= x) j++;
  }
  return w;
}

export default defineBench({
  name: 'drift-report',
  where: 'node',
  async run(ctx) {
    const reference = columns(5000, 1, 0);
    const current = columns(1000, 2, 0.3);
    const schema: DatasetSchema = {
      version: 1,
      columns: reference.map((_, f) => ({
        name: `f${f}`,
        type: 'numeric',
        role: 'feature',
        nullable: false,
      })),
      target: null,
    };
    const table: Table = {
      rowCount: 5000,
      columns: reference.map((values, f) => ({
        kind: 'numeric',
        name: `f${f}`,
        type: 'numeric',
        values,
        missing: null,
      })),
    };
    const profile = profileTable(table, schema);
    const specs = reference.map((_, f) => ({ name: `f${f}`, kind: 'numeric' as const, float32: true }));
    const window = new DriftWindow(specs, null);
    for (let r = 0; r < 1000; r++)
      for (let f = 0; f < FEATURES; f++) window.observeNumber(f, current[f]?.[r] as number);
    window.addRows(1000, 0);
    let drifted = 0;
    const ours = async () => {
      const report = computeDriftReport({
        model: 'bench',
        version: 1,
        reference: profile,
        window: window.snapshot(),
        thresholds: DEFAULT_DRIFT_THRESHOLDS,
        predictionReference: null,
      });
      drifted = report.features.filter((f) => f.drifted).length;
    };
    const theirs = async () => {
      for (let f = 0; f < FEATURES; f++) {
        const a = reference[f] as Float32Array;
        const b = current[f] as Float32Array;
        const mean = a.reduce((s, v) => s + v, 0) / a.length;
        const std = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
        exactWasserstein(a, b) / std;
        const sorted = Float64Array.from(a).sort();
        const edges = Array.from(
          { length: 9 },
          (_, k) => sorted[Math.floor(((k + 1) * a.length) / 10)] as number,
        );
        const bin = (v: number) => edges.filter((e) => v >= e).length;
        const ca = new Float64Array(10);
        const cb = new Float64Array(10);
        for (const v of a) ca[bin(v)] = (ca[bin(v)] as number) + 1;
        for (const v of b) cb[bin(v)] = (cb[bin(v)] as number) + 1;
      }
    };
    const timed = await timeAlternating(ours, theirs, ctx.quick ? 5 : 25);
    ctx.log(`${drifted} of 20 features drifted (shift 0.3)`);
    return {
      unit: 'ms',
      value: timed.ours,
      baseline: timed.theirs,
      better: 'lower',
      extra: { features: FEATURES, referenceRows: 5000, windowRows: 1000, test: 'wasserstein', drifted },
    };
  },
});
