// Numeric, integer, date and boolean columns in the pipeline: gathering a column's values as float64,
// fitting each numeric step (impute, standardize, minmax, clip, log1p) on them, and applying a fitted
// step to one value or to a whole column with the same expression.

import { EdgeflowError } from '../errors.ts';
import type { ColumnSchema, FittedColumn, FittedNumericStep, PipelineStep } from '../schemas/dataset.ts';
import { mean, mostFrequentNumber, presentValues, selectQuantile } from './pipeline-statistics.ts';
import type { Column } from './types.ts';

/**
 * The rows' values of a numeric, integer, date or boolean column as float64, with `fill` where a
 * value is missing (NaN unless an imputer comes first); also says whether any value was missing.
 */
export function numericWork(
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

/**
 * Fits the numeric steps that apply to one column on the rows' values, in order (each step is fitted on
 * the output of the ones before it). With `works`, leaves the column's values there with every step but
 * the last applied, for `fitTransform` to finish.
 *
 * @throws EdgeflowError `SCHEMA_MISMATCH` when the table holds categories; `INVALID_ARGUMENT` for an
 * encoder named for this column, a step that cannot be fitted, or missing values and no imputer.
 */
export function fitNumeric(
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

/** Fits one numeric step on the column's current values (`missing`: some of them are NaN). */
export function fitNumericStep(
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
export function applyNumericStepToArray(step: FittedNumericStep, work: Float64Array): void {
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

/** The error for a value that is still missing after every step (the column has no imputer). */
export function missingValueError(name: string, row: number): EdgeflowError {
  return new EdgeflowError(
    'DATA_QUALITY',
    `Column "${name}", row ${row}: the value is missing and the pipeline has no impute step for it.`,
    { details: { column: name, row } },
  );
}
