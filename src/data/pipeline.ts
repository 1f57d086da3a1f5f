// The preprocessing pipeline: fitted on the training rows only, stored as plain JSON with the model,
// applied to a whole table (training) or to one raw row at a time (prediction at the edge) with
// exactly the same arithmetic. Both paths read a raw value through cell-values.ts (numbers become the
// float32 the table stores), run the same per-value step functions in float64, and round to float32
// once at the end, so `transformTable` and `transformRow` agree to the bit.
import { closestNames, EdgeflowError } from '../errors.ts';
import {
  type ColumnSchema,
  type ColumnType,
  type DatasetSchema,
  type FittedColumn,
  type FittedNumericStep,
  type FittedPipeline,
  type FittedTarget,
  fittedPipelineSchema,
  type PipelineStep,
  pipelineStepSchema,
} from '../schemas/dataset.ts';
import {
  DEFAULT_MISSING_VALUES,
  describeValue,
  readBoolean,
  readCategory,
  readDate,
  readNumber,
} from './cell-values.ts';
import { getColumn } from './table.ts';
import type { Column, Table } from './types.ts';

/** Options of `fitPipeline`. */
export interface FitOptions {
  /** Fit on these rows only (the training split); default all rows. */
  readonly rows?: ArrayLike<number>;
  /** Regression: standardize the target (default true); invert with `inverseTransformTarget`. */
  readonly scaleTarget?: boolean;
  /**
   * The strings the training data was loaded with as missing (ingest's `missingValues`). Stored in
   * the pipeline so predict-time rows are read exactly as the training rows were.
   */
  readonly missingValues?: readonly string[];
}

const NUMERIC_STEPS = new Set(['impute', 'standardize', 'minmax', 'clip', 'log1p']);

/**
 * The pipeline a schema gets by default: numeric features are median-imputed and standardized,
 * booleans imputed with the most frequent value, categorical features imputed with the most
 * frequent category and one-hot encoded (at most 50 categories; unseen ones encode as all zeros).
 */
export function defaultPipelineSteps(schema: DatasetSchema): PipelineStep[] {
  const types = new Set(schema.columns.filter((c) => c.role === 'feature').map((c) => c.type));
  const steps: PipelineStep[] = [];
  const numeric = (['numeric', 'integer', 'date'] as const).filter((t) => types.has(t));
  if (numeric.length) {
    steps.push({ step: 'impute', strategy: 'median', types: [...numeric] });
    steps.push({ step: 'standardize', types: [...numeric] });
  }
  if (types.has('boolean')) steps.push({ step: 'impute', strategy: 'most_frequent', types: ['boolean'] });
  if (types.has('categorical')) {
    steps.push({ step: 'impute', strategy: 'most_frequent', types: ['categorical'] });
    steps.push({ step: 'onehot', maxCategories: 50, unknown: 'ignore', types: ['categorical'] });
  }
  return steps;
}

/**
 * Fits a pipeline on the given rows (the training split: nothing from validation or test leaks in).
 * Every feature column of the schema becomes one or more output features, in schema order.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` for an invalid step, a step naming a column that is not a
 * feature or has the wrong type, log1p of a value ≤ -1, or a column with missing training values and
 * no imputer; `SCHEMA_MISMATCH` when the table lacks a feature column.
 * @example
 * const pipeline = fitPipeline(ds.table, ds.schema, undefined, { rows: split.train });
 * const x = transformTable(pipeline, ds.table, split.test);
 */
export function fitPipeline(
  table: Table,
  schema: DatasetSchema,
  steps: readonly PipelineStep[] = defaultPipelineSteps(schema),
  options: FitOptions = {},
): FittedPipeline {
  return fitColumns(table, schema, steps, options, null);
}

/**
 * Fits on the rows and returns their features too (`transformTable` of the same rows, to the bit),
 * reusing the values the fit already ran through the steps instead of reading them again.
 *
 * @throws EdgeflowError the codes of `fitPipeline` and `transformTable`.
 */
export function fitTransform(
  table: Table,
  schema: DatasetSchema,
  steps: readonly PipelineStep[] = defaultPipelineSteps(schema),
  options: FitOptions = {},
): { pipeline: FittedPipeline; features: Float32Array } {
  const works = new Map<string, Float64Array>();
  const pipeline = fitColumns(table, schema, steps, options, works);
  const rows = options.rows ?? null;
  const n = rows ? rows.length : table.rowCount;
  const width = pipeline.featureCount;
  const out = new Float32Array(n * width);
  for (const fitted of pipeline.columns) {
    const work = works.get(fitted.name);
    if (work) finishNumericColumn(fitted, work, fitted.steps.at(-1) ?? null, rows, out, width);
    else writeColumn(fitted, getColumn(table, fitted.name), rows, out, width);
  }
  return { pipeline, features: out };
}

function fitColumns(
  table: Table,
  schema: DatasetSchema,
  steps: readonly PipelineStep[],
  options: FitOptions,
  works: Map<string, Float64Array> | null,
): FittedPipeline {
  const parsed = steps.map((step, index) => {
    const result = pipelineStepSchema.safeParse(step);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        `Pipeline step ${index + 1} is not valid: ${issue ? `${issue.path.join('.') || '(step)'}: ${issue.message}` : result.error.message}.`,
        { cause: result.error, details: { step: index } },
      );
    }
    return result.data;
  });
  const features = schema.columns.filter((c) => c.role === 'feature');
  const featureNames = new Set(features.map((c) => c.name));
  for (const step of parsed) {
    for (const name of step.columns ?? []) {
      if (!featureNames.has(name)) {
        const near = closestNames(name, [...featureNames]);
        throw new EdgeflowError(
          'INVALID_ARGUMENT',
          `Pipeline step "${step.step}" names column "${name}", which is not a feature.${near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(', ')}?` : ''}`,
          { details: { step: step.step, column: name, features: [...featureNames] } },
        );
      }
    }
  }
  const rows = options.rows ?? null;
  const rowCount = rows ? rows.length : table.rowCount;
  const columns: FittedColumn[] = [];
  const outputNames: string[] = [];
  let offset = 0;
  for (const spec of features) {
    const column = getColumn(table, spec.name);
    const applicable = parsed.filter((step) => appliesTo(step, spec));
    const fitted =
      spec.type === 'categorical'
        ? fitCategorical(spec, column, applicable, rows, offset)
        : fitNumeric(spec, column, applicable, rows, offset, works);
    columns.push(fitted.column);
    outputNames.push(...fitted.names);
    offset += fitted.column.width;
  }
  return {
    version: 1,
    columns,
    featureNames: outputNames,
    featureCount: offset,
    target: fitTarget(table, schema, rows, options.scaleTarget ?? true),
    fittedRows: rowCount,
    ...(options.missingValues ? { missingValues: [...options.missingValues] } : {}),
  };
}

function appliesTo(step: PipelineStep, column: ColumnSchema): boolean {
  if (step.columns) return step.columns.includes(column.name);
  if (step.types) return step.types.includes(column.type);
  if (step.step === 'impute') {
    // Without a selector, an imputer goes where its strategy makes sense: mean and median (and a
    // numeric constant) to numbers, a text constant to categories, most frequent to every column.
    const categorical = column.type === 'categorical';
    if (step.strategy === 'most_frequent') return true;
    if (step.strategy === 'constant') return typeof step.value === 'string' ? categorical : !categorical;
    return !categorical;
  }
  if (step.step === 'onehot' || step.step === 'ordinal') return column.type === 'categorical';
  return column.type === 'numeric' || column.type === 'integer';
}

/**
 * The rows' values of a numeric, integer, date or boolean column as float64, with `fill` where a
 * value is missing (NaN unless an imputer comes first); also says whether any value was missing.
 */
function numericWork(
  column: Column,
  rows: ArrayLike<number> | null,
  fill = Number.NaN,
): { work: Float64Array; missing: boolean } {
  if (column.kind === 'categorical') throw new Error('unreachable: categorical column in a numeric chain');
  const n = rows ? rows.length : column.values.length;
  const work = new Float64Array(n);
  const mask = column.missing;
  const values = column.values;
  let missing = 0;
  if (mask === null) {
    for (let k = 0; k < n; k++) work[k] = values[rows ? (rows[k] as number) : k] as number;
  } else {
    for (let k = 0; k < n; k++) {
      const i = rows ? (rows[k] as number) : k;
      if (mask[i] === 1) {
        work[k] = fill;
        missing++;
      } else work[k] = values[i] as number;
    }
  }
  return { work, missing: missing > 0 };
}

function fitNumeric(
  spec: ColumnSchema,
  column: Column,
  steps: readonly PipelineStep[],
  rows: ArrayLike<number> | null,
  offset: number,
  works: Map<string, Float64Array> | null,
): { column: FittedColumn; names: string[] } {
  if (column.kind === 'categorical') {
    throw new EdgeflowError(
      'SCHEMA_MISMATCH',
      `Column "${spec.name}" is ${spec.type} in the schema but holds categories in the table.`,
      { details: { column: spec.name } },
    );
  }
  const { work, missing: anyMissing } = numericWork(column, rows);
  let missing = anyMissing;
  const numericSteps = steps.filter((step) => {
    if (step.step !== 'onehot' && step.step !== 'ordinal') return true;
    if (step.columns) {
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        `Step "${step.step}" encodes categories, but column "${spec.name}" is ${spec.type}. Give it type "categorical" in the schema to encode it.`,
        { details: { step: step.step, column: spec.name, type: spec.type } },
      );
    }
    return false;
  });
  const fitted: FittedNumericStep[] = [];
  numericSteps.forEach((step, index) => {
    const fittedStep = fitNumericStep(step, work, spec.name, missing);
    // The last step's output is not needed to fit anything.
    if (index < numericSteps.length - 1) applyNumericStepToArray(fittedStep, work);
    if (fittedStep.step === 'impute') missing = false;
    fitted.push(fittedStep);
  });
  if (missing) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Column "${spec.name}" has missing values in the training rows and no impute step. Add { step: 'impute', columns: ['${spec.name}'], strategy: 'median' }.`,
      { details: { column: spec.name } },
    );
  }
  // Every step but the last has been applied to `work`: fitTransform finishes it.
  works?.set(spec.name, work);
  return {
    column: {
      name: spec.name,
      type: spec.type,
      fillCategory: null,
      steps: fitted,
      encoding: { encoding: 'number' },
      offset,
      width: 1,
    },
    names: [spec.name],
  };
}

function fitNumericStep(
  step: PipelineStep,
  work: Float64Array,
  name: string,
  missing: boolean,
): FittedNumericStep {
  const present = missing ? presentValues(work) : work;
  switch (step.step) {
    case 'impute': {
      let value: number;
      if (step.strategy === 'constant') {
        if (typeof step.value !== 'number') {
          throw new EdgeflowError(
            'INVALID_ARGUMENT',
            `Impute "constant" for numeric column "${name}" needs a numeric value.`,
            {
              details: { column: name },
            },
          );
        }
        value = step.value;
      } else if (present.length === 0) {
        throw new EdgeflowError(
          'INVALID_ARGUMENT',
          `Column "${name}" has no values in the training rows to compute a ${step.strategy}; impute a constant or set the column aside.`,
          { details: { column: name } },
        );
      } else if (step.strategy === 'mean') value = mean(present);
      else if (step.strategy === 'median') value = selectQuantile(present.slice(), 0.5);
      else value = mostFrequentNumber(present);
      return { step: 'impute', strategy: step.strategy, value };
    }
    case 'standardize': {
      const m = present.length ? mean(present) : 0;
      let sumSquares = 0;
      for (let i = 0; i < present.length; i++) sumSquares += ((present[i] as number) - m) ** 2;
      const sd = present.length ? Math.sqrt(sumSquares / present.length) : 0;
      // A constant column keeps scale 1 (as scikit-learn's StandardScaler does).
      return { step: 'standardize', mean: m, scale: sd > 0 ? sd : 1 };
    }
    case 'minmax': {
      const [low, high] = step.range ?? [0, 1];
      if (!(high > low)) {
        throw new EdgeflowError(
          'INVALID_ARGUMENT',
          `minmax range must be increasing, got [${low}, ${high}].`,
          {
            details: { column: name },
          },
        );
      }
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (const v of present) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (present.length === 0) {
        min = 0;
        max = 1;
      }
      const span = (max - min) / (high - low);
      return { step: 'minmax', min, scale: span > 0 ? span : 1, low };
    }
    case 'clip': {
      const quantiles = present.length ? step.quantiles : undefined;
      const sorted = quantiles ? present.slice() : present;
      const min = step.min ?? (quantiles ? selectQuantile(sorted, quantiles[0]) : Number.NEGATIVE_INFINITY);
      const max = step.max ?? (quantiles ? selectQuantile(sorted, quantiles[1]) : Number.POSITIVE_INFINITY);
      if (min > max) {
        throw new EdgeflowError(
          'INVALID_ARGUMENT',
          `clip bounds are reversed for "${name}": ${min} > ${max}.`,
          {
            details: { column: name, min, max },
          },
        );
      }
      // JSON has no infinity: an open side is stored as ±Number.MAX_VALUE.
      return { step: 'clip', min: Math.max(min, -Number.MAX_VALUE), max: Math.min(max, Number.MAX_VALUE) };
    }
    case 'log1p': {
      const bad = present.find((v) => !(v > -1));
      if (bad !== undefined) {
        throw new EdgeflowError(
          'INVALID_ARGUMENT',
          `log1p needs values above -1, but column "${name}" has ${bad} in the training rows. Clip or shift it first.`,
          { details: { column: name, value: bad } },
        );
      }
      return { step: 'log1p' };
    }
    default:
      throw new Error(`unreachable: ${step.step}`);
  }
}

/**
 * One fitted step on every value of `work`, in place: the same expressions as `applyNumericStep`,
 * written as one loop per step so a whole column goes fast.
 */
function applyNumericStepToArray(step: FittedNumericStep, work: Float64Array): void {
  const n = work.length;
  switch (step.step) {
    case 'impute': {
      const value = step.value;
      for (let k = 0; k < n; k++) if (Number.isNaN(work[k])) work[k] = value;
      return;
    }
    case 'standardize': {
      const { mean, scale } = step;
      for (let k = 0; k < n; k++) work[k] = ((work[k] as number) - mean) / scale;
      return;
    }
    case 'minmax': {
      const { min, scale, low } = step;
      for (let k = 0; k < n; k++) work[k] = ((work[k] as number) - min) / scale + low;
      return;
    }
    case 'clip': {
      const { min, max } = step;
      for (let k = 0; k < n; k++) {
        const v = work[k] as number;
        work[k] = v < min ? min : Math.min(v, max);
      }
      return;
    }
    case 'log1p':
      for (let k = 0; k < n; k++) work[k] = Math.log1p(work[k] as number);
      return;
  }
}

/**
 * One fitted step on one value. `transformTable` and `transformRow` both call this, so the two
 * paths compute exactly the same float64 before the final float32 rounding.
 */
export function applyNumericStep(step: FittedNumericStep, v: number): number {
  switch (step.step) {
    case 'impute':
      return Number.isNaN(v) ? step.value : v;
    case 'standardize':
      return (v - step.mean) / step.scale;
    case 'minmax':
      return (v - step.min) / step.scale + step.low;
    case 'clip':
      return v < step.min ? step.min : Math.min(v, step.max);
    case 'log1p':
      return Math.log1p(v);
  }
}

function fitCategorical(
  spec: ColumnSchema,
  column: Column,
  steps: readonly PipelineStep[],
  rows: ArrayLike<number> | null,
  offset: number,
): { column: FittedColumn; names: string[] } {
  if (column.kind !== 'categorical') {
    throw new EdgeflowError(
      'SCHEMA_MISMATCH',
      `Column "${spec.name}" is categorical in the schema but not in the table.`,
      {
        details: { column: spec.name },
      },
    );
  }
  for (const step of steps) {
    if (NUMERIC_STEPS.has(step.step) && step.step !== 'impute' && step.columns) {
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        `Step "${step.step}" works on numbers, but column "${spec.name}" is categorical. Encode it with "onehot" or "ordinal".`,
        { details: { step: step.step, column: spec.name } },
      );
    }
  }
  const counts = new Float64Array(column.dictionary.length);
  let missing = 0;
  const n = rows ? rows.length : column.codes.length;
  for (let k = 0; k < n; k++) {
    const code = column.codes[rows ? (rows[k] as number) : k] as number;
    if (code < 0) missing++;
    else counts[code] = (counts[code] as number) + 1;
  }
  const seen = column.dictionary
    .map((value, code) => ({ value, count: counts[code] as number }))
    .filter((c) => c.count > 0)
    .sort((a, b) => b.count - a.count || compare(a.value, b.value));

  let fillCategory: string | null = null;
  const impute = steps.find((s) => s.step === 'impute');
  if (impute?.step === 'impute') {
    if (impute.strategy === 'constant') {
      if (impute.value === undefined) {
        throw new EdgeflowError(
          'INVALID_ARGUMENT',
          `Impute "constant" for column "${spec.name}" needs a value.`,
          {
            details: { column: spec.name },
          },
        );
      }
      fillCategory = String(impute.value);
    } else if (impute.strategy === 'most_frequent') {
      fillCategory = seen[0]?.value ?? null;
    } else {
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        `Impute "${impute.strategy}" needs numbers; column "${spec.name}" is categorical. Use "most_frequent" or "constant".`,
        { details: { column: spec.name, strategy: impute.strategy } },
      );
    }
    if (fillCategory !== null && missing > 0) {
      const index = seen.findIndex((c) => c.value === fillCategory);
      if (index >= 0) (seen[index] as { count: number }).count += missing;
      else seen.push({ value: fillCategory, count: missing });
      seen.sort((a, b) => b.count - a.count || compare(a.value, b.value));
    }
  }
  const encoder = steps.filter((s) => s.step === 'onehot' || s.step === 'ordinal');
  if (encoder.length > 1) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Column "${spec.name}" has ${encoder.length} encoders; give it one.`,
      {
        details: { column: spec.name },
      },
    );
  }
  const step = encoder[0] ?? { step: 'onehot' as const };
  if (step.step === 'ordinal') {
    const given = step.categories?.[spec.name];
    const categories = given ?? seen.map((c) => c.value).sort(compare);
    return {
      column: {
        name: spec.name,
        type: spec.type,
        fillCategory,
        steps: [],
        encoding: {
          encoding: 'ordinal',
          categories,
          unknown: step.unknown ?? 'error',
          unknownValue: step.unknownValue ?? -1,
        },
        offset,
        width: 1,
      },
      names: [spec.name],
    };
  }
  const onehot = step as Extract<PipelineStep, { step: 'onehot' }>;
  const kept = seen
    .slice(0, onehot.maxCategories ?? seen.length)
    .map((c) => c.value)
    .sort(compare);
  return {
    column: {
      name: spec.name,
      type: spec.type,
      fillCategory,
      steps: [],
      encoding: { encoding: 'onehot', categories: kept, unknown: onehot.unknown ?? 'ignore' },
      offset,
      width: kept.length,
    },
    names: kept.map((category) => `${spec.name}=${category}`),
  };
}

function fitTarget(
  table: Table,
  schema: DatasetSchema,
  rows: ArrayLike<number> | null,
  scale: boolean,
): FittedTarget | null {
  const target = schema.target;
  if (!target) return null;
  const column = getColumn(table, target.name);
  if (target.task === 'classification') {
    if (column.kind !== 'categorical') {
      throw new EdgeflowError(
        'SCHEMA_MISMATCH',
        `The classification target "${target.name}" is not categorical in the table.`,
        {
          details: { column: target.name },
        },
      );
    }
    return {
      name: target.name,
      task: 'classification',
      classes: target.classes ?? sortClasses(column.dictionary),
    };
  }
  if (!scale || column.kind === 'categorical') return { name: target.name, task: 'regression' };
  const present = presentValues(numericWork(column, rows).work);
  const m = present.length ? mean(present) : 0;
  let sumSquares = 0;
  for (let i = 0; i < present.length; i++) sumSquares += ((present[i] as number) - m) ** 2;
  const sd = present.length ? Math.sqrt(sumSquares / present.length) : 0;
  return { name: target.name, task: 'regression', mean: m, scale: sd > 0 ? sd : 1 };
}

/**
 * Class names in index order: numeric order when every name reads as a number ("2" before "10"),
 * otherwise code-unit order (the same on every machine).
 */
export function sortClasses(names: readonly string[]): string[] {
  const numeric = names.every((n) => n.trim() !== '' && Number.isFinite(Number(n)));
  return [...names].sort(numeric ? (a, b) => Number(a) - Number(b) || compare(a, b) : compare);
}

/**
 * Transforms table rows (default all) into row-major float32 features (`rows × featureCount`).
 *
 * @throws EdgeflowError `SCHEMA_MISMATCH` when a pipeline column is absent or of another kind;
 * `DATA_QUALITY` for an unknown category under `unknown: 'error'` (naming the row).
 */
export function transformTable(
  pipeline: FittedPipeline,
  table: Table,
  rows?: ArrayLike<number>,
): Float32Array {
  const n = rows ? rows.length : table.rowCount;
  const width = pipeline.featureCount;
  const out = new Float32Array(n * width);
  for (const fitted of pipeline.columns)
    writeColumn(fitted, getColumn(table, fitted.name), rows ?? null, out, width);
  return out;
}

/** Writes one fitted column's features for the rows into `out` (row-major, `width` per row). */
function writeColumn(
  fitted: FittedColumn,
  column: Column,
  rows: ArrayLike<number> | null,
  out: Float32Array,
  width: number,
): void {
  if (fitted.encoding.encoding === 'number') {
    if (column.kind === 'categorical') {
      throw new EdgeflowError(
        'SCHEMA_MISMATCH',
        `Column "${fitted.name}" holds categories; the pipeline expects numbers.`,
        {
          details: { column: fitted.name },
        },
      );
    }
    writeNumericColumn(fitted, column, rows, out, width);
    return;
  }
  if (column.kind !== 'categorical') {
    throw new EdgeflowError(
      'SCHEMA_MISMATCH',
      `Column "${fitted.name}" holds numbers; the pipeline expects categories.`,
      {
        details: { column: fitted.name },
      },
    );
  }
  const n = rows ? rows.length : column.codes.length;
  const categories = fitted.encoding.categories;
  const fill = fitted.fillCategory === null ? -1 : findCategory(categories, fitted.fillCategory);
  const lookup = Int32Array.from(column.dictionary, (value) => findCategory(categories, value));
  const codes = column.codes;
  const offset = fitted.offset;
  const onehot = fitted.encoding.encoding === 'onehot';
  for (let k = 0; k < n; k++) {
    const row = rows ? (rows[k] as number) : k;
    const code = codes[row] as number;
    const category = code < 0 ? fill : (lookup[code] as number);
    const base = k * width + offset;
    if (category < 0) {
      const value = code < 0 ? null : (column.dictionary[code] as string);
      handleUnknown(fitted, value, `row ${row}`);
      if (fitted.encoding.encoding === 'ordinal') out[base] = fitted.encoding.unknownValue;
    } else if (onehot) out[base + category] = 1;
    else out[base] = category;
  }
}

/**
 * Writes one numeric column's features into `out`. A leading imputer is applied while gathering and
 * the last step while writing, each with the expression `applyNumericStep` uses, so the result is the
 * same to the bit as running the steps one by one (and as `transformRow`), in fewer passes.
 */
function writeNumericColumn(
  fitted: FittedColumn,
  column: Exclude<Column, { kind: 'categorical' }>,
  rows: ArrayLike<number> | null,
  out: Float32Array,
  width: number,
): void {
  const steps = fitted.steps;
  const first = steps[0];
  const leadingImpute = first?.step === 'impute';
  const { work } = numericWork(column, rows, leadingImpute ? first.value : Number.NaN);
  const lastIndex = steps.length - 1;
  for (let s = leadingImpute ? 1 : 0; s < lastIndex; s++)
    applyNumericStepToArray(steps[s] as FittedNumericStep, work);
  const last = lastIndex >= (leadingImpute ? 1 : 0) ? (steps[lastIndex] as FittedNumericStep) : null;
  finishNumericColumn(fitted, work, last, rows, out, width);
}

/** Applies the last step (if any) to `work` while writing it as float32 features; a NaN left is a missing value. */
function finishNumericColumn(
  fitted: FittedColumn,
  work: Float64Array,
  last: FittedNumericStep | null,
  rows: ArrayLike<number> | null,
  out: Float32Array,
  width: number,
): void {
  const offset = fitted.offset;
  const n = work.length;
  const fail = (k: number): never => {
    throw missingValueError(fitted.name, rows ? (rows[k] as number) : k);
  };
  switch (last?.step) {
    case 'standardize': {
      const { mean, scale } = last;
      for (let k = 0; k < n; k++) {
        const v = ((work[k] as number) - mean) / scale;
        if (Number.isNaN(v)) fail(k);
        out[k * width + offset] = v;
      }
      return;
    }
    case 'minmax': {
      const { min, scale, low } = last;
      for (let k = 0; k < n; k++) {
        const v = ((work[k] as number) - min) / scale + low;
        if (Number.isNaN(v)) fail(k);
        out[k * width + offset] = v;
      }
      return;
    }
    default: {
      if (last !== null) applyNumericStepToArray(last, work);
      for (let k = 0; k < n; k++) {
        const v = work[k] as number;
        if (Number.isNaN(v)) fail(k);
        out[k * width + offset] = v;
      }
    }
  }
}

function handleUnknown(fitted: FittedColumn, value: string | null, where: string): void {
  const encoding = fitted.encoding;
  if (encoding.encoding === 'onehot' && encoding.unknown === 'ignore') return;
  if (encoding.encoding === 'ordinal' && encoding.unknown === 'use_value') return;
  throw new EdgeflowError(
    'DATA_QUALITY',
    `Column "${fitted.name}", ${where}: ${value === null ? 'a missing value and the pipeline has no imputer' : `category "${describeValue(value)}" was not seen in training`}. Known: ${(encoding.encoding === 'number' ? [] : encoding.categories).slice(0, 20).join(', ')}.`,
    { details: { column: fitted.name, value, where } },
  );
}

function missingValueError(name: string, row: number): EdgeflowError {
  return new EdgeflowError(
    'DATA_QUALITY',
    `Column "${name}", row ${row}: the value is missing and the pipeline has no impute step for it.`,
    { details: { column: name, row } },
  );
}

/** Options of the row transforms. */
export interface TransformRowOptions {
  /**
   * Strings read as missing (default: the list stored in the pipeline at fit time, else the same
   * default list ingest uses).
   */
  readonly missingValues?: readonly string[];
  /**
   * Called for each value of a categorical column that training never saw (encoded as all zeros
   * under `unknown: 'ignore'`), so a caller can count or report them instead of losing them.
   */
  readonly onUnseenCategory?: (report: UnseenCategory) => void;
}

/** A categorical value that was not among a fitted column's categories at transform time. */
export interface UnseenCategory {
  /** Index of the row in the rows given. */
  readonly row: number;
  readonly column: string;
  /** The value as read (trimmed text). */
  readonly value: string;
}

/** The missing-value strings for predict-time rows: the caller's, else the pipeline's, else the default. */
function missingSetOf(pipeline: FittedPipeline, options: TransformRowOptions): ReadonlySet<string> {
  const list = options.missingValues ?? pipeline.missingValues;
  return list ? new Set(list) : defaultMissing;
}

const defaultMissing = new Set(DEFAULT_MISSING_VALUES);

/**
 * Transforms one raw row object (values as strings, numbers, booleans or null, like a CSV line or a
 * JSON object) into the features `transformTable` gives for the same values.
 *
 * @throws EdgeflowError `SCHEMA_MISMATCH` when the row lacks a column of the pipeline (null is a
 * missing value; an absent key is an error); `DATA_QUALITY` for a value that cannot be read.
 */
export function transformRow(
  pipeline: FittedPipeline,
  row: Readonly<Record<string, unknown>>,
  options: TransformRowOptions = {},
): Float32Array {
  const out = new Float32Array(pipeline.featureCount);
  writeRow(pipeline, row, out, 0, missingSetOf(pipeline, options), 0, options.onUnseenCategory);
  return out;
}

/** Transforms many raw rows into row-major features (`rows.length × featureCount`), for predict. */
export function transformRows(
  pipeline: FittedPipeline,
  rows: readonly Readonly<Record<string, unknown>>[],
  options: TransformRowOptions = {},
): Float32Array {
  const out = new Float32Array(rows.length * pipeline.featureCount);
  const missing = missingSetOf(pipeline, options);
  rows.forEach((row, index) => {
    writeRow(pipeline, row, out, index * pipeline.featureCount, missing, index, options.onUnseenCategory);
  });
  return out;
}

function writeRow(
  pipeline: FittedPipeline,
  row: Readonly<Record<string, unknown>>,
  out: Float32Array,
  base: number,
  missing: ReadonlySet<string>,
  index: number,
  onUnseen: TransformRowOptions['onUnseenCategory'],
): void {
  for (const fitted of pipeline.columns) {
    if (!Object.hasOwn(row, fitted.name)) {
      const near = closestNames(fitted.name, Object.keys(row));
      throw new EdgeflowError(
        'SCHEMA_MISMATCH',
        `Row ${index} has no "${fitted.name}" (the pipeline needs ${pipeline.columns.map((c) => c.name).join(', ')}).${near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(', ')}?` : ''} Pass null for a missing value.`,
        { details: { row: index, column: fitted.name } },
      );
    }
    const raw = row[fitted.name];
    if (fitted.encoding.encoding === 'number') {
      const reading =
        fitted.type === 'boolean'
          ? readBoolean(raw, missing)
          : fitted.type === 'date'
            ? readDate(raw, missing)
            : readNumber(raw, false, missing);
      if (typeof reading === 'string') {
        throw new EdgeflowError(
          'DATA_QUALITY',
          `Row ${index}, column "${fitted.name}": "${describeValue(raw)}" is not ${fitted.type === 'boolean' ? 'a boolean' : fitted.type === 'date' ? 'a date' : 'a number'}.`,
          { details: { row: index, column: fitted.name, value: describeValue(raw), problem: reading } },
        );
      }
      const v = numericFeature(fitted, reading);
      if (Number.isNaN(v)) throw missingValueError(fitted.name, index);
      out[base + fitted.offset] = v;
      continue;
    }
    const reading = readCategory(raw, missing);
    if (reading === 'type_mismatch' || reading === 'out_of_range') {
      throw new EdgeflowError(
        'DATA_QUALITY',
        `Row ${index}, column "${fitted.name}": "${describeValue(raw)}" is not a category.`,
        {
          details: { row: index, column: fitted.name, value: describeValue(raw) },
        },
      );
    }
    const category = categoryIndex(fitted, reading);
    if (category < 0) {
      handleUnknown(fitted, reading, `row ${index}`);
      if (reading !== null) onUnseen?.({ row: index, column: fitted.name, value: reading });
    }
    writeCategoryFeature(fitted, category, out, base);
  }
}

/**
 * The feature of a numeric column's cell once read (`null`: missing): the fitted steps in order, as
 * `transformRow` applies them; NaN when the value stays missing (no imputer) or a step cannot take it.
 * Exported so the Predictor's one-pass encoder writes features with the same code as `transformRow`.
 */
export function numericFeature(fitted: FittedColumn, reading: number | null): number {
  let v = reading === null ? Number.NaN : reading;
  for (const step of fitted.steps) v = applyNumericStep(step, v);
  return v;
}

/**
 * The index of a categorical column's cell once read (`null`: missing, so the fill category) among
 * the fitted categories, with `transformRow`'s matching ("1.0" finds "1"); -1 when unknown or when
 * missing without a fill category.
 */
export function categoryIndex(fitted: FittedColumn, reading: string | null): number {
  if (fitted.encoding.encoding === 'number') return -1;
  const value = reading ?? fitted.fillCategory;
  return value === null ? -1 : findCategory(fitted.encoding.categories, value);
}

/**
 * Writes a categorical column's encoding of category `category` (from `categoryIndex`) into `out` at
 * row offset `base`: a one-hot 1, or the ordinal index; -1 (unknown, tolerated) leaves one-hot all
 * zeros and writes the ordinal `unknownValue`. `out` must hold zeros in the one-hot slots.
 */
export function writeCategoryFeature(
  fitted: FittedColumn,
  category: number,
  out: Float32Array,
  base: number,
): void {
  const encoding = fitted.encoding;
  if (encoding.encoding === 'number') return;
  if (category < 0) {
    if (encoding.encoding === 'ordinal') out[base + fitted.offset] = encoding.unknownValue;
  } else if (encoding.encoding === 'onehot') out[base + fitted.offset + category] = 1;
  else out[base + fitted.offset] = category;
}

/** Per category list: exact text → index, and canonical number text → index for numeric-looking ones. */
const categoryIndexes = new WeakMap<
  readonly string[],
  { exact: Map<string, number>; numeric: Map<string, number> }
>();

/** A decimal number as text ("1", "1.0", "-2.50", "1e3"); hex, blanks and words are not. */
const NUMBER_TEXT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** The canonical text of a numeric-looking category ("1.0" → "1"), or null for any other text. */
function canonicalNumber(text: string): string | null {
  if (!NUMBER_TEXT.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? String(value) : null;
}

/**
 * The index of `value` among a fitted column's categories, or -1. The exact text wins; otherwise a
 * numeric-looking value matches the category with the same number, so a CSV's "1.0" and a
 * predict-time `1` (read as "1") are the same category in training, evaluation and predict.
 */
function findCategory(categories: readonly string[], value: string): number {
  let index = categoryIndexes.get(categories);
  if (!index) {
    const exact = new Map<string, number>();
    const numeric = new Map<string, number>();
    categories.forEach((category, i) => {
      exact.set(category, i);
      const canonical = canonicalNumber(category);
      // The first category with a number keeps it: two spellings of one number stay apart by text.
      if (canonical !== null && !numeric.has(canonical)) numeric.set(canonical, i);
    });
    index = { exact, numeric };
    categoryIndexes.set(categories, index);
  }
  const exact = index.exact.get(value);
  if (exact !== undefined) return exact;
  const canonical = canonicalNumber(value);
  return canonical === null ? -1 : (index.numeric.get(canonical) ?? -1);
}

/**
 * The target of table rows as model targets: class index (classification) or the scaled value
 * (regression, `(y - mean) / scale` when the pipeline scales it).
 *
 * @throws EdgeflowError `TARGET_NOT_FOUND` when the pipeline has no target; `DATA_QUALITY` for a class
 * the pipeline does not know.
 */
export function transformTarget(
  pipeline: FittedPipeline,
  table: Table,
  rows?: ArrayLike<number>,
): Float32Array {
  const target = pipeline.target;
  if (!target) {
    throw new EdgeflowError(
      'TARGET_NOT_FOUND',
      'The pipeline has no target: load the dataset with { target }.',
      {
        details: {},
      },
    );
  }
  const column = getColumn(table, target.name);
  const n = rows ? rows.length : table.rowCount;
  const out = new Float32Array(n);
  if (target.task === 'classification') {
    if (column.kind !== 'categorical') {
      throw new EdgeflowError(
        'SCHEMA_MISMATCH',
        `The target "${target.name}" is not categorical in the table.`,
        {
          details: { column: target.name },
        },
      );
    }
    const index = new Map((target.classes ?? []).map((c, i) => [c, i]));
    const lookup = Int32Array.from(column.dictionary, (value) => index.get(value) ?? -1);
    for (let k = 0; k < n; k++) {
      const row = rows ? (rows[k] as number) : k;
      const code = column.codes[row] as number;
      const cls = code < 0 ? -1 : (lookup[code] as number);
      if (cls < 0) {
        throw new EdgeflowError(
          'DATA_QUALITY',
          `Row ${row}: target class "${code < 0 ? 'missing' : column.dictionary[code]}" is not one of ${(target.classes ?? []).join(', ')}.`,
          { details: { row, column: target.name } },
        );
      }
      out[k] = cls;
    }
    return out;
  }
  if (column.kind === 'categorical') {
    throw new EdgeflowError('SCHEMA_MISMATCH', `The regression target "${target.name}" holds categories.`, {
      details: { column: target.name },
    });
  }
  const mean = target.mean ?? 0;
  const scale = target.scale ?? 1;
  for (let k = 0; k < n; k++) {
    const row = rows ? (rows[k] as number) : k;
    out[k] = ((column.values[row] as number) - mean) / scale;
  }
  return out;
}

/** Maps scaled regression outputs back to the target's units: `y = scaled * scale + mean`. */
export function inverseTransformTarget(pipeline: FittedPipeline, values: ArrayLike<number>): Float64Array {
  const target = pipeline.target;
  if (target?.task !== 'regression') {
    throw new EdgeflowError('INVALID_ARGUMENT', 'Only a regression target can be inverse-transformed.', {
      details: { task: target?.task ?? null },
    });
  }
  const mean = target.mean ?? 0;
  const scale = target.scale ?? 1;
  return Float64Array.from(values, (v) => v * scale + mean);
}

/**
 * Checks a stored pipeline (from IndexedDB, a release manifest…) against the zod schema.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` naming the first bad field.
 */
export function parseFittedPipeline(json: unknown): FittedPipeline {
  const result = fittedPipelineSchema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new EdgeflowError(
    'INVALID_ARGUMENT',
    `Not a fitted pipeline: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : result.error.message}.`,
    { cause: result.error, details: { path: issue?.path.map(String) ?? [] } },
  );
}

/** The input columns a pipeline reads, with their types: the model's input signature. */
export function pipelineSignature(pipeline: FittedPipeline): { name: string; type: ColumnType }[] {
  return pipeline.columns.map((c) => ({ name: c.name, type: c.type }));
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

/** The values that are not NaN (missing): `work` itself when none is missing (do not modify it), else a copy. */
function presentValues(work: Float64Array): Float64Array {
  let count = 0;
  for (let k = 0; k < work.length; k++) if (!Number.isNaN(work[k])) count++;
  if (count === work.length) return work;
  const out = new Float64Array(count);
  let j = 0;
  for (let k = 0; k < work.length; k++) {
    const v = work[k] as number;
    if (!Number.isNaN(v)) out[j++] = v;
  }
  return out;
}

/**
 * The q-quantile with linear interpolation (numpy's default), by selection in O(n) rather than a
 * sort. Reorders `values`.
 */
function selectQuantile(values: Float64Array, q: number): number {
  const position = (values.length - 1) * q;
  const lower = Math.floor(position);
  const a = selectKth(values, lower);
  if (position === lower) return a;
  // After selection every element past `lower` is ≥ a; the next order statistic is their minimum.
  let b = Number.POSITIVE_INFINITY;
  for (let i = lower + 1; i < values.length; i++) if ((values[i] as number) < b) b = values[i] as number;
  return a + (b - a) * (position - lower);
}

/** Hoare's selection: the k-th smallest value (0-based), leaving smaller values before it. */
function selectKth(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (right > left) {
    // Median of three as pivot: steady on sorted and reversed input.
    const mid = (left + right) >>> 1;
    const x = values[left] as number;
    const y = values[mid] as number;
    const z = values[right] as number;
    const pivot = x < y ? (y < z ? y : Math.max(x, z)) : x < z ? x : Math.max(y, z);
    let i = left;
    let j = right;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const tmp = values[i] as number;
        values[i] = values[j] as number;
        values[j] = tmp;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return values[k] as number;
}

function mostFrequentNumber(values: Float64Array): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = Number.NaN;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount || (count === bestCount && value < best)) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
