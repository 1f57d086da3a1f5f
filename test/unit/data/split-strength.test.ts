import { describe, expect, test } from 'vitest';
import { ingestDataset } from '../../../src/data/ingest.ts';
import { checkSplit, kFoldIndices, splitRows } from '../../../src/data/split.ts';

// Issue 17 (mutation score): cases the split tests did not pin down, found by surviving mutants.
describe('split argument checks', () => {
  test('each share must be in [0, 1); the pair must leave training rows', () => {
    expect(() => splitRows(10, { seed: 1, validation: 1, test: 0 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { validation: 1 } }),
    );
    expect(() => splitRows(10, { seed: 1, validation: 0, test: -0.1 })).toThrowError(
      expect.objectContaining({ details: { test: -0.1 }, message: expect.stringContaining('got -0.1') }),
    );
    expect(() => splitRows(10, { seed: 1, validation: Number.NaN, test: 0 })).toThrowError(
      expect.objectContaining({ details: { validation: Number.NaN } }),
    );
    expect(() => splitRows(10, { seed: 1, validation: 0.5, test: 0.5 })).toThrowError(
      expect.objectContaining({ details: { validation: 0.5, test: 0.5 } }),
    );
    expect(splitRows(10, { seed: 1, validation: 0, test: 0 }).train.length).toBe(10);
  });
});

describe('k-fold', () => {
  const csv = ['x,label', ...Array.from({ length: 12 }, (_, i) => `${i},${i < 6 ? 'a' : 'b'}`)].join('\n');

  test('k from 2 to the row count; anything else is INVALID_ARGUMENT naming k', async () => {
    const ds = await ingestDataset(csv, { target: 'label' });
    expect(kFoldIndices(ds, { k: 2, seed: 1 })).toHaveLength(2);
    expect(kFoldIndices(ds, { k: 12, seed: 1 }).map((f) => f.validation.length)).toEqual(
      new Array(12).fill(1),
    );
    for (const k of [1, 13, 2.5]) {
      expect(() => kFoldIndices(ds, { k, seed: 1 })).toThrowError(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { k, rowCount: 12 } }),
      );
    }
  });

  test('folds are stratified by class unless stratify is false', async () => {
    const ds = await ingestDataset(csv, { target: 'label' });
    const classOf = (row: number) => (row < 6 ? 'a' : 'b');
    const stratified = kFoldIndices(ds, { k: 3, seed: 4 });
    for (const fold of stratified) {
      expect(Array.from(fold.validation, classOf).sort()).toEqual(['a', 'a', 'b', 'b']);
    }
    const plain = kFoldIndices(ds, { k: 3, seed: 4, stratify: false });
    expect(plain.map((f) => Array.from(f.validation))).not.toEqual(
      stratified.map((f) => Array.from(f.validation)),
    );
    expect(plain.flatMap((f) => Array.from(f.validation)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 12 }, (_, i) => i),
    );
  });
});

describe('checkSplit messages and details', () => {
  const rows = (n: number, from = 0) => Uint32Array.from({ length: n }, (_, i) => from + i);

  test('an empty training part is refused first', () => {
    expect(() =>
      checkSplit({ train: rows(0), validation: rows(2), test: rows(3, 2) }, { validation: 0.4, test: 0.6 }),
    ).toThrowError(
      expect.objectContaining({
        message: 'The training split is empty (5 rows in all). Load more rows or lower the held-out shares.',
        details: expect.objectContaining({ part: 'train', rows: 5, train: 0, validation: 2, test: 3 }),
      }),
    );
  });

  test('split.test 0 and an empty validation part say which share to change', () => {
    expect(() =>
      checkSplit({ train: rows(40), validation: rows(10, 40), test: rows(0) }, { validation: 0.2, test: 0 }),
    ).toThrowError(
      expect.objectContaining({
        message: expect.stringContaining('split.test is 0'),
        details: expect.objectContaining({ rows: 50, validation: 10 }),
      }),
    );
    const noValidation = { train: rows(8), validation: rows(0), test: rows(2, 8) };
    expect(() => checkSplit(noValidation, { validation: 0, test: 0.2, needsValidation: true })).toThrowError(
      expect.objectContaining({ message: expect.stringContaining('split.validation is 0') }),
    );
    expect(() =>
      checkSplit(noValidation, { validation: 0.05, test: 0.2, needsValidation: true }),
    ).toThrowError(
      expect.objectContaining({
        message: expect.stringContaining('The validation split is empty: 10 rows × 0.05'),
      }),
    );
    expect(() =>
      checkSplit(
        { train: rows(8), validation: rows(1, 8), test: rows(1, 9) },
        { validation: 0.1, test: 0.1, needsValidation: true },
      ),
    ).not.toThrow();
  });
});
