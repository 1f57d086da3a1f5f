// Issue 18, points 13 and 14: run notes/tags/delete, runs queued beyond the worker count, and k-fold
// cross-validation through the lab, in real workers and IndexedDB.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { generateSampleCsv } from '../../src/data/index.ts';
import { createLab, type Lab, type TrainRunProgress } from '../../src/index.ts';

let lab: Lab;
let dataset: string;

beforeAll(async () => {
  lab = await createLab({ backend: 'cpu', workers: 2 });
  const sample = generateSampleCsv('classification', { rows: 300, seed: 5 });
  dataset = (await lab.loadDataset(new File([sample.csv], 'manage.csv'), { target: sample.target })).id;
});
afterAll(async () => {
  await lab?.dispose();
});

const tiny = {
  task: 'classification' as const,
  architecture: { type: 'mlp' as const, hidden: [8] },
  epochs: 2,
  batchSize: 32,
  learningRate: 0.01,
  seed: 3,
};

test('runs beyond the worker count wait as queued, then all finish', async () => {
  const phases = new Map<string, string[]>();
  const handles = Array.from({ length: 5 }, () =>
    lab.train(dataset, tiny, {
      onProgress: (p: TrainRunProgress) => {
        const seen = phases.get(p.runId) ?? [];
        if (seen.at(-1) !== p.phase) seen.push(p.phase);
        phases.set(p.runId, seen);
      },
    }),
  );
  const runs = await Promise.all(handles.map((h) => h.done));
  expect(runs.map((r) => r.status)).toEqual(new Array(5).fill('finished'));
  // Two workers: the first two start at once, the other three waited their turn.
  const queued = handles.filter((h) => phases.get(h.runId)?.[0] === 'queued');
  expect(queued.map((h) => h.runId)).toEqual(handles.slice(2).map((h) => h.runId));
  for (const h of queued) expect(phases.get(h.runId)?.at(-1)).toBe('done');
});

test('a queued run cancelled before it starts is recorded as cancelled', async () => {
  const first = lab.train(dataset, { ...tiny, epochs: 20 });
  const second = lab.train(dataset, { ...tiny, epochs: 20 });
  let queued = false;
  const third = lab.train(dataset, tiny, {
    onProgress: (p) => {
      if (p.phase === 'queued') queued = true;
    },
  });
  await expect.poll(() => queued).toBe(true);
  third.cancel();
  await expect(third.done).rejects.toMatchObject({ code: 'CANCELLED' });
  expect((await lab.runs.get(third.runId)).status).toBe('cancelled');
  first.cancel();
  second.cancel();
  await Promise.allSettled([first.done, second.done]);
});

test('notes and tags are edited; a finished run is deleted, a running one refused', async () => {
  const run = await lab.train(dataset, tiny).done;
  const noted = await lab.runs.annotate(run.id, { notes: 'first try', tags: ['baseline'] });
  expect(noted).toMatchObject({ notes: 'first try', tags: ['baseline'] });
  expect((await lab.runs.list({ tag: 'baseline' })).items.map((r) => r.id)).toEqual([run.id]);

  const long = lab.train(dataset, { ...tiny, epochs: 200 }, { worker: 0 });
  await expect.poll(async () => (await lab.runs.get(long.runId).catch(() => null))?.status).toBe('running');
  await expect(lab.runs.delete(long.runId)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  long.cancel();
  await long.done.catch(() => undefined);

  await lab.runs.delete(run.id);
  await expect(lab.runs.get(run.id)).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
  // Its trained model is freed too: it can no longer be registered.
  await expect(lab.register(run.id, { model: 'deleted-run' })).rejects.toMatchObject({
    code: 'RUN_NOT_FOUND',
  });
});

test('k-fold cross-validation: k runs, each tested on its own fold, metrics summarised', async () => {
  const cv = lab.crossValidate(dataset, tiny, { folds: 3 });
  const { runs, metrics } = await cv.done;
  expect(runs).toHaveLength(3);
  expect(runs.map((r) => r.tags.filter((t) => t.startsWith('fold:')))).toEqual([
    ['fold:1/3'],
    ['fold:2/3'],
    ['fold:3/3'],
  ]);
  expect(new Set(runs.flatMap((r) => r.tags.filter((t) => t.startsWith('cv:'))))).toEqual(
    new Set([`cv:${cv.groupId}`]),
  );
  // Each fold holds out a third of the rows; together the folds test every row once.
  const testRows = runs.map((r) => r.metrics.testRows as number);
  expect(testRows.reduce((a, b) => a + b, 0)).toBe(300);
  const accuracy = metrics.accuracy;
  expect(accuracy?.values).toEqual(runs.map((r) => r.metrics.accuracy));
  expect(accuracy?.mean).toBeCloseTo(runs.reduce((a, r) => a + (r.metrics.accuracy as number), 0) / 3, 10);
  await expect(lab.crossValidate(dataset, tiny, { folds: 1 }).done).rejects.toMatchObject({
    code: 'INVALID_ARGUMENT',
  });
});
