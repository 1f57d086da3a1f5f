// Issue 18, point 14: k-fold cross-validation runs split their rows by fold.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ingestDataset } from '../../../src/data/ingest.ts';
import { splitDataset, splitForRun } from '../../../src/data/split.ts';

const csv = ['x,label', ...Array.from({ length: 40 }, (_, i) => `${i},${i % 4 < 2 ? 'a' : 'b'}`)].join('\n');

describe('splitForRun', () => {
  test('without folds it is splitDataset', async () => {
    const ds = await ingestDataset(csv, { target: 'label' });
    expect(splitForRun(ds, { seed: 3, validation: 0.2, test: 0.2 })).toEqual(
      splitDataset(ds, { seed: 3, validation: 0.2, test: 0.2 }),
    );
  });

  test('the k test parts are disjoint and cover every row once; each run uses every row once', async () => {
    const ds = await ingestDataset(csv, { target: 'label' });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 0, max: 1000 }), async (k, seed) => {
        const tested: number[] = [];
        for (let fold = 0; fold < k; fold++) {
          const rows = splitForRun(ds, { seed, validation: 0.25, folds: k, fold });
          const all = [...rows.train, ...rows.validation, ...rows.test].sort((a, b) => a - b);
          expect(all).toEqual(Array.from({ length: 40 }, (_, i) => i));
          expect(rows.validation.length).toBeGreaterThan(0);
          tested.push(...rows.test);
        }
        expect(tested.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      }),
      { numRuns: 25 },
    );
  });

  test('the same options give the same rows (how promotion finds a fold run’s held-out rows)', async () => {
    const ds = await ingestDataset(csv, { target: 'label' });
    const options = { seed: 9, validation: 0.1, folds: 5, fold: 3 };
    expect(splitForRun(ds, options)).toEqual(splitForRun(ds, options));
    expect(splitForRun(ds, options).test).not.toEqual(splitForRun(ds, { ...options, fold: 2 }).test);
  });

  test('a fold outside 0 … k − 1 is INVALID_ARGUMENT naming it', async () => {
    const ds = await ingestDataset(csv, { target: 'label' });
    for (const fold of [-1, 5, 1.5]) {
      expect(() => splitForRun(ds, { seed: 1, folds: 5, fold })).toThrowError(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { fold, folds: 5 } }),
      );
    }
  });
});
