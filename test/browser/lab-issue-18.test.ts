// Issue 18, points 1–3 through the real lab (module workers, IndexedDB, tfjs wasm): a regression run
// stores a bounded sample of its test predictions where run readers find it, its live progress
// reports MAE in the target's units and names the loss, and the last progress event names the last
// epoch.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runCurve, runMetric, runPredictions } from '../../demo/compare/run-fields.ts';
import { createLab, type Lab, type TrainRunProgress } from '../../src/index.ts';
import cars from '../fixtures/data/regression-missing.csv?raw';

let lab: Lab;
let datasetId: string;

beforeAll(async () => {
  lab = await createLab({ backend: 'wasm', workers: 1 });
  const summary = await lab.loadDataset(new File([cars], 'regression-missing.csv'), {
    target: 'mpg',
    rowPolicy: 'impute',
  });
  datasetId = summary.id;
});
afterAll(async () => {
  await lab?.dispose();
});

test('a regression run keeps its test predictions, reports MAE in target units and ends on its last epoch', async () => {
  const epochs = 12;
  const progress: TrainRunProgress[] = [];
  const handle = lab.train(
    datasetId,
    {
      task: 'regression',
      architecture: { type: 'mlp', hidden: [16] },
      epochs,
      batchSize: 16,
      learningRate: 0.01,
      seed: 7,
    },
    { onProgress: (p) => progress.push(p) },
  );
  const run = await handle.done;

  // Point 1: the sample is stored where `lab.runs` readers (the compare view) look for it.
  const predictions = runPredictions(run);
  const testRows = run.metrics.testRows as number;
  expect(testRows).toBeGreaterThan(20);
  expect(predictions?.actual).toHaveLength(Math.min(testRows, 500));
  expect(predictions?.predicted).toHaveLength(Math.min(testRows, 500));
  for (const value of [...(predictions?.actual ?? []), ...(predictions?.predicted ?? [])]) {
    expect(Number.isFinite(value)).toBe(true);
  }
  // Actual values are mpg (about 9 to 45), not the standardised target.
  expect(Math.max(...(predictions?.actual ?? [0]))).toBeGreaterThan(20);
  // The sample's MAE is the run's test MAE (every test row is in it here).
  const sampleMae =
    (predictions?.actual ?? []).reduce(
      (sum, a, i) => sum + Math.abs(a - (predictions?.predicted[i] ?? 0)),
      0,
    ) / testRows;
  expect(sampleMae).toBeCloseTo(runMetric(run, 'mae') ?? Number.NaN, 3);

  // Point 3: the last training event names the last epoch's end, whatever the throttle dropped.
  const training = progress.filter((p) => p.phase === 'training');
  const last = training[training.length - 1];
  expect(last?.epoch).toBe(epochs - 1);
  expect(last?.batch).toBe((last?.batchesPerEpoch ?? 0) - 1);
  expect(runCurve(run).epochs).toHaveLength(epochs);
  expect(progress[progress.length - 1]?.phase).toBe('done');

  // Point 2: live MAE in mpg, equal to the stored history's, and the loss named with its scale.
  const history = run.history[epochs - 1] as unknown as { metrics: { mae: number }; loss: number };
  expect(last?.metrics?.mae).toBeCloseTo(history.metrics.mae, 6);
  expect(last?.lossName).toBe('meanSquaredError');
  expect(last?.targetScale).toBeGreaterThan(3);
  // Training MAE in mpg is of the order of the test MAE (in standardised units it was ~7× smaller).
  const testMae = runMetric(run, 'mae') ?? Number.NaN;
  expect(history.metrics.mae).toBeGreaterThan(testMae / 3);
  expect(history.metrics.mae).toBeLessThan(testMae * 3);
});
