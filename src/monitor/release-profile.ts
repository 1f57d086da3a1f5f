// The profile a release carries to the field: the reference for drift, with aggregates only. A
// category or a sketch bucket that fewer than `minCount` rows share could single out a row (a bucket
// is 1/128 of an octave wide: a lone value in it is known to 0.4 %), so both are folded until every
// count that remains is shared by at least `minCount` rows.
import { bucketValue, sketchBins } from '../data/float-sketch.ts';
import { EdgeflowError } from '../errors.ts';
import type { CategoricalProfile, FloatSketch, NumericProfile, Profile } from '../schemas/dataset.ts';

/** Rows a category or a sketch bucket must hold to be named in a release profile. */
export const DEFAULT_MIN_COUNT = 5;

/** Options of `toReleaseProfile`. */
export interface ReleaseProfileOptions {
  /** Default 5. */
  readonly minCount?: number;
}

/**
 * The aggregates-only form of a profile, for a release manifest:
 * - categorical: categories seen fewer than `minCount` times are folded into the unnamed rest
 *   (`count` minus the named counts), which drift compares as one "other" bin;
 * - numeric: sketch buckets are grouped in value order until each group holds ≥ `minCount` values,
 *   and each group's count moves to its median bucket (a value moves by at most the span of its
 *   group; dense regions, whose buckets already hold ≥ `minCount`, do not move). A last group short
 *   of `minCount` joins the one before it. Min and max become the midpoints of the outermost
 *   remaining buckets (never exact extremes); mean, standard deviation and the quantile bins are
 *   recomputed from the folded sketch, so no figure carries an outlier's exact value either. A column
 *   with fewer than `minCount` values keeps only its counts.
 * Row counts and missing counts are kept as they are.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` when `minCount` is not a whole number ≥ 1.
 * @example
 * const manifestProfile = toReleaseProfile(version.profile as Profile); // minCount 5
 */
export function toReleaseProfile(profile: Profile, options: ReleaseProfileOptions = {}): Profile {
  const minCount = options.minCount ?? DEFAULT_MIN_COUNT;
  if (!Number.isInteger(minCount) || minCount < 1) {
    throw new EdgeflowError('INVALID_ARGUMENT', `minCount must be a whole number ≥ 1; got ${minCount}.`, {
      details: { minCount },
    });
  }
  return {
    version: 1,
    rowCount: profile.rowCount,
    columns: profile.columns.map((column) =>
      column.kind === 'numeric' ? releaseNumeric(column, minCount) : releaseCategorical(column, minCount),
    ),
  };
}

function releaseCategorical(column: CategoricalProfile, minCount: number): CategoricalProfile {
  const values: string[] = [];
  const counts: number[] = [];
  column.values.forEach((value, i) => {
    const count = column.counts[i] as number;
    if (count >= minCount) {
      values.push(value);
      counts.push(count);
    }
  });
  const top = column.top.filter((t) => t.count >= minCount);
  return {
    ...column,
    values,
    counts,
    top,
    otherCount: column.count - top.reduce((a, t) => a + t.count, 0),
  };
}

function releaseNumeric(column: NumericProfile, minCount: number): NumericProfile {
  const sketch = foldSketch(column.sketch, minCount);
  if (sketch.keys.length === 0) {
    return {
      ...column,
      min: null,
      max: null,
      mean: null,
      std: null,
      m2: 0,
      bins10: { edges: [], counts: [] },
      bins20: { edges: [], counts: [] },
      sketch,
    };
  }
  const min = bucketValue(sketch.keys[0] as number);
  const max = bucketValue(sketch.keys[sketch.keys.length - 1] as number);
  let n = 0;
  let sum = 0;
  sketch.keys.forEach((key, i) => {
    const c = sketch.counts[i] as number;
    n += c;
    sum += c * bucketValue(key);
  });
  const mean = sum / n;
  let m2 = 0;
  sketch.keys.forEach((key, i) => {
    const d = bucketValue(key) - mean;
    m2 += (sketch.counts[i] as number) * d * d;
  });
  return {
    ...column,
    min,
    max,
    mean,
    std: Math.sqrt(m2 / n),
    m2,
    bins10: sketchBins(sketch, 10, min, max),
    bins20: sketchBins(sketch, 20, min, max),
    sketch,
  };
}

/**
 * Groups consecutive buckets until each group holds ≥ `minCount` values and puts each group's count
 * on its median bucket; empty when the whole sketch holds fewer than `minCount`.
 */
export function foldSketch(sketch: FloatSketch, minCount: number): FloatSketch {
  const groups: Array<{ start: number; end: number; count: number }> = [];
  let start = 0;
  let count = 0;
  for (let i = 0; i < sketch.keys.length; i++) {
    count += sketch.counts[i] as number;
    if (count >= minCount) {
      groups.push({ start, end: i, count });
      start = i + 1;
      count = 0;
    }
  }
  if (count > 0) {
    const last = groups.at(-1);
    if (!last) return { mantissaBits: sketch.mantissaBits, keys: [], counts: [] };
    last.end = sketch.keys.length - 1;
    last.count += count;
  }
  const keys: number[] = [];
  const counts: number[] = [];
  for (const group of groups) {
    // The median bucket: where the group's cumulative count first reaches half of it.
    let cumulative = 0;
    let median = group.start;
    for (let i = group.start; i <= group.end; i++) {
      cumulative += sketch.counts[i] as number;
      if (cumulative * 2 >= group.count) {
        median = i;
        break;
      }
    }
    keys.push(sketch.keys[median] as number);
    counts.push(group.count);
  }
  return { mantissaBits: sketch.mantissaBits, keys, counts };
}
