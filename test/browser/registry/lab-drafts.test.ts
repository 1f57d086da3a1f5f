// Issue 16, points 5 and 7: a finished run survives a reload as a draft (registered from a new lab,
// it scores exactly what the trained model scored), failed runs leave no draft, the budget prunes
// drafts and their chunks, and the export is built in a lab worker. Real workers, IndexedDB, tfjs.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { generateSampleCsv } from '../../../src/data/index.ts';
import { createLab, type Lab } from '../../../src/index.ts';
import type { ModelDraft } from '../../../src/registry/types.ts';
import { codeOf } from '../../helpers/error-code.ts';

const suffix = Math.random().toString(36).slice(2, 8);
const csv = generateSampleCsv('classification', { rows: 400, seed: 21 });
const spec = (seed: number, epochs = 8) => ({
  task: 'classification' as const,
  architecture: { type: 'mlp' as const, hidden: [12] },
  epochs,
  batchSize: 32,
  learningRate: 0.01,
  seed,
});

let lab: Lab;
let dataset: string;
beforeAll(async () => {
  lab = await createLab({ backend: 'wasm', workers: 1 });
  dataset = (await lab.loadDataset(new File([csv.csv], 'drafts.csv'), { target: csv.target })).id;
});
afterAll(async () => {
  await lab?.dispose();
});

/** Whether every chunk of the draft is still stored. */
async function chunksStored(l: Lab, draft: ModelDraft): Promise<boolean[]> {
  const read = await l.registry.store.readChunks(draft.version.weights.chunks);
  // Array.from: a missing chunk may be a hole in the array, which `map` would skip.
  return Array.from(read, (data) => data !== undefined);
}

test('a run trained before a reload registers from a new lab and scores exactly what the trained model scored', async () => {
  const run = await lab.train(dataset, spec(1)).done;
  expect(run.status).toBe('finished');
  const draft = await lab.registry.getDraft(run.id);
  expect(draft?.version.runId).toBe(run.id);
  expect(draft?.version.datasetFingerprint).toBe(dataset);
  expect((await lab.registry.storage()).drafts?.count).toBeGreaterThanOrEqual(1);
  await lab.dispose();

  // A new lab, as after a reload: its worker never saw the run.
  lab = await createLab({ backend: 'wasm', workers: 1 });
  dataset = (await lab.loadDataset(new File([csv.csv], 'drafts.csv'), { target: csv.target })).id;
  const model = `drafted-${suffix}`;
  const v = await lab.register(run.id, { model, tags: ['after-reload'] });
  expect(v.runId).toBe(run.id);
  expect(v.tags).toEqual(['after-reload']);
  expect(v.weights.sha256).toBe(draft?.version.weights.sha256);
  expect(v.metrics.accuracy).toBe(run.metrics.accuracy);
  expect(await lab.registry.getDraft(run.id)).toBeUndefined();
  expect(await codeOf(lab.register(run.id, { model }))).toBe('RUN_NOT_FOUND');

  // The gate re-evaluates the version fresh on the run's own test rows (no baseline yet): the
  // registered weights predict what the trained model predicted when the run was scored.
  const promoted = await lab.promote(model, v.version, {
    thresholds: { accuracy: { threshold: 0, greaterIsBetter: true } },
  });
  expect(promoted.evaluation.rows).toBe(run.metrics.testRows);
  expect((promoted.candidateMetrics as { accuracy?: number }).accuracy).toBeCloseTo(
    run.metrics.accuracy as number,
    10,
  );
  expect((promoted.candidateMetrics as { logLoss?: number }).logLoss).toBeCloseTo(
    run.metrics.log_loss as number,
    6,
  );
});

test('failed and cancelled runs leave no draft; discarding a run deletes its draft and the chunks only it used', async () => {
  // The divergent setup of lab-training.test.ts: sgd at 1e4 on the regression sample.
  const housing = generateSampleCsv('regression', { rows: 300, seed: 12 });
  const housingId = (await lab.loadDataset(new File([housing.csv], 'h.csv'), { target: housing.target })).id;
  const failed = lab.train(housingId, {
    task: 'regression',
    architecture: { type: 'mlp', hidden: [8] },
    optimizer: 'sgd',
    learningRate: 1e4,
    epochs: 20,
    batchSize: 16,
  });
  expect(await codeOf(failed.done)).toBe('TRAINING_DIVERGED');
  expect((await lab.runs.get(failed.runId)).status).toBe('failed');
  expect(await lab.registry.getDraft(failed.runId)).toBeUndefined();
  const cancelled = lab.train(dataset, spec(3, 500), {
    onProgress: (p) => {
      if (p.phase === 'training') cancelled.cancel();
    },
  });
  expect(await codeOf(cancelled.done)).toBe('CANCELLED');
  expect(await lab.registry.getDraft(cancelled.runId)).toBeUndefined();

  const kept = await lab.train(dataset, spec(4)).done;
  const draft = (await lab.registry.getDraft(kept.id)) as ModelDraft;
  expect(await chunksStored(lab, draft)).toEqual(draft.version.weights.chunks.map(() => true));
  expect(await lab.discardRun(kept.id)).toBe(true);
  expect(await lab.registry.getDraft(kept.id)).toBeUndefined();
  expect(await chunksStored(lab, draft)).toEqual(draft.version.weights.chunks.map(() => false));
  expect(await codeOf(lab.register(kept.id, { model: `discarded-${suffix}` }))).toBe('RUN_NOT_FOUND');
});

test('the draft budget prunes older drafts and their chunks; the newest is kept', async () => {
  const small = await createLab({ backend: 'wasm', workers: 1, draftBudgetBytes: 0 });
  try {
    const id = (await small.loadDataset(new File([csv.csv], 'budget.csv'), { target: csv.target })).id;
    const first = await small.train(id, spec(5)).done;
    const firstDraft = (await small.registry.getDraft(first.id)) as ModelDraft;
    expect(firstDraft.runId).toBe(first.id);
    const second = await small.train(id, spec(6)).done;
    // Budget 0: finishing the second run pruned the first's draft (every older one, in fact).
    expect(await small.registry.getDraft(first.id)).toBeUndefined();
    expect(await chunksStored(small, firstDraft)).toEqual(firstDraft.version.weights.chunks.map(() => false));
    expect((await small.registry.getDraft(second.id))?.runId).toBe(second.id);
    // The first run's model still waits in its worker: it registers from there.
    const v = await small.register(first.id, { model: `budget-${suffix}` });
    expect(v.runId).toBe(first.id);
    await small.discardRun(second.id);
  } finally {
    await small.dispose();
  }
});

test('lab.exportVersion builds the .zip in a worker; it imports back with the same weights', async () => {
  const run = await lab.train(dataset, spec(7)).done;
  const model = `exported-${suffix}`;
  const v = await lab.register(run.id, { model });
  const zip = await lab.exportVersion(model, v.version);
  expect(zip).toBeInstanceOf(Blob);
  expect(zip.type).toBe('application/zip');
  const imported = await lab.registry.importVersionZip(new Uint8Array(await zip.arrayBuffer()), {
    model: `${model}-copy`,
  });
  expect(imported.weights.sha256).toBe(v.weights.sha256);
  expect(imported.pipeline).toEqual(v.pipeline);
  expect(await codeOf(lab.exportVersion(model, 99))).toBe('VERSION_NOT_FOUND');
});

test('a finished run can be tried before it is registered: predictRun from its draft, also from a new lab, predicts what its version will', async () => {
  const run = await lab.train(dataset, spec(4, 4)).done;
  const preview = await lab.previewDataset(dataset, 5);
  const target = csv.target;
  const rows = preview.rows.map((row) =>
    Object.fromEntries(Object.entries(row).filter(([k]) => k !== target)),
  );
  const tried = await lab.predictRun(run.id, rows);
  expect(tried).toHaveLength(5);
  for (const p of tried) {
    if (!('probabilities' in p))
      throw new Error(`a classification prediction has probabilities: ${JSON.stringify(p)}`);
    const sum = Object.values(p.probabilities).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 5);
    expect(Object.keys(p.probabilities)).toContain(p.label);
  }
  // Another lab (as after a reload) reads the same draft and gets the same predictions.
  const other = await createLab({ backend: 'wasm', workers: 1 });
  try {
    expect(await other.predictRun(run.id, rows)).toEqual(tried);
  } finally {
    await other.dispose();
  }
  // Registered, the version predicts the same rows alike; the run has no draft any more.
  const model = `tried-${suffix}`;
  const v = await lab.register(run.id, { model });
  const byVersion = await lab.predict(model, v.version, rows);
  byVersion.forEach((p, i) => {
    const q = tried[i];
    if (!('probabilities' in p) || !q || !('probabilities' in q)) throw new Error('classification expected');
    expect(p.label).toBe(q.label);
    for (const [label, probability] of Object.entries(p.probabilities))
      expect(probability).toBeCloseTo(q.probabilities[label] as number, 5);
  });
  const gone = await lab
    .predictRun(run.id, rows)
    .catch((e: unknown) => e as { code?: string; message?: string });
  expect((gone as { code?: string }).code).toBe('RUN_NOT_FOUND');
  expect((gone as { message?: string }).message).toContain('predict its version instead');
});
