import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ingestDataset } from '../../../src/data/ingest.ts';
import {
  defaultPipelineSteps,
  fitPipeline,
  fitTransform,
  inverseTransformTarget,
  parseFittedPipeline,
  transformRow,
  transformRows,
  transformTable,
} from '../../../src/data/pipeline.ts';
import { prepareSplits, prepareTrainingData } from '../../../src/data/prepare.ts';
import { generateSampleCsv } from '../../../src/data/sample-data.ts';
import { splitDataset } from '../../../src/data/split.ts';
import { fittedPipelineSchema } from '../../../src/schemas/dataset.ts';

const penguins = generateSampleCsv('classification', { rows: 400, seed: 11 });
const housing = generateSampleCsv('regression', { rows: 400, seed: 12 });

/** Mean and population standard deviation of column `j` of row-major features. */
function columnStats(features: Float32Array, width: number, j: number): { mean: number; sd: number } {
  const n = features.length / width;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += features[i * width + j] as number;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((features[i * width + j] as number) - mean) ** 2;
  return { mean, sd: Math.sqrt(squares / n) };
}

describe('preprocessing pipeline', () => {
  test('the default pipeline imputes, standardizes and one-hot encodes; it is plain, zod-valid JSON', async () => {
    const ds = await ingestDataset(penguins.csv, { target: 'species' });
    expect(defaultPipelineSteps(ds.schema).map((s) => s.step)).toEqual([
      'impute',
      'standardize',
      'impute',
      'onehot',
    ]);
    const pipeline = fitPipeline(ds.table, ds.schema);
    expect(pipeline.featureNames).toEqual([
      'island=Biscoe',
      'island=Dream',
      'island=Torgersen',
      'bill_length_mm',
      'bill_depth_mm',
      'flipper_length_mm',
      'body_mass_g',
      'sex=female',
      'sex=male',
      'year',
    ]);
    expect(pipeline.target).toEqual({
      name: 'species',
      task: 'classification',
      classes: ['Adelie', 'Chinstrap', 'Gentoo'],
    });
    const json = JSON.parse(JSON.stringify(pipeline));
    expect(fittedPipelineSchema.parse(json)).toEqual(pipeline);
    expect(parseFittedPipeline(json)).toEqual(pipeline);
    expect(() => parseFittedPipeline({ ...json, version: 2 })).toThrow(/version/);
  });

  test('fit sees the training rows only: statistics come from them, not from validation or test', async () => {
    const ds = await ingestDataset(housing.csv, { target: 'median_house_value' });
    const split = splitDataset(ds, { seed: 5, validation: 0.2, test: 0.2 });
    const { pipeline, train, test: held } = prepareSplits(ds, split);
    expect(pipeline.fittedRows).toBe(split.train.length);
    const income = pipeline.columns.find((c) => c.name === 'median_income');
    const standardize = income?.steps.find((s) => s.step === 'standardize');
    const j = pipeline.featureNames.indexOf('median_income');
    // Standardized on train: mean 0 / sd 1 there, but not exactly on the held-out rows.
    const onTrain = columnStats(train.features, train.featureCount, j);
    expect(onTrain.mean).toBeCloseTo(0, 5);
    expect(onTrain.sd).toBeCloseTo(1, 4);
    const onTest = columnStats(held.features, held.featureCount, j);
    expect(Math.abs(onTest.mean)).toBeGreaterThan(1e-4);
    expect(standardize).toBeDefined();
    // Regression targets are scaled with training statistics and come back in original units.
    const back = inverseTransformTarget(pipeline, train.targets);
    const prices = train.targets.length;
    expect(prices).toBe(split.train.length);
    expect(back[0]).toBeCloseTo(
      Number(housing.csv.split('\n')[(split.train[0] as number) + 1]?.split(',').at(-1)),
      0,
    );
  });

  test('every step: impute (4 strategies), standardize, min-max, clip, log1p, one-hot limits, ordinal', async () => {
    const csv = 'a,b,c\n1,x,10\n,y,20\n3,x,\n100,z,40\n3,x,50\n';
    const ds = await ingestDataset(csv, { sampleSize: 10 });
    const constant = fitPipeline(ds.table, ds.schema, [
      { step: 'impute', strategy: 'constant', value: -1, columns: ['a', 'c'] },
      { step: 'impute', strategy: 'constant', value: 'none', columns: ['b'] },
      { step: 'ordinal', columns: ['b'], unknown: 'use_value', unknownValue: 9 },
    ]);
    expect(Array.from(transformTable(constant, ds.table))).toEqual([
      1, 0, 10, -1, 1, 20, 3, 0, -1, 100, 2, 40, 3, 0, 50,
    ]);
    const all = fitPipeline(ds.table, ds.schema, [
      { step: 'impute', strategy: 'median', columns: ['a'] },
      { step: 'clip', max: 10, columns: ['a'] },
      { step: 'log1p', columns: ['a'] },
      { step: 'impute', strategy: 'mean', columns: ['c'] },
      { step: 'minmax', columns: ['c'], range: [-1, 1] },
      { step: 'onehot', columns: ['b'], maxCategories: 1 },
    ]);
    expect(all.featureNames).toEqual(['a', 'b=x', 'c']);
    const x = transformTable(all, ds.table);
    expect(x[3]).toBeCloseTo(Math.log1p(3), 6); // row 1: a missing → median 3
    expect(x[9]).toBeCloseTo(Math.log1p(10), 6); // row 3: 100 clipped to 10
    expect(x[5]).toBeCloseTo(-0.5, 6); // row 1: c 20 → (20 - 10) / ((50 - 10) / 2) - 1 (missing c → mean 30)
    expect(x[10]).toBe(0); // row 3: b=z was cut by maxCategories → all zero
    const mostFrequent = fitPipeline(ds.table, ds.schema, [{ step: 'impute', strategy: 'most_frequent' }]);
    expect(mostFrequent.columns[0]?.steps[0]).toEqual({
      step: 'impute',
      strategy: 'most_frequent',
      value: 3,
    });
  });

  test('unknown categories: all zeros by default, an error on request; absent columns are schema mismatches', async () => {
    const ds = await ingestDataset('color,x\nred,1\nblue,2\n');
    const pipeline = fitPipeline(ds.table, ds.schema);
    expect(Array.from(transformRow(pipeline, { color: 'green', x: 1 }).slice(0, 2))).toEqual([0, 0]);
    const strict = fitPipeline(ds.table, ds.schema, [{ step: 'onehot', unknown: 'error' }]);
    expect(() => transformRow(strict, { color: 'green', x: 1 })).toThrow(
      expect.objectContaining({
        code: 'DATA_QUALITY',
        details: expect.objectContaining({ column: 'color', value: 'green' }),
      }),
    );
    expect(() => transformRow(pipeline, { x: 1 })).toThrow(
      expect.objectContaining({ code: 'SCHEMA_MISMATCH' }),
    );
    expect(() => transformRow(pipeline, { color: 'red', x: 'lots' })).toThrow(
      expect.objectContaining({ code: 'DATA_QUALITY', details: expect.objectContaining({ column: 'x' }) }),
    );
  });

  test('invalid steps are rejected with the field', async () => {
    const ds = await ingestDataset('a,b\n1,x\n2,y\n');
    expect(() => fitPipeline(ds.table, ds.schema, [{ step: 'scale' } as never])).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => fitPipeline(ds.table, ds.schema, [{ step: 'standardize', columns: ['nope'] }])).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        details: expect.objectContaining({ column: 'nope' }),
      }),
    );
    const withMissing = await ingestDataset('a,b\n1,x\n,y\n');
    expect(() => fitPipeline(withMissing.table, withMissing.schema, [{ step: 'standardize' }])).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { column: 'a' } }),
    );
  });

  test('prepareTrainingData returns features, class indices and the pipeline', async () => {
    const ds = await ingestDataset(penguins.csv, { target: 'species' });
    const split = splitDataset(ds, { seed: 1 });
    const train = prepareTrainingData(ds, split.train);
    expect(train.featureCount).toBe(10);
    expect(train.features.length).toBe(split.train.length * 10);
    expect(train.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(new Set(train.targets)).toEqual(new Set([0, 1, 2]));
    const test2 = prepareTrainingData(ds, split.test, { pipeline: train.pipeline });
    expect(test2.pipeline).toBe(train.pipeline);
    await expect(
      (async () => prepareTrainingData(await ingestDataset('a,b\n1,2\n'), new Uint32Array([0])))(),
    ).rejects.toMatchObject({ code: 'TARGET_NOT_FOUND' });
  });

  // Properties (issue 3): a pipeline fitted on data and applied to the same data gives mean 0 / sd 1
  // for standardized columns; row-by-row and whole-table transforms agree exactly.
  // Issue 17: the sd assertion used to sit behind an `if`, so a broken scale could skip it. Constant
  // columns (the skipped case) are excluded with fc.pre and checked on their own below.
  test('property: standardized training columns have mean 0 and sd 1', async () => {
    // As the table stores them: float32, so two doubles may read as the same number.
    const varies = (values: readonly number[]): boolean =>
      new Set(values.map((v) => Math.fround(v))).size > 1;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 60 }),
        fc.array(fc.double({ min: 0, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 60 }),
        async (xs, ys) => {
          const n = Math.min(xs.length, ys.length);
          fc.pre(varies(xs.slice(0, n)) && varies(ys.slice(0, n)));
          const rows = Array.from({ length: n }, (_, i) => ({ x: xs[i], y: ys[i] }));
          const ds = await ingestDataset({ rows }, { sampleSize: n });
          const pipeline = fitPipeline(ds.table, ds.schema, [
            { step: 'standardize', types: ['numeric', 'integer'] },
          ]);
          const features = transformTable(pipeline, ds.table);
          expect(pipeline.columns.map((c) => c.steps.map((step) => step.step))).toEqual([
            ['standardize'],
            ['standardize'],
          ]);
          for (let j = 0; j < 2; j++) {
            const { mean, sd } = columnStats(features, 2, j);
            expect(Math.abs(mean)).toBeLessThan(1e-4);
            expect(sd).toBeCloseTo(1, 3);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  test('a constant column keeps scale 1 and standardizes to zeros', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.integer({ min: 2, max: 30 }),
        async (value, n) => {
          const rows = Array.from({ length: n }, (_, i) => ({ x: value, y: i }));
          const ds = await ingestDataset({ rows }, { sampleSize: n });
          const pipeline = fitPipeline(ds.table, ds.schema, [{ step: 'standardize', columns: ['x'] }]);
          expect(pipeline.columns[0]?.steps).toEqual([
            // `+ 0` turns −0 into 0: the mean is a sum that starts at 0.
            { step: 'standardize', mean: Math.fround(value) + 0, scale: 1 },
          ]);
          const features = transformTable(pipeline, ds.table);
          expect(columnStats(features, pipeline.featureCount, 0)).toEqual({ mean: 0, sd: 0 });
        },
      ),
      { numRuns: 50 },
    );
  });

  test('property: transformRow on raw rows equals transformTable (and fitTransform) to the bit', async () => {
    const cell = fc.oneof(
      fc.double({ min: -1e4, max: 1e4, noNaN: true }).map((v) => v.toPrecision(6)),
      fc.constantFrom('', 'NA', '0', '-0.5', '1e3'),
    );
    const category = fc.constantFrom('red', 'blue', ' green ', '', 'NA', 'violet');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(cell, cell, category, fc.constantFrom('a', 'b')), { minLength: 4, maxLength: 40 }),
        fc.constantFrom('default', 'minmax', 'ordinal'),
        async (records, kind) => {
          const rows = [['u', 'v', 'color', 'label'], ...records];
          const csv = rows.map((r) => r.join(',')).join('\n');
          let ds: Awaited<ReturnType<typeof ingestDataset>>;
          try {
            ds = await ingestDataset(csv, {
              target: 'label',
              rowPolicy: 'impute',
              schema: { columns: [{ name: 'color', type: 'categorical' }] },
            });
          } catch (error) {
            // One-class samples and similar are refused, not a transform question.
            expect((error as { code: string }).code).toMatch(/SINGLE_CLASS_TARGET|EMPTY_DATASET/);
            return;
          }
          const steps =
            kind === 'default'
              ? undefined
              : kind === 'minmax'
                ? [
                    { step: 'impute' as const, strategy: 'mean' as const },
                    { step: 'minmax' as const, types: ['numeric' as const, 'integer' as const] },
                    { step: 'clip' as const, min: -0.5, max: 0.75 },
                    { step: 'onehot' as const, maxCategories: 2 },
                  ]
                : [
                    { step: 'impute' as const, strategy: 'median' as const },
                    { step: 'log1p' as const, columns: [] },
                    { step: 'ordinal' as const, unknown: 'use_value' as const },
                  ];
          const pipeline = fitPipeline(ds.table, ds.schema, steps);
          const table = transformTable(pipeline, ds.table);
          // fitTransform (what prepareTrainingData uses) gives the same pipeline and features.
          const fused = fitTransform(ds.table, ds.schema, steps);
          expect(fused.pipeline).toEqual(pipeline);
          expect(Array.from(fused.features)).toEqual(Array.from(table));
          const raw = ds.previewRows.slice(0, ds.table.rowCount);
          const byRow = transformRows(pipeline, raw);
          expect(Array.from(byRow)).toEqual(Array.from(table.slice(0, byRow.length)));
          raw.forEach((row, i) => {
            const one = transformRow(pipeline, row);
            expect(Array.from(one)).toEqual(
              Array.from(table.slice(i * pipeline.featureCount, (i + 1) * pipeline.featureCount)),
            );
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
