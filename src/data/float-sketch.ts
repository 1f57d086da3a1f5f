// A mergeable quantile sketch built on the bits of IEEE 754 doubles: each value falls in the bucket
// named by its sign, its 11 exponent bits and the top `MANTISSA_BITS` bits of its mantissa, so a
// bucket spans a relative width of 2^-MANTISSA_BITS (like HdrHistogram's log-linear buckets or
// DDSketch with a fixed mapping). Counting needs only integer operations on the bits (no logarithm
// per value), and because buckets are fixed, the counts of two halves add up exactly to the counts
// of the whole: merged profiles equal whole profiles.
import type { FloatSketch, QuantileBins } from '../schemas/dataset.ts';

/** Mantissa bits per bucket: buckets 1/128 wide, so a bucket's midpoint is within 0.4 % of any value in it. */
export const MANTISSA_BITS = 7;
const KEY_SHIFT = 20 - MANTISSA_BITS;
const SIGN_BIT = 1 << (11 + MANTISSA_BITS);
const MAGNITUDE_MASK = SIGN_BIT - 1;

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);
/** Index of the high 32 bits of a double in `scratchWords` (1 on little-endian machines). */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** The bucket key of a double. */
export function bucketKey(value: number): number {
  scratch[0] = value;
  return (scratchWords[HIGH] as number) >>> KEY_SHIFT;
}

/** Sorts keys by the values they stand for (negative buckets reversed). */
function orderOf(key: number): number {
  return key & SIGN_BIT ? MAGNITUDE_MASK - (key & MAGNITUDE_MASK) : SIGN_BIT + key;
}

/** The smallest magnitude in bucket `key` and the width of the bucket. */
function bucketBounds(key: number): { low: number; high: number } {
  const magnitude = key & MAGNITUDE_MASK;
  const exponent = magnitude >>> MANTISSA_BITS;
  const mantissa = magnitude & ((1 << MANTISSA_BITS) - 1);
  if (exponent === 0) return { low: 0, high: 0 };
  const scale = 2 ** (exponent - 1023);
  const low = (1 + mantissa / (1 << MANTISSA_BITS)) * scale;
  const high = (1 + (mantissa + 1) / (1 << MANTISSA_BITS)) * scale;
  return key & SIGN_BIT ? { low: -high, high: -low } : { low, high };
}

/** The value a bucket stands for: its midpoint. */
export function bucketValue(key: number): number {
  const { low, high } = bucketBounds(key);
  return (low + high) / 2;
}

/** Counts values into buckets; `add` per value, or `addFloat32Bits` for a whole float32 column. */
export class FloatSketchBuilder {
  readonly #counts = new Map<number, number>();
  /** float32 bits → count, indexed by the float32 key (sign, 8 exponent bits, top mantissa bits). */
  #float32Counts: Uint32Array | null = null;

  add(value: number): void {
    const key = bucketKey(value);
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /**
   * Adds the float32 values whose bits are `bits` (rows `rows`, or all), skipping `missing` rows.
   * Works on the bits directly: one shift and one increment per value.
   */
  addFloat32Bits(bits: Uint32Array, missing: Uint8Array | null, rows?: ArrayLike<number>): void {
    this.#float32Counts ??= new Uint32Array(1 << (9 + MANTISSA_BITS));
    const counts = this.#float32Counts;
    const shift = 23 - MANTISSA_BITS;
    if (rows) {
      for (let k = 0; k < rows.length; k++) {
        const i = rows[k] as number;
        if (missing !== null && missing[i] === 1) continue;
        const key = (bits[i] as number) >>> shift;
        counts[key] = (counts[key] as number) + 1;
      }
    } else {
      for (let i = 0; i < bits.length; i++) {
        if (missing !== null && missing[i] === 1) continue;
        const key = (bits[i] as number) >>> shift;
        counts[key] = (counts[key] as number) + 1;
      }
    }
  }

  /** The sketch, keys in value order. */
  build(): FloatSketch {
    const counts = new Map(this.#counts);
    const f32 = this.#float32Counts;
    if (f32) {
      for (let key32 = 0; key32 < f32.length; key32++) {
        const count = f32[key32] as number;
        if (count === 0) continue;
        const key = float32KeyToKey(key32);
        counts.set(key, (counts.get(key) ?? 0) + count);
      }
    }
    return sketchFromCounts(counts);
  }
}

/** Maps a float32 bucket key to the float64 bucket key of the same values (float32 subnormals count as zero). */
function float32KeyToKey(key32: number): number {
  const sign = key32 >>> (8 + MANTISSA_BITS);
  const exponent = (key32 >>> MANTISSA_BITS) & 0xff;
  const mantissa = key32 & ((1 << MANTISSA_BITS) - 1);
  if (exponent === 0) return sign ? SIGN_BIT : 0;
  return (sign ? SIGN_BIT : 0) | ((exponent - 127 + 1023) << MANTISSA_BITS) | mantissa;
}

function sketchFromCounts(counts: ReadonlyMap<number, number>): FloatSketch {
  const keys = [...counts.keys()].sort((a, b) => orderOf(a) - orderOf(b));
  return { mantissaBits: MANTISSA_BITS, keys, counts: keys.map((k) => counts.get(k) as number) };
}

/** Adds two sketches bucket by bucket: exactly the sketch of both inputs together. */
export function mergeSketches(a: FloatSketch, b: FloatSketch): FloatSketch {
  if (a.mantissaBits !== b.mantissaBits) {
    throw new RangeError(`Cannot merge sketches of ${a.mantissaBits} and ${b.mantissaBits} mantissa bits.`);
  }
  const counts = new Map<number, number>();
  for (const sketch of [a, b]) {
    sketch.keys.forEach((key, i) => {
      counts.set(key, (counts.get(key) ?? 0) + (sketch.counts[i] as number));
    });
  }
  return sketchFromCounts(counts);
}

/**
 * The q-quantile (0 ≤ q ≤ 1) read from the sketch: the midpoint of the bucket holding the value of
 * rank ⌈q·n⌉, clamped to [min, max]. Null for an empty sketch.
 */
export function sketchQuantile(sketch: FloatSketch, q: number, min: number, max: number): number | null {
  const total = sketch.counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  if (q <= 0) return min;
  if (q >= 1) return max;
  const rank = Math.max(1, Math.ceil(q * total));
  let cumulative = 0;
  for (let i = 0; i < sketch.keys.length; i++) {
    cumulative += sketch.counts[i] as number;
    if (cumulative >= rank) return clamp(bucketValue(sketch.keys[i] as number), min, max);
  }
  return max;
}

/**
 * Equal-frequency bins from the sketch: `bins` quantile edges (duplicates removed, so a column with
 * few distinct values has fewer bins), and each bucket's count in the bin its midpoint falls in.
 * A value v belongs to bin i when edges[i] ≤ v < edges[i+1]; the last bin also holds the maximum.
 */
export function sketchBins(
  sketch: FloatSketch,
  bins: number,
  min: number | null,
  max: number | null,
): QuantileBins {
  if (min === null || max === null || sketch.keys.length === 0) return { edges: [], counts: [] };
  const edges: number[] = [min];
  for (let k = 1; k < bins; k++) {
    const edge = sketchQuantile(sketch, k / bins, min, max) as number;
    if (edge > (edges[edges.length - 1] as number) && edge < max) edges.push(edge);
  }
  if (max > min) edges.push(max);
  if (edges.length === 1) return { edges: [min, max], counts: [sketch.counts.reduce((a, b) => a + b, 0)] };
  const counts = new Array<number>(edges.length - 1).fill(0);
  let bin = 0;
  for (let i = 0; i < sketch.keys.length; i++) {
    const value = clamp(bucketValue(sketch.keys[i] as number), min, max);
    while (bin < counts.length - 1 && value >= (edges[bin + 1] as number)) bin++;
    counts[bin] = (counts[bin] as number) + (sketch.counts[i] as number);
  }
  return { edges, counts };
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : Math.min(value, max);
}
