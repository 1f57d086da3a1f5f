// Fitting a pipeline: the default steps for a schema, checking the steps given, choosing which steps
// apply to which feature column, and assembling the fitted columns and target (fitTransform also
// returns the training rows' features from the values the fit already computed).

import { closestNames, EdgeflowError } from '../errors.ts';
import {
  type ColumnSchema,
  type DatasetSchema,
  type FittedColumn,
  type FittedPipeline,
  type PipelineStep,
  pipelineStepSchema,
} from '../schemas/dataset.ts';
import { fitCategorical } from './pipeline-categorical.ts';
import { fitNumeric } from './pipeline-numeric.ts';
import { fitTarget } from './pipeline-target.ts';
import { finishNumericColumn, writeColumn } from './pipeline-transform.ts';
import { getColumn } from './table.ts';
import type { Table } from './types.ts';

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
