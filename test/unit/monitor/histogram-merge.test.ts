// Issue 11: latency histograms are OpenTelemetry exponential histograms that merge across devices,
// and window sketches merge exactly: property tests (fast-check) against the histogram or sketch of
// the union, within the stated error.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FloatSketchBuilder, mergeSketches } from '../../../src/data/float-sketch.ts';
import {
  alignSketches,
  DriftWindow,
  ExponentialHistogramBuilder,
  histogramBucketBounds,
  histogramBucketIndex,
  histogramQuantile,
  ksStatistic,
  mergeHistograms,
} from '../../../src/monitor/index.ts';
import { exponentialHistogramSchema } from '../../../src/schemas/monitor.ts';

const durations = fc.array(fc.double({ min: 1e-6, max: 100, noNaN: true }), { minLength: 1, maxLength: 200 });

function histogramOf(values: readonly number[], scale = 4) {
  const h = new ExponentialHistogramBuilder(scale);
  for (const v of values) h.record(v);
  return h.toJSON();
}

describe('exponential histogram', () => {
  test('bucket i holds (base^i, base^(i+1)]; powers of two sit on an upper bound exactly', () => {
    expect(histogramBucketIndex(1, 4)).toBe(-1);
    expect(histogramBucketIndex(2, 4)).toBe(15);
    expect(histogramBucketIndex(0.5, 0)).toBe(-2);
    expect(histogramBucketIndex(3, 0)).toBe(1);
    expect(histogramBucketIndex(4, -1)).toBe(0);
    expect(histogramBucketIndex(5, -1)).toBe(1);
    fc.assert(
      fc.property(
        fc.double({ min: 1e-9, max: 1e9, noNaN: true }),
        fc.integer({ min: -2, max: 8 }),
        (v, scale) => {
          const i = histogramBucketIndex(v, scale);
          const { low, high } = histogramBucketBounds(i, scale);
          expect(low).toBeLessThan(v * (1 + 1e-12));
          expect(v).toBeLessThanOrEqual(high * (1 + 1e-12));
        },
      ),
    );
  });

  test('merge(a, b) equals the histogram of a ∪ b (same scale), exactly in counts', () => {
    fc.assert(
      fc.property(durations, durations, (a, b) => {
        const merged = mergeHistograms([histogramOf(a), histogramOf(b)]);
        const whole = histogramOf([...a, ...b]);
        expect(merged.positive).toEqual(whole.positive);
        expect(merged.count).toBe(whole.count);
        expect(merged.zeroCount).toBe(whole.zeroCount);
        expect(merged.sum).toBeCloseTo(whole.sum, 9);
        expect(exponentialHistogramSchema.safeParse(merged).success).toBe(true);
      }),
    );
  });

  test('a finer histogram merges into a coarser one as the coarse histogram of the union', () => {
    fc.assert(
      fc.property(durations, durations, fc.integer({ min: 0, max: 3 }), (a, b, drop) => {
        const merged = mergeHistograms([histogramOf(a, 4), histogramOf(b, 4 - drop)]);
        expect(merged.scale).toBe(4 - drop);
        expect(merged.positive).toEqual(histogramOf([...a, ...b], 4 - drop).positive);
      }),
    );
  });

  test('a percentile is within half a bucket, (base − 1)/2 ≈ 2.2 %, of the value of that rank', () => {
    fc.assert(
      fc.property(durations, fc.constantFrom(0.5, 0.95, 0.99), (values, q) => {
        const sorted = [...values].sort((x, y) => x - y);
        const exact = sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] as number;
        const read = histogramQuantile(histogramOf(values), q) as number;
        expect(Math.abs(read - exact) / exact).toBeLessThanOrEqual((2 ** (1 / 16) - 1) / 2 + 1e-12);
      }),
    );
  });

  test('zero and negative durations: zero counts in the zero bucket, negative and NaN are ignored', () => {
    const h = histogramOf([0, 0, 1, -1, Number.NaN]);
    expect(h.count).toBe(3);
    expect(h.zeroCount).toBe(2);
    expect(histogramQuantile(h, 0.5)).toBe(0);
  });
});

describe('window sketches', () => {
  const samples = fc.array(fc.float({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 });
  function sketch(values: readonly number[]) {
    const b = new FloatSketchBuilder();
    b.addFloat32Bits(new Uint32Array(Float32Array.from(values).buffer), null);
    return b.build();
  }

  test("the drift window folds values (one by one or by column) into exactly the profile's sketch, and resets clean", () => {
    fc.assert(
      fc.property(samples, samples, (a, b) => {
        const window = new DriftWindow([{ name: 'x', kind: 'numeric', float32: true }], null);
        window.observeNumber(0, 1234.5);
        window.reset();
        for (const v of a) window.observeNumber(0, v);
        window.observeColumn(0, Float32Array.from(b));
        const feature = window.snapshot().features[0];
        expect(feature?.kind === 'numeric' && feature.sketch).toEqual(sketch([...a, ...b]));
        expect(feature?.count).toBe(a.length + b.length);
      }),
      { numRuns: 60 },
    );
    const dates = new DriftWindow([{ name: 'd', kind: 'numeric', float32: false }], null);
    dates.observeNumber(0, 1_700_000_000_123);
    const builder = new FloatSketchBuilder();
    builder.add(1_700_000_000_123);
    expect(dates.snapshot().features[0]).toMatchObject({ sketch: builder.build(), count: 1 });
  });

  test('merge(a, b) is exactly the sketch of a ∪ b, so drift of merged windows equals drift of the whole', () => {
    fc.assert(
      fc.property(samples, samples, samples, (a, b, reference) => {
        const merged = mergeSketches(sketch(a), sketch(b));
        const whole = sketch([...a, ...b]);
        expect(merged).toEqual(whole);
        const ref = sketch(reference);
        expect(ksStatistic(alignSketches(ref, merged))).toBe(ksStatistic(alignSketches(ref, whole)));
      }),
      { numRuns: 40 },
    );
  });
});
