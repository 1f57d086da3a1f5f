// Categorical columns in the pipeline: fitting the fill category and the encoding (one-hot or
// ordinal), finding a value among the fitted categories ("1.0" finds "1"), writing the encoded
// feature, and the unknown-category policy.

import { EdgeflowError } from '../errors.ts';
import type { ColumnSchema, FittedColumn, PipelineStep } from '../schemas/dataset.ts';
import { describeValue } from './cell-values.ts';
import { compareText } from './pipeline-statistics.ts';
import type { Column } from './types.ts';

/** The steps that work on numbers: naming a categorical column in one (impute aside) is a mistake. */
const NUMERIC_STEPS = new Set(['impute', 'standardize', 'minmax', 'clip', 'log1p']);

/**
 * Fits a categorical column: the fill category of its imputer (if any) and its encoder's categories
 * (one-hot keeps the most frequent `maxCategories`, in text order; ordinal takes the given list or the
 * categories seen, in text order).
 *
 * @throws EdgeflowError `SCHEMA_MISMATCH` when the table does not hold categories; `INVALID_ARGUMENT`
 * for a numeric step named for this column, an impute strategy that needs numbers, or two encoders.
 */
export function fitCategorical(
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
    .sort((a, b) => b.count - a.count || compareText(a.value, b.value));

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
      seen.sort((a, b) => b.count - a.count || compareText(a.value, b.value));
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
    const categories = given ?? seen.map((c) => c.value).sort(compareText);
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
    .sort(compareText);
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
export function findCategory(categories: readonly string[], value: string): number {
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
 * Returns when the column's encoding tolerates an unknown or unfilled category (one-hot `ignore`,
 * ordinal `use_value`).
 *
 * @throws EdgeflowError `DATA_QUALITY` naming the column, the place and the known categories otherwise.
 */
export function handleUnknown(fitted: FittedColumn, value: string | null, where: string): void {
  const encoding = fitted.encoding;
  if (encoding.encoding === 'onehot' && encoding.unknown === 'ignore') return;
  if (encoding.encoding === 'ordinal' && encoding.unknown === 'use_value') return;
  throw new EdgeflowError(
    'DATA_QUALITY',
    `Column "${fitted.name}", ${where}: ${value === null ? 'a missing value and the pipeline has no imputer' : `category "${describeValue(value)}" was not seen in training`}. Known: ${(encoding.encoding === 'number' ? [] : encoding.categories).slice(0, 20).join(', ')}.`,
    { details: { column: fitted.name, value, where } },
  );
}
