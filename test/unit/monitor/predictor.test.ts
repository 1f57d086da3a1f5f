// Issue 11: the Predictor in Node 20 on tfjs's cpu backend, from a registry in memory.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { transformRows } from '../../../src/data/pipeline.ts';
import { isEdgeflowError } from '../../../src/errors.ts';
import { createPredictor, type Predictor } from '../../../src/monitor/index.ts';
import { type Fixture, makeRows, registerFixture } from './fixtures.ts';

let fixture: Fixture;
let predictor: Predictor;

beforeAll(async () => {
  fixture = await registerFixture(makeRows(400, 1));
  predictor = await createPredictor({ registry: fixture.registry, model: fixture.model, backend: 'cpu' });
});
afterAll(() => predictor.dispose());

describe('predict', () => {
  test('answers good rows with the same numbers as the pipeline + model by hand', async () => {
    const rows = makeRows(5, 99).map(({ label: _, ...row }) => row);
    const results = await predictor.predict(rows);
    // By hand: the pipeline's features, then softmax of [1, 2] × x1 (the fixture's fixed weights).
    const x = transformRows(fixture.pipeline, rows);
    const width = fixture.pipeline.featureCount;
    const classes = fixture.pipeline.target?.classes ?? [];
    expect(results).toHaveLength(5);
    results.forEach((result, r) => {
      const z = x[r * width] as number;
      const e1 = Math.exp(z);
      const e2 = Math.exp(2 * z);
      const p0 = e1 / (e1 + e2);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      const prediction = result.prediction as { label: string; probabilities: Record<string, number> };
      expect(prediction.probabilities[classes[0] as string]).toBeCloseTo(p0, 5);
      expect(prediction.probabilities[classes[1] as string]).toBeCloseTo(1 - p0, 5);
      expect(prediction.label).toBe(p0 >= 0.5 ? classes[0] : classes[1]);
    });
  });

  test('bad rows get their code and field; the good rows of the batch still get answers', async () => {
    const results = await predictor.predict([
      { x1: 0.5, x2: 10, color: 'red' },
      { x2: 10, color: 'red' },
      { x1: 'tall', x2: 10, color: 'red' },
      { x1: 0.1, x2: 10, color: 'purple' },
      { x1: 0.1, x2: 10, color: 'blue' },
      { x1: null, x2: 10, color: null },
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : `${r.error.code}:${r.error.field}`))).toEqual([
      'ok',
      'SCHEMA_MISMATCH:x1',
      'DATA_QUALITY:x1',
      'UNSEEN_CATEGORY:color',
      'ok',
      'ok', // median and most frequent imputers fill both
    ]);
    const unseen = results[3];
    expect(unseen?.ok === false && unseen.error.message).toContain('"purple" was not seen in training');
  });

  test('columnar input gives the same predictions as row objects', async () => {
    const rows = makeRows(7, 5).map(({ label: _, ...row }) => row);
    const byRows = await predictor.predict(rows);
    const byColumns = await predictor.predict({
      columns: {
        x1: rows.map((r) => r.x1),
        x2: Float32Array.from(rows.map((r) => r.x2 as number)),
        color: rows.map((r) => r.color),
      },
    });
    const strip = (results: typeof byRows) => results.map((r) => (r.ok ? r.prediction : r.error));
    expect(strip(byColumns)).toEqual(strip(byRows));
  });

  test('unseen categories may be encoded by the pipeline instead (all zeros, one-hot ignore)', async () => {
    const lenient = await createPredictor({
      registry: fixture.registry,
      model: fixture.model,
      unseenCategories: 'encode',
    });
    const [result] = await lenient.predict([{ x1: 0.1, x2: 10, color: 'purple' }]);
    expect(result?.ok).toBe(true);
    lenient.dispose();
  });

  test('tensor count is flat across calls (no leak), and dispose frees the model', async () => {
    const rows = makeRows(64, 3).map(({ label: _, ...row }) => row);
    const local = await createPredictor({ registry: fixture.registry, model: fixture.model });
    const before = tf.memory().numTensors;
    await local.predict(rows);
    const afterOne = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await local.predict(rows);
    expect(tf.memory().numTensors).toBe(afterOne);
    expect(afterOne).toBe(before);
    const weights = local.stats().memory.numTensors;
    local.dispose();
    expect(tf.memory().numTensors).toBe(weights - 2); // kernel and bias
  });

  test('a version without a fitted pipeline is refused with INVALID_ARGUMENT, not a TypeError', async () => {
    const version = await fixture.registry.getVersion(fixture.model);
    const model = await tf.loadLayersModel(fixture.registry.loadHandler(fixture.model, version.version));
    const error = await createPredictor({ version: { ...version, pipeline: null }, model }).catch((e) => e);
    expect(isEdgeflowError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain('has no fitted pipeline');
    model.dispose();
  });
});

describe('stats and events', () => {
  test('latency histograms count every call; warm-up is the first; events carry the shape of the schema', async () => {
    const local = await createPredictor({ registry: fixture.registry, model: fixture.model });
    const events: string[] = [];
    const unsubscribe = local.subscribe((e) => {
      events.push(
        e.type === 'predict' ? `${e.type}:${e.rows}:${JSON.stringify(e.errors)}:${e.warmup}` : e.type,
      );
    });
    await local.predict([{ x1: 1, x2: 2, color: 'red' }]);
    await local.predict([
      { x1: 1, x2: 2, color: 'red' },
      { x1: 1, x2: 2, color: 'pink' },
    ]);
    unsubscribe();
    await local.predict([{ x1: 1, x2: 2, color: 'red' }]);
    expect(events).toEqual(['predict:1:{}:true', 'predict:2:{"UNSEEN_CATEGORY":1}:false']);
    const stats = local.stats();
    expect(stats.calls).toBe(3);
    expect(stats.rows).toBe(3);
    expect(stats.errors).toEqual({ UNSEEN_CATEGORY: 1 });
    expect(stats.latency.total.count).toBe(3);
    expect(stats.latency.model.count).toBe(3);
    expect(stats.backend).toBe('cpu');
    expect(stats.warmupSeconds).toBeGreaterThan(0);
    expect(stats.rowsPerSecond).toBeGreaterThan(0);
    local.dispose();
  });
});
