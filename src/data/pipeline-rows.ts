// Applying a fitted pipeline to raw row objects (predict time): each value read through
// cell-values.ts as ingest reads it, then the same per-value steps as the table path.

import { closestNames, EdgeflowError } from '../errors.ts';
import type { FittedPipeline } from '../schemas/dataset.ts';
import {
  DEFAULT_MISSING_VALUES,
  describeValue,
  readBoolean,
  readCategory,
  readDate,
  readNumber,
} from './cell-values.ts';
import { categoryIndex, handleUnknown, writeCategoryFeature } from './pipeline-categorical.ts';
import { missingValueError, numericFeature } from './pipeline-numeric.ts';

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
