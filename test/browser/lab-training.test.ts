// Issue 5: training, tracking, registering, promoting and predicting through the lab, in workers.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { generateSampleCsv } from '../../src/data/index.ts';
import { createLab, isEdgeflowError, type Lab } from '../../src/index.ts';

let lab: Lab;
let penguins: string;
let housing: string;
const suffix = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  lab = await createLab({ backend: 'wasm', workers: 2 });
  const p = generateSampleCsv('classification', { rows: 600, seed: 11 });
  const h = generateSampleCsv('regression', { rows: 600, seed: 12 });
  penguins = (await lab.loadDataset(new File([p.csv], 'penguins.csv'), { target: p.target, worker: 0 })).id;
  housing = (await lab.loadDataset(new File([h.csv], 'housing.csv'), { target: h.target, worker: 1 })).id;
});
afterAll(async () => {
  await lab?.dispose();
});

const mlp = (epochs: number) => ({
  task: 'classification' as const,
  architecture: { type: 'mlp' as const, hidden: [16] },
  epochs,
  batchSize: 32,
  learningRate: 0.01,
  seed: 3,
});

test('a classifier trains in a worker with progress, is tracked as a run, registers, promotes through the gate, and predicts after a reload', async () => {
  const before = await lab.memory(0);
  const phases = new Set<string>();
  let lastLoss = Number.NaN;
  const handle = lab.train(penguins, mlp(30), {
    worker: 0,
    onProgress: (p) => {
      phases.add(p.phase);
      if (typeof p.loss === 'number') lastLoss = p.loss;
    },
  });
  const run = await handle.done;
  expect(run.id).toBe(handle.runId);
  expect(run.status).toBe('finished');
  expect(run.backend).toBe('wasm');
  expect(run.history.length).toBeGreaterThan(0);
  expect(run.history.length).toBeLessThanOrEqual(30);
  expect(run.metrics.accuracy).toBeGreaterThan(0.9);
  expect(run.metrics.testRows).toBeGreaterThan(50);
  expect(phases).toEqual(new Set(['preparing', 'training', 'evaluating', 'done']));
  expect(Number.isFinite(lastLoss)).toBe(true);
  expect((run.parity as { exceedsTolerance: boolean } | null)?.exceedsTolerance).toBe(false);

  const model = `penguins-${suffix}`;
  const v1 = await lab.register(run.id, { model, tags: ['first'] });
  expect(v1.version).toBe(1);
  expect(v1.runId).toBe(run.id);
  expect(v1.datasetFingerprint).toBe(penguins);

  // No holder yet: the candidate must still meet the threshold.
  const refused = await lab.promote(model, 1, {
    thresholds: { log_loss: { threshold: 1e-9, greaterIsBetter: false } },
  });
  expect(refused.passed).toBe(false);
  expect(refused.move).toBeNull();
  expect(refused.gate.failures.join(' ')).toContain('log_loss');
  const promoted = await lab.promote(model, 1, {
    thresholds: { accuracy: { threshold: 0.8, greaterIsBetter: true } },
  });
  expect(promoted.passed).toBe(true);
  expect(promoted.previous).toBeNull();
  expect(promoted.move?.to).toBe(1);
  expect(promoted.candidateMetrics.task).toBe('classification');

  // A weaker challenger (1 epoch) cannot take the alias when it must beat the champion.
  const weak = await lab.train(penguins, { ...mlp(1), learningRate: 0.0005 }, { worker: 1 }).done;
  const v2 = await lab.register(weak.id, { model });
  const gate = await lab.promote(model, v2.version, {
    thresholds: { accuracy: { minAbsoluteChange: 0.01, greaterIsBetter: true } },
  });
  expect(gate.passed).toBe(false);
  expect(gate.previous).toBe(1);
  expect(gate.baselineMetrics).not.toBeNull();
  const log = await lab.registry.aliasLog(model, 'champion');
  expect(log.map((m) => m.to)).toEqual([1]);

  await lab.discardRun(run.id);
  await lab.discardRun(weak.id);
  await lab.unloadModels();
  const rows = [
    {
      island: 'Biscoe',
      bill_length_mm: 47.5,
      bill_depth_mm: 15,
      flipper_length_mm: 217,
      body_mass_g: 5100,
      sex: 'male',
      year: 2008,
    },
    {
      island: 'Torgersen',
      bill_length_mm: 38.8,
      bill_depth_mm: 18.3,
      flipper_length_mm: 190,
      body_mass_g: 3700,
      sex: 'female',
      year: 2008,
    },
  ];
  // A new lab (as after a reload) predicts with the stored champion.
  const second = await createLab({ backend: 'wasm', workers: 1 });
  try {
    const predictions = await second.predict(model, 'champion', rows);
    expect(predictions.map((p) => ('label' in p ? p.label : null))).toEqual(['Gentoo', 'Adelie']);
    const first = predictions[0] as { probabilities: Record<string, number> };
    expect(Object.values(first.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    const again = await second.memory(0);
    await second.predict(model, 'champion', rows);
    expect((await second.memory(0)).numTensors).toBe(again.numTensors);
    const missing = await second.predict(model, 'champion', [{ island: 'Biscoe' }]).catch((e: unknown) => e);
    expect(isEdgeflowError(missing)).toBe(true);
    expect((missing as Error).message).toContain('bill_length_mm');
  } finally {
    await second.dispose();
  }
  expect((await lab.memory(0)).numTensors).toBe(before.numTensors);
});

test('a regressor trains on the second worker and predicts in original units', async () => {
  const run = await lab.train(
    housing,
    {
      task: 'regression',
      architecture: { type: 'mlp', hidden: [32] },
      epochs: 40,
      batchSize: 32,
      learningRate: 0.01,
      seed: 5,
    },
    { worker: 1 },
  ).done;
  expect(run.status).toBe('finished');
  expect(run.metrics.r2).toBeGreaterThan(0.6);
  const model = `housing-${suffix}`;
  const v = await lab.register(run.id, { model });
  const [prediction] = await lab.predict(model, v.version, [
    {
      longitude: -122,
      latitude: 37.8,
      housing_median_age: 30,
      total_rooms: 2600,
      total_bedrooms: 520,
      population: 2800,
      households: 1000,
      median_income: 4,
      ocean_proximity: 'NEAR BAY',
    },
  ]);
  expect(prediction && 'value' in prediction ? prediction.value : 0).toBeGreaterThan(50_000);
  await lab.discardRun(run.id);
});

test('runs are listed, compared and exported', async () => {
  const page = await lab.runs.list({ datasetFingerprint: penguins, status: 'finished' });
  expect(page.items.length).toBeGreaterThanOrEqual(2);
  const ids = page.items.slice(0, 2).map((r) => r.id);
  const comparison = await lab.runs.compare(ids);
  expect(comparison.metrics.accuracy?.length).toBe(2);
  expect(Object.keys(comparison.differences)).toContain('epochs');
  const csv = await lab.runs.exportCsv(ids);
  expect(csv.split('\r\n')[0]).toContain('metric.accuracy');
  expect(JSON.parse(await lab.runs.exportJson(ids))).toHaveLength(2);
});

test('bad input: a spec that does not fit the data is SPEC_INVALID', async () => {
  const wrongLoss = await lab
    .train(penguins, { ...mlp(1), loss: 'meanSquaredError' } as never)
    .done.catch((e: unknown) => e);
  expect(isEdgeflowError(wrongLoss, 'SPEC_INVALID')).toBe(true);
  const cnn = await lab
    .train(penguins, {
      task: 'classification',
      architecture: { type: 'cnn', inputShape: [4, 4, 1], blocks: [{ filters: 2 }] },
      epochs: 1,
    } as never)
    .done.catch((e: unknown) => e);
  expect(isEdgeflowError(cnn, 'SPEC_INVALID')).toBe(true);
  expect((cnn as Error).message).toMatch(/tabular|image/i);
});

test('bad input: NaN loss fails the run with TRAINING_DIVERGED', async () => {
  const diverged = lab.train(
    housing,
    {
      task: 'regression',
      architecture: { type: 'mlp', hidden: [8] },
      optimizer: 'sgd',
      learningRate: 1e4,
      epochs: 20,
      batchSize: 16,
    },
    { worker: 1 },
  );
  const error = await diverged.done.catch((e: unknown) => e);
  expect(isEdgeflowError(error, 'TRAINING_DIVERGED')).toBe(true);
  expect((await lab.runs.get(diverged.runId)).status).toBe('failed');
  await lab.discardRun(diverged.runId);
});

test('cancel stops a run and marks it cancelled', async () => {
  const cancelled = lab.train(penguins, mlp(500), {
    worker: 0,
    onProgress: (p) => {
      if (p.phase === 'training') cancelled.cancel();
    },
  });
  expect(isEdgeflowError(await cancelled.done.catch((e: unknown) => e), 'CANCELLED')).toBe(true);
  expect((await lab.runs.get(cancelled.runId)).status).toBe('cancelled');
});

test('bad input: a released dataset, an unknown run, an unknown model, a version of another model', async () => {
  const h = generateSampleCsv('regression', { rows: 80, seed: 99 });
  const temp = await lab.loadDataset(new File([h.csv], 'tmp.csv'), { target: h.target });
  expect(await lab.releaseDataset(temp.id)).toBe(true);
  const released = await lab.train(temp.id, mlp(1)).done.catch((e: unknown) => e);
  expect(isEdgeflowError(released, 'DATASET_NOT_FOUND')).toBe(true);

  const unknownRun = await lab.register('no-such-run', { model: 'x' }).catch((e: unknown) => e);
  expect(isEdgeflowError(unknownRun, 'RUN_NOT_FOUND')).toBe(true);
  const thresholds = { accuracy: { threshold: 0.5, greaterIsBetter: true } };
  const unknownModel = await lab.promote(`nobody-${suffix}`, 1, { thresholds }).catch((e: unknown) => e);
  expect(isEdgeflowError(unknownModel, 'MODEL_NOT_FOUND')).toBe(true);
  // housing-… has version 1 only; version 2 exists under penguins-…, not under this model.
  const otherModel = await lab.promote(`housing-${suffix}`, 2, { thresholds }).catch((e: unknown) => e);
  expect(isEdgeflowError(otherModel, 'VERSION_NOT_FOUND')).toBe(true);
});

test('two candidates on a freshly loaded dataset train at once in different workers (regression guard: DATASET_NOT_FOUND in the second worker)', async () => {
  const sample = generateSampleCsv('classification', { rows: 200, seed: 21 });
  const fresh = await lab.loadDataset(new File([sample.csv], 'fresh.csv'), {
    target: sample.target,
    worker: 0,
  });
  const [a, b] = await Promise.all([
    lab.train(fresh.id, mlp(2), { worker: 0 }).done,
    lab.train(fresh.id, { ...mlp(2), seed: 4 }, { worker: 1 }).done,
  ]);
  expect(a?.status).toBe('finished');
  expect(b?.status).toBe('finished');
  expect(b?.datasetFingerprint).toBe(fresh.id);
  await Promise.all([lab.discardRun(a.id), lab.discardRun(b.id)]);
});

test('a regression run keeps a sample of test predictions in original units', async () => {
  const run = await lab.train(
    housing,
    {
      task: 'regression',
      architecture: { type: 'linear' },
      epochs: 5,
      batchSize: 32,
      learningRate: 0.01,
      seed: 2,
    },
    { worker: 1 },
  ).done;
  // Where the compare view reads them (issue 18, point 1): the run's metrics, not the report.
  const sample = run.metrics.predictions as { actual: number[]; predicted: number[]; testRows: number };
  expect(sample.actual.length).toBe(Math.min(500, Number(run.metrics.testRows)));
  expect(sample.testRows).toBe(Number(run.metrics.testRows));
  expect(sample.predicted.length).toBe(sample.actual.length);
  expect(Math.min(...sample.actual)).toBeGreaterThanOrEqual(14_999);
  await lab.discardRun(run.id);
});
