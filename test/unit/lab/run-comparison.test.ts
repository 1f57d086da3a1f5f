import { describe, expect, test } from 'vitest';
import { ingestDataset } from '../../../src/data/ingest.ts';
import { fitPipeline } from '../../../src/data/pipeline.ts';
import { compareRuns, describeTransform, flattenJson, runsToCsv } from '../../../src/lab/run-comparison.ts';
import type { FittedColumn, FittedNumericStep, FittedPipeline } from '../../../src/schemas/dataset.ts';
import type { Run } from '../../../src/schemas/registry.ts';

function run(id: string, spec: Record<string, unknown>, metrics: Record<string, unknown>): Run {
  return {
    id,
    spec: spec as never,
    datasetFingerprint: 'abc',
    pipeline: null,
    backend: 'cpu',
    adapter: null,
    seed: 1,
    status: 'finished',
    history: [],
    metrics: metrics as never,
    timings: {},
    error: null,
    parity: null,
    tags: [],
    owner: null,
    createdAt: 1,
    updatedAt: 2,
  };
}

test('flattenJson names nested fields by path', () => {
  expect(flattenJson({ a: { b: [1, { c: 'x' }] }, d: null, e: [] })).toEqual({
    'a.b.0': 1,
    'a.b.1.c': 'x',
    d: null,
    e: '[]',
  });
});

test('compareRuns aligns metrics (null where absent) and keeps only differing parameters', () => {
  const a = run(
    'a',
    { architecture: { kind: 'mlp', hidden: [16] }, learningRate: 0.01, epochs: 5 },
    { accuracy: 0.9, report: { x: 1 } },
  );
  const b = run(
    'b',
    { architecture: { kind: 'mlp', hidden: [32] }, learningRate: 0.01, epochs: 5 },
    { accuracy: 0.8, f1_macro: 0.7 },
  );
  const comparison = compareRuns([a, b]);
  expect(comparison.runIds).toEqual(['a', 'b']);
  expect(comparison.metrics).toEqual({ accuracy: [0.9, 0.8], f1_macro: [null, 0.7] });
  expect(comparison.differences).toEqual({ 'architecture.hidden.0': [16, 32] });
});

test('runsToCsv writes RFC 4180 rows with spec and metric columns, quoting where needed', () => {
  const csv = runsToCsv([run('a', { name: 'x, "y"', epochs: 3 }, { accuracy: 0.5 })]);
  const [header, row] = csv.split('\r\n');
  expect(header).toBe(
    'id,status,backend,seed,datasetFingerprint,createdAt,updatedAt,spec.epochs,spec.name,metric.accuracy',
  );
  expect(row).toBe('a,finished,cpu,1,abc,1,2,3,"x, ""y""",0.5');
  expect(csv.endsWith('\r\n')).toBe(true);
});

// Issue 16, point 11: compareRuns compared specs and metrics but not what the pipelines learned.
describe('pipeline differences', () => {
  const csv =
    'size,color,price\n1,red,10.5\n2,blue,12.25\n,red,11.75\n4,green,20.5\n5,blue,22.25\n6,green,25.5\n';
  const withPipeline = (id: string, pipeline: FittedPipeline | null): Run => ({
    ...run(id, { epochs: 5 }, {}),
    pipeline: pipeline as never,
  });
  const columnOf = (pipeline: FittedPipeline, name: string): FittedColumn =>
    pipeline.columns.find((c) => c.name === name) as FittedColumn;
  const stepOf = <S extends FittedNumericStep['step']>(column: FittedColumn, step: S) =>
    column.steps.find((s) => s.step === step) as Extract<FittedNumericStep, { step: S }>;

  test('the same pipeline in every run: no differences', async () => {
    const ds = await ingestDataset(csv, { target: 'price' });
    const pipeline = fitPipeline(ds.table, ds.schema, undefined, { rows: [0, 1, 2, 3] });
    expect(
      compareRuns([withPipeline('a', pipeline), withPipeline('b', structuredClone(pipeline))]).pipeline,
    ).toEqual([]);
  });

  test('pipelines fitted on other rows differ in imputed values, scaling, categories, target scaling and rows', async () => {
    const ds = await ingestDataset(csv, { target: 'price' });
    const a = fitPipeline(ds.table, ds.schema, undefined, { rows: [0, 1, 2] });
    const b = fitPipeline(ds.table, ds.schema, undefined, { rows: [0, 1, 2, 3, 4, 5] });
    const { pipeline } = compareRuns([withPipeline('a', a), withPipeline('b', b)]);
    const sizeA = columnOf(a, 'size');
    const sizeB = columnOf(b, 'size');
    // Medians of the present sizes: [1, 2] and [1, 2, 4, 5, 6].
    expect([stepOf(sizeA, 'impute').value, stepOf(sizeB, 'impute').value]).toEqual([1.5, 4]);
    expect(pipeline).toEqual([
      { column: 'size', field: 'impute.value', values: [1.5, 4] },
      {
        column: 'size',
        field: 'standardize.mean',
        values: [stepOf(sizeA, 'standardize').mean, stepOf(sizeB, 'standardize').mean],
      },
      {
        column: 'size',
        field: 'standardize.scale',
        values: [stepOf(sizeA, 'standardize').scale, stepOf(sizeB, 'standardize').scale],
      },
      // The most frequent colour fills a missing one: red of 3 rows; a three-way tie of 6 rows goes to blue.
      { column: 'color', field: 'fill.category', values: ['red', 'blue'] },
      {
        column: 'color',
        field: 'onehot.categories',
        values: [
          ['blue', 'red'],
          ['blue', 'green', 'red'],
        ],
      },
      { column: 'price', field: 'mean', values: [a.target?.mean, b.target?.mean] },
      { column: 'price', field: 'scale', values: [a.target?.scale, b.target?.scale] },
      { column: '(pipeline)', field: 'fittedRows', values: [3, 6] },
      { column: '(pipeline)', field: 'featureCount', values: [3, 4] },
    ]);
    // The scaling really differs (means 1.5 and 22/6 after imputation), so the rows above are not empty noise.
    expect(stepOf(sizeA, 'standardize').mean).toBeCloseTo(1.5, 6);
    expect(stepOf(sizeB, 'standardize').mean).toBeCloseTo(22 / 6, 6);
  });

  test('another transform is named, with the parameters of each run (null where a run has no such step)', async () => {
    const ds = await ingestDataset(csv, { target: 'price' });
    const rows = [0, 1, 2, 3, 4, 5];
    const standardized = fitPipeline(ds.table, ds.schema, undefined, { rows });
    const scaled = fitPipeline(
      ds.table,
      ds.schema,
      [
        { step: 'impute', strategy: 'mean', columns: ['size'] },
        { step: 'minmax', columns: ['size'] },
        { step: 'impute', strategy: 'most_frequent', columns: ['color'] },
        { step: 'onehot', columns: ['color'] },
      ],
      { rows },
    );
    const { pipeline } = compareRuns([withPipeline('a', standardized), withPipeline('b', scaled)]);
    const size = pipeline.filter((d) => d.column === 'size');
    expect(size.map((d) => d.field)).toEqual([
      'transform',
      'impute.value',
      'standardize.mean',
      'standardize.scale',
      'minmax.min',
      'minmax.scale',
      'minmax.low',
    ]);
    expect(size[0]?.values).toEqual([
      describeTransform(columnOf(standardized, 'size')),
      describeTransform(columnOf(scaled, 'size')),
    ]);
    expect(size[0]?.values).toEqual([
      'impute(median) → standardize → number',
      'impute(mean) → minmax → number',
    ]);
    // Median 4 against mean 18/5 of the present sizes.
    expect(size[1]?.values).toEqual([4, stepOf(columnOf(scaled, 'size'), 'impute').value]);
    expect(size[1]?.values[1]).toBeCloseTo(3.6, 6);
    expect(size[2]?.values[1]).toBeNull();
    expect(size[4]?.values).toEqual([null, stepOf(columnOf(scaled, 'size'), 'minmax').min]);
  });

  test('a run without a pipeline, a column in one pipeline only, and other missing-value strings', async () => {
    const ds = await ingestDataset(csv, { target: 'price' });
    const rows = [0, 1, 2, 3, 4, 5];
    const both = fitPipeline(ds.table, ds.schema, undefined, { rows, missingValues: ['-'] });
    const sizeOnly = fitPipeline(
      ds.table,
      { ...ds.schema, columns: ds.schema.columns.filter((c) => c.name !== 'color') },
      undefined,
      { rows },
    );
    const { pipeline } = compareRuns([
      withPipeline('a', both),
      withPipeline('b', sizeOnly),
      withPipeline('c', null),
    ]);
    const color = pipeline.filter((d) => d.column === 'color');
    expect(color.map((d) => d.field)).toEqual([
      'transform',
      'type',
      'fill.category',
      'onehot.categories',
      'onehot.unknown',
    ]);
    expect(color.every((d) => d.values[1] === null && d.values[2] === null && d.values[0] !== null)).toBe(
      true,
    );
    expect(pipeline.find((d) => d.column === '(pipeline)' && d.field === 'missingValues')?.values).toEqual([
      ['-'],
      null,
      null,
    ]);
    // Size is fitted the same in a and b: only the run without a pipeline differs.
    expect(pipeline.find((d) => d.column === 'size' && d.field === 'standardize.mean')?.values).toEqual([
      stepOf(columnOf(both, 'size'), 'standardize').mean,
      stepOf(columnOf(sizeOnly, 'size'), 'standardize').mean,
      null,
    ]);
    // A stored pipeline that is not a fitted pipeline counts as none.
    const broken = compareRuns([
      withPipeline('a', both),
      { ...withPipeline('b', null), pipeline: { version: 2 } as never },
    ]);
    expect(broken.pipeline.find((d) => d.field === 'transform')?.values[1]).toBeNull();
  });
});
