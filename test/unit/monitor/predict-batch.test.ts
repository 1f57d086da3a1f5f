// Issue 11 follow-up (make the Predictor fast): the one-pass encoder, the column readers and
// `predictBatch` must give exactly what the row-object path gives: predictions, errors, ids and drift.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ingestDataset } from '../../../src/data/ingest.ts';
import { transformRows } from '../../../src/data/pipeline.ts';
import {
  computeDriftReport,
  PREDICTION_FEATURE,
  resolveThresholds,
} from '../../../src/monitor/drift-report.ts';
import { storedDriftThresholds } from '../../../src/monitor/drift-thresholds.ts';
import { DriftWindow } from '../../../src/monitor/drift-window.ts';
import { createPredictor, type Predictor, type RowResult } from '../../../src/monitor/index.ts';
import type { ModelVersion } from '../../../src/schemas/registry.ts';
import { type Fixture, makeRows, registerFixture } from './fixtures.ts';

let fixture: Fixture;
let version: ModelVersion;
let model: tf.LayersModel;
const CLOCK = () => 1_000;

/** A model whose outputs depend on every feature (the fixture's reads x1 only), so a one-hot 1 left
 * behind by a refused row, or a row shifted by one slot, changes the probabilities. */
function denseModel(features: number, classes: number): tf.LayersModel {
  const m = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [features], units: classes, activation: 'softmax' })],
  });
  const kernel = Float32Array.from({ length: features * classes }, (_, i) => ((i % 7) - 3) * 0.37);
  tf.tidy(() => {
    m.layers[0]?.setWeights([
      tf.tensor2d(kernel, [features, classes]),
      tf.tensor1d(Float32Array.from({ length: classes }, (_, k) => k * 0.1)),
    ]);
  });
  return m;
}

async function predictorOf(): Promise<Predictor> {
  return createPredictor({
    version,
    model,
    disposeModel: false,
    now: CLOCK,
    drift: { window: { rows: 10_000 } },
  });
}

// Good rows, every kind of refused row (absent column, unreadable number, unseen category, a missing
// category between good rows whose one-hot would otherwise leak), and imputed missing values.
const MIXED: Record<string, unknown>[] = [
  { x1: 0.5, x2: 10, color: 'red' },
  { x2: 10, color: 'red' },
  { x1: 'tall', x2: 9, color: 'blue' },
  { x1: 0.1, x2: 10, color: 'purple' },
  { x1: 0.1, x2: 11, color: 'blue' },
  { x1: null, x2: 12.5, color: null },
  { x1: -1.25, x2: 'NA', color: 'green' },
  { x1: 2, x2: 8, color: ' green ' },
  { x1: 3, x2: 8, color: 'purple' },
  { x1: -0.75, x2: 9.5, color: 'red' },
];
const GOOD = [0, 4, 5, 6, 7, 9];

beforeAll(async () => {
  fixture = await registerFixture(makeRows(400, 1));
  version = await fixture.registry.getVersion(fixture.model);
  model = denseModel(fixture.pipeline.featureCount, 2);
});
afterAll(() => model.dispose());

const summary = (results: RowResult[]) =>
  results.map((r) => (r.ok ? { prediction: r.prediction } : { error: r.error }));

describe('one pass over the cells', () => {
  test('a mixed batch: refused rows get their codes, and good rows exactly the predictions they get alone', async () => {
    const predictor = await predictorOf();
    const results = await predictor.predict(MIXED);
    expect(results.map((r) => (r.ok ? 'ok' : `${r.error.code}:${r.error.field}`))).toEqual([
      'ok',
      'SCHEMA_MISMATCH:x1',
      'DATA_QUALITY:x1',
      'UNSEEN_CATEGORY:color',
      'ok',
      'ok',
      'ok',
      'ok',
      'UNSEEN_CATEGORY:color',
      'ok',
    ]);
    const alone = await predictor.predict(GOOD.map((row) => MIXED[row] as Record<string, unknown>));
    expect(summary(GOOD.map((row) => results[row] as RowResult))).toEqual(summary(alone));
    // And those are the numbers of the training pipeline (transformRows) + the model, to the bit.
    const x = transformRows(
      fixture.pipeline,
      GOOD.map((row) => MIXED[row] as Record<string, unknown>),
    );
    const expected = tf.tidy(
      () => model.predict(tf.tensor2d(x, [GOOD.length, fixture.pipeline.featureCount])) as tf.Tensor,
    );
    const values = Array.from(await expected.data());
    expected.dispose();
    const classes = predictor.classes ?? [];
    const got = GOOD.flatMap((row) => {
      const r = results[row] as RowResult;
      if (!r.ok) return [];
      const p = r.prediction as { probabilities: Record<string, number> };
      return classes.map((c) => p.probabilities[c] as number);
    });
    expect(got).toEqual(values);
    expect(predictor.stats().errors).toEqual({ SCHEMA_MISMATCH: 1, DATA_QUALITY: 1, UNSEEN_CATEGORY: 2 });
    predictor.dispose();
  });

  test('row objects, columns and a Table give the same results, errors and drift report', async () => {
    const rows = [...makeRows(40, 7).map(({ label: _, ...row }) => row), ...MIXED];
    const byRows = await predictorOf();
    const byColumns = await predictorOf();
    const rowResults = await byRows.predict(rows);
    const columnResults = await byColumns.predict({
      columns: {
        x1: rows.map((r) => (Object.hasOwn(r, 'x1') ? r.x1 : undefined)),
        x2: rows.map((r) => r.x2),
        color: rows.map((r) => r.color),
      },
    });
    // A column that is there but holds `undefined` is missing, not absent: only row 41 differs.
    expect(summary(columnResults).filter((_, i) => i !== 41)).toEqual(
      summary(rowResults).filter((_, i) => i !== 41),
    );
    expect(columnResults[41]?.ok).toBe(true);
    expect(rowResults[41]?.ok === false && rowResults[41].error.code).toBe('SCHEMA_MISMATCH');

    // A Table holds only readable cells: the rows ingest can take (nulls and an unseen category kept).
    const tableRows = rows.filter((r) => Object.hasOwn(r, 'x1') && r.x1 !== 'tall' && r.x2 !== 'NA');
    const ds = await ingestDataset({
      rows: tableRows.map((r) => ({ ...r, color: typeof r.color === 'string' ? r.color.trim() : r.color })),
    });
    const byTable = await predictorOf();
    const again = await predictorOf();
    const tableResults = await byTable.predict(ds.table);
    const objectResults = await again.predict(tableRows);
    expect(summary(tableResults)).toEqual(summary(objectResults));
    expect(tableResults.filter((r) => !r.ok)).toHaveLength(2);
    expect(byTable.driftReport()).toEqual(again.driftReport());
    for (const p of [byRows, byColumns, byTable, again]) p.dispose();
  });
  test('the window counts what value-by-value observation counts (columns folded at once, missing counted once)', async () => {
    const rows = [...makeRows(60, 13).map(({ label: _, ...row }) => row), ...MIXED];
    const predictor = await predictorOf();
    const results = await predictor.predict(rows);
    // By hand, one value at a time, the way the window was fed before the column fold.
    const columns = fixture.pipeline.columns;
    expect(columns.map((c) => c.name)).toEqual(['x1', 'x2', 'color']);
    const window = new DriftWindow(
      columns.map((c) => ({
        name: c.name,
        kind: c.type === 'categorical' ? 'categorical' : 'numeric',
        float32: true,
      })),
      { name: PREDICTION_FEATURE, kind: 'categorical', float32: false },
    );
    const classes = predictor.classes ?? [];
    window.presetClasses(classes);
    for (const row of rows) {
      columns.forEach((column, c) => {
        const raw = Object.hasOwn(row, column.name) ? row[column.name] : undefined;
        if (raw === undefined || raw === null || raw === 'NA') window.observeMissing(c);
        else if (column.name === 'color') window.observeCategory(c, String(raw).trim());
        else if (typeof raw === 'number') window.observeNumber(c, Math.fround(raw));
      });
    }
    for (const result of results) {
      if (result.ok)
        window.observePredictedClass(classes.indexOf((result.prediction as { label: string }).label));
    }
    window.addRows(rows.length, CLOCK());
    const expected = computeDriftReport({
      model: version.model,
      version: version.version,
      reference: fixture.profile,
      window: window.snapshot(),
      thresholds: resolveThresholds(storedDriftThresholds(version), undefined),
      predictionReference: fixture.pipeline.target?.name ?? null,
    });
    expect(predictor.driftReport()).toEqual(expected);
    predictor.dispose();
  });

  test('a cell is read only from the row itself: inherited keys are absent, an own undefined is missing', async () => {
    const predictor = await predictorOf();
    const inherited = Object.assign(Object.create({ x1: 0.5 }) as Record<string, unknown>, {
      x2: 10,
      color: 'red',
    });
    const results = await predictor.predict([
      inherited,
      { x1: undefined, x2: 10, color: 'red' },
      Object.assign(Object.create(null) as Record<string, unknown>, { x1: 0.5, x2: 10, color: 'red' }),
      { x1: new Date(0), x2: 10, color: 'red' },
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : `${r.error.code}:${r.error.field}`))).toEqual([
      'SCHEMA_MISMATCH:x1',
      'ok',
      'ok',
      'DATA_QUALITY:x1',
    ]);
    predictor.dispose();
  });
});

describe('predictBatch', () => {
  test('gives predict’s outputs, labels, errors and ids as typed arrays, and the same drift and outcomes', async () => {
    const rows = [...makeRows(30, 11).map(({ label: _, ...row }) => row), ...MIXED];
    const objects = await predictorOf();
    const batched = await predictorOf();
    const results = await objects.predict(rows);
    const batch = await batched.predictBatch(rows);
    const classes = objects.classes ?? [];
    expect(batch.rows).toBe(rows.length);
    expect(batch.width).toBe(2);
    const outputs: number[] = [];
    const labels: number[] = [];
    const ids: (string | null)[] = [];
    for (const r of results) {
      if (r.ok) {
        const p = r.prediction as { label: string; probabilities: Record<string, number> };
        outputs.push(...classes.map((c) => p.probabilities[c] as number));
        labels.push(classes.indexOf(p.label));
        ids.push(r.id);
      } else {
        outputs.push(Number.NaN, Number.NaN);
        labels.push(-1);
        ids.push(null);
      }
    }
    expect(Array.from(batch.outputs)).toEqual(outputs);
    expect(Array.from(batch.labels ?? [])).toEqual(labels);
    expect(rows.map((_, row) => batch.id(row))).toEqual(ids);
    expect(batch.errors).toEqual(results.flatMap((r, row) => (r.ok ? [] : [{ row, error: r.error }])));
    expect(batch.errors.map((e) => e.row)).toEqual([31, 32, 33, 38]);
    expect(batched.driftReport()).toEqual(objects.driftReport());
    // Its ids join outcomes like predict's.
    const first = batch.id(0) as string;
    expect(batched.recordOutcome(first, classes[0] as string)).toBe('recorded');
    expect(batched.recordOutcome(first, classes[0] as string)).toBe('duplicate');
    expect(batched.stats().errors).toEqual(objects.stats().errors);
    expect(batched.stats().rows).toBe(36);
    objects.dispose();
    batched.dispose();
  });

  test('a regression version: outputs are predict’s values in the target’s units (as float32), labels null', async () => {
    const regression = await registerFixture(makeRows(300, 4, { regression: true }), {
      regression: true,
      model: 'reg',
    });
    const predictor = await createPredictor({ registry: regression.registry, model: 'reg' });
    const rows = [...makeRows(5, 8).map(({ label: _, ...row }) => row), { x1: 1, x2: 2, color: 'pink' }];
    const results = await predictor.predict(rows);
    const batch = await predictor.predictBatch(rows);
    expect(batch.width).toBe(1);
    expect(batch.labels).toBeNull();
    expect(Array.from(batch.outputs)).toEqual(
      results.map((r) => (r.ok ? Math.fround((r.prediction as { value: number }).value) : Number.NaN)),
    );
    expect(batch.errors.map((e) => `${e.row}:${e.error.code}`)).toEqual(['5:UNSEEN_CATEGORY']);
    predictor.dispose();
  });

  test('after dispose it is refused with DISPOSED', async () => {
    const predictor = await predictorOf();
    predictor.dispose();
    await expect(predictor.predictBatch(MIXED)).rejects.toMatchObject({ code: 'DISPOSED' });
  });
});
