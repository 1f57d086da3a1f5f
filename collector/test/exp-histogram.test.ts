// Issue 13: fleet latency percentiles come from exponential histograms merged across devices of
// different scales; these pin the arithmetic with exact values.
import { describe, expect, test } from 'vitest';
import { downscale, histogramQuantile, mergeHistograms, subtractHistogram } from '../src/exp-histogram.ts';

describe('exponential histograms', () => {
  test('downscaling by one merges index pairs, flooring negative indices toward -∞', () => {
    const h = { scale: 2, count: 10, sum: 1, zeroCount: 0, offset: -3, counts: [1, 2, 3, 4] };
    // indices -3,-2,-1,0 → -2,-1,-1,0
    expect(downscale(h, 1)).toEqual({
      scale: 1,
      count: 10,
      sum: 1,
      zeroCount: 0,
      offset: -2,
      counts: [1, 5, 4],
    });
    expect(downscale(h, 0)).toEqual({
      scale: 0,
      count: 10,
      sum: 1,
      zeroCount: 0,
      offset: -1,
      counts: [6, 4],
    });
  });

  test('merging two devices at different scales adds counts at the smaller scale', () => {
    const a = { scale: 1, count: 3, sum: 3, zeroCount: 1, offset: 0, counts: [1, 1] };
    const b = { scale: 0, count: 4, sum: 5, zeroCount: 0, offset: 1, counts: [4] };
    // a at scale 0: indices 0,1 → 0,0 → [2] at offset 0.
    expect(mergeHistograms([a, b])).toEqual({
      scale: 0,
      count: 7,
      sum: 8,
      zeroCount: 1,
      offset: 0,
      counts: [2, 4],
    });
  });

  test('quantiles are the geometric middle of the bucket holding the rank', () => {
    // scale 0: bucket i covers (2^i, 2^(i+1)]; counts at i = 3, 4, 5 (8–16, 16–32, 32–64).
    const h = { scale: 0, count: 100, sum: 0, zeroCount: 0, offset: 3, counts: [50, 45, 5] };
    expect(histogramQuantile(h, 0.5)).toBe(2 ** 3.5);
    expect(histogramQuantile(h, 0.51)).toBe(2 ** 4.5);
    expect(histogramQuantile(h, 0.95)).toBe(2 ** 4.5);
    expect(histogramQuantile(h, 0.99)).toBe(2 ** 5.5);
    expect(histogramQuantile({ ...h, zeroCount: 60, count: 160 }, 0.25)).toBe(0);
    expect(histogramQuantile({ ...h, counts: [] }, 0.5)).toBeNull();
  });

  test('a cumulative delta subtracts bucket by bucket; a negative bucket means a reset', () => {
    const earlier = { scale: 1, count: 3, sum: 1.5, zeroCount: 0, offset: 2, counts: [1, 2] };
    const later = { scale: 1, count: 7, sum: 4, zeroCount: 1, offset: 1, counts: [2, 1, 3] };
    expect(subtractHistogram(later, earlier)).toEqual({
      scale: 1,
      count: 4,
      sum: 2.5,
      zeroCount: 1,
      offset: 1,
      counts: [2, 0, 1],
    });
    expect(subtractHistogram(earlier, later)).toBeNull();
  });
});
