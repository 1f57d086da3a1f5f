import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { isEdgeflowError } from '../../../src/errors.ts';
import { activateBackend } from '../../../src/runtime/backends.ts';
import { buildModel } from '../../../src/train/build-model.ts';
import { parseModelSpec } from '../../../src/train/spec.ts';
import { trainModel } from '../../../src/train/train-model.ts';
import type { TrainProgress } from '../../../src/train/types.ts';
import {
  blobs,
  expectNoLeak,
  imbalanced,
  linearTargets,
  maxDifference,
  recallOf,
  rejectionOf,
  weightValues,
} from './fixtures.ts';

beforeAll(async () => {
  await activateBackend('cpu');
});

const classifier = parseModelSpec({
  task: 'classification',
  architecture: { type: 'mlp', hidden: [16] },
  epochs: 50,
  batchSize: 8,
});

describe('cancel', () => {
  test('an already-aborted signal cancels before any batch', async () => {
    await expectNoLeak(async () => {
      const model = buildModel(classifier, { featureCount: 4, classCount: 3 });
      const controller = new AbortController();
      controller.abort(new Error('user pressed stop'));
      const error = await rejectionOf(
        trainModel({ model, spec: classifier, train: blobs(64, 4, 3, 1), signal: controller.signal }),
      );
      expect(isEdgeflowError(error, 'CANCELLED')).toBe(true);
      expect((error as { details: Record<string, unknown> }).details).toMatchObject({
        batchesRun: 0,
        reason: 'user pressed stop',
      });
      model.dispose();
    });
  });

  test('aborting from a progress callback stops before the next batch', async () => {
    await expectNoLeak(async () => {
      const model = buildModel(classifier, { featureCount: 4, classCount: 3 });
      const controller = new AbortController();
      const seen: TrainProgress[] = [];
      const error = await rejectionOf(
        trainModel({
          model,
          spec: classifier,
          train: blobs(256, 4, 3, 1),
          signal: controller.signal,
          progressIntervalMs: 0,
          onProgress: (p) => {
            seen.push(p);
            if (seen.length === 5) controller.abort();
          },
        }),
      );
      expect(isEdgeflowError(error, 'CANCELLED')).toBe(true);
      const details = (error as { details: { batchesRun: number } }).details;
      const last = seen[4] as TrainProgress;
      const batchesAtAbort = last.epoch * last.batchesPerEpoch + last.batch + 1;
      // The abort landed while batch `batchesAtAbort` was done: at most one more batch ran.
      expect(details.batchesRun - batchesAtAbort).toBeLessThanOrEqual(1);
      expect(seen).toHaveLength(5);
      model.dispose();
    });
  });

  test('an abort from another task (a timer) is seen between batches', async () => {
    await expectNoLeak(async () => {
      const model = buildModel(classifier, { featureCount: 4, classCount: 3 });
      const controller = new AbortController();
      let epochsDone = 0;
      const timer = setTimeout(() => controller.abort(), 150);
      const error = await rejectionOf(
        trainModel({
          model,
          spec: { ...classifier, epochs: 10_000 },
          train: blobs(512, 4, 3, 1),
          signal: controller.signal,
          onEpochEnd: () => {
            epochsDone++;
          },
        }),
      );
      clearTimeout(timer);
      expect(isEdgeflowError(error, 'CANCELLED')).toBe(true);
      expect(epochsDone).toBeLessThan(10_000);
      model.dispose();
    });
  });
});

describe('divergence', () => {
  test('a huge learning rate fails with TRAINING_DIVERGED and leaves the last finite weights', async () => {
    await expectNoLeak(async () => {
      const spec = parseModelSpec({
        task: 'regression',
        architecture: { type: 'mlp', hidden: [8] },
        optimizer: 'sgd',
        learningRate: 1e4,
        epochs: 20,
        batchSize: 16,
      });
      const model = buildModel(spec, { featureCount: 3, classCount: 0 });
      const error = await rejectionOf(
        trainModel({ model, spec, train: linearTargets(256, 1, 100), progressIntervalMs: 0 }),
      );
      expect(isEdgeflowError(error, 'TRAINING_DIVERGED')).toBe(true);
      const details = (error as { details: { loss: string; learningRate: number } }).details;
      expect(['NaN', 'Infinity', '-Infinity']).toContain(details.loss);
      expect(details.learningRate).toBe(1e4);
      const weights = await weightValues(model);
      expect(weights.every((w) => w.every(Number.isFinite))).toBe(true);
      model.dispose();
    });
  });

  test('divergence is caught at the epoch end when no mid-epoch readback ran', async () => {
    await expectNoLeak(async () => {
      const spec = parseModelSpec({
        task: 'regression',
        architecture: { type: 'linear' },
        optimizer: 'sgd',
        learningRate: 1e6,
        epochs: 3,
        batchSize: 4,
      });
      const model = buildModel(spec, { featureCount: 3, classCount: 0 });
      const initial = await weightValues(model);
      const error = await rejectionOf(
        trainModel({ model, spec, train: linearTargets(256, 1, 100), progressIntervalMs: 60_000 }),
      );
      expect(isEdgeflowError(error, 'TRAINING_DIVERGED')).toBe(true);
      // The only finite checkpoint was the first batch's starting point: the initial weights.
      expect(maxDifference(await weightValues(model), initial)).toBe(0);
      model.dispose();
    });
  });
});

describe('class weights', () => {
  test("'balanced' and explicit weights raise the minority class's recall", async () => {
    await expectNoLeak(async () => {
      const train = imbalanced(1000, 1);
      const test = imbalanced(1000, 2);
      const recall = async (classWeights?: 'balanced' | Record<string, number>): Promise<number> => {
        const spec = parseModelSpec({
          task: 'classification',
          architecture: { type: 'linear' },
          learningRate: 0.05,
          epochs: 15,
          batchSize: 32,
          ...(classWeights ? { classWeights } : {}),
        });
        const model = buildModel(spec, { featureCount: 1, classCount: 2 });
        await trainModel({ model, spec, train });
        const r = await recallOf(model, test, 2, 1);
        model.dispose();
        return r;
      };
      const plain = await recall();
      const balanced = await recall('balanced');
      const explicit = await recall({ '1': 9 });
      expect(balanced).toBeGreaterThan(plain + 0.3);
      expect(explicit).toBeGreaterThan(plain + 0.3);
    });
  });
});

describe('early stopping', () => {
  test('stops after `patience` epochs without improvement and restores the best epoch’s weights', async () => {
    await expectNoLeak(async () => {
      const train = blobs(200, 4, 3, 1);
      const validation = blobs(60, 4, 3, 2);
      const spec = parseModelSpec({
        task: 'classification',
        architecture: { type: 'mlp', hidden: [8] },
        epochs: 20,
        batchSize: 16,
        learningRate: 0.01,
        // No later epoch can beat the first by 10: it stays the best.
        earlyStopping: { monitor: 'val_loss', patience: 2, minDelta: 10 },
      });
      const model = buildModel(spec, { featureCount: 4, classCount: 3 });
      const result = await trainModel({ model, spec, train, validation });
      expect(result.stoppedEarly).toBe(true);
      expect(result.history).toHaveLength(3);
      expect(result.bestEpoch).toBe(0);
      expect(result.restoredBestWeights).toBe(true);
      // Same seed, same data, one epoch: the weights the early-stopped model was given back.
      const once = buildModel(spec, { featureCount: 4, classCount: 3 });
      await trainModel({ model: once, spec: { ...spec, epochs: 1, earlyStopping: undefined }, train });
      expect(maxDifference(await weightValues(model), await weightValues(once))).toBe(0);
      model.dispose();
      once.dispose();
    });
  });

  test('a val_* monitor without a validation split is INVALID_ARGUMENT', async () => {
    await expectNoLeak(async () => {
      const spec = parseModelSpec({ ...classifier, earlyStopping: { monitor: 'val_accuracy' } });
      const model = buildModel(spec, { featureCount: 4, classCount: 3 });
      const error = await rejectionOf(trainModel({ model, spec, train: blobs(32, 4, 3, 1) }));
      expect(isEdgeflowError(error, 'INVALID_ARGUMENT')).toBe(true);
      model.dispose();
    });
  });
});

describe('bad input', () => {
  test('rows that do not match the model or hold NaN are INVALID_ARGUMENT naming the row', async () => {
    await expectNoLeak(async () => {
      const model = buildModel(classifier, { featureCount: 4, classCount: 3 });
      const good = blobs(16, 4, 3, 1);
      const short = await rejectionOf(
        trainModel({ model, spec: classifier, train: { ...good, x: good.x.subarray(0, 60) } }),
      );
      expect(isEdgeflowError(short, 'INVALID_ARGUMENT')).toBe(true);
      const x = good.x.slice();
      x[4 * 5 + 2] = Number.NaN;
      const nan = await rejectionOf(trainModel({ model, spec: classifier, train: { ...good, x } }));
      expect(isEdgeflowError(nan, 'INVALID_ARGUMENT')).toBe(true);
      expect((nan as { details: Record<string, unknown> }).details).toMatchObject({ row: 5, column: 2 });
      const y = good.y.slice();
      y[3] = 7;
      const label = await rejectionOf(trainModel({ model, spec: classifier, train: { ...good, y } }));
      expect(isEdgeflowError(label, 'INVALID_ARGUMENT')).toBe(true);
      model.dispose();
    });
  });

  test('a classification spec on a regression-built model is INVALID_ARGUMENT', async () => {
    await expectNoLeak(async () => {
      const regression = parseModelSpec({ task: 'regression', architecture: { type: 'linear' } });
      const model = buildModel(regression, { featureCount: 4, classCount: 0 });
      const error = await rejectionOf(trainModel({ model, spec: classifier, train: blobs(16, 4, 3, 1) }));
      expect(isEdgeflowError(error, 'INVALID_ARGUMENT')).toBe(true);
      model.dispose();
      expect(tf.getBackend()).toBe('cpu');
    });
  });
});
