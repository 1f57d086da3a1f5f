import { describe, expect, test } from 'vitest';
import { ingestDataset } from '../../../src/data/ingest.ts';
import { parseFittedPipeline, transformRows, transformTable } from '../../../src/data/pipeline.ts';
import { prepareTrainingData } from '../../../src/data/prepare.ts';

// Rows where "NA" is a real category (North America) and '-' marks a missing number.
const REGION_CSV = ['region,size,label', 'NA,1,a', 'EU,-,b', 'NA,3,a', 'EU,4,b', 'NA,5,a', 'AS,6,b'].join(
  '\n',
);

const ALL = Uint32Array.from([0, 1, 2, 3, 4, 5]);

describe('train/serve skew on missing values', () => {
  // Issue 17, defect 1: the missing-value list used at ingest must travel in the fitted pipeline.
  test('the ingest missing-value list is stored in the pipeline and used by predict-time transforms', async () => {
    const ds = await ingestDataset(REGION_CSV, { target: 'label', missingValues: ['-'] });
    const prepared = prepareTrainingData(ds, ALL);
    const pipeline = prepared.pipeline;
    expect(pipeline.missingValues).toEqual(['-']);
    expect(pipeline.featureNames).toEqual(['region=AS', 'region=EU', 'region=NA', 'size']);
    // The stored pipeline survives JSON and the schema check with the list intact.
    expect(parseFittedPipeline(JSON.parse(JSON.stringify(pipeline))).missingValues).toEqual(['-']);

    // Predict time, raw rows as a page hands them over: "NA" is the category, '-' is imputed.
    const features = transformRows(pipeline, [
      { region: 'NA', size: '-' },
      { region: 'EU', size: 3 },
    ]);
    const sizeStep = pipeline.columns.find((c) => c.name === 'size')?.steps;
    expect(sizeStep?.map((s) => s.step)).toEqual(['impute', 'standardize']);
    // Row 0: region one-hot NA, size imputed with the training median (of 1, 3, 4, 5, 6: 4), so
    // its features equal those of training row 3 (size 4); row 1's size equals training row 2's (3).
    const reference = transformTable(pipeline, ds.table, Uint32Array.from([3, 2]));
    expect(Array.from(features.subarray(0, 3))).toEqual([0, 0, 1]);
    expect(features[3]).toBe(reference[3]);
    expect(Array.from(features.subarray(4, 7))).toEqual([0, 1, 0]);
    expect(features[7]).toBe(reference[7]);
    expect(features[3]).not.toBe(features[7]);
    // Another spelling of missing is not in the stored list: it is bad input, not silently imputed.
    expect(() => transformRows(pipeline, [{ region: 'NA', size: 'n/a' }])).toThrowError(
      expect.objectContaining({ code: 'DATA_QUALITY' }),
    );
    // An explicit list given at predict time still wins over the stored one.
    const explicit = transformRows(pipeline, [{ region: 'NA', size: 'n/a' }], { missingValues: ['n/a'] });
    expect(explicit[3]).toBe(reference[3]);
  });

  // Issue 17, defect 1: a pipeline without a stored list (older versions) keeps the default list.
  test('a pipeline without a stored list reads the default missing values', async () => {
    const ds = await ingestDataset(REGION_CSV.replaceAll('-', ''), { target: 'label' });
    const pipeline = prepareTrainingData(ds, ALL).pipeline;
    expect(pipeline.missingValues).toBeUndefined();
    expect(pipeline.featureNames).toEqual(['region=AS', 'region=EU', 'size']);
    const features = transformRows(pipeline, [{ region: 'NA', size: 'NA' }]);
    // "NA" is missing by default: region imputed with the most frequent (EU, twice; AS once), size imputed.
    expect(Array.from(features.subarray(0, 2))).toEqual([0, 1]);
  });
});

describe('category matching', () => {
  const CODES_CSV = ['code,size,label', '1.0,1,a', '2.0,2,b', '1.0,3,a', '2.0,4,b', '3,5,a', '3,6,b'].join(
    '\n',
  );

  // Issue 17, defect 10: a category read from CSV as "1.0" must match a predict-time 1 (and "1").
  test('numeric-looking categories match by value, not by text', async () => {
    const ds = await ingestDataset(CODES_CSV, {
      target: 'label',
      schema: { columns: [{ name: 'code', type: 'categorical' }] },
    });
    const pipeline = prepareTrainingData(ds, ALL).pipeline;
    expect(pipeline.featureNames.slice(0, 3)).toEqual(['code=1.0', 'code=2.0', 'code=3']);
    const features = transformRows(pipeline, [
      { code: 1, size: 1 },
      { code: '2', size: 1 },
      { code: '3.00', size: 1 },
      { code: 2.0, size: 1 },
    ]);
    const onehots = [0, 1, 2, 3].map((r) => Array.from(features.subarray(r * 4, r * 4 + 3)));
    expect(onehots).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0, 1, 0],
    ]);
  });

  // Issue 17, defect 10: unseen categories are reported, not silently zeroed.
  test('unseen categories are reported with row, column and value', async () => {
    const ds = await ingestDataset(CODES_CSV, {
      target: 'label',
      schema: { columns: [{ name: 'code', type: 'categorical' }] },
    });
    const pipeline = prepareTrainingData(ds, ALL).pipeline;
    const unseen: Array<{ row: number; column: string; value: string }> = [];
    const features = transformRows(
      pipeline,
      [
        { code: 1, size: 1 },
        { code: 'x9', size: 2 },
        { code: 1.5, size: 3 },
      ],
      {
        onUnseenCategory: (report) => unseen.push(report),
      },
    );
    expect(unseen).toEqual([
      { row: 1, column: 'code', value: 'x9' },
      { row: 2, column: 'code', value: '1.5' },
    ]);
    expect(Array.from(features.subarray(4, 7))).toEqual([0, 0, 0]);
  });
});
