// The target column in the pipeline: fitting it (class list, or mean and scale for regression),
// encoding table rows as model targets, and mapping scaled regression outputs back.

import { EdgeflowError } from '../errors.ts';
import type { DatasetSchema, FittedPipeline, FittedTarget } from '../schemas/dataset.ts';
import { numericWork } from './pipeline-numeric.ts';
import { compareText, mean, presentValues } from './pipeline-statistics.ts';
import { getColumn } from './table.ts';
import type { Table } from './types.ts';

/**
 * Fits the schema's target on the rows: the class list (the schema's, else the sorted categories) or,
 * for regression with `scale`, the mean and standard deviation; null when the schema has no target.
 *
 * @throws EdgeflowError `SCHEMA_MISMATCH` when a classification target is not categorical in the table.
 */
export function fitTarget(
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
  return [...names].sort(numeric ? (a, b) => Number(a) - Number(b) || compareText(a, b) : compareText);
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
