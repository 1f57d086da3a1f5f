// Issue 16, point 12, through the lab: a spec with only its task and a linear architecture gets the
// defaults that fit the training split (learning rate by architecture, epochs for 500 steps), the
// run stores them, and the model learns (it stayed at 0.55 training accuracy with Adam 1e-3).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createLab, type Lab } from '../../src/index.ts';
import { flowersCsv } from '../fixtures/data/classic-tables.ts';

let lab: Lab;

beforeAll(async () => {
  lab = await createLab({ backend: 'wasm', workers: 1 });
});
afterAll(async () => {
  await lab?.dispose();
});

test('lab.train resolves the default spec with the training split size and the model learns', async () => {
  const ds = await lab.loadDataset(new File([flowersCsv()], 'flowers.csv'), { target: 'species' });
  const run = await lab.train(ds.id, { task: 'classification', architecture: { type: 'linear' } }).done;
  expect(run.status).toBe('finished');
  const spec = run.spec as unknown as { learningRate: number; epochs: number; batchSize: number };
  // The lab's default split keeps 102 of 150 rows for training: 4 batches of 32, 125 epochs = 500 steps.
  expect(spec).toMatchObject({ learningRate: 0.05, epochs: 125, batchSize: 32 });
  expect(run.history).toHaveLength(125);
  // Logistic regression reaches 0.99 on these training rows and 0.92 on the 24 test rows
  // (test/browser/train/default-spec.test.ts); the run is scored on its test rows.
  expect(run.metrics.accuracy).toBeGreaterThanOrEqual(0.875);
  const last = run.history.at(-1) as { metrics: { accuracy: number } } | undefined;
  expect(last?.metrics.accuracy).toBeGreaterThan(0.95);
});
