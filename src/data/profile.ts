import { EdgeflowError } from '../errors.ts';
import type {
  CategoricalProfile,
  ColumnProfile,
  DatasetSchema,
  NumericProfile,
  Profile,
} from '../schemas/dataset.ts';
import { FloatSketchBuilder, mergeSketches, sketchBins } from './float-sketch.ts';
import type { Column, Table } from './types.ts';

/** Categories listed by name in a categorical profile's `top`. */
export const DEFAULT_TOP_K = 20;

/** Options of `profileTable`. */
export interface ProfileOptions {
  /** Profile only these rows (e.g. the training split); default all. */
  readonly rows?: ArrayLike<number>;
  readonly topK?: number;
}

/**
 * Profiles every used column (role feature or target) of a table: the reference for drift later.
 * Numeric columns: count, missing, min, max, mean, standard deviation, a mergeable quantile sketch and
 * 10- and 20-bin quantile edges with counts. Categorical and boolean columns: every category's count,
 * the top K and the rest.
 *
 * @example
 * const reference = profileTable(ds.table, ds.schema, { rows: split.train });
 */
export function profileTable(table: Table, schema: DatasetSchema, options: ProfileOptions = {}): Profile {
  const topK = options.topK ?? DEFAULT_TOP_K;
  const rowCount = options.rows ? options.rows.length : table.rowCount;
  const columns: ColumnProfile[] = [];
  for (const spec of schema.columns) {
    if (spec.role === 'ignored') continue;
    const column = table.columns.find((c) => c.name === spec.name);
    if (!column) continue;
    columns.push(
      column.kind === 'numeric'
        ? profileNumeric(column, options.rows, rowCount)
        : profileCategorical(column, options.rows, rowCount, topK),
    );
  }
  return { version: 1, rowCount, columns };
}

function profileNumeric(
  column: Extract<Column, { kind: 'numeric' }>,
  rows: ArrayLike<number> | undefined,
  rowCount: number,
): NumericProfile {
  const values = column.values;
  const mask = column.missing;
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const n = rows ? rows.length : values.length;
  for (let k = 0; k < n; k++) {
    const i = rows ? (rows[k] as number) : k;
    if (mask !== null && mask[i] === 1) continue;
    const v = values[i] as number;
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // Two passes (mean, then squared deviations from it): as stable as Welford's update, without a
  // division per value.
  const mean = count ? sum / count : 0;
  let m2 = 0;
  for (let k = 0; k < n; k++) {
    const i = rows ? (rows[k] as number) : k;
    if (mask !== null && mask[i] === 1) continue;
    const d = (values[i] as number) - mean;
    m2 += d * d;
  }
  const sketch = new FloatSketchBuilder();
  if (values instanceof Float32Array) {
    sketch.addFloat32Bits(new Uint32Array(values.buffer, values.byteOffset, values.length), mask, rows);
  } else {
    for (let k = 0; k < n; k++) {
      const i = rows ? (rows[k] as number) : k;
      if (mask === null || mask[i] !== 1) sketch.add(values[i] as number);
    }
  }
  return numericProfile(
    column.name,
    column.type,
    count,
    rowCount - count,
    count ? min : null,
    count ? max : null,
    mean,
    m2,
    sketch.build(),
  );
}

function numericProfile(
  name: string,
  type: NumericProfile['type'],
  count: number,
  missing: number,
  min: number | null,
  max: number | null,
  mean: number,
  m2: number,
  sketch: NumericProfile['sketch'],
): NumericProfile {
  const total = count + missing;
  return {
    kind: 'numeric',
    name,
    type,
    count,
    missing,
    missingRate: total === 0 ? 0 : missing / total,
    min,
    max,
    mean: count ? mean : null,
    std: count ? Math.sqrt(m2 / count) : null,
    m2,
    bins10: sketchBins(sketch, 10, min, max),
    bins20: sketchBins(sketch, 20, min, max),
    sketch,
  };
}

function profileCategorical(
  column: Extract<Column, { kind: 'categorical' | 'boolean' }>,
  rows: ArrayLike<number> | undefined,
  rowCount: number,
  topK: number,
): CategoricalProfile {
  const mask = column.missing;
  const dictionary = column.kind === 'categorical' ? column.dictionary : ['false', 'true'];
  const codes = column.kind === 'categorical' ? column.codes : column.values;
  const counts = new Float64Array(dictionary.length);
  const n = rows ? rows.length : rowCount;
  let present = 0;
  for (let k = 0; k < n; k++) {
    const i = rows ? (rows[k] as number) : k;
    if (mask !== null && mask[i] === 1) continue;
    const code = codes[i] as number;
    counts[code] = (counts[code] as number) + 1;
    present++;
  }
  const byValue = new Map<string, number>();
  dictionary.forEach((value, code) => {
    const count = counts[code] as number;
    if (count > 0) byValue.set(value, count);
  });
  return categoricalProfile(column.name, column.type, byValue, rowCount - present, topK);
}

function categoricalProfile(
  name: string,
  type: CategoricalProfile['type'],
  byValue: ReadonlyMap<string, number>,
  missing: number,
  topK: number,
): CategoricalProfile {
  const values = [...byValue.keys()].sort(compareStrings);
  const counts = values.map((v) => byValue.get(v) as number);
  const count = counts.reduce((a, b) => a + b, 0);
  const top = values
    .map((value, i) => ({ value, count: counts[i] as number }))
    .sort((a, b) => b.count - a.count || compareStrings(a.value, b.value))
    .slice(0, topK);
  const total = count + missing;
  return {
    kind: 'categorical',
    name,
    type,
    count,
    missing,
    missingRate: total === 0 ? 0 : missing / total,
    values,
    counts,
    topK,
    top,
    otherCount: count - top.reduce((a, b) => a + b.count, 0),
  };
}

/** Code-unit order: the same on every machine (unlike `localeCompare`). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Merges the profiles of two disjoint sets of rows of the same columns into the profile of both:
 * counts, categories, min, max and the quantile sketch (so the bins too) exactly; mean and standard
 * deviation by Chan's parallel formula (equal up to floating-point rounding, about 1e-12 relative).
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` when the profiles' columns differ.
 */
export function mergeProfiles(a: Profile, b: Profile): Profile {
  if (a.columns.length !== b.columns.length) {
    throw new EdgeflowError('INVALID_ARGUMENT', 'Cannot merge profiles of different columns.', {
      details: { left: a.columns.map((c) => c.name), right: b.columns.map((c) => c.name) },
    });
  }
  const columns = a.columns.map((left, index): ColumnProfile => {
    const right = b.columns[index] as ColumnProfile;
    if (right.name !== left.name || right.kind !== left.kind) {
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        `Cannot merge profiles: column ${index + 1} is "${left.name}" (${left.kind}) in one and "${right.name}" (${right.kind}) in the other.`,
        { details: { index, left: left.name, right: right.name } },
      );
    }
    if (left.kind === 'numeric' && right.kind === 'numeric') return mergeNumeric(left, right);
    return mergeCategorical(left as CategoricalProfile, right as CategoricalProfile);
  });
  return { version: 1, rowCount: a.rowCount + b.rowCount, columns };
}

function mergeNumeric(a: NumericProfile, b: NumericProfile): NumericProfile {
  const count = a.count + b.count;
  const meanA = a.mean ?? 0;
  const meanB = b.mean ?? 0;
  let mean = 0;
  let m2 = 0;
  if (count > 0) {
    const delta = meanB - meanA;
    mean = meanA + (delta * b.count) / count;
    m2 = a.m2 + b.m2 + (delta * delta * a.count * b.count) / count;
  }
  const min = a.min === null ? b.min : b.min === null ? a.min : Math.min(a.min, b.min);
  const max = a.max === null ? b.max : b.max === null ? a.max : Math.max(a.max, b.max);
  return numericProfile(
    a.name,
    a.type,
    count,
    a.missing + b.missing,
    min,
    max,
    mean,
    m2,
    mergeSketches(a.sketch, b.sketch),
  );
}

function mergeCategorical(a: CategoricalProfile, b: CategoricalProfile): CategoricalProfile {
  const byValue = new Map<string, number>();
  for (const profile of [a, b]) {
    profile.values.forEach((value, i) => {
      byValue.set(value, (byValue.get(value) ?? 0) + (profile.counts[i] as number));
    });
  }
  return categoricalProfile(a.name, a.type, byValue, a.missing + b.missing, a.topK);
}
