// Issue 17: exact outputs of every fitted step of src/data/pipeline.ts, computed in the test by hand
// (or by a plain sort-based reference), so a changed formula, bound or tie-break fails here.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ingestDataset } from '../../../src/data/ingest.ts';
import {
  fitPipeline,
  fitTransform,
  inverseTransformTarget,
  transformRow,
  transformRows,
  transformTable,
  transformTarget,
} from '../../../src/data/pipeline.ts';
import type { LoadedDataset } from '../../../src/data/types.ts';
import type { PipelineStep } from '../../../src/schemas/dataset.ts';
import { thrownBy } from '../../helpers/error-code.ts';

// x: numeric with two blanks, present values 1 2 2 10 5 7 (mean 4.5, median 3.5, mode 2).
// y: numeric without blanks. c: categorical, a×3 b×2 c×2 d×1 and two blanks. t: regression target.
const CSV = [
  'x,y,c,t',
  '1,-3,a,10',
  '2,0,b,20',
  ',4,a,30',
  '2,8,c,40',
  '10,1,,50',
  '5,2,b,60',
  ',5,a,70',
  '7,6,c,80',
  '3,7,d,90',
  '4,3,,100',
].join('\n');
// x with the blanks as NaN; rows 8 and 9 add 3 and 4: present 1 2 2 10 5 7 3 4.
const X = [1, 2, Number.NaN, 2, 10, 5, Number.NaN, 7, 3, 4];
const Y = [-3, 0, 4, 8, 1, 2, 5, 6, 7, 3];
const C = ['a', 'b', 'a', 'c', null, 'b', 'a', 'c', 'd', null];
const T = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

async function load(): Promise<LoadedDataset> {
  return ingestDataset(CSV, {
    target: 't',
    task: 'regression',
    schema: {
      columns: [
        { name: 'x', type: 'numeric' },
        { name: 'y', type: 'numeric' },
        { name: 'c', type: 'categorical' },
      ],
    },
  });
}

/** The raw rows as predict-time objects (null for the blanks). */
const RAW = X.map((x, i) => ({ x: Number.isNaN(x) ? null : x, y: Y[i], c: C[i], t: T[i] }));

function present(values: readonly number[]): number[] {
  return values.filter((v) => !Number.isNaN(v));
}
function meanOf(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
function sdOf(values: readonly number[]): number {
  const m = meanOf(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / values.length);
}
/** numpy's linear-interpolation quantile, by sorting. */
function quantileOf(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const a = sorted[lower] as number;
  const b = sorted[Math.min(lower + 1, sorted.length - 1)] as number;
  return a + (b - a) * (position - lower);
}
/** Column `j` of row-major features. */
function columnOf(features: Float32Array, width: number, j: number): number[] {
  return Array.from({ length: features.length / width }, (_, i) => features[i * width + j] as number);
}
function f32(values: readonly number[]): number[] {
  return Array.from(Float32Array.from(values));
}
/** Fits `steps`, checks that fitTransform, transformTable and transformRows agree, returns all. */
function fitAll(ds: LoadedDataset, steps: PipelineStep[], rows?: number[]) {
  const pipeline = fitPipeline(ds.table, ds.schema, steps, rows ? { rows } : {});
  const table = transformTable(pipeline, ds.table, rows);
  const fused = fitTransform(ds.table, ds.schema, steps, rows ? { rows } : {});
  expect(fused.pipeline).toEqual(pipeline);
  expect(Array.from(fused.features)).toEqual(Array.from(table));
  const raw = rows ? rows.map((r) => RAW[r] as Record<string, unknown>) : RAW;
  expect(Array.from(transformRows(pipeline, raw))).toEqual(Array.from(table));
  raw.forEach((row, k) => {
    expect(Array.from(transformRow(pipeline, row))).toEqual(
      Array.from(table.subarray(k * pipeline.featureCount, (k + 1) * pipeline.featureCount)),
    );
  });
  return { pipeline, table };
}

const catSteps: PipelineStep[] = [{ step: 'impute', strategy: 'most_frequent', columns: ['c'] }];
const fillX: PipelineStep = { step: 'impute', strategy: 'median', columns: ['x'] };

describe('numeric steps, exact', () => {
  test.each([
    ['mean', meanOf(present(X))],
    ['median', quantileOf(present(X), 0.5)],
    ['most_frequent', 2],
  ] as const)('impute %s fills the blanks with %d and leaves the rest', async (strategy, value) => {
    const ds = await load();
    expect(value).not.toBe(present(X)[0]);
    const { pipeline, table } = fitAll(ds, [{ step: 'impute', strategy, columns: ['x'] }, ...catSteps]);
    const x = pipeline.columns.find((c) => c.name === 'x');
    expect(x?.steps).toEqual([{ step: 'impute', strategy, value }]);
    expect(pipeline.featureNames).toEqual(['x', 'y', 'c=a', 'c=b', 'c=c', 'c=d']);
    expect(columnOf(table, 6, 0)).toEqual(f32(X.map((v) => (Number.isNaN(v) ? value : v))));
    expect(columnOf(table, 6, 1)).toEqual(f32(Y));
  });

  test('values: mean 4.25, median 3.5, most frequent 2 (the smallest of a tie wins)', () => {
    expect(meanOf(present(X))).toBe(4.25);
    expect(quantileOf(present(X), 0.5)).toBe(3.5);
  });

  test('impute constant uses the given number; a text constant on a number column is refused', async () => {
    const ds = await load();
    const { table } = fitAll(ds, [
      { step: 'impute', strategy: 'constant', value: -7, columns: ['x'] },
      ...catSteps,
    ]);
    expect(columnOf(table, 6, 0)).toEqual(f32(X.map((v) => (Number.isNaN(v) ? -7 : v))));
    const error = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [
        { step: 'impute', strategy: 'constant', value: 'none', columns: ['x'] },
        ...catSteps,
      ]),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details).toEqual({ column: 'x' });
  });

  test('most frequent among ties picks the smallest value, on the training rows only', async () => {
    const ds = await load();
    // Rows 0 1 3 4 8: x = 1 2 2 10 3 (mode 2); rows 0 4 8 9: 1 10 3 4 (all once: the smallest, 1).
    const a = fitAll(ds, [{ step: 'impute', strategy: 'most_frequent' }], [0, 1, 3, 4, 8]);
    expect(a.pipeline.columns[0]?.steps).toEqual([{ step: 'impute', strategy: 'most_frequent', value: 2 }]);
    const b = fitAll(ds, [{ step: 'impute', strategy: 'most_frequent' }], [9, 4, 8, 0, 2]);
    expect(b.pipeline.columns[0]?.steps).toEqual([{ step: 'impute', strategy: 'most_frequent', value: 1 }]);
    expect(b.pipeline.fittedRows).toBe(5);
    // Row 2 (blank x) is filled with 1; the output follows the order of the rows given.
    expect(columnOf(b.table, b.pipeline.featureCount, 0)).toEqual([4, 10, 3, 1, 1]);
  });

  test('standardize after a median impute: population mean and sd of the imputed training values', async () => {
    const ds = await load();
    const { pipeline, table } = fitAll(ds, [
      { step: 'impute', strategy: 'median', columns: ['x'] },
      { step: 'standardize', types: ['numeric'] },
      ...catSteps,
    ]);
    const filled = X.map((v) => (Number.isNaN(v) ? 3.5 : v));
    const m = meanOf(filled);
    const sd = sdOf(filled);
    expect(pipeline.columns[0]?.steps).toEqual([
      { step: 'impute', strategy: 'median', value: 3.5 },
      { step: 'standardize', mean: m, scale: sd },
    ]);
    expect(pipeline.columns[1]?.steps).toEqual([{ step: 'standardize', mean: meanOf(Y), scale: sdOf(Y) }]);
    expect(columnOf(table, 6, 0)).toEqual(f32(filled.map((v) => (v - m) / sd)));
    expect(columnOf(table, 6, 1)).toEqual(f32(Y.map((v) => (v - meanOf(Y)) / sdOf(Y))));
  });

  test('standardize of a constant column keeps scale 1', async () => {
    const ds = await load();
    // Rows 1 and 3 both have x = 2.
    const { pipeline, table } = fitAll(ds, [{ step: 'standardize', columns: ['x'] }, ...catSteps], [1, 3]);
    expect(pipeline.columns[0]?.steps).toEqual([{ step: 'standardize', mean: 2, scale: 1 }]);
    expect(columnOf(table, pipeline.featureCount, 0)).toEqual([0, 0]);
  });

  test('minmax maps the training min and max onto the range', async () => {
    const ds = await load();
    const { pipeline, table } = fitAll(ds, [
      { step: 'impute', strategy: 'median', columns: ['x'] },
      { step: 'minmax', range: [-1, 3], columns: ['y'] },
      { step: 'minmax', columns: ['x'] },
      ...catSteps,
    ]);
    // y: min -3, max 8 onto [-1, 3]: scale (8 - -3) / 4 = 2.75.
    expect(pipeline.columns[1]?.steps).toEqual([{ step: 'minmax', min: -3, scale: 2.75, low: -1 }]);
    expect(columnOf(table, 6, 1)).toEqual(f32(Y.map((v) => (v + 3) / 2.75 - 1)));
    // x: imputed with 3.5, min 1, max 10 onto [0, 1].
    expect(pipeline.columns[0]?.steps).toEqual([
      { step: 'impute', strategy: 'median', value: 3.5 },
      { step: 'minmax', min: 1, scale: 9, low: 0 },
    ]);
    expect(columnOf(table, 6, 0)).toEqual(f32(X.map((v) => ((Number.isNaN(v) ? 3.5 : v) - 1) / 9)));
    // Unseen values go past the range: no clamping.
    expect(transformRow(pipeline, { x: 19, y: 19, c: 'a' })[1]).toBe(Math.fround(22 / 2.75 - 1));
    expect(transformRow(pipeline, { x: 19, y: 19, c: 'a' })[0]).toBe(2);
  });

  test('minmax of a constant column keeps scale 1; a range that does not increase is refused', async () => {
    const ds = await load();
    const { pipeline } = fitAll(ds, [{ step: 'minmax', range: [2, 5], columns: ['x'] }, ...catSteps], [1, 3]);
    expect(pipeline.columns[0]?.steps).toEqual([{ step: 'minmax', min: 2, scale: 1, low: 2 }]);
    for (const range of [
      [1, 1],
      [2, 1],
    ] as [number, number][]) {
      const error = thrownBy(() =>
        fitPipeline(ds.table, ds.schema, [{ step: 'minmax', range, columns: ['y'] }, ...catSteps], {
          rows: [0, 1],
        }),
      );
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.details).toEqual({ column: 'y' });
      expect(error.message).toContain(`[${range[0]}, ${range[1]}]`);
    }
  });

  test('clip with quantiles: numpy linear interpolation of the training values', async () => {
    const ds = await load();
    const { pipeline, table } = fitAll(
      ds,
      [{ step: 'clip', quantiles: [0.15, 0.8], columns: ['y'] }, fillX, ...catSteps],
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    const low = quantileOf(Y, 0.15);
    const high = quantileOf(Y, 0.8);
    // Sorted y: -3 0 1 2 3 4 5 6 7 8; 0.15·9 = 1.35 → 0 + 0.35; 0.8·9 = 7.2 → 6 + 0.2.
    expect(low).toBeCloseTo(0.35, 12);
    expect(high).toBeCloseTo(6.2, 12);
    expect(pipeline.columns[1]?.steps).toEqual([{ step: 'clip', min: low, max: high }]);
    expect(columnOf(table, 6, 1)).toEqual(f32(Y.map((v) => Math.min(Math.max(v, low), high))));
  });

  test('clip with explicit bounds, one open side stored as ±MAX_VALUE; reversed bounds are refused', async () => {
    const ds = await load();
    const a = fitAll(ds, [{ step: 'clip', min: 0.5, columns: ['y'] }, fillX, ...catSteps]);
    expect(a.pipeline.columns[1]?.steps).toEqual([{ step: 'clip', min: 0.5, max: Number.MAX_VALUE }]);
    expect(columnOf(a.table, 6, 1)).toEqual(f32(Y.map((v) => Math.max(v, 0.5))));
    const b = fitAll(ds, [
      { step: 'clip', max: 4, quantiles: [0.5, 0.9], columns: ['y'] },
      fillX,
      ...catSteps,
    ]);
    // An explicit bound wins over its quantile; the other side comes from the quantile (median 3.5).
    expect(b.pipeline.columns[1]?.steps).toEqual([{ step: 'clip', min: 3.5, max: 4 }]);
    expect(columnOf(b.table, 6, 1)).toEqual(f32(Y.map((v) => Math.min(Math.max(v, 3.5), 4))));
    const c = fitAll(ds, [{ step: 'clip', max: -1, columns: ['y'] }, fillX, ...catSteps]);
    expect(c.pipeline.columns[1]?.steps).toEqual([{ step: 'clip', min: -Number.MAX_VALUE, max: -1 }]);
    expect(columnOf(c.table, 6, 1)).toEqual(f32(Y.map((v) => Math.min(v, -1))));
    const error = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [
        { step: 'clip', min: 3, max: 2, columns: ['y'] },
        fillX,
        ...catSteps,
      ]),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details).toEqual({ column: 'y', min: 3, max: 2 });
    // Equal bounds are allowed: every value becomes that bound.
    const d = fitAll(ds, [{ step: 'clip', min: 2, max: 2, columns: ['y'] }, fillX, ...catSteps]);
    expect(columnOf(d.table, 6, 1)).toEqual(Y.map(() => 2));
  });

  test('log1p after a shift by clip; a training value at or below -1 is refused, naming it', async () => {
    const ds = await load();
    const { pipeline, table } = fitAll(ds, [
      { step: 'clip', min: -0.5, columns: ['y'] },
      { step: 'log1p', columns: ['y'] },
      { step: 'standardize', columns: ['y'] },
      fillX,
      ...catSteps,
    ]);
    const logged = Y.map((v) => Math.log1p(Math.max(v, -0.5)));
    expect(pipeline.columns[1]?.steps).toEqual([
      { step: 'clip', min: -0.5, max: Number.MAX_VALUE },
      { step: 'log1p' },
      { step: 'standardize', mean: meanOf(logged), scale: sdOf(logged) },
    ]);
    expect(columnOf(table, 6, 1)).toEqual(f32(logged.map((v) => (v - meanOf(logged)) / sdOf(logged))));
    const last = fitAll(ds, [{ step: 'log1p', columns: ['y'] }, fillX, ...catSteps], [1, 2, 3]);
    expect(columnOf(last.table, last.pipeline.featureCount, 1)).toEqual(
      f32([0, Math.log1p(4), Math.log1p(8)]),
    );
    const error = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [{ step: 'log1p', columns: ['y'] }, fillX, ...catSteps]),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details).toEqual({ column: 'y', value: -3 });
    // Exactly -1 is refused too (log1p(-1) is -Infinity).
    const clipped = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [
        { step: 'clip', min: -1, columns: ['y'] },
        { step: 'log1p', columns: ['y'] },
        fillX,
        ...catSteps,
      ]),
    );
    expect(clipped.details).toEqual({ column: 'y', value: -1 });
  });

  test('a numeric median and quantiles by selection equal the sorted reference on any data', () => {
    fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (values, q) => {
          const csv = ['v,t', ...values.map((v, i) => `${v},${i}`)].join('\n');
          const ds = await ingestDataset(csv, {
            target: 't',
            task: 'regression',
            schema: { columns: [{ name: 'v', type: 'numeric' }] },
          });
          const pipeline = fitPipeline(ds.table, ds.schema, [
            { step: 'impute', strategy: 'median' },
            { step: 'clip', quantiles: [q, Math.max(1 - q, q)] },
          ]);
          const [impute, clip] = pipeline.columns[0]?.steps ?? [];
          expect(impute).toEqual({ step: 'impute', strategy: 'median', value: quantileOf(values, 0.5) });
          expect(clip).toEqual({
            step: 'clip',
            min: quantileOf(values, q),
            max: quantileOf(values, Math.max(q, 1 - q)),
          });
        },
      ),
      { numRuns: 60, seed: 17 },
    );
  });
});

describe('categorical steps, exact', () => {
  test('onehot keeps the most frequent categories (ties by name), counting imputed blanks', async () => {
    const ds = await load();
    // Counts: a 3, b 2, c 2, d 1, blank 2. Most frequent fill: a (5). Top 2: a, then b (b < c).
    const top = fitAll(ds, [
      fillX,
      { step: 'impute', strategy: 'most_frequent', columns: ['c'] },
      { step: 'onehot', maxCategories: 2 },
    ]);
    expect(top.pipeline.columns[2]).toMatchObject({
      fillCategory: 'a',
      encoding: { encoding: 'onehot', categories: ['a', 'b'], unknown: 'ignore' },
      offset: 2,
      width: 2,
    });
    expect(top.pipeline.featureNames).toEqual(['x', 'y', 'c=a', 'c=b']);
    const cells = (table: Float32Array, width: number) =>
      Array.from({ length: 10 }, (_, i) => Array.from(table.subarray(i * width + 2, (i + 1) * width)));
    // c and d are beyond the kept two: all zeros; blanks are a.
    expect(cells(top.table, 4)).toEqual([
      [1, 0],
      [0, 1],
      [1, 0],
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 0],
      [0, 0],
      [0, 0],
      [1, 0],
    ]);
    // A constant fill counts too: "zz" (2 blanks) ties b and c at 2 and sorts after them; with 3
    // kept: a (3), b (2), c (2), not zz.
    const constant = fitAll(ds, [
      fillX,
      { step: 'impute', strategy: 'constant', value: 'zz', columns: ['c'] },
      { step: 'onehot', maxCategories: 3 },
    ]);
    expect(constant.pipeline.columns[2]?.encoding).toEqual({
      encoding: 'onehot',
      categories: ['a', 'b', 'c'],
      unknown: 'ignore',
    });
    expect(constant.pipeline.columns[2]?.fillCategory).toBe('zz');
    // On rows 4 8 9 6 (blank, d, blank, a) the fill "zz" counts 2 and leads: kept zz and a.
    const few = fitAll(
      ds,
      [
        fillX,
        { step: 'impute', strategy: 'constant', value: 'zz', columns: ['c'] },
        { step: 'onehot', maxCategories: 2 },
      ],
      [4, 8, 9, 6],
    );
    expect(few.pipeline.columns[2]?.encoding).toEqual({
      encoding: 'onehot',
      categories: ['a', 'zz'],
      unknown: 'ignore',
    });
    expect(few.pipeline.featureNames).toEqual(['x', 'y', 'c=a', 'c=zz']);
    expect(cells(few.table, 4).slice(0, 4)).toEqual([
      [0, 1],
      [0, 0],
      [0, 1],
      [1, 0],
    ]);
  });

  test('ties in count go to the smaller name, whatever order the file has them in', async () => {
    // The file meets c before b: counts c 2, b 2, a 1, with one blank.
    const ds = await ingestDataset('k,t\nc,1\nb,2\nc,3\n,4\nb,5\na,6\n', {
      target: 't',
      task: 'regression',
      schema: { columns: [{ name: 'k', type: 'categorical' }] },
    });
    const pipeline = fitPipeline(ds.table, ds.schema, [
      { step: 'impute', strategy: 'most_frequent' },
      { step: 'onehot', maxCategories: 1 },
    ]);
    // b wins the tie for the fill; filled, b counts 3 and is the one kept.
    expect(pipeline.columns[0]?.fillCategory).toBe('b');
    expect(pipeline.featureNames).toEqual(['k=b']);
    const two = fitPipeline(ds.table, ds.schema, [{ step: 'onehot', maxCategories: 2 }], {
      rows: [0, 1, 2, 4, 5],
    });
    expect(two.featureNames).toEqual(['k=b', 'k=c']);
    const one = fitPipeline(ds.table, ds.schema, [{ step: 'onehot', maxCategories: 1 }], {
      rows: [0, 1, 2, 4, 5],
    });
    expect(one.featureNames).toEqual(['k=b']);
  });

  test('most frequent number among ties: the smallest, neither the first nor the last met', async () => {
    const ds = await load();
    // Rows 4 8 0 9: x = 10 3 1 4, each once.
    const { pipeline } = fitAll(ds, [{ step: 'impute', strategy: 'most_frequent' }], [4, 8, 0, 9]);
    expect(pipeline.columns[0]?.steps).toEqual([{ step: 'impute', strategy: 'most_frequent', value: 1 }]);
  });

  test('onehot unknown: "error" names the column, value and row; "ignore" writes zeros', async () => {
    const ds = await load();
    const strict = fitPipeline(ds.table, ds.schema, [
      fillX,
      ...catSteps,
      { step: 'onehot', unknown: 'error', maxCategories: 3 },
    ]);
    const tableError = thrownBy(() => transformTable(strict, ds.table));
    expect(tableError.code).toBe('DATA_QUALITY');
    expect(tableError.details).toEqual({ column: 'c', value: 'd', where: 'row 8' });
    const rowError = thrownBy(() => transformRows(strict, [RAW[0] as never, { x: 1, y: 1, c: 'q' }]));
    expect(rowError.code).toBe('DATA_QUALITY');
    expect(rowError.details).toEqual({ column: 'c', value: 'q', where: 'row 1' });
    const unseen: unknown[] = [];
    const loose = fitPipeline(ds.table, ds.schema, [fillX, ...catSteps, { step: 'onehot' }]);
    const out = transformRows(
      loose,
      [
        { x: 1, y: 1, c: 'q' },
        { x: 1, y: 1, c: 'b' },
      ],
      {
        onUnseenCategory: (report) => unseen.push(report),
      },
    );
    expect(Array.from(out)).toEqual([1, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0]);
    expect(unseen).toEqual([{ row: 0, column: 'c', value: 'q' }]);
  });

  test('a blank without an imputer: onehot "ignore" writes zeros, "error" refuses naming the row', async () => {
    const ds = await load();
    const loose = fitAll(ds, [fillX, { step: 'onehot' }], [0, 4, 1]);
    expect(loose.pipeline.columns[2]?.fillCategory).toBeNull();
    expect(columnOf(loose.table, loose.pipeline.featureCount, 2)).toEqual([1, 0, 0]);
    expect(columnOf(loose.table, loose.pipeline.featureCount, 3)).toEqual([0, 0, 1]);
    const strict = fitPipeline(ds.table, ds.schema, [fillX, { step: 'onehot', unknown: 'error' }], {
      rows: [0, 1],
    });
    const error = thrownBy(() => transformTable(strict, ds.table, [1, 4]));
    expect(error.details).toEqual({ column: 'c', value: null, where: 'row 4' });
  });

  test('ordinal: sorted training categories by default, the given order when set, unknown values', async () => {
    const ds = await load();
    const sorted = fitAll(ds, [
      fillX,
      ...catSteps,
      { step: 'ordinal', unknown: 'use_value', unknownValue: 9 },
    ]);
    expect(sorted.pipeline.columns[2]).toMatchObject({
      encoding: {
        encoding: 'ordinal',
        categories: ['a', 'b', 'c', 'd'],
        unknown: 'use_value',
        unknownValue: 9,
      },
      width: 1,
    });
    expect(sorted.pipeline.featureNames).toEqual(['x', 'y', 'c']);
    expect(columnOf(sorted.table, 3, 2)).toEqual([0, 1, 0, 2, 0, 1, 0, 2, 3, 0]);
    expect(transformRow(sorted.pipeline, { x: 1, y: 1, c: 'q' })[2]).toBe(9);

    const given = fitAll(ds, [
      fillX,
      ...catSteps,
      { step: 'ordinal', categories: { c: ['d', 'c', 'b'] }, unknown: 'use_value' },
    ]);
    expect(given.pipeline.columns[2]?.encoding).toEqual({
      encoding: 'ordinal',
      categories: ['d', 'c', 'b'],
      unknown: 'use_value',
      unknownValue: -1,
    });
    // a (and the blanks, filled with a) are not in the given order: the unknown value.
    expect(columnOf(given.table, 3, 2)).toEqual([-1, 2, -1, 1, -1, 2, -1, 1, 0, -1]);

    const strict = fitPipeline(ds.table, ds.schema, [
      fillX,
      ...catSteps,
      { step: 'ordinal', categories: { c: ['a', 'b'] } },
    ]);
    expect(strict.columns[2]?.encoding).toEqual({
      encoding: 'ordinal',
      categories: ['a', 'b'],
      unknown: 'error',
      unknownValue: -1,
    });
    const error = thrownBy(() => transformTable(strict, ds.table));
    expect(error.code).toBe('DATA_QUALITY');
    expect(error.details).toEqual({ column: 'c', value: 'c', where: 'row 3' });
    const rowError = thrownBy(() => transformRow(strict, { x: 1, y: 2, c: 'd' }));
    expect(rowError.details).toEqual({ column: 'c', value: 'd', where: 'row 0' });
  });

  test('numeric-looking categories match across spellings ("1.0" is 1), exact text first', async () => {
    const ds = await ingestDataset('k,t\n1.0,1\n2,2\n1.0,3\n02,4\n', {
      target: 't',
      schema: { columns: [{ name: 'k', type: 'categorical' }] },
    });
    const pipeline = fitPipeline(ds.table, ds.schema, [{ step: 'onehot', unknown: 'error' }]);
    expect(pipeline.featureNames).toEqual(['k=02', 'k=1.0', 'k=2']);
    expect(
      Array.from(transformRows(pipeline, [{ k: 1 }, { k: '02' }, { k: 2 }, { k: '2.00' }, { k: '1e0' }])),
    ).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0]);
    // "2" is exact for k=2, "2.00" numerically equal to "02" (first spelling of 2 in sorted order).
    const error = thrownBy(() => transformRow(pipeline, { k: '0x1' }));
    expect(error.details).toEqual({ column: 'k', value: '0x1', where: 'row 0' });
  });
});

describe('the target', () => {
  test('regression: scaled with the training rows mean and sd; inverse gives the units back', async () => {
    const ds = await load();
    const rows = [0, 2, 5, 9];
    const pipeline = fitPipeline(ds.table, ds.schema, catSteps.concat({ step: 'impute', strategy: 'mean' }), {
      rows,
    });
    const t = rows.map((r) => T[r] as number);
    expect(pipeline.target).toEqual({ name: 't', task: 'regression', mean: meanOf(t), scale: sdOf(t) });
    const scaled = transformTarget(pipeline, ds.table, rows);
    expect(Array.from(scaled)).toEqual(f32(t.map((v) => (v - meanOf(t)) / sdOf(t))));
    expect(Array.from(transformTarget(pipeline, ds.table))).toEqual(
      f32(T.map((v) => (v - meanOf(t)) / sdOf(t))),
    );
    const back = inverseTransformTarget(pipeline, [0, 1, -2]);
    expect(Array.from(back)).toEqual([meanOf(t), meanOf(t) + sdOf(t), meanOf(t) - 2 * sdOf(t)]);
  });

  test('regression without scaling: the raw values, and the inverse is the identity', async () => {
    const ds = await load();
    const pipeline = fitPipeline(ds.table, ds.schema, [...catSteps, { step: 'impute', strategy: 'mean' }], {
      scaleTarget: false,
    });
    expect(pipeline.target).toEqual({ name: 't', task: 'regression' });
    expect(Array.from(transformTarget(pipeline, ds.table, [3, 1]))).toEqual([40, 20]);
    expect(Array.from(inverseTransformTarget(pipeline, [1.5, -2]))).toEqual([1.5, -2]);
  });

  test('a constant regression target keeps scale 1', async () => {
    const ds = await ingestDataset('a,t\n1,5\n2,5\n3,5\n', { target: 't', task: 'regression' });
    const pipeline = fitPipeline(ds.table, ds.schema);
    expect(pipeline.target).toEqual({ name: 't', task: 'regression', mean: 5, scale: 1 });
  });

  test('classification: numeric class names in numeric order; an unknown class names its row', async () => {
    const ds = await ingestDataset('a,k\n1,10\n2,9\n3,2\n4,10\n', {
      target: 'k',
      task: 'classification',
    });
    const pipeline = fitPipeline(ds.table, ds.schema, [], { rows: [0, 1, 2] });
    expect(pipeline.target).toEqual({ name: 'k', task: 'classification', classes: ['2', '9', '10'] });
    expect(Array.from(transformTarget(pipeline, ds.table))).toEqual([2, 1, 0, 2]);
    const narrowed = {
      ...pipeline,
      target: { name: 'k', task: 'classification' as const, classes: ['2', '9'] },
    };
    const error = thrownBy(() => transformTarget(narrowed, ds.table, [1, 3]));
    expect(error.code).toBe('DATA_QUALITY');
    expect(error.details).toEqual({ row: 3, column: 'k' });
    const inverse = thrownBy(() => inverseTransformTarget(pipeline, [1]));
    expect(inverse.code).toBe('INVALID_ARGUMENT');
    expect(inverse.details).toEqual({ task: 'classification' });
  });

  test('no target: transformTarget refuses with TARGET_NOT_FOUND, inverse with INVALID_ARGUMENT', async () => {
    const ds = await ingestDataset('a,b\n1,2\n3,4\n', { target: null });
    const pipeline = fitPipeline(ds.table, ds.schema);
    expect(pipeline.target).toBeNull();
    expect(thrownBy(() => transformTarget(pipeline, ds.table)).code).toBe('TARGET_NOT_FOUND');
    expect(thrownBy(() => inverseTransformTarget(pipeline, [1])).details).toEqual({ task: null });
  });
});

describe('errors name the step, column and row', () => {
  test('an invalid step names its position', async () => {
    const ds = await load();
    const error = thrownBy(() => fitPipeline(ds.table, ds.schema, [...catSteps, { step: 'scale' } as never]));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details).toEqual({ step: 1 });
    expect(error.message).toContain('step 2');
  });

  test('a step naming a column that is not a feature names it', async () => {
    const ds = await load();
    const error = thrownBy(() => fitPipeline(ds.table, ds.schema, [{ step: 'standardize', columns: ['t'] }]));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details).toEqual({ step: 'standardize', column: 't', features: ['x', 'y', 'c'] });
  });

  test('missing training values without an imputer', async () => {
    const ds = await load();
    const error = thrownBy(() => fitPipeline(ds.table, ds.schema, [{ step: 'standardize', columns: ['x'] }]));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details).toEqual({ column: 'x' });
    // Fitted on rows without blanks, the blanks of other rows fail at transform time, naming the row.
    const pipeline = fitPipeline(
      ds.table,
      ds.schema,
      [{ step: 'standardize', columns: ['x'] }, ...catSteps],
      {
        rows: [0, 1],
      },
    );
    const table = thrownBy(() => transformTable(pipeline, ds.table, [0, 1, 6]));
    expect(table.code).toBe('DATA_QUALITY');
    expect(table.details).toEqual({ column: 'x', row: 6 });
    const row = thrownBy(() => transformRows(pipeline, [RAW[0] as never, RAW[2] as never]));
    expect(row.details).toEqual({ column: 'x', row: 1 });
    // Without any numeric step too, and with minmax last.
    for (const steps of [
      [...catSteps],
      [...catSteps, { step: 'minmax', columns: ['x'] }],
    ] as PipelineStep[][]) {
      const p = fitPipeline(ds.table, ds.schema, steps, { rows: [0, 1] });
      expect(thrownBy(() => transformTable(p, ds.table, [2])).details).toEqual({ column: 'x', row: 2 });
      expect(thrownBy(() => transformTable(p, ds.table)).details).toEqual({ column: 'x', row: 2 });
    }
  });

  test('a column with no training values cannot compute a statistic', async () => {
    const ds = await load();
    const error = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [{ step: 'impute', strategy: 'mean', columns: ['x'] }, ...catSteps], {
        rows: [2, 6],
      }),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details).toEqual({ column: 'x' });
    // A constant imputer needs no values.
    const p = fitPipeline(
      ds.table,
      ds.schema,
      [
        { step: 'impute', strategy: 'constant', value: 0, columns: ['x'] },
        { step: 'standardize', columns: ['x'] },
        ...catSteps,
      ],
      { rows: [2, 6] },
    );
    expect(p.columns[0]?.steps).toEqual([
      { step: 'impute', strategy: 'constant', value: 0 },
      { step: 'standardize', mean: 0, scale: 1 },
    ]);
  });

  test('encoders on numbers and numeric steps on categories are refused when named', async () => {
    const ds = await load();
    const onNumber = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [fillX, { step: 'onehot', columns: ['y'] }]),
    );
    expect(onNumber.code).toBe('INVALID_ARGUMENT');
    expect(onNumber.details).toEqual({ step: 'onehot', column: 'y', type: 'numeric' });
    const onCategory = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [fillX, { step: 'minmax', columns: ['c'] }]),
    );
    expect(onCategory.details).toEqual({ step: 'minmax', column: 'c' });
    const twoEncoders = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [
        fillX,
        ...catSteps,
        { step: 'onehot' },
        { step: 'ordinal', columns: ['c'] },
      ]),
    );
    expect(twoEncoders.details).toEqual({ column: 'c' });
    const meanOfCategories = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [fillX, { step: 'impute', strategy: 'median', columns: ['c'] }]),
    );
    expect(meanOfCategories.details).toEqual({ column: 'c', strategy: 'median' });
    const noValue = thrownBy(() =>
      fitPipeline(ds.table, ds.schema, [fillX, { step: 'impute', strategy: 'constant', columns: ['c'] }]),
    );
    expect(noValue.details).toEqual({ column: 'c' });
  });

  test('without selectors an imputer goes where its strategy fits', async () => {
    const ds = await load();
    const p = fitPipeline(ds.table, ds.schema, [
      { step: 'impute', strategy: 'constant', value: 'none' },
      { step: 'impute', strategy: 'constant', value: 0 },
    ]);
    expect(p.columns.map((c) => [c.name, c.steps, c.fillCategory])).toEqual([
      ['x', [{ step: 'impute', strategy: 'constant', value: 0 }], null],
      ['y', [{ step: 'impute', strategy: 'constant', value: 0 }], null],
      ['c', [], 'none'],
    ]);
    const median = fitPipeline(ds.table, ds.schema, [{ step: 'impute', strategy: 'median' }, ...catSteps]);
    expect(median.columns.map((c) => c.steps.length)).toEqual([1, 1, 0]);
    // Without a selector, standardize, minmax, clip and log1p go to numbers only.
    const standardized = fitPipeline(ds.table, ds.schema, [
      { step: 'impute', strategy: 'median' },
      { step: 'minmax' },
      ...catSteps,
    ]);
    expect(standardized.columns.map((c) => c.steps.map((s) => s.step))).toEqual([
      ['impute', 'minmax'],
      ['impute', 'minmax'],
      [],
    ]);
  });

  test('a predict-time row: absent column, unreadable number, stored missing values', async () => {
    const ds = await load();
    const pipeline = fitPipeline(ds.table, ds.schema, [{ step: 'impute', strategy: 'median' }, ...catSteps], {
      missingValues: ['-'],
    });
    expect(pipeline.missingValues).toEqual(['-']);
    const absent = thrownBy(() => transformRows(pipeline, [RAW[0] as never, { x: 1, c: 'a' }]));
    expect(absent.code).toBe('SCHEMA_MISMATCH');
    expect(absent.details).toEqual({ row: 1, column: 'y' });
    const bad = thrownBy(() => transformRow(pipeline, { x: 'abc', y: 1, c: 'a' }));
    expect(bad.code).toBe('DATA_QUALITY');
    expect(bad.details).toMatchObject({ row: 0, column: 'x', value: 'abc' });
    // "-" is missing (imputed with 3.5), "NA" is not in this pipeline's list: not a number.
    expect(transformRow(pipeline, { x: '-', y: 1, c: '-' })[0]).toBe(3.5);
    expect(thrownBy(() => transformRow(pipeline, { x: 'NA', y: 1, c: 'a' })).details).toMatchObject({
      column: 'x',
    });
    // The caller's list wins over the stored one.
    expect(transformRow(pipeline, { x: 'NA', y: 1, c: 'a' }, { missingValues: ['NA'] })[0]).toBe(3.5);
    const categoryObject = thrownBy(() => transformRow(pipeline, { x: 1, y: 1, c: { no: 1 } }));
    expect(categoryObject.code).toBe('DATA_QUALITY');
    expect(categoryObject.details).toMatchObject({ row: 0, column: 'c' });
  });
});
