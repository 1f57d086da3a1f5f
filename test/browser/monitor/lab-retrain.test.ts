// Issue 11: lab.predict runs through the Predictor (one predict path), and lab.retrain trains a
// challenger with an earlier run's spec on new data, scores it and the champion on the same rows,
// and registers it ready to promote.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { generateSampleCsv } from '../../../src/data/index.ts';
import { createLab, isEdgeflowError, type Lab } from '../../../src/index.ts';

let lab: Lab;
const suffix = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  lab = await createLab({ backend: 'wasm', workers: 1 });
});
afterAll(async () => {
  await lab?.dispose();
});

test('retrain: challenger on new data vs champion on the same test rows, registered, then promoted', async () => {
  const first = generateSampleCsv('classification', { rows: 400, seed: 21 });
  const second = generateSampleCsv('classification', { rows: 500, seed: 22 });
  const old = await lab.loadDataset(new File([first.csv], 'old.csv'), { target: first.target });
  const fresh = await lab.loadDataset(new File([second.csv], 'new.csv'), { target: second.target });
  const spec = {
    task: 'classification' as const,
    architecture: { type: 'mlp' as const, hidden: [8] },
    epochs: 8,
    batchSize: 32,
    learningRate: 0.02,
    seed: 4,
  };
  const run = await lab.train(old.id, spec, { split: { validation: 0.1, test: 0.2 } }).done;
  const model = `retrain-${suffix}`;
  const v1 = await lab.register(run.id, { model });
  const thresholds = { accuracy: { threshold: 0.5, greaterIsBetter: true } };
  expect((await lab.promote(model, v1.version, { thresholds })).passed).toBe(true);

  const result = await lab.retrain(run.id, fresh.id, { model, thresholds });
  expect(result.champion).toBe(1);
  expect(result.version.version).toBe(2);
  expect(result.version.tags).toEqual(['retrain', 'challenger']);
  expect(result.version.datasetFingerprint).toBe(fresh.id);
  expect(result.run.spec).toMatchObject({ epochs: 8, seed: 4, split: { validation: 0.1, test: 0.2 } });
  expect(result.datasetFingerprint).toBe(fresh.id);
  // The new data's test split, the same rows for both: the run records its test row count.
  expect(result.rows).toBe(result.run.metrics.testRows);
  expect(result.championMetrics).not.toBeNull();
  expect(result.gate.metrics.map((m) => m.metric)).toEqual(['accuracy']);
  expect(result.gate.metrics[0]?.candidate).toBe(result.run.metrics.accuracy);
  expect((await lab.registry.getVersion(model, 'champion')).version).toBe(1);
  const promoted = await lab.promote(model, 2, { thresholds });
  expect(promoted.passed).toBe(true);
  expect((await lab.registry.getVersion(model, 'champion')).version).toBe(2);

  // lab.predict goes through the Predictor: a bad row fails the batch with its code and column.
  const bad = await lab.predict(model, 'champion', [{ bill_length_mm: 40 }]).catch((e: unknown) => e);
  expect(isEdgeflowError(bad, 'SCHEMA_MISMATCH')).toBe(true);
  expect((bad as Error).message).toContain('Row 0 has no');
}, 180_000);
