// An exponential histogram as OpenTelemetry defines it (data model, "ExponentialHistogram"): bucket
// index i covers (base^i, base^(i+1)] with base = 2^(2^-scale). Buckets are fixed by the scale, so
// two histograms of one scale merge by adding counts, and a finer one merges into a coarser one by
// shifting its indexes right (each step of scale halves the resolution, merging bucket pairs).
import { EdgeflowError } from '../errors.ts';
import type { ExponentialHistogram, LatencySummary } from '../schemas/monitor.ts';

/**
 * The default scale: base 2^(1/16) ≈ 1.0443, so a bucket spans 4.4 % and a percentile read from it
 * (the bucket's midpoint) is within about 2.2 % of a recorded value. Latencies from 10 µs to 100 s
 * take at most 16 × 24 = 384 buckets.
 */
export const DEFAULT_HISTOGRAM_SCALE = 4;

/** Values at or below this count as zero (OpenTelemetry's zero bucket). */
const ZERO_THRESHOLD = 0;

/** A mutable exponential histogram of positive values (durations), mergeable across devices. */
export class ExponentialHistogramBuilder {
  readonly scale: number;
  #count = 0;
  #sum = 0;
  #zeroCount = 0;
  #offset = 0;
  #counts: number[] = [];

  constructor(scale: number = DEFAULT_HISTOGRAM_SCALE) {
    if (!Number.isInteger(scale) || scale < -10 || scale > 20) {
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        `Histogram scale ${scale} is out of range: use an integer from -10 to 20.`,
        { details: { scale } },
      );
    }
    this.scale = scale;
  }

  /** Adds one value; negative and non-finite values are ignored (durations are never negative). */
  record(value: number): void {
    if (!Number.isFinite(value) || value < 0) return;
    this.#count++;
    this.#sum += value;
    if (value <= ZERO_THRESHOLD) {
      this.#zeroCount++;
      return;
    }
    this.#add(bucketIndex(value, this.scale), 1);
  }

  /** Adds another histogram's counts (of any scale ≥ this one's; finer buckets are folded in pairs). */
  merge(other: ExponentialHistogram): void {
    if (other.scale < this.scale) {
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        `Cannot merge a histogram of scale ${other.scale} into one of scale ${this.scale}: merge the finer into the coarser (see mergeHistograms).`,
        { details: { into: this.scale, from: other.scale } },
      );
    }
    const shift = other.scale - this.scale;
    this.#count += other.count;
    this.#sum += other.sum;
    this.#zeroCount += other.zeroCount;
    other.positive.bucketCounts.forEach((count, i) => {
      if (count > 0) this.#add((other.positive.offset + i) >> shift, count);
    });
  }

  #add(index: number, count: number): void {
    if (this.#counts.length === 0) {
      this.#offset = index;
      this.#counts.push(count);
      return;
    }
    if (index < this.#offset) {
      const grow = this.#offset - index;
      this.#counts = new Array<number>(grow).fill(0).concat(this.#counts);
      this.#offset = index;
    }
    const at = index - this.#offset;
    while (this.#counts.length <= at) this.#counts.push(0);
    this.#counts[at] = (this.#counts[at] as number) + count;
  }

  /** Values recorded (the zero bucket included). */
  get count(): number {
    return this.#count;
  }

  /** The histogram as plain JSON (`exponentialHistogramSchema`). */
  toJSON(): ExponentialHistogram {
    return {
      scale: this.scale,
      count: this.#count,
      sum: this.#sum,
      zeroCount: this.#zeroCount,
      positive: { offset: this.#offset, bucketCounts: [...this.#counts] },
    };
  }
}

/**
 * The bucket of a positive value at a scale: the i with base^i < value ≤ base^(i+1). Powers of two
 * are computed exactly from the exponent (as the OpenTelemetry spec recommends), so 1 s falls in
 * bucket -1 at every scale, not in bucket 0 by a rounding error of the logarithm.
 */
export function bucketIndex(value: number, scale: number): number {
  const exponent = Math.floor(Math.log2(value));
  if (2 ** exponent === value) return ((exponent << Math.max(scale, 0)) - 1) >> Math.max(-scale, 0);
  if (scale <= 0) return exponent >> -scale;
  const index = Math.ceil(Math.log2(value) * 2 ** scale) - 1;
  // Guard the logarithm's last-bit error: the index must satisfy base^index < value ≤ base^(index+1).
  const base = 2 ** (2 ** -scale);
  if (base ** index >= value) return index - 1;
  if (base ** (index + 1) < value) return index + 1;
  return index;
}

/** The lower and upper bound of bucket `index` at `scale`. */
export function bucketBounds(index: number, scale: number): { low: number; high: number } {
  return { low: 2 ** (index * 2 ** -scale), high: 2 ** ((index + 1) * 2 ** -scale) };
}

/** Merges histograms of any scales into one at the coarsest scale among them. */
export function mergeHistograms(histograms: readonly ExponentialHistogram[]): ExponentialHistogram {
  const scale = histograms.reduce((s, h) => Math.min(s, h.scale), DEFAULT_HISTOGRAM_SCALE);
  const builder = new ExponentialHistogramBuilder(scale);
  for (const h of histograms) builder.merge(h);
  return builder.toJSON();
}

/**
 * The q-quantile (0 < q < 1) of a histogram: the midpoint of the bucket that holds the value of rank
 * ⌈q·count⌉ (0 in the zero bucket). Within half a bucket (relative (base − 1)/2) of a recorded value.
 * Null when empty.
 */
export function histogramQuantile(histogram: ExponentialHistogram, q: number): number | null {
  if (histogram.count === 0) return null;
  const rank = Math.max(1, Math.ceil(q * histogram.count));
  let cumulative = histogram.zeroCount;
  if (cumulative >= rank) return 0;
  const { offset, bucketCounts } = histogram.positive;
  for (let i = 0; i < bucketCounts.length; i++) {
    cumulative += bucketCounts[i] as number;
    if (cumulative >= rank) {
      const { low, high } = bucketBounds(offset + i, histogram.scale);
      return (low + high) / 2;
    }
  }
  const last = bucketBounds(offset + bucketCounts.length - 1, histogram.scale);
  return (last.low + last.high) / 2;
}

/** p50, p95 and p99 of a histogram, with the histogram itself. */
export function summarizeLatency(histogram: ExponentialHistogram): LatencySummary {
  return {
    count: histogram.count,
    p50: histogramQuantile(histogram, 0.5),
    p95: histogramQuantile(histogram, 0.95),
    p99: histogramQuantile(histogram, 0.99),
    histogram,
  };
}
