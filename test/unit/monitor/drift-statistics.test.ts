// Issue 11: every drift statistic against an exact value computed independently: scipy's figures
// (stated with the call that produced them) for fixed inputs, and exact formulas on the raw samples,
// written here in the test, for the sketch-based statistics with their stated error bounds.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { bucketKey, FloatSketchBuilder } from '../../../src/data/float-sketch.ts';
import { createRng } from '../../../src/data/index.ts';
import {
  alignSketches,
  binSketch,
  chiSquaredSurvival,
  chiSquaredTest,
  jensenShannonDistance,
  kolmogorovSurvival,
  ksPValue,
  ksStatistic,
  populationStabilityIndex,
  wassersteinDistance,
} from '../../../src/monitor/index.ts';
import type { FloatSketch } from '../../../src/schemas/dataset.ts';

function sketchOf(values: readonly number[]): FloatSketch {
  const builder = new FloatSketchBuilder();
  builder.addFloat32Bits(new Uint32Array(Float32Array.from(values).buffer), null);
  return builder.build();
}

/** Exact two-sample KS D on raw values: the largest gap of the empirical CDFs over all sample points. */
function exactKs(a: readonly number[], b: readonly number[]): number {
  const sa = [...a].sort((x, y) => x - y);
  const sb = [...b].sort((x, y) => x - y);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < sa.length || j < sb.length) {
    const x = Math.min(sa[i] ?? Number.POSITIVE_INFINITY, sb[j] ?? Number.POSITIVE_INFINITY);
    while (i < sa.length && (sa[i] as number) <= x) i++;
    while (j < sb.length && (sb[j] as number) <= x) j++;
    d = Math.max(d, Math.abs(i / sa.length - j / sb.length));
  }
  return d;
}

/** Exact Wasserstein-1 on raw values: ∫|F_a − F_b| dx between consecutive sample points. */
function exactWasserstein(a: readonly number[], b: readonly number[]): number {
  const points = [...new Set([...a, ...b])].sort((x, y) => x - y);
  const sa = [...a].sort((x, y) => x - y);
  const sb = [...b].sort((x, y) => x - y);
  let i = 0;
  let j = 0;
  let w = 0;
  for (let k = 0; k < points.length - 1; k++) {
    const x = points[k] as number;
    while (i < sa.length && (sa[i] as number) <= x) i++;
    while (j < sb.length && (sb[j] as number) <= x) j++;
    w += Math.abs(i / sa.length - j / sb.length) * ((points[k + 1] as number) - x);
  }
  return w;
}

/** Largest share of either sample that falls in one sketch bucket (the KS bound). */
function largestBucketShare(a: FloatSketch, b: FloatSketch): number {
  const total = (s: FloatSketch) => s.counts.reduce((x, y) => x + y, 0);
  return Math.max(Math.max(...a.counts) / total(a), Math.max(...b.counts) / total(b));
}

const f32 = (values: number[]): number[] => values.map((v) => Math.fround(v));
const meanAbs = (values: readonly number[]) => values.reduce((s, v) => s + Math.abs(v), 0) / values.length;

// The fixed samples scipy was run on: a = (i + 0.5)/500, b = (i + 0.5)/400 + 0.1 (float32).
const A = f32(Array.from({ length: 500 }, (_, i) => (i + 0.5) / 500));
const B = f32(Array.from({ length: 400 }, (_, i) => (i + 0.5) / 400 + 0.1));
const B_NEAR = f32(Array.from({ length: 400 }, (_, i) => (i + 0.5) / 400 + 0.03));

describe('Kolmogorov–Smirnov', () => {
  test('D and p-value on fixed samples match scipy', () => {
    // scipy 1.17.1: stats.ks_2samp(a, b, method='exact') → D = 0.102, p = 0.018305653697254533
    const aligned = alignSketches(sketchOf(A), sketchOf(B));
    const d = ksStatistic(aligned);
    expect(d).toBeCloseTo(0.102, 2);
    expect(ksPValue(0.102, 500, 400)).toBeCloseTo(0.018305653697254533, 3);
    expect(ksStatistic(alignSketches(sketchOf(A), sketchOf(B_NEAR)))).toBeCloseTo(0.032, 2);
    // stats.ks_2samp(a, b_near, method='exact') → D = 0.032, p = 0.9714072026056502
    expect(ksPValue(0.032, 500, 400)).toBeCloseTo(0.9714072026056502, 2);
    // stats.kstwobign.sf(1.0) = 0.26999967167735456; kstwobign.sf(1.36) = 0.049485876755377876
    expect(kolmogorovSurvival(1.0)).toBeCloseTo(0.26999967167735456, 10);
    expect(kolmogorovSurvival(1.36)).toBeCloseTo(0.049485876755377876, 10);
  });

  test('sketch D is within the largest bucket share below the exact D (random samples)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (seed, shift) => {
          const rng = createRng(seed);
          const a = f32(Array.from({ length: 300 }, () => rng.normal() * 3));
          const b = f32(Array.from({ length: 200 }, () => rng.normal() * 3 + shift));
          const sa = sketchOf(a);
          const sb = sketchOf(b);
          const d = ksStatistic(alignSketches(sa, sb));
          const exact = exactKs(a, b);
          expect(d).toBeLessThanOrEqual(exact + 1e-12);
          expect(exact - d).toBeLessThanOrEqual(largestBucketShare(sa, sb) + 1e-12);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('Wasserstein', () => {
  test('on fixed samples matches scipy within the midpoint bound', () => {
    // scipy 1.17.1: stats.wasserstein_distance(a, b) = 0.09999999975343236
    const w = wassersteinDistance(alignSketches(sketchOf(A), sketchOf(B)));
    const bound = 2 ** -8 * (meanAbs(A) + meanAbs(B));
    expect(Math.abs(w - 0.09999999975343236)).toBeLessThanOrEqual(bound);
  });

  test('sketch distance is within 2^-8·(mean|a| + mean|b|) of the exact one (random samples)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        (seed, scale) => {
          const rng = createRng(seed);
          const a = f32(Array.from({ length: 250 }, () => rng.normal() * scale + 4));
          const b = f32(Array.from({ length: 150 }, () => rng.normal() + 5));
          const w = wassersteinDistance(alignSketches(sketchOf(a), sketchOf(b)));
          expect(Math.abs(w - exactWasserstein(a, b))).toBeLessThanOrEqual(
            2 ** -8 * (meanAbs(a) + meanAbs(b)) + 1e-12,
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('chi-squared, Jensen–Shannon, PSI (exact on counts)', () => {
  test('chi-squared test of homogeneity matches scipy', () => {
    // scipy 1.17.1: stats.chi2_contingency([[50,30,20],[30,40,30]], correction=False)
    //   → statistic 8.428571428571429, p 0.01478287719483942, dof 2
    const r = chiSquaredTest([50, 30, 20], [30, 40, 30]);
    expect(r.statistic).toBeCloseTo(8.428571428571429, 12);
    expect(r.df).toBe(2);
    expect(r.pValue).toBeCloseTo(0.01478287719483942, 12);
    // A category new in the current window: chi2_contingency([[500,300,200,0],[450,310,220,20]], correction=False)
    //   → statistic 23.747894325978884, p 2.819775474404966e-05, dof 3
    const unseen = chiSquaredTest([500, 300, 200, 0], [450, 310, 220, 20]);
    expect(unseen.statistic).toBeCloseTo(23.747894325978884, 10);
    expect(unseen.pValue).toBeCloseTo(2.819775474404966e-5, 15);
  });

  test('chi-squared survival matches scipy.stats.chi2.sf', () => {
    expect(chiSquaredSurvival(3.5, 1)).toBeCloseTo(0.0613688291394023, 12);
    expect(chiSquaredSurvival(25.0, 7)).toBeCloseTo(0.0007588002556582502, 14);
    expect(chiSquaredSurvival(0.5, 12)).toBeCloseTo(0.9999997261864366, 12);
    expect(chiSquaredSurvival(150.0, 99)).toBeCloseTo(0.0007204453957169282, 14);
  });

  test('Jensen–Shannon distance matches scipy.spatial.distance.jensenshannon', () => {
    // scipy 1.17.1: jensenshannon([50,30,20],[30,40,30]) = 0.1457776797019122
    expect(jensenShannonDistance([50, 30, 20], [30, 40, 30])).toBeCloseTo(0.1457776797019122, 12);
    expect(jensenShannonDistance([5, 5], [5, 5])).toBe(0);
  });

  test('PSI by its formula, with the 0.0001 floor for an empty bin', () => {
    const expected =
      (0.5 - 0.3) * Math.log(0.5 / 0.3) +
      (0.3 - 0.4) * Math.log(0.3 / 0.4) +
      (0.2 - 0.3) * Math.log(0.2 / 0.3);
    expect(populationStabilityIndex([50, 30, 20], [30, 40, 30])).toBeCloseTo(expected, 14);
    const floored = (0.5 - 0.0001) * Math.log(0.5 / 0.0001) + (0.5 - 1) * Math.log(0.5 / 1);
    expect(populationStabilityIndex([5, 5], [0, 10])).toBeCloseTo(floored, 12);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 20 }), (counts) => {
        fc.pre(counts.some((c) => c > 0));
        expect(populationStabilityIndex(counts, counts)).toBe(0);
      }),
    );
  });

  test("binned sketch counts differ from exact binning only by values in the edges' own buckets", () => {
    const rng = createRng(7);
    const values = f32(Array.from({ length: 2000 }, () => rng.normal() * 2 + 1));
    const edges = [-3, -1, 0.5, 1, 2.5, 6];
    const fromSketch = binSketch(sketchOf(values), edges);
    const exact = new Array<number>(edges.length - 1).fill(0);
    let nearEdge = 0;
    for (const v of values) {
      let bin = 0;
      while (bin < exact.length - 1 && v >= (edges[bin + 1] as number)) bin++;
      exact[bin] = (exact[bin] as number) + 1;
      if (edges.some((e) => bucketKey(e) === bucketKey(v))) nearEdge++;
    }
    const moved = exact.reduce((s, c, i) => s + Math.abs(c - (fromSketch[i] as number)), 0) / 2;
    expect(moved).toBeLessThanOrEqual(nearEdge);
    expect(Array.from(fromSketch).reduce((a, b) => a + b, 0)).toBe(2000);
  });
});
