import { EdgeflowError } from '../errors.ts';
import type { DatasetSchema } from '../schemas/dataset.ts';
import { createRng, shuffleInPlace } from './prng.ts';
import { getColumn } from './table.ts';
import type { SplitIndices, Table } from './types.ts';

/** Options of `splitDataset`. */
export interface SplitOptions {
  /** The same seed gives the same split on every machine. */
  readonly seed: number;
  /** Share of rows for validation (default 0.1). */
  readonly validation?: number;
  /** Share of rows for test (default 0.2). */
  readonly test?: number;
  /** Keep class proportions in every split (default: true for a classification target). */
  readonly stratify?: boolean;
}

/**
 * Splits a dataset's rows into train, validation and test, seeded and (for classification)
 * stratified: each class is shuffled on its own and cut in the same proportions. Only integer
 * arithmetic decides the order, so the split is identical on every machine and engine.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` for shares outside [0, 1) or summing to 1 or more.
 * @example
 * const split = splitDataset(ds, { seed: 42, validation: 0.1, test: 0.2 });
 */
export function splitDataset(
  dataset: { readonly table: Table; readonly schema: DatasetSchema },
  options: SplitOptions,
): SplitIndices {
  const strata = options.stratify === false ? null : classStrata(dataset);
  return splitRows(dataset.table.rowCount, { ...options, strata });
}

/** Splits `rowCount` rows; `strata` (one group id per row) stratifies. */
export function splitRows(
  rowCount: number,
  options: SplitOptions & { readonly strata?: Int32Array | null },
): SplitIndices {
  const validation = options.validation ?? 0.1;
  const test = options.test ?? 0.2;
  for (const [name, share] of [
    ['validation', validation],
    ['test', test],
  ] as const) {
    if (!(share >= 0 && share < 1)) {
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        `The ${name} share must be at least 0 and below 1, got ${share}.`,
        {
          details: { [name]: share },
        },
      );
    }
  }
  if (validation + test >= 1) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `validation + test must leave rows to train on, got ${validation} + ${test}.`,
      { details: { validation, test } },
    );
  }
  const rng = createRng(options.seed);
  const groups = groupsOf(rowCount, options.strata ?? null);
  const cuts = groups.map((group) => {
    const nTest = Math.round(group.length * test);
    const nValidation = Math.min(group.length - nTest, Math.round(group.length * validation));
    return { nTest, nValidation };
  });
  // Mark each row's part, then read the parts out in row order: ascending without a sort.
  const part = new Uint8Array(rowCount);
  let totalTest = 0;
  let totalValidation = 0;
  groups.forEach((group, g) => {
    shuffleInPlace(group, rng);
    const { nTest, nValidation } = cuts[g] as { nTest: number; nValidation: number };
    totalTest += nTest;
    totalValidation += nValidation;
    for (let i = 0; i < group.length; i++)
      part[group[i] as number] = i < nTest ? 2 : i < nTest + nValidation ? 1 : 0;
  });
  const train = new Uint32Array(rowCount - totalTest - totalValidation);
  const valid = new Uint32Array(totalValidation);
  const held = new Uint32Array(totalTest);
  let t = 0;
  let v = 0;
  let r = 0;
  for (let row = 0; row < rowCount; row++) {
    const p = part[row];
    if (p === 0) train[r++] = row;
    else if (p === 1) valid[v++] = row;
    else held[t++] = row;
  }
  return { train, validation: valid, test: held };
}

/** One fold: rows to fit on and rows to validate on. */
export interface Fold {
  readonly train: Uint32Array;
  readonly validation: Uint32Array;
}

/**
 * K-fold cross-validation indices, seeded and (for classification) stratified: each class is shuffled
 * and dealt to the folds in turn, so folds differ in size by at most one row per class.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` unless 2 ≤ k ≤ rows.
 */
export function kFoldIndices(
  dataset: { readonly table: Table; readonly schema: DatasetSchema },
  options: { readonly k: number; readonly seed: number; readonly stratify?: boolean },
): Fold[] {
  const rowCount = dataset.table.rowCount;
  const k = options.k;
  if (!Number.isInteger(k) || k < 2 || k > rowCount) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `k must be a whole number from 2 to the row count (${rowCount}), got ${k}.`,
      {
        details: { k, rowCount },
      },
    );
  }
  const strata = options.stratify === false ? null : classStrata(dataset);
  const rng = createRng(options.seed);
  const fold = new Int32Array(rowCount);
  let dealt = 0;
  for (const group of groupsOf(rowCount, strata)) {
    shuffleInPlace(group, rng);
    for (let i = 0; i < group.length; i++) fold[group[i] as number] = (dealt + i) % k;
    dealt += group.length;
  }
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const validation: number[] = [];
    for (let row = 0; row < rowCount; row++) (fold[row] === f ? validation : train).push(row);
    folds.push({ train: Uint32Array.from(train), validation: Uint32Array.from(validation) });
  }
  return folds;
}

/** Options of `splitForRun`: a plain split, or one fold of a k-fold cross-validation. */
export interface RunSplitOptions extends SplitOptions {
  /** k of a k-fold cross-validation: the run tests on one fold and trains on the others. */
  readonly folds?: number;
  /** Which fold (0 to folds − 1) is the run's test part (default 0). */
  readonly fold?: number;
}

/**
 * The rows of one run. Without `folds`, `splitDataset`. With `folds` = k, fold `fold` of the seeded,
 * stratified `kFoldIndices` is the test part (`test` is ignored) and a seeded `validation` share of
 * the other folds' rows validates; the rest trains. Re-deriving it from the same options gives the
 * same rows, which is how promotion finds a run's held-out rows again.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` for a fold outside 0 … folds − 1, a bad k or bad shares.
 * @example
 * const rows = splitForRun(ds, { seed: 42, validation: 0.1, folds: 5, fold: 2 });
 */
export function splitForRun(
  dataset: { readonly table: Table; readonly schema: DatasetSchema },
  options: RunSplitOptions,
): SplitIndices {
  if (options.folds === undefined) return splitDataset(dataset, options);
  const fold = options.fold ?? 0;
  if (!Number.isInteger(fold) || fold < 0 || fold >= options.folds) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `fold must be a whole number from 0 to ${options.folds - 1} (one of the ${options.folds} folds), got ${fold}.`,
      { details: { fold, folds: options.folds } },
    );
  }
  const folds = kFoldIndices(dataset, {
    k: options.folds,
    seed: options.seed,
    ...(options.stratify === undefined ? {} : { stratify: options.stratify }),
  });
  const { train: rest, validation: held } = folds[fold] as Fold;
  const inner = splitRows(rest.length, {
    seed: options.seed + fold + 1,
    validation: options.validation ?? 0.1,
    test: 0,
  });
  return {
    train: inner.train.map((i) => rest[i] as number),
    validation: inner.validation.map((i) => rest[i] as number),
    test: held,
  };
}

/** Class code per row of a classification target (null otherwise), for stratification. */
function classStrata(dataset: { readonly table: Table; readonly schema: DatasetSchema }): Int32Array | null {
  const target = dataset.schema.target;
  if (target?.task !== 'classification') return null;
  const column = getColumn(dataset.table, target.name);
  return column.kind === 'categorical' ? column.codes : null;
}

/** Row indices grouped by stratum (ascending group id, rows ascending), or one group of all rows. */
function groupsOf(rowCount: number, strata: Int32Array | null): Uint32Array[] {
  if (!strata) {
    const all = new Uint32Array(rowCount);
    for (let i = 0; i < rowCount; i++) all[i] = i;
    return [all];
  }
  let groups = 0;
  for (let i = 0; i < rowCount; i++) groups = Math.max(groups, (strata[i] as number) + 1);
  const sizes = new Int32Array(groups + 1);
  for (let i = 0; i < rowCount; i++)
    sizes[(strata[i] as number) + 1] = (sizes[(strata[i] as number) + 1] as number) + 1;
  const out = Array.from(sizes, (size) => new Uint32Array(size));
  const fill = new Int32Array(groups + 1);
  for (let i = 0; i < rowCount; i++) {
    const g = (strata[i] as number) + 1;
    (out[g] as Uint32Array)[fill[g] as number] = i;
    fill[g] = (fill[g] as number) + 1;
  }
  return out.filter((group) => group.length > 0);
}

/** What a run needs of its split, checked by `checkSplit` before any training starts. */
export interface SplitNeeds {
  /** The shares the caller asked for (0 means "train without that part"). */
  readonly validation: number;
  readonly test: number;
  /** The training watches a validation figure (early stopping on `val_*`): validation rows are required. */
  readonly needsValidation?: boolean;
}

/**
 * Checks a split before training: rows to train on, rows to evaluate on (a run is scored on its test
 * rows), and validation rows when the training watches them. A validation share of 0 trains without
 * validation; an empty part that was asked for is an error naming its size and the fix, rather than a
 * run that fails after all its epochs.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` naming the empty part, the row count and the share.
 */
export function checkSplit(split: SplitIndices, needs: SplitNeeds): void {
  const rows = split.train.length + split.validation.length + split.test.length;
  const fail = (part: string, message: string): never => {
    throw new EdgeflowError('INVALID_ARGUMENT', message, {
      details: {
        part,
        rows,
        train: split.train.length,
        validation: split.validation.length,
        test: split.test.length,
        validationShare: needs.validation,
        testShare: needs.test,
      },
    });
  };
  if (split.train.length === 0) {
    fail(
      'train',
      `The training split is empty (${rows} rows in all). Load more rows or lower the held-out shares.`,
    );
  }
  if (needs.test === 0) {
    fail(
      'test',
      'A run is evaluated on its test rows, and split.test is 0. Give split.test a share above 0 (for example 0.15).',
    );
  }
  if (split.test.length === 0) {
    fail(
      'test',
      `The test split is empty: ${rows} rows × ${needs.test} rounds to no rows. Raise split.test or load more rows.`,
    );
  }
  if (needs.needsValidation && split.validation.length === 0) {
    fail(
      'validation',
      needs.validation === 0
        ? 'Early stopping watches a validation figure, and split.validation is 0. Give split.validation a share above 0, or watch "loss".'
        : `The validation split is empty: ${rows} rows × ${needs.validation} rounds to no rows, and early stopping watches a validation figure. Raise split.validation, load more rows, or watch "loss".`,
    );
  }
}
