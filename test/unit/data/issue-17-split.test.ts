import { describe, expect, test } from 'vitest';
import { ingestDataset } from '../../../src/data/ingest.ts';
import { prepareSplits } from '../../../src/data/prepare.ts';
import { checkSplit, splitDataset, splitRows } from '../../../src/data/split.ts';
import { getColumn } from '../../../src/data/table.ts';

/** A CSV whose classes come in blocks (all a, then all b, then all c), 60/30/10 rows. */
function blockCsv(): string {
  const lines = ['x,label'];
  for (let i = 0; i < 100; i++) lines.push(`${i},${i < 60 ? 'a' : i < 90 ? 'b' : 'c'}`);
  return lines.join('\n');
}

/** Per-class row counts of `rows` under the dataset's target codes. */
function classCounts(
  codes: Int32Array,
  dictionary: readonly string[],
  rows: Uint32Array,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) {
    const name = dictionary[codes[row] as number] as string;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

describe('split strength', () => {
  // Issue 17 (weak tests): stratification must be observable, not pass with it switched off.
  test('splitDataset keeps every class share exactly; the unstratified split does not', async () => {
    const ds = await ingestDataset(blockCsv(), { target: 'label' });
    const target = getColumn(ds.table, 'label');
    if (target.kind !== 'categorical') throw new Error('label must be categorical');
    const stratified = splitDataset(ds, { seed: 7, validation: 0.1, test: 0.2 });
    expect(classCounts(target.codes, target.dictionary, stratified.test)).toEqual({ a: 12, b: 6, c: 2 });
    expect(classCounts(target.codes, target.dictionary, stratified.validation)).toEqual({ a: 6, b: 3, c: 1 });
    const plain = splitDataset(ds, { seed: 7, validation: 0.1, test: 0.2, stratify: false });
    expect(plain.test.length).toBe(20);
    expect(classCounts(target.codes, target.dictionary, plain.test)).not.toEqual({ a: 12, b: 6, c: 2 });
  });

  // Issue 17 (weak tests): an identity "shuffle" would hold out the first rows of each class.
  test('held-out rows are scattered through each class, and the seed changes them', () => {
    const split = splitRows(100, { seed: 3, validation: 0, test: 0.2 });
    const first20 = Array.from({ length: 20 }, (_, i) => i);
    const last20 = Array.from({ length: 20 }, (_, i) => 80 + i);
    expect(Array.from(split.test)).not.toEqual(first20);
    expect(Array.from(split.test)).not.toEqual(last20);
    // Spread over the whole range: at least one held-out row in each quarter.
    for (let q = 0; q < 4; q++) {
      expect(Array.from(split.test).some((row) => row >= q * 25 && row < (q + 1) * 25)).toBe(true);
    }
    expect(Array.from(splitRows(100, { seed: 4, validation: 0, test: 0.2 }).test)).not.toEqual(
      Array.from(split.test),
    );
  });
});

describe('checkSplit', () => {
  // Issue 17, defect 6: an empty test split is reported before training, not after every epoch.
  test('rare classes with ≤ 3 rows leave an empty test split: INVALID_ARGUMENT naming it', async () => {
    const ds = await ingestDataset('x,label\n1,a\n2,a\n3,b\n4,b\n5,c\n6,a\n7,b\n', { target: 'label' });
    const split = splitDataset(ds, { seed: 1, validation: 0.15, test: 0.15 });
    expect(split.test.length).toBe(0);
    expect(() => checkSplit(split, { validation: 0.15, test: 0.15 })).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/test split is empty: 7 rows × 0\.15/),
        details: expect.objectContaining({ part: 'test', rows: 7, test: 0 }),
      }),
    );
  });

  // Issue 17, defect 6: split.test 0 is refused up front (a run is scored on its test rows).
  test('split.test 0 is refused; validation 0 trains without validation unless early stopping needs it', () => {
    const noTest = splitRows(50, { seed: 1, validation: 0.2, test: 0 });
    expect(() => checkSplit(noTest, { validation: 0.2, test: 0 })).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        details: expect.objectContaining({ part: 'test' }),
      }),
    );
    const noValidation = splitRows(50, { seed: 1, validation: 0, test: 0.2 });
    expect(() => checkSplit(noValidation, { validation: 0, test: 0.2 })).not.toThrow();
    expect(() => checkSplit(noValidation, { validation: 0, test: 0.2, needsValidation: true })).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        details: expect.objectContaining({ part: 'validation', validation: 0 }),
      }),
    );
    const tiny = splitRows(4, { seed: 1, validation: 0.1, test: 0.3 });
    expect(tiny.validation.length).toBe(0);
    expect(() => checkSplit(tiny, { validation: 0.1, test: 0.3, needsValidation: true })).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/validation split is empty: 4 rows × 0\.1/) }),
    );
    expect(() => checkSplit(tiny, { validation: 0.1, test: 0.3 })).not.toThrow();
  });

  test('prepareSplits fits on the training rows only and transforms the other parts with that pipeline', async () => {
    const ds = await ingestDataset(blockCsv(), { target: 'label' });
    const split = splitDataset(ds, { seed: 7, validation: 0.1, test: 0.2 });
    const prepared = prepareSplits(ds, split);
    expect(prepared.pipeline.fittedRows).toBe(70);
    expect(prepared.validation.pipeline).toBe(prepared.pipeline);
    expect(prepared.test.pipeline).toBe(prepared.pipeline);
    expect([prepared.train.rowCount, prepared.validation.rowCount, prepared.test.rowCount]).toEqual([
      70, 10, 20,
    ]);
  });
});
