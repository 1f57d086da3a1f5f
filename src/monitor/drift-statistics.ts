// The drift statistics, computed from bucket counts only (never from raw values), with the p-value
// functions they need. Each function states how far it can be from the statistic on the raw values.
import { bucketValue } from '../data/float-sketch.ts';
import type { FloatSketch } from '../schemas/dataset.ts';

/** Evidently's floor for an empty bin's share in PSI (and in its binned distances): no log(0). */
export const EMPTY_BIN_SHARE = 0.0001;

/** Two sketches' buckets merged in value order: per distinct bucket, its value and both counts. */
export interface AlignedBuckets {
  readonly values: Float64Array;
  readonly left: Float64Array;
  readonly right: Float64Array;
  readonly leftTotal: number;
  readonly rightTotal: number;
}

/**
 * Bucket midpoints of a sketch, computed once per sketch object: a reference profile's sketch is
 * aligned with every window's, and its midpoints never change.
 */
const midpointCache = new WeakMap<FloatSketch, Float64Array>();

/** The value (midpoint) of each bucket of `sketch`, in key order. */
export function sketchMidpoints(sketch: FloatSketch): Float64Array {
  let values = midpointCache.get(sketch);
  if (!values) {
    values = Float64Array.from(sketch.keys, (key) => bucketValue(key));
    midpointCache.set(sketch, values);
  }
  return values;
}

/**
 * Aligns two sketches of the same bucket layout. Buckets whose midpoints coincide (the zero and
 * subnormal buckets) are one point.
 */
export function alignSketches(a: FloatSketch, b: FloatSketch): AlignedBuckets {
  const n = a.keys.length + b.keys.length;
  const values = new Float64Array(n);
  const left = new Float64Array(n);
  const right = new Float64Array(n);
  let i = 0;
  let j = 0;
  let k = -1;
  let leftTotal = 0;
  let rightTotal = 0;
  const push = (value: number, l: number, r: number): void => {
    if (k >= 0 && values[k] === value) {
      left[k] = (left[k] as number) + l;
      right[k] = (right[k] as number) + r;
      return;
    }
    k++;
    values[k] = value;
    left[k] = l;
    right[k] = r;
  };
  const ma = sketchMidpoints(a);
  const mb = sketchMidpoints(b);
  while (i < a.keys.length || j < b.keys.length) {
    const va = i < a.keys.length ? (ma[i] as number) : Number.POSITIVE_INFINITY;
    const vb = j < b.keys.length ? (mb[j] as number) : Number.POSITIVE_INFINITY;
    if (va <= vb) {
      const c = a.counts[i++] as number;
      leftTotal += c;
      push(va, c, 0);
    } else {
      const c = b.counts[j++] as number;
      rightTotal += c;
      push(vb, 0, c);
    }
  }
  return {
    values: values.subarray(0, k + 1),
    left: left.subarray(0, k + 1),
    right: right.subarray(0, k + 1),
    leftTotal,
    rightTotal,
  };
}

/**
 * Two-sample Kolmogorov–Smirnov D: the largest gap between the two empirical CDFs, read at bucket
 * boundaries. The exact D on the raw values is at least this and exceeds it by at most the largest
 * share either sample has in one bucket (the gap can only grow inside a bucket by what the bucket holds).
 */
export function ksStatistic(aligned: AlignedBuckets): number {
  const { left, right, leftTotal, rightTotal } = aligned;
  if (leftTotal === 0 || rightTotal === 0) return 0;
  let fl = 0;
  let fr = 0;
  let d = 0;
  for (let i = 0; i < left.length; i++) {
    fl += (left[i] as number) / leftTotal;
    fr += (right[i] as number) / rightTotal;
    const gap = Math.abs(fl - fr);
    if (gap > d) d = gap;
  }
  return Math.min(d, 1);
}

/**
 * The p-value of a two-sample KS statistic `d` with sample sizes n and m, from Kolmogorov's limiting
 * distribution with Stephens' small-sample correction: λ = (√e + 0.12 + 0.11/√e)·d, e = nm/(n+m),
 * p = 2 Σ (−1)^(k−1) exp(−2k²λ²). Within about 0.01 of scipy's exact `ks_2samp` for n, m ≥ 50.
 */
export function ksPValue(d: number, n: number, m: number): number {
  if (n === 0 || m === 0 || d <= 0) return 1;
  const e = (n * m) / (n + m);
  const root = Math.sqrt(e);
  const lambda = (root + 0.12 + 0.11 / root) * d;
  return kolmogorovSurvival(lambda);
}

/** P(K > λ) for Kolmogorov's distribution K. */
export function kolmogorovSurvival(lambda: number): number {
  if (lambda < 0.2) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += k % 2 === 1 ? term : -term;
    if (term < 1e-16) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/**
 * Wasserstein-1 distance between two sketches, each bucket's count placed at its midpoint:
 * ∫|F_a − F_b| dx over the merged bucket points. Moving a value to its bucket's midpoint moves it by
 * at most 2^-(mantissaBits+1) of its magnitude, so the exact distance is within
 * 2^-(mantissaBits+1)·(mean|a| + mean|b|) of this.
 */
export function wassersteinDistance(aligned: AlignedBuckets): number {
  const { values, left, right, leftTotal, rightTotal } = aligned;
  if (leftTotal === 0 || rightTotal === 0) return 0;
  let fl = 0;
  let fr = 0;
  let distance = 0;
  for (let i = 0; i < values.length - 1; i++) {
    fl += (left[i] as number) / leftTotal;
    fr += (right[i] as number) / rightTotal;
    distance += Math.abs(fl - fr) * ((values[i + 1] as number) - (values[i] as number));
  }
  return distance;
}

/**
 * Counts of the sketch's buckets per bin of `edges` (value v in bin i when edges[i] ≤ v < edges[i+1];
 * below the first edge → bin 0, at or above the last → the last bin), bucket midpoints deciding.
 */
export function binSketch(sketch: FloatSketch, edges: readonly number[]): Float64Array {
  const bins = Math.max(edges.length - 1, 1);
  const counts = new Float64Array(bins);
  const midpoints = sketchMidpoints(sketch);
  let bin = 0;
  for (let i = 0; i < sketch.keys.length; i++) {
    const value = midpoints[i] as number;
    while (bin < bins - 1 && value >= (edges[bin + 1] as number)) bin++;
    counts[bin] = (counts[bin] as number) + (sketch.counts[i] as number);
  }
  return counts;
}

/** Shares of a count vector, empty bins floored at `EMPTY_BIN_SHARE` (as Evidently does). */
function shares(counts: ArrayLike<number>, total: number): Float64Array {
  return Float64Array.from(counts, (c) => (c === 0 || total === 0 ? EMPTY_BIN_SHARE : c / total));
}

function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return s;
}

/**
 * Population stability index Σ (a% − b%)·ln(a%/b%) over the same bins (reference first), empty
 * bins' shares floored at 0.0001 (Evidently). Exact on the counts it is given.
 */
export function populationStabilityIndex(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const a = shares(reference, sum(reference));
  const b = shares(current, sum(current));
  let psi = 0;
  for (let i = 0; i < a.length; i++) {
    const p = a[i] as number;
    const q = b[i] as number;
    psi += (p - q) * Math.log(p / q);
  }
  return psi;
}

/**
 * Jensen–Shannon distance (the square root of the divergence, natural log: scipy's `jensenshannon`)
 * between two count vectors over the same bins. Exact on the counts it is given.
 */
export function jensenShannonDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ta = sum(a);
  const tb = sum(b);
  if (ta === 0 || tb === 0) return 0;
  let divergence = 0;
  for (let i = 0; i < a.length; i++) {
    const p = (a[i] as number) / ta;
    const q = (b[i] as number) / tb;
    const m = (p + q) / 2;
    if (p > 0) divergence += 0.5 * p * Math.log(p / m);
    if (q > 0) divergence += 0.5 * q * Math.log(q / m);
  }
  return Math.sqrt(Math.max(divergence, 0));
}

/**
 * Pearson's chi-squared test of homogeneity on a 2 × k table (reference counts, current counts),
 * without continuity correction: scipy's `chi2_contingency(table, correction=False)`. Categories with
 * no count on either side are left out. Exact on the counts it is given.
 */
export function chiSquaredTest(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): { statistic: number; df: number; pValue: number } {
  const ta = sum(reference);
  const tb = sum(current);
  const total = ta + tb;
  let statistic = 0;
  let categories = 0;
  for (let i = 0; i < reference.length; i++) {
    const a = reference[i] as number;
    const b = current[i] as number;
    const column = a + b;
    if (column === 0) continue;
    categories++;
    const ea = (column * ta) / total;
    const eb = (column * tb) / total;
    statistic += ((a - ea) * (a - ea)) / ea + ((b - eb) * (b - eb)) / eb;
  }
  const df = categories - 1;
  if (df < 1 || ta === 0 || tb === 0) return { statistic: 0, df: Math.max(df, 0), pValue: 1 };
  return { statistic, df, pValue: chiSquaredSurvival(statistic, df) };
}

/** P(X > x) for X chi-squared with `df` degrees of freedom: the regularized upper gamma Q(df/2, x/2). */
export function chiSquaredSurvival(x: number, df: number): number {
  if (x <= 0) return 1;
  return regularizedGammaQ(df / 2, x / 2);
}

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9; relative error below 1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Q(a, x) = Γ(a, x)/Γ(a): by its power series for P = 1 − Q when x < a + 1, else by the continued
 * fraction of Γ(a, x) evaluated with the modified Lentz method.
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let total = term;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      total += term;
      if (Math.abs(term) < Math.abs(total) * 1e-16) break;
    }
    return Math.min(1, Math.max(0, 1 - total * Math.exp(logPrefix)));
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.min(1, Math.max(0, Math.exp(logPrefix) * h));
}
