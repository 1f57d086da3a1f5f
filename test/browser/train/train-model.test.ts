import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { activateBackend } from '../../../src/runtime/backends.ts';
import { buildModel } from '../../../src/train/build-model.ts';
import { parseModelSpec } from '../../../src/train/spec.ts';
import { trainModel } from '../../../src/train/train-model.ts';
import type { TrainProgress } from '../../../src/train/types.ts';
import {
  accuracyOf,
  blobs,
  expectNoLeak,
  halves,
  linearTargets,
  maxDifference,
  rSquaredOf,
  weightValues,
} from './fixtures.ts';

beforeAll(async () => {
  await activateBackend('cpu');
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('trainModel on cpu', () => {
  test('a separable 3-class problem trains above 95 % held-out accuracy, with history and progress', async () => {
    await expectNoLeak(async () => {
      const train = blobs(600, 4, 3, 1);
      const validation = blobs(150, 4, 3, 2);
      const test = blobs(300, 4, 3, 3);
      const spec = parseModelSpec({
        task: 'classification',
        architecture: { type: 'mlp', hidden: [16] },
        learningRate: 0.01,
        epochs: 15,
        batchSize: 32,
        seed: 5,
      });
      const model = buildModel(spec, { featureCount: 4, classCount: 3 });
      const progress: TrainProgress[] = [];
      const result = await trainModel({
        model,
        spec,
        train,
        validation,
        onProgress: (p) => progress.push(p),
      });
      expect(await accuracyOf(model, test, 3)).toBeGreaterThan(0.95);
      expect(result.history).toHaveLength(15);
      expect(result.stoppedEarly).toBe(false);
      expect(result.backend).toBe('cpu');
      const last = result.history[14];
      expect(last?.valLoss).toBeLessThan(result.history[0]?.valLoss ?? 0);
      expect(last?.valMetrics?.accuracy).toBeGreaterThan(0.95);
      expect(last?.metrics.accuracy).toBeGreaterThan(0.95);
      expect(result.bestEpoch).toBeGreaterThanOrEqual(0);
      expect(result.samplesPerSecond).toBeGreaterThan(0);
      expect(Object.keys(result.timings).sort()).toEqual([
        'readbackMs',
        'setupMs',
        'totalMs',
        'trainMs',
        'validationMs',
      ]);
      // Progress: at least the first report, well-formed, throttled to one per 100 ms.
      expect(progress.length).toBeGreaterThan(0);
      const first = progress[0] as TrainProgress;
      expect(first).toMatchObject({
        epoch: 0,
        epochs: 15,
        batchesPerEpoch: 19,
        backend: 'cpu',
        learningRate: 0.01,
      });
      expect(Number.isFinite(first.loss) && Number.isFinite(first.metrics.accuracy ?? Number.NaN)).toBe(true);
      expect(first.samplesPerSecond).toBeGreaterThan(0);
      expect(first.etaMs).toBeGreaterThanOrEqual(0);
      model.dispose();
    });
  });

  // Issue 18, point 3: an epoch's end is always reported (the last report of each epoch); only the
  // reports within an epoch are throttled.
  test('progress reports within an epoch are at least progressIntervalMs apart', async () => {
    await expectNoLeak(async () => {
      const train = blobs(2000, 4, 3, 1);
      const spec = parseModelSpec({
        task: 'classification',
        architecture: { type: 'mlp', hidden: [32, 32] },
        epochs: 4,
        batchSize: 8,
      });
      const model = buildModel(spec, { featureCount: 4, classCount: 3 });
      const reports: Array<{ at: number; epoch: number }> = [];
      // Each report is stamped with the clock reading the throttle itself made just before calling
      // back (the last performance.now() before the callback): a reading taken inside the callback
      // can come late by a GC pause or a preemption, which made a 50 ms gap measure 48.9 ms in CI.
      const realNow = performance.now.bind(performance);
      let lastReading = 0;
      const clock = vi.spyOn(performance, 'now').mockImplementation(() => {
        lastReading = realNow();
        return lastReading;
      });
      try {
        await trainModel({
          model,
          spec,
          train,
          onProgress: (p) => reports.push({ at: lastReading, epoch: p.epoch }),
          progressIntervalMs: 50,
        });
      } finally {
        clock.mockRestore();
      }
      const epochEnd = (i: number): boolean => reports[i + 1]?.epoch !== reports[i]?.epoch;
      expect(reports.filter((_, i) => epochEnd(i)).map((r) => r.epoch)).toEqual([0, 1, 2, 3]);
      expect(reports.length).toBeGreaterThan(4);
      for (let i = 1; i < reports.length; i++) {
        if (epochEnd(i)) continue;
        expect((reports[i]?.at ?? 0) - (reports[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(50);
      }
      model.dispose();
    });
  });

  test('never reads back synchronously (no dataSync/arraySync) while training', async () => {
    await expectNoLeak(async () => {
      const dataSync = vi.spyOn(tf.Tensor.prototype, 'dataSync');
      const arraySync = vi.spyOn(tf.Tensor.prototype, 'arraySync');
      const train = blobs(256, 4, 3, 1);
      const spec = parseModelSpec({
        task: 'classification',
        architecture: { type: 'mlp', hidden: [8], dropout: 0.2, batchNorm: true },
        epochs: 3,
        batchSize: 16,
        earlyStopping: { monitor: 'val_accuracy', patience: 1 },
        classWeights: 'balanced',
      });
      const model = buildModel(spec, { featureCount: 4, classCount: 3 });
      await trainModel({
        model,
        spec,
        train,
        validation: blobs(64, 4, 3, 9),
        onProgress: () => {},
        progressIntervalMs: 0,
      });
      expect(dataSync).not.toHaveBeenCalled();
      expect(arraySync).not.toHaveBeenCalled();
      model.dispose();
    });
  });

  test('a linear regressor reaches R² above 0.95 on held-out rows, reporting MAE', async () => {
    await expectNoLeak(async () => {
      const spec = parseModelSpec({
        task: 'regression',
        architecture: { type: 'linear' },
        learningRate: 0.05,
        epochs: 25,
        batchSize: 32,
        schedule: { type: 'step', factor: 0.5, everyEpochs: 10 },
      });
      const model = buildModel(spec, { featureCount: 3, classCount: 0 });
      const result = await trainModel({
        model,
        spec,
        train: linearTargets(500, 1),
        validation: linearTargets(100, 2),
      });
      expect(await rSquaredOf(model, linearTargets(300, 3))).toBeGreaterThan(0.95);
      expect(result.history[24]?.valMetrics?.mae).toBeLessThan(0.5);
      expect(result.history.map((h) => h.learningRate).filter((v, i, all) => all.indexOf(v) === i)).toEqual([
        0.05, 0.025, 0.0125,
      ]);
      model.dispose();
    });
  });

  test.each(['adam', 'sgd', 'rmsprop'] as const)(
    'the schedule reaches the %s optimizer',
    async (optimizer) => {
      await expectNoLeak(async () => {
        // Exponential decay by 1e-7: epoch 1 trains at a learning rate of ~1e-8, so a second epoch
        // barely moves the weights — unless the optimizer ignored the new rate.
        const spec = parseModelSpec({
          task: 'classification',
          architecture: { type: 'mlp', hidden: [8] },
          optimizer,
          learningRate: 0.1,
          schedule: { type: 'exponential', rate: 1e-7 },
          epochs: 2,
          batchSize: 16,
        });
        const train = blobs(128, 4, 3, 1);
        const once = buildModel(spec, { featureCount: 4, classCount: 3 });
        await trainModel({ model: once, spec: { ...spec, epochs: 1 }, train });
        const twice = buildModel(spec, { featureCount: 4, classCount: 3 });
        const result = await trainModel({ model: twice, spec, train });
        expect(result.history[1]?.learningRate).toBeCloseTo(1e-8, 12);
        const moved = maxDifference(await weightValues(once), await weightValues(twice));
        expect(moved).toBeLessThan(1e-5);
        once.dispose();
        twice.dispose();
      });
    },
  );

  test('an MLP with batch norm, dropout, sgd+momentum and one-hot labels trains', async () => {
    await expectNoLeak(async () => {
      const train = blobs(300, 4, 3, 4);
      const oneHot = new Float32Array(300 * 3);
      train.y.forEach((label, i) => {
        oneHot[i * 3 + label] = 1;
      });
      const spec = parseModelSpec({
        task: 'classification',
        architecture: { type: 'mlp', hidden: [16, 8], dropout: 0.1, batchNorm: true, activation: 'tanh' },
        optimizer: { type: 'sgd', momentum: 0.9, nesterov: true },
        learningRate: 0.05,
        epochs: 10,
        batchSize: 32,
      });
      const model = buildModel(spec, { featureCount: 4, classCount: 3 });
      const movingMean = model.getLayer('bn_1').getWeights()[2];
      const meanBefore = Array.from((await movingMean?.data()) ?? []);
      await trainModel({ model, spec, train: { ...train, y: oneHot } });
      const meanAfter = Array.from((await model.getLayer('bn_1').getWeights()[2]?.data()) ?? []);
      // Training mode reached the batch-norm layer: its moving mean moved off zero.
      expect(meanAfter).not.toEqual(meanBefore);
      expect(await accuracyOf(model, blobs(150, 4, 3, 5), 3)).toBeGreaterThan(0.9);
      model.dispose();
    });
  });

  test('a small cnn trains on 8×8 images', async () => {
    await expectNoLeak(async () => {
      const spec = parseModelSpec({
        task: 'classification',
        architecture: {
          type: 'cnn',
          inputShape: [8, 8, 1],
          blocks: [{ filters: 4 }, { filters: 4 }],
          dense: [8],
        },
        learningRate: 0.01,
        epochs: 4,
        batchSize: 16,
      });
      const model = buildModel(spec, { featureCount: 64, classCount: 2 });
      await trainModel({ model, spec, train: halves(128, 1) });
      expect(await accuracyOf(model, halves(64, 2), 2)).toBeGreaterThan(0.9);
      model.dispose();
    });
  });
});
