// Issue 17 ("Measured: mutation score"): what the earlier pipeline tests left open — the exact
// error messages users read (they name the column, the value and the fix), boolean and date
// features, the default selectors of unselected steps, the q = 1 quantile, an all-missing
// categorical column, two spellings of one number among the categories, and the target transforms'
// error paths.
import { describe, expect, test } from 'vitest';
import { ingestDataset } from '../../../src/data/ingest.ts';
import {
  defaultPipelineSteps,
  fitPipeline,
  inverseTransformTarget,
  parseFittedPipeline,
  transformRow,
  transformRows,
  transformTable,
  transformTarget,
} from '../../../src/data/pipeline.ts';
import type { LoadedDataset } from '../../../src/data/types.ts';
import type { ColumnType, FittedPipeline } from '../../../src/schemas/dataset.ts';
import { thrownBy } from '../../helpers/error-code.ts';

async function load(
  csv: string,
  columns: Array<{ name: string; type: ColumnType; role?: 'feature' }>,
  target?: { name: string; task: 'classification' | 'regression' },
): Promise<LoadedDataset> {
  return ingestDataset(csv, {
    ...(target ? { target: target.name, task: target.task } : {}),
    schema: { columns },
  });
}

// n numeric, i integer, b boolean, d date, c categorical; y a regression target.
const MIXED = [
  'n,i,b,d,c,y',
  '1.5,1,true,2024-01-01,a,10',
  '2.5,2,false,2024-01-03,b,20',
  '4,3,true,2024-01-02,a,30',
  '8,5,true,2024-01-05,c,40',
].join('\n');
// Dates are set aside by default (ingest); role "feature" uses them as epoch milliseconds.
const MIXED_COLUMNS: Array<{ name: string; type: ColumnType; role?: 'feature' }> = [
  { name: 'n', type: 'numeric' },
  { name: 'i', type: 'integer' },
  { name: 'b', type: 'boolean' },
  { name: 'd', type: 'date', role: 'feature' },
  { name: 'c', type: 'categorical' },
];
const mixed = (): Promise<LoadedDataset> => load(MIXED, MIXED_COLUMNS, { name: 'y', task: 'regression' });

describe('default steps by column type', () => {
  test('numeric, integer and date are imputed by median and standardized; booleans imputed by mode', async () => {
    const ds = await mixed();
    expect(defaultPipelineSteps(ds.schema)).toEqual([
      { step: 'impute', strategy: 'median', types: ['numeric', 'integer', 'date'] },
      { step: 'standardize', types: ['numeric', 'integer', 'date'] },
      { step: 'impute', strategy: 'most_frequent', types: ['boolean'] },
      { step: 'impute', strategy: 'most_frequent', types: ['categorical'] },
      { step: 'onehot', maxCategories: 50, unknown: 'ignore', types: ['categorical'] },
    ]);
  });

  test('only booleans: one most-frequent imputer; only dates: median and standardize on dates', async () => {
    const booleans = await load('b\ntrue\nfalse', [{ name: 'b', type: 'boolean' }]);
    expect(defaultPipelineSteps(booleans.schema)).toEqual([
      { step: 'impute', strategy: 'most_frequent', types: ['boolean'] },
    ]);
    const dates = await load('d\n2024-01-01\n2024-02-01', [{ name: 'd', type: 'date', role: 'feature' }]);
    expect(defaultPipelineSteps(dates.schema)).toEqual([
      { step: 'impute', strategy: 'median', types: ['date'] },
      { step: 'standardize', types: ['date'] },
    ]);
  });

  test('boolean and date features: fitted, transformed from the table and from raw rows alike', async () => {
    const ds = await mixed();
    const pipeline = fitPipeline(ds.table, ds.schema);
    const b = pipeline.columns.find((c) => c.name === 'b');
    expect(b).toMatchObject({
      type: 'boolean',
      steps: [{ step: 'impute', strategy: 'most_frequent', value: 1 }],
    });
    const d = pipeline.columns.find((c) => c.name === 'd');
    const day = 86_400_000;
    const start = Date.UTC(2024, 0, 1);
    const days = [0, 2, 1, 4].map((k) => start + k * day);
    const mean = days.reduce((a, v) => a + v, 0) / 4;
    expect(d?.steps[1]).toMatchObject({ step: 'standardize', mean });
    const table = transformTable(pipeline, ds.table);
    const rows = transformRows(pipeline, [
      { n: 1.5, i: 1, b: true, d: '2024-01-01', c: 'a' },
      { n: '2.5', i: '2', b: 'false', d: '2024-01-03', c: 'b' },
      { n: 4, i: 3, b: 'true', d: '2024-01-02', c: 'a' },
      { n: 8, i: 5, b: true, d: '2024-01-05', c: 'c' },
    ]);
    expect(Array.from(rows)).toEqual(Array.from(table));
    // A missing boolean is the most frequent value, true.
    const missing = transformRow(pipeline, { n: 1.5, i: 1, b: null, d: '2024-01-01', c: 'a' });
    expect(missing[pipeline.featureNames.indexOf('b')]).toBe(1);
  });
});

describe('steps without a selector', () => {
  test('standardize, minmax, clip and log1p go to numeric and integer columns, not to booleans or dates', async () => {
    const ds = await mixed();
    const pipeline = fitPipeline(ds.table, ds.schema, [{ step: 'minmax' }]);
    const stepsOf = (name: string) => pipeline.columns.find((c) => c.name === name)?.steps.map((s) => s.step);
    expect(stepsOf('n')).toEqual(['minmax']);
    expect(stepsOf('i')).toEqual(['minmax']);
    expect(stepsOf('b')).toEqual([]);
    expect(stepsOf('d')).toEqual([]);
    expect(pipeline.columns.find((c) => c.name === 'c')?.encoding.encoding).toBe('onehot');
  });

  test('impute: mean and median to every non-categorical column, a text constant to categories, a number to the rest', async () => {
    const ds = await mixed();
    const median = fitPipeline(ds.table, ds.schema, [{ step: 'impute', strategy: 'median' }]);
    expect(median.columns.map((c) => c.steps.length)).toEqual([1, 1, 1, 1, 0]);
    expect(median.columns.find((c) => c.name === 'c')?.fillCategory).toBeNull();
    const text = fitPipeline(ds.table, ds.schema, [{ step: 'impute', strategy: 'constant', value: 'z' }]);
    expect(text.columns.map((c) => c.steps.length)).toEqual([0, 0, 0, 0, 0]);
    expect(text.columns.find((c) => c.name === 'c')?.fillCategory).toBe('z');
    const number = fitPipeline(ds.table, ds.schema, [{ step: 'impute', strategy: 'constant', value: 0 }]);
    expect(number.columns.map((c) => c.steps.length)).toEqual([1, 1, 1, 1, 0]);
    expect(number.columns.find((c) => c.name === 'c')?.fillCategory).toBeNull();
    const mode = fitPipeline(ds.table, ds.schema, [{ step: 'impute', strategy: 'most_frequent' }]);
    expect(mode.columns.map((c) => c.steps.length)).toEqual([1, 1, 1, 1, 0]);
    expect(mode.columns.find((c) => c.name === 'c')?.fillCategory).toBe('a');
  });

  test('an ordinal step without a selector encodes the categorical columns only, with no numeric steps', async () => {
    const ds = await mixed();
    const pipeline = fitPipeline(ds.table, ds.schema, [{ step: 'ordinal' }]);
    const c = pipeline.columns.find((col) => col.name === 'c');
    expect(c?.steps).toEqual([]);
    expect(c?.encoding).toEqual({
      encoding: 'ordinal',
      categories: ['a', 'b', 'c'],
      unknown: 'error',
      unknownValue: -1,
    });
    expect(
      pipeline.columns.filter((col) => col.encoding.encoding === 'ordinal').map((col) => col.name),
    ).toEqual(['c']);
  });
});

describe('quantiles and categories at the edges', () => {
  test('clip at quantiles 0 and 1 keeps the smallest and the largest value', async () => {
    const ds = await mixed();
    const pipeline = fitPipeline(ds.table, ds.schema, [{ step: 'clip', quantiles: [0, 1], columns: ['n'] }]);
    expect(pipeline.columns[0]?.steps).toEqual([{ step: 'clip', min: 1.5, max: 8 }]);
  });

  test('an all-missing categorical column under most_frequent keeps no category and no fill', async () => {
    const ds = await load('c,x\n,1\n,2\n,3', [
      { name: 'c', type: 'categorical' },
      { name: 'x', type: 'numeric' },
    ]);
    const pipeline = fitPipeline(ds.table, ds.schema, [
      { step: 'impute', strategy: 'most_frequent', columns: ['c'] },
    ]);
    expect(pipeline.columns[0]).toMatchObject({
      fillCategory: null,
      encoding: { encoding: 'onehot', categories: [] },
      width: 0,
    });
    expect(pipeline.featureNames).toEqual(['x']);
  });

  test('two spellings of one number stay apart by text; another spelling finds the first of them', async () => {
    const ds = await load('c,x\n1,1\n1.0,2\n1,3\n2,4', [
      { name: 'c', type: 'categorical' },
      { name: 'x', type: 'numeric' },
    ]);
    const pipeline = fitPipeline(ds.table, ds.schema, [{ step: 'onehot', columns: ['c'] }]);
    expect(pipeline.featureNames).toEqual(['c=1', 'c=1.0', 'c=2', 'x']);
    expect(Array.from(transformRow(pipeline, { c: '1.0', x: 0 }).subarray(0, 3))).toEqual([0, 1, 0]);
    expect(Array.from(transformRow(pipeline, { c: 1, x: 0 }).subarray(0, 3))).toEqual([1, 0, 0]);
    expect(Array.from(transformRow(pipeline, { c: '1.00', x: 0 }).subarray(0, 3))).toEqual([1, 0, 0]);
    expect(Array.from(transformRow(pipeline, { c: '2.0', x: 0 }).subarray(0, 3))).toEqual([0, 0, 1]);
  });
});

describe('error messages name the column, the value and the fix', () => {
  test('an invalid step: its number, the field and zod’s reason', async () => {
    const ds = await mixed();
    const badField = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [{ step: 'minmax', range: [0, 'x'] } as never]),
    );
    expect(badField.code).toBe('INVALID_ARGUMENT');
    expect(badField.message).toMatch(/^Pipeline step 1 is not valid: range\.1: .+\.$/);
    expect(badField.details).toEqual({ step: 0 });
    const noStep = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [{ step: 'impute', strategy: 'mean' }, {} as never]),
    );
    expect(noStep.message).toMatch(/^Pipeline step 2 is not valid: (step|\(step\)): .+\.$/);
    expect(noStep.details).toEqual({ step: 1 });
  });

  test('a step naming a column that is no feature suggests the near names, and only then', async () => {
    const ds = await mixed();
    const near = thrownBy(() => fitPipeline(ds.table, ds.schema, [{ step: 'standardize', columns: ['nn'] }]));
    expect(near.message).toMatch(
      /^Pipeline step "standardize" names column "nn", which is not a feature\. Did you mean "n"(, "[a-z]")*\?$/,
    );
    expect(near.details).toEqual({ step: 'standardize', column: 'nn', features: ['n', 'i', 'b', 'd', 'c'] });
    const far = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [{ step: 'standardize', columns: ['weight_kg'] }]),
    );
    expect(far.message).toBe('Pipeline step "standardize" names column "weight_kg", which is not a feature.');
  });

  test('encoders on numbers, number steps on categories, two encoders', async () => {
    const ds = await mixed();
    const onehot = thrownBy(() => fitPipeline(ds.table, ds.schema, [{ step: 'onehot', columns: ['i'] }]));
    expect(onehot.message).toBe(
      'Step "onehot" encodes categories, but column "i" is integer. Give it type "categorical" in the schema to encode it.',
    );
    expect(onehot.details).toEqual({ step: 'onehot', column: 'i', type: 'integer' });
    const log = thrownBy(() => fitPipeline(ds.table, ds.schema, [{ step: 'log1p', columns: ['c'] }]));
    expect(log.message).toBe(
      'Step "log1p" works on numbers, but column "c" is categorical. Encode it with "onehot" or "ordinal".',
    );
    expect(log.details).toEqual({ step: 'log1p', column: 'c' });
    const two = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [
        { step: 'onehot', columns: ['c'] },
        { step: 'ordinal', columns: ['c'] },
      ]),
    );
    expect(two.message).toBe('Column "c" has 2 encoders; give it one.');
    expect(two.details).toEqual({ column: 'c' });
  });

  test('imputers that cannot work, and missing values with no imputer', async () => {
    const ds = await load('x,c\n1,a\n,b\n3,', [
      { name: 'x', type: 'numeric' },
      { name: 'c', type: 'categorical' },
    ]);
    const textOnNumber = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [
        { step: 'impute', strategy: 'constant', value: 'z', columns: ['x'] },
      ]),
    );
    expect(textOnNumber.message).toBe('Impute "constant" for numeric column "x" needs a numeric value.');
    expect(textOnNumber.details).toEqual({ column: 'x' });
    const noValue = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [
        { step: 'impute', strategy: 'median', columns: ['x'] },
        { step: 'impute', strategy: 'constant', columns: ['c'] },
      ]),
    );
    expect(noValue.message).toBe('Impute "constant" for column "c" needs a value.');
    expect(noValue.details).toEqual({ column: 'c' });
    const meanOnText = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [
        { step: 'impute', strategy: 'median', columns: ['x'] },
        { step: 'impute', strategy: 'mean', columns: ['c'] },
      ]),
    );
    expect(meanOnText.message).toBe(
      'Impute "mean" needs numbers; column "c" is categorical. Use "most_frequent" or "constant".',
    );
    expect(meanOnText.details).toEqual({ column: 'c', strategy: 'mean' });
    const noImputer = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [{ step: 'standardize', columns: ['x'] }]),
    );
    expect(noImputer.message).toBe(
      "Column \"x\" has missing values in the training rows and no impute step. Add { step: 'impute', columns: ['x'], strategy: 'median' }.",
    );
    expect(noImputer.details).toEqual({ column: 'x' });
    const empty = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [{ step: 'impute', strategy: 'mean', columns: ['x'] }], { rows: [1] }),
    );
    expect(empty.message).toBe(
      'Column "x" has no values in the training rows to compute a mean; impute a constant or set the column aside.',
    );
    expect(empty.details).toEqual({ column: 'x' });
  });

  test('minmax, clip and log1p bounds', async () => {
    const ds = await mixed();
    const range = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [{ step: 'minmax', range: [1, 1], columns: ['n'] }]),
    );
    expect(range.message).toBe('minmax range must be increasing, got [1, 1].');
    expect(range.details).toEqual({ column: 'n' });
    const clip = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [{ step: 'clip', min: 5, max: 2, columns: ['n'] }]),
    );
    expect(clip.message).toBe('clip bounds are reversed for "n": 5 > 2.');
    expect(clip.details).toEqual({ column: 'n', min: 5, max: 2 });
    const negative = await load('x\n-1\n0', [{ name: 'x', type: 'numeric' }]);
    const log = thrownBy(() => fitPipeline(negative.table, negative.schema, [{ step: 'log1p' }]));
    expect(log.message).toBe(
      'log1p needs values above -1, but column "x" has -1 in the training rows. Clip or shift it first.',
    );
    expect(log.details).toEqual({ column: 'x', value: -1 });
  });

  test('schema and table disagree on a column’s kind', async () => {
    const asText = await load('n,c\n1,a\n2,b', [
      { name: 'n', type: 'categorical' },
      { name: 'c', type: 'categorical' },
    ]);
    const asNumbers = await load('n,c\n1,a\n2,b', [
      { name: 'n', type: 'numeric' },
      { name: 'c', type: 'categorical' },
    ]);
    const numericSchema = { ...asText.schema, columns: asNumbers.schema.columns };
    const holdsCategories = thrownBy(() => fitPipeline(asText.table, numericSchema, []));
    expect(holdsCategories.code).toBe('SCHEMA_MISMATCH');
    expect(holdsCategories.message).toBe(
      'Column "n" is numeric in the schema but holds categories in the table.',
    );
    expect(holdsCategories.details).toEqual({ column: 'n' });
    const categoricalSchema = { ...asNumbers.schema, columns: asText.schema.columns };
    const notCategorical = thrownBy(() => fitPipeline(asNumbers.table, categoricalSchema, []));
    expect(notCategorical.message).toBe('Column "n" is categorical in the schema but not in the table.');
    expect(notCategorical.details).toEqual({ column: 'n' });
    const numeric = fitPipeline(asNumbers.table, asNumbers.schema, []);
    const expectsNumbers = thrownBy(() => transformTable(numeric, asText.table));
    expect(expectsNumbers.code).toBe('SCHEMA_MISMATCH');
    expect(expectsNumbers.message).toBe('Column "n" holds categories; the pipeline expects numbers.');
    expect(expectsNumbers.details).toEqual({ column: 'n' });
    const categorical = fitPipeline(asText.table, asText.schema, []);
    const expectsCategories = thrownBy(() => transformTable(categorical, asNumbers.table));
    expect(expectsCategories.message).toBe('Column "n" holds numbers; the pipeline expects categories.');
    expect(expectsCategories.details).toEqual({ column: 'n' });
  });

  test('unknown and missing categories at transform time name the row and the known categories', async () => {
    const train = await load('c,x\na,1\nb,2', [
      { name: 'c', type: 'categorical' },
      { name: 'x', type: 'numeric' },
    ]);
    const strict = fitPipeline(train.table, train.schema, [
      { step: 'onehot', unknown: 'error', columns: ['c'] },
    ]);
    const later = await load('c,x\na,1\nz,2\n,3', [
      { name: 'c', type: 'categorical' },
      { name: 'x', type: 'numeric' },
    ]);
    const unknown = thrownBy(() => transformTable(strict, later.table, [1]));
    expect(unknown.code).toBe('DATA_QUALITY');
    expect(unknown.message).toBe('Column "c", row 1: category "z" was not seen in training. Known: a, b.');
    expect(unknown.details).toEqual({ column: 'c', value: 'z', where: 'row 1' });
    const missing = thrownBy(() => transformTable(strict, later.table, [2]));
    expect(missing.message).toBe(
      'Column "c", row 2: a missing value and the pipeline has no imputer. Known: a, b.',
    );
    expect(missing.details).toEqual({ column: 'c', value: null, where: 'row 2' });
    const fromRow = thrownBy(() => transformRow(strict, { c: 'q', x: 1 }));
    expect(fromRow.message).toBe('Column "c", row 0: category "q" was not seen in training. Known: a, b.');
    const ordinal = fitPipeline(train.table, train.schema, [{ step: 'ordinal', columns: ['c'] }]);
    expect(thrownBy(() => transformTable(ordinal, later.table, [1])).message).toBe(
      'Column "c", row 1: category "z" was not seen in training. Known: a, b.',
    );
    const tolerant = fitPipeline(train.table, train.schema, [
      { step: 'ordinal', unknown: 'use_value', unknownValue: -5, columns: ['c'] },
    ]);
    expect(Array.from(transformTable(tolerant, later.table, [1, 2]))).toEqual([-5, 2, -5, 3]);
    expect(Array.from(transformRow(tolerant, { c: 'z', x: 1 }))).toEqual([-5, 1]);
  });

  test('raw rows: an absent column (with or without a near name), a value of the wrong kind, a missing number', async () => {
    const ds = await mixed();
    const pipeline = fitPipeline(ds.table, ds.schema);
    const full = { n: 1, i: 1, b: true, d: '2024-01-01', c: 'a' };
    const { n: _n, ...withoutN } = full;
    const near = thrownBy(() => transformRow(pipeline, { ...withoutN, nn: 1 }));
    expect(near.code).toBe('SCHEMA_MISMATCH');
    expect(near.message).toMatch(
      /^Row 0 has no "n" \(the pipeline needs n, i, b, d, c\)\. Did you mean "[a-z]+"(, "[a-z]+")*\? Pass null for a missing value\.$/,
    );
    expect(near.details).toEqual({ row: 0, column: 'n' });
    const far = thrownBy(() => transformRows(pipeline, [full, { weight: 1 }]));
    expect(far.message).toBe(
      'Row 1 has no "n" (the pipeline needs n, i, b, d, c). Pass null for a missing value.',
    );
    expect(far.details).toEqual({ row: 1, column: 'n' });
    const notNumber = thrownBy(() => transformRow(pipeline, { ...full, n: 'lots' }));
    expect(notNumber.code).toBe('DATA_QUALITY');
    expect(notNumber.message).toBe('Row 0, column "n": "lots" is not a number.');
    expect(notNumber.details).toMatchObject({ row: 0, column: 'n', value: 'lots' });
    const notBoolean = thrownBy(() => transformRow(pipeline, { ...full, b: 'perhaps' }));
    expect(notBoolean.message).toBe('Row 0, column "b": "perhaps" is not a boolean.');
    const notDate = thrownBy(() => transformRow(pipeline, { ...full, d: 'soon' }));
    expect(notDate.message).toBe('Row 0, column "d": "soon" is not a date.');
    const notCategory = thrownBy(() => transformRow(pipeline, { ...full, c: { a: 1 } }));
    expect(notCategory.message).toBe('Row 0, column "c": "{"a":1}" is not a category.');
    expect(notCategory.details).toEqual({ row: 0, column: 'c', value: '{"a":1}' });
    const bare = fitPipeline(ds.table, ds.schema, [{ step: 'standardize', columns: ['n'] }]);
    const missing = thrownBy(() => transformRow(bare, { ...full, n: null }));
    expect(missing.message).toBe(
      'Column "n", row 0: the value is missing and the pipeline has no impute step for it.',
    );
    expect(missing.details).toEqual({ column: 'n', row: 0 });
  });

  test('a stored pipeline that is not one names the first bad field', async () => {
    const ds = await mixed();
    const json = JSON.parse(JSON.stringify(fitPipeline(ds.table, ds.schema))) as FittedPipeline;
    const bad = thrownBy(() => parseFittedPipeline({ ...json, featureCount: 'many' }));
    expect(bad.code).toBe('INVALID_ARGUMENT');
    expect(bad.message).toMatch(/^Not a fitted pipeline: featureCount: .+\.$/);
    expect(bad.details).toEqual({ path: ['featureCount'] });
    const root = thrownBy(() => parseFittedPipeline('pipeline'));
    expect(root.message).toMatch(/^Not a fitted pipeline: \(root\): .+\.$/);
    expect(root.details).toEqual({ path: [] });
  });
});

describe('target transforms', () => {
  test('regression: scaled and back; without a target or on a classifier, clear errors', async () => {
    const ds = await mixed();
    const pipeline = fitPipeline(ds.table, ds.schema);
    const y = [10, 20, 30, 40];
    const mean = 25;
    const sd = Math.sqrt(y.reduce((a, v) => a + (v - mean) ** 2, 0) / 4);
    expect(pipeline.target).toEqual({ name: 'y', task: 'regression', mean, scale: sd });
    const scaled = transformTarget(pipeline, ds.table, [3, 0]);
    expect(Array.from(scaled)).toEqual(Array.from(Float32Array.from([(40 - mean) / sd, (10 - mean) / sd])));
    expect(Array.from(inverseTransformTarget(pipeline, [1, -1]))).toEqual([mean + sd, mean - sd]);
    const unscaled = fitPipeline(ds.table, ds.schema, undefined, { scaleTarget: false });
    expect(unscaled.target).toEqual({ name: 'y', task: 'regression' });
    expect(Array.from(transformTarget(unscaled, ds.table))).toEqual(y);
    expect(Array.from(inverseTransformTarget(unscaled, [3]))).toEqual([3]);

    const noTarget = { ...pipeline, target: null };
    const missing = thrownBy(() => transformTarget(noTarget, ds.table));
    expect(missing.code).toBe('TARGET_NOT_FOUND');
    expect(missing.message).toBe('The pipeline has no target: load the dataset with { target }.');
    const inverseNone = thrownBy(() => inverseTransformTarget(noTarget, [1]));
    expect(inverseNone.code).toBe('INVALID_ARGUMENT');
    expect(inverseNone.message).toBe('Only a regression target can be inverse-transformed.');
    expect(inverseNone.details).toEqual({ task: null });
    const classifier = {
      ...pipeline,
      target: { name: 'c', task: 'classification' as const, classes: ['a', 'b', 'c'] },
    };
    expect(thrownBy(() => inverseTransformTarget(classifier, [1])).details).toEqual({
      task: 'classification',
    });
  });

  test('classification: class indexes; unknown or missing classes and mismatched kinds are named', async () => {
    const ds = await load('x,label\n1,b\n2,a\n3,b', [{ name: 'x', type: 'numeric' }], {
      name: 'label',
      task: 'classification',
    });
    const pipeline = fitPipeline(ds.table, ds.schema);
    expect(pipeline.target).toEqual({ name: 'label', task: 'classification', classes: ['a', 'b'] });
    expect(Array.from(transformTarget(pipeline, ds.table))).toEqual([1, 0, 1]);
    expect(Array.from(transformTarget(pipeline, ds.table, [1]))).toEqual([0]);
    const later = await load('x,label\n1,c\n3,a', [{ name: 'x', type: 'numeric' }], {
      name: 'label',
      task: 'classification',
    });
    const unknown = thrownBy(() => transformTarget(pipeline, later.table));
    expect(unknown.code).toBe('DATA_QUALITY');
    expect(unknown.message).toBe('Row 0: target class "c" is not one of a, b.');
    expect(unknown.details).toEqual({ row: 0, column: 'label' });
    expect(Array.from(transformTarget(pipeline, later.table, [1]))).toEqual([0]);
    const numbers = await load('x,label\n1,10\n2,20', [{ name: 'x', type: 'numeric' }], {
      name: 'label',
      task: 'regression',
    });
    const notCategorical = thrownBy(() => transformTarget(pipeline, numbers.table));
    expect(notCategorical.code).toBe('SCHEMA_MISMATCH');
    expect(notCategorical.message).toBe('The target "label" is not categorical in the table.');
    expect(notCategorical.details).toEqual({ column: 'label' });
    const regression = fitPipeline(numbers.table, numbers.schema);
    const holdsCategories = thrownBy(() => transformTarget(regression, ds.table));
    expect(holdsCategories.message).toBe('The regression target "label" holds categories.');
    expect(holdsCategories.details).toEqual({ column: 'label' });
    const fitMismatch = thrownBy(() =>
      fitPipeline(numbers.table, {
        ...numbers.schema,
        target: { name: 'label', task: 'classification' },
      } as never),
    );
    expect(fitMismatch.message).toBe('The classification target "label" is not categorical in the table.');
  });
});
