// Issue 11: the Predictor in real Chromium, on a version stored in IndexedDB: the same code path as
// in Node (tfjs cpu backend here, to keep the test off the software GPU), predict, drift, no leak.
import * as tf from '@tensorflow/tfjs';
import { afterAll, expect, test } from 'vitest';
import { createPredictor } from '../../../src/monitor/index.ts';
import { createRegistry, IndexedDbModelStore, type Registry } from '../../../src/registry/index.ts';
import { driftReportSchema } from '../../../src/schemas/monitor.ts';
import { makeRows, registerFixture } from '../../unit/monitor/fixtures.ts';

const dbName = `monitor-test-${Math.random().toString(36).slice(2, 8)}`;
let registry: Registry | undefined;
afterAll(async () => {
  await registry?.close();
  indexedDB.deleteDatabase(dbName);
});

test('a version stored in IndexedDB predicts from raw rows, reports latency and drift, and leaks no tensor', async () => {
  registry = await createRegistry({ store: new IndexedDbModelStore({ name: dbName }), channel: null });
  const fixture = await registerFixture(makeRows(500, 1), { registry, model: 'browser' });
  const predictor = await createPredictor({ registry: fixture.registry, model: 'browser', backend: 'cpu' });
  const tensors = tf.memory().numTensors;
  const rows = makeRows(200, 2, { shift: 1 }).map(({ label: _, ...r }) => r);
  rows.push({ x1: 0.1, x2: 'not a number', color: 'red' });
  const results = await predictor.predict(rows);
  expect(results.filter((r) => r.ok)).toHaveLength(200);
  expect(results[200]).toMatchObject({ ok: false, error: { code: 'DATA_QUALITY', field: 'x2' } });
  await predictor.predict(rows.slice(0, 10));
  expect(tf.memory().numTensors).toBe(tensors);
  const stats = predictor.stats();
  expect(stats.backend).toBe('cpu');
  expect(stats.latency.total.count).toBe(2);
  expect(stats.latency.total.p50).toBeGreaterThan(0);
  const report = predictor.driftReport();
  expect(driftReportSchema.safeParse(report).success).toBe(true);
  expect(report?.features.map((f) => `${f.name}:${f.drifted}`)).toEqual([
    'x1:true',
    'x2:false',
    'color:false',
  ]);
  predictor.dispose();
  expect(tf.memory().numTensors).toBe(tensors - 2);
});
