// Issue 17: defects of the lab half, each through the real lab (module workers, IndexedDB, tfjs wasm).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateSampleCsv } from '../../src/data/index.ts';
import { createLab, type Lab } from '../../src/index.ts';
import { createRegistry } from '../../src/registry/registry.ts';

let lab: Lab;
let penguins: string;
const suffix = Math.random().toString(36).slice(2, 8);

const mlp = (epochs: number, seed = 3) => ({
  task: 'classification' as const,
  architecture: { type: 'mlp' as const, hidden: [8] },
  epochs,
  batchSize: 32,
  learningRate: 0.01,
  seed,
});

beforeAll(async () => {
  lab = await createLab({ backend: 'wasm', workers: 2 });
  const p = generateSampleCsv('classification', { rows: 300, seed: 21 });
  penguins = (await lab.loadDataset(new File([p.csv], 'penguins.csv'), { target: p.target, worker: 0 })).id;
});
afterAll(async () => {
  await lab?.dispose();
});

/** Polls `read` until it returns `want` (the registry write of another context lands a moment later). */
async function eventually<T>(read: () => Promise<T>, want: T, tries = 50): Promise<T> {
  let last = await read();
  for (let i = 0; i < tries && last !== want; i++) {
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

describe('issue 17 through the lab', () => {
  // Issue 17, defect 3: the cancel reached the worker before the run did and was lost.
  test('cancel right after train wins, on the home worker and on a worker that must copy the dataset', async () => {
    for (const worker of [0, 1]) {
      const handle = lab.train(penguins, mlp(200), { worker });
      handle.cancel();
      await expect(handle.done).rejects.toMatchObject({ code: 'CANCELLED' });
      expect((await lab.runs.get(handle.runId)).status).toBe('cancelled');
    }
  });

  // Issue 17, defect 6: an empty test split failed the run after all epochs.
  test('an empty or zero test split is refused before a run record exists', async () => {
    const before = (await lab.runs.list({ limit: 1000 })).total;
    const zero = lab.train(penguins, mlp(2), { worker: 0, split: { test: 0 } });
    await expect(zero.done).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { part: 'test' } });
    const tiny = await lab.loadDataset(
      { text: 'x,label\n1,a\n2,a\n3,b\n4,b\n5,c\n6,a\n7,b\n', name: 'tiny.csv' },
      { target: 'label', worker: 0 },
    );
    const empty = lab.train(tiny.id, mlp(2), { worker: 0 });
    await expect(empty.done).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('test split is empty'),
    });
    expect((await lab.runs.list({ limit: 1000 })).total).toBe(before);
    await expect(lab.runs.get(empty.runId)).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
  });

  // Issue 17, defect 4: label keys passed validation, then the run failed with "no such class".
  test('classWeights keyed by class label train; an unknown label fails before a run record exists', async () => {
    const run = await lab.train(
      penguins,
      { ...mlp(2), classWeights: { Gentoo: 2, Adelie: 0.5 } },
      { worker: 0 },
    ).done;
    expect(run.status).toBe('finished');
    const bad = lab.train(penguins, { ...mlp(2), classWeights: { Emperor: 2 } }, { worker: 0 });
    await expect(bad.done).rejects.toMatchObject({ code: 'SPEC_INVALID' });
    await expect(lab.runs.get(bad.runId)).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    await lab.discardRun(run.id);
  });

  // Issue 17, defect 5: registered, diverged and loaded models stayed in the worker.
  test('a loop of train, register, promote keeps the worker tensor count flat; a diverged run is freed', async () => {
    const model = `loop-${suffix}`;
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) {
      const run = await lab.train(penguins, mlp(1, 10 + i), { worker: 0 }).done;
      const v = await lab.register(run.id, { model });
      // Registering frees the run's model in the worker; a second register says where it went.
      await expect(lab.register(run.id, { model })).rejects.toMatchObject({
        code: 'RUN_NOT_FOUND',
        message: expect.stringContaining(`already registered as ${model} v${v.version}`),
      });
      await lab.promote(model, v.version, {
        thresholds: { accuracy: { threshold: 0, greaterIsBetter: true } },
      });
      counts.push((await lab.memory(0)).numTensors);
    }
    // The first round warms up (backend state); from then on nothing accumulates.
    expect(counts.slice(1)).toEqual([counts[1], counts[1], counts[1]]);
    const h = generateSampleCsv('regression', { rows: 200, seed: 12 });
    const housing = await lab.loadDataset(
      { text: h.csv, name: 'housing.csv' },
      { target: h.target, worker: 0 },
    );
    const before = (await lab.memory(0)).numTensors;
    const diverged = lab.train(
      housing.id,
      {
        task: 'regression',
        architecture: { type: 'mlp', hidden: [8] },
        optimizer: 'sgd',
        learningRate: 1e4,
        epochs: 20,
        batchSize: 16,
      },
      { worker: 0 },
    );
    await expect(diverged.done).rejects.toMatchObject({ code: 'TRAINING_DIVERGED' });
    expect((await lab.memory(0)).numTensors).toBe(before);
    await lab.unloadModels();
  });

  // Issue 17, defect 2: the baseline was scored on rows it had trained on; the move was not conditional.
  test('promotion scores both versions afresh on rows neither trained on, and says so', async () => {
    const model = `gate-${suffix}`;
    const champion = await lab.train(penguins, mlp(3, 1), { worker: 0 }).done;
    await lab.register(champion.id, { model });
    await lab.promote(model, 1, { thresholds: { accuracy: { threshold: 0, greaterIsBetter: true } } });
    const challenger = await lab.train(penguins, mlp(3, 2), { worker: 0 }).done;
    const v2 = await lab.register(challenger.id, { model });
    const result = await lab.promote(model, v2.version, {
      thresholds: { accuracy: { threshold: 0, greaterIsBetter: true } },
    });
    expect(result.previous).toBe(1);
    expect(result.evaluation.basis).toBe('shared-holdout');
    const testRows = challenger.metrics.testRows as number;
    // Seeds 1 and 2 split differently: only the rows both held out are used.
    expect(result.evaluation.rows).toBeGreaterThan(0);
    expect(result.evaluation.rows).toBeLessThan(testRows);
    // Fresh evaluation: both reports count exactly those rows (stored metrics would count testRows).
    expect(result.candidateMetrics.count).toBe(result.evaluation.rows);
    expect(result.baselineMetrics?.count).toBe(result.evaluation.rows);
    expect(result.move).toMatchObject({ from: 1, to: 2 });
    expect(result.move?.gateReport).toMatchObject({ evaluation: { rows: result.evaluation.rows } });
    await lab.unloadModels();
  });

  // Issue 17, defect 7: a version without a pipeline gave a TypeError without a code.
  test('promote of a version without a pipeline, and register of an unknown run, fail with codes', async () => {
    const model = `bare-${suffix}`;
    const withLineage = `bare-lineage-${suffix}`;
    // A finished run on penguins: lineage the gate can re-derive held-out rows from.
    const lineageRun = await lab.train(penguins, mlp(1), { worker: 0 }).done;
    await lab.discardRun(lineageRun.id);
    const registry = await createRegistry();
    try {
      const tf = await import('@tensorflow/tfjs');
      const bare = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
      await registry.saveModel(model, bare, {});
      await registry.saveModel(withLineage, bare, {
        runId: lineageRun.id,
        datasetFingerprint: penguins,
      });
      bare.dispose();
    } finally {
      await registry.close();
    }
    const thresholds = { accuracy: { threshold: 0 } };
    await expect(lab.promote(model, 1, { thresholds })).rejects.toMatchObject({ code: 'DATASET_NOT_FOUND' });
    // With lineage the gate reaches the model, whose missing pipeline is a coded error, not a TypeError.
    await expect(lab.promote(withLineage, 1, { thresholds })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('has no fitted pipeline'),
    });
    await expect(lab.register('no-such-run', { model })).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
  });

  // Issue 17, defect 1: the ingest missing-value list travels in the pipeline to predict.
  test('a model trained with missingValues ["-"] predicts "NA" as a category and imputes "-"', async () => {
    const lines = ['region,size,label'];
    for (let i = 0; i < 120; i++) {
      const region = ['NA', 'EU', 'AS'][i % 3] as string;
      lines.push(
        `${region},${i % 7 === 0 ? '-' : (i % 10) + (region === 'NA' ? 10 : 0)},${region === 'NA' ? 'x' : 'y'}`,
      );
    }
    const ds = await lab.loadDataset(
      { text: lines.join('\n'), name: 'regions.csv' },
      {
        target: 'label',
        missingValues: ['-'],
        worker: 0,
      },
    );
    const run = await lab.train(ds.id, mlp(20), { worker: 0 }).done;
    const model = `skew-${suffix}`;
    const v = await lab.register(run.id, { model });
    expect((v.pipeline as { missingValues?: string[] }).missingValues).toEqual(['-']);
    expect((v.pipeline as { featureNames: string[] }).featureNames).toEqual([
      'region=AS',
      'region=EU',
      'region=NA',
      'size',
    ]);
    const predictions = await lab.predict(model, v.version, [
      { region: 'NA', size: '-' },
      { region: 'EU', size: 3 },
    ]);
    expect(predictions.map((p) => ('label' in p ? p.label : null))).toEqual(['x', 'y']);
    await lab.unloadModels();
  });
});

// Issue 17, defect 8: a worker that dies on its own (no error event) left its run `running`.
test('a worker that closes itself mid-run is found by the liveness check; its run is interrupted; the slot restarts', async () => {
  const dying = await createLab({
    backend: 'wasm',
    workers: 1,
    heartbeat: { intervalMs: 100, timeoutMs: 1500 },
    createWorker: () =>
      new Worker(new URL('./fixtures/dying-lab.worker.ts', import.meta.url), { type: 'module' }),
  });
  try {
    const p = generateSampleCsv('classification', { rows: 200, seed: 5 });
    const ds = await dying.loadDataset({ text: p.csv, name: 'p.csv' }, { target: p.target });
    const handle = dying.train(ds.id, mlp(50));
    await expect(handle.done).rejects.toMatchObject({ code: 'WORKER_CRASHED' });
    expect(await eventually(async () => (await dying.runs.get(handle.runId)).status, 'interrupted')).toBe(
      'interrupted',
    );
    // The next call starts a fresh worker.
    expect((await dying.runtime()).backend).toBe('wasm');
  } finally {
    await dying.dispose();
  }
});
