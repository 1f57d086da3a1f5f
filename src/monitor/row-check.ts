// Reads one raw cell of a fitted pipeline column once, and does everything the Predictor needs with
// it in that one read: checks it (so a bad row becomes a per-row error with its code and field
// instead of stopping the batch), counts it in the drift window (refused rows included: an unseen
// category or a missing value is a drift signal of its own), and writes its features with the
// pipeline's own per-cell code (`numericFeature`, `categoryIndex`, `writeCategoryFeature` of
// src/data/pipeline.ts, which `transformRow` uses too), so the features are those of `transformRows`.
import { describeValue, readBoolean, readCategory, readDate, readNumber } from '../data/cell-values.ts';
import { categoryIndex, numericFeature, writeCategoryFeature } from '../data/pipeline.ts';
import type { FittedColumn } from '../schemas/dataset.ts';
import type { DriftWindow } from './drift-window.ts';
import { ABSENT } from './row-input.ts';
import type { RowError } from './types.ts';

/** A fitted column compiled for the one-pass encoder. */
export interface ColumnCheck {
  readonly name: string;
  /** How drift sees the column: booleans are categories `false`/`true`, as in the profile. */
  readonly kind: 'numeric' | 'categorical';
  /** Values are float32 (numeric, integer), not float64 (date). */
  readonly float32: boolean;
  /**
   * Reads the column's cells of rows 0…n−1 through `read` (`ABSENT` when a row has no such column),
   * counts them in `window` as feature `feature`, and writes each row's features at `row × width` in
   * `features`. A refused row's first error goes to `rowErrors[row]` (kept when it already holds one,
   * from an earlier column); returns how many rows it refused first. A refused row's features are
   * the caller's to drop.
   */
  encodeColumn(
    read: (row: number) => unknown,
    n: number,
    features: Float32Array,
    width: number,
    window: DriftWindow | null,
    feature: number,
    rowErrors: (RowError | null)[],
  ): number;
}

/** Distinct category texts remembered per column (an identifier-like column must not grow it forever). */
const MAX_CACHED_CATEGORIES = 4096;

/** Compiles the checks of a pipeline column; `unseen: 'error'` refuses unknown categories. */
export function compileColumnCheck(
  fitted: FittedColumn,
  missingValues: ReadonlySet<string>,
  unseen: 'error' | 'encode',
): ColumnCheck {
  const name = fitted.name;
  const encoding = fitted.encoding;
  if (encoding.encoding === 'number') {
    const imputes = fitted.steps.some((s) => s.step === 'impute');
    const type = fitted.type;
    const offset = fitted.offset;
    const what = type === 'boolean' ? 'a boolean' : type === 'date' ? 'a date' : 'a number';
    return {
      name,
      kind: type === 'boolean' ? 'categorical' : 'numeric',
      float32: type !== 'date',
      encodeColumn(read, n, features, width, window, feature, rowErrors) {
        // Float32 values are folded into the window a column at a time (the sketch's fast path).
        const present = window !== null && type !== 'boolean' && type !== 'date' ? new Float32Array(n) : null;
        let presentCount = 0;
        let missingCount = 0;
        let refused = 0;
        for (let row = 0; row < n; row++) {
          const raw = read(row);
          let error: RowError | null = null;
          if (raw === ABSENT) {
            missingCount++;
            error = absentError(name, row);
          } else {
            const reading =
              type === 'boolean'
                ? readBoolean(raw, missingValues)
                : type === 'date'
                  ? readDate(raw, missingValues)
                  : readNumber(raw, false, missingValues);
            if (typeof reading === 'string') {
              error = {
                code: 'DATA_QUALITY',
                field: name,
                message: `Row ${row}, column "${name}": "${describeValue(raw)}" is not ${what}${reading === 'out_of_range' ? ' in range' : ''}. Send ${what} or null for a missing value.`,
              };
            } else {
              if (reading === null) {
                missingCount++;
                if (!imputes) error = missingError(name, row);
              } else if (present !== null) present[presentCount++] = reading;
              else if (window !== null) {
                if (type === 'boolean') window.observeCategory(feature, reading === 1 ? 'true' : 'false');
                else window.observeNumber(feature, reading);
              }
              if (error === null) {
                const value = numericFeature(fitted, reading);
                // NaN: a value the checks cannot foresee, e.g. log1p of a value ≤ −1.
                if (Number.isNaN(value)) error = stepError(fitted, row, raw);
                else features[row * width + offset] = value;
              }
            }
          }
          if (error !== null && rowErrors[row] === null) {
            rowErrors[row] = error;
            refused++;
          }
        }
        if (window !== null) {
          if (present !== null && presentCount > 0)
            window.observeColumn(feature, present.subarray(0, presentCount));
          window.observeMissingCount(feature, missingCount);
        }
        return refused;
      },
    };
  }
  const categories = encoding.categories;
  const fill = fitted.fillCategory;
  const tolerated =
    (encoding.encoding === 'onehot' && encoding.unknown === 'ignore') ||
    (encoding.encoding === 'ordinal' && encoding.unknown === 'use_value');
  const refuseUnseen = unseen === 'error' || !tolerated;
  const listed = categories.slice(0, 20).join(', ');
  // Raw text → `readCategory`'s reading (a string always reads as a category or as missing).
  const texts = new Map<string, string | null>();
  // Category text → index, filled from the pipeline's own `categoryIndex` on first sight.
  const cache = new Map<string, number>();
  const indexOf = (text: string): number => {
    let index = cache.get(text);
    if (index === undefined) {
      index = categoryIndex(fitted, text);
      if (cache.size < MAX_CACHED_CATEGORIES) cache.set(text, index);
    }
    return index;
  };
  return {
    name,
    kind: 'categorical',
    float32: false,
    encodeColumn(read, n, features, width, window, feature, rowErrors) {
      let refused = 0;
      for (let row = 0; row < n; row++) {
        const error = encodeCell(read(row), row, features, row * width, window, feature);
        if (error !== null && rowErrors[row] === null) {
          rowErrors[row] = error;
          refused++;
        }
      }
      return refused;
    },
  };

  function encodeCell(
    raw: unknown,
    row: number,
    features: Float32Array,
    base: number,
    window: DriftWindow | null,
    feature: number,
  ): RowError | null {
    if (raw === ABSENT) {
      window?.observeMissing(feature);
      return absentError(name, row);
    }
    // Text cells repeat (a category column holds few distinct texts): one lookup of the raw text
    // replaces `readCategory`'s two missing-value lookups and its trim.
    const known = typeof raw === 'string' ? texts.get(raw) : undefined;
    const reading = known === undefined ? readCategory(raw, missingValues) : known;
    if (known === undefined && typeof raw === 'string' && texts.size < MAX_CACHED_CATEGORIES) {
      texts.set(raw, reading as string | null);
    }
    if (reading === 'type_mismatch' || reading === 'out_of_range') {
      return {
        code: 'DATA_QUALITY',
        field: name,
        message: `Row ${row}, column "${name}": "${describeValue(raw)}" is not a category. Send a string or null for a missing value.`,
      };
    }
    let category: number;
    if (reading === null) {
      window?.observeMissing(feature);
      category = fill === null ? -1 : indexOf(fill);
      if (category < 0 && (fill === null || !tolerated)) return missingError(name, row);
    } else {
      category = indexOf(reading);
      // A numeric-looking text the pipeline matches ("1.0" for "1") counts as the fitted category.
      window?.observeCategory(feature, category < 0 ? reading : (categories[category] as string));
      if (category < 0 && refuseUnseen) {
        return {
          code: 'UNSEEN_CATEGORY',
          field: name,
          message: `Row ${row}, column "${name}": category "${describeValue(reading)}" was not seen in training. Known: ${listed}${categories.length > 20 ? ', …' : ''}. Map it to a known category, or retrain on data that has it.`,
        };
      }
    }
    writeCategoryFeature(fitted, category, features, base);
    return null;
  }
}

function stepError(fitted: FittedColumn, row: number, raw: unknown): RowError {
  return {
    code: 'DATA_QUALITY',
    field: fitted.name,
    message: `Row ${row}, column "${fitted.name}": the pipeline's steps (${fitted.steps.map((s) => s.step).join(', ')}) give no feature for "${describeValue(raw)}". Send a value in the range the model was trained on.`,
  };
}

function absentError(name: string, row: number): RowError {
  return {
    code: 'SCHEMA_MISMATCH',
    field: name,
    message: `Row ${row} has no "${name}", which the model needs. Add the column (null for a missing value).`,
  };
}

function missingError(name: string, row: number): RowError {
  return {
    code: 'MISSING_VALUE',
    field: name,
    message: `Row ${row}, column "${name}": the value is missing and the model's pipeline has no imputer for it. Send a value.`,
  };
}
