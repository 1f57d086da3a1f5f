// Issue 17 ("Measured: mutation score"): the training loop pinned down on tiny models and a handful
// of rows, so each check is exact and the whole file runs in seconds. Losses are compared with
// values computed from the model's own predictions; event sequences, epoch counts and error
// details are compared whole.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { isEdgeflowError } from '../../../src/errors.ts';
import { createPrng, shuffledIndices } from '../../../src/runtime/seed.ts';
import type { ModelSpecInput } from '../../../src/schemas/model-spec.ts';
import { buildModel } from '../../../src/train/build-model.ts';
import { parseModelSpec } from '../../../src/train/spec.ts';
import { trainModel } from '../../../src/train/train-model.ts';
import type { EpochRecord, TrainProgress, TrainSplit } from '../../../src/train/types.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** Runs `body` and asserts it leaves `tf.memory().numTensors` where it found it. */
async function noLeak<T>(body: () => Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await body();
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

async function rejection(
  promise: Promise<unknown>,
): Promise<{ code?: string; message: string; details?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string; details?: unknown };
  }
  throw new Error('expected a rejection');
}

/** `count` rows of `features` values, a deterministic spread in [-1, 1]. */
function features(count: number, width: number, salt = 0): Float32Array {
  const x = new Float32Array(count * width);
  for (let i = 0; i < x.length; i++) x[i] = (((i + salt) * 37) % 19) / 9 - 1;
  return x;
}

/** Regression rows: y = x0 − 2·x1 + 0.5 (two features). */
function regressionRows(count: number, salt = 0): TrainSplit {
  const x = features(count, 2, salt);
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) y[i] = (x[i * 2] ?? 0) - 2 * (x[i * 2 + 1] ?? 0) + 0.5;
  return { x, y, count };
}

/** Classification rows with three classes (index labels). */
function classRows(count: number, salt = 0): TrainSplit {
  const x = features(count, 2, salt);
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) y[i] = (i + salt) % 3;
  return { x, y, count };
}

/** Every row the same: x = [1], y = 3, so each batch's loss depends only on the weights. */
function sameRows(count: number): TrainSplit {
  return { x: new Float32Array(count).fill(1), y: new Float32Array(count).fill(3), count };
}

/** A linear model trained with plain SGD: `extra` changes any field. */
function specFor(task: 'regression' | 'classification', extra: Partial<ModelSpecInput>) {
  return parseModelSpec({
    task,
    architecture: { type: 'linear' },
    optimizer: 'sgd',
    learningRate: 0.05,
    epochs: 2,
    batchSize: 3,
    seed: 7,
    ...extra,
  } as ModelSpecInput);
}

function regressionSpec(extra: Partial<ModelSpecInput> = {}) {
  return specFor('regression', extra);
}

function classifierSpec(extra: Partial<ModelSpecInput> = {}) {
  return specFor('classification', extra);
}

/** The model `spec` builds for `featureCount` features; `classCount` 0 is a regression. */
function modelFor(spec: ReturnType<typeof regressionSpec>, featureCount = 2, classCount = 0) {
  return buildModel(spec, { featureCount, classCount });
}

async function predictions(model: tf.LayersModel, split: TrainSplit): Promise<Float32Array> {
  const width = split.x.length / split.count;
  const out = tf.tidy(() => model.predict(tf.tensor2d(split.x, [split.count, width])) as tf.Tensor);
  const values = (await out.data()) as Float32Array;
  out.dispose();
  return values;
}

async function weightsOf(model: tf.LayersModel): Promise<number[]> {
  const all = await Promise.all(model.weights.map(async (w) => Array.from(await w.read().data())));
  return all.flat();
}

/** Weights of a fresh regression model trained `epochs` epochs on `train` with `spec` minus early stopping. */
async function weightsWithoutStopping(
  spec: ReturnType<typeof regressionSpec>,
  epochs: number,
  train: TrainSplit,
): Promise<number[]> {
  const fresh = modelFor(spec);
  const { earlyStopping: _, ...plain } = spec;
  await trainModel({ model: fresh, spec: { ...plain, epochs }, train });
  const weights = await weightsOf(fresh);
  fresh.dispose();
  return weights;
}

/** Mean squared and mean absolute error of `predicted` (one output per row) on `rows` of `split`. */
function regressionErrors(predicted: Float32Array, split: TrainSplit, rows?: ArrayLike<number>) {
  const pick = rows ?? Array.from({ length: split.count }, (_, i) => i);
  let squared = 0;
  let absolute = 0;
  for (let k = 0; k < pick.length; k++) {
    const i = pick[k] as number;
    const e = (predicted[i] ?? 0) - (split.y[i] ?? 0);
    squared += e * e;
    absolute += Math.abs(e);
  }
  return { mse: squared / pick.length, mae: absolute / pick.length };
}

/** Mean cross-entropy (class weights applied per row) and accuracy of softmax outputs. */
function classErrors(probs: Float32Array, split: TrainSplit, classes: number, weights?: number[]) {
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < split.count; i++) {
    const label = split.y[i] as number;
    const p = Math.min(Math.max(probs[i * classes + label] ?? 0, 1e-7), 1 - 1e-7);
    loss += -Math.log(p) * (weights?.[label] ?? 1);
    let best = 0;
    for (let c = 1; c < classes; c++)
      if ((probs[i * classes + c] ?? 0) > (probs[i * classes + best] ?? 0)) best = c;
    if (best === label) correct++;
  }
  return { loss: loss / split.count, accuracy: correct / split.count };
}

describe('what one epoch computes', () => {
  // A learning rate of 1e-30 leaves the weights as they were, so every epoch's loss is the mean
  // over the rows at the initial weights, whatever the shuffle: only a loop that visits each row
  // exactly once, weights each batch by its size and divides by the row count gets it.
  test('regression: epoch loss, MAE, validation loss over two validation chunks, progress of the first batch', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({ learningRate: 1e-30, epochs: 2, batchSize: 3 });
      const model = modelFor(spec);
      const train = regressionRows(7);
      const validation = regressionRows(1030, 3);
      const onTrain = regressionErrors(await predictions(model, train), train);
      const onValidation = regressionErrors(await predictions(model, validation), validation);
      const order = shuffledIndices(7, createPrng(7, 'shuffle'));
      const firstBatch = regressionErrors(await predictions(model, train), train, order.slice(0, 3));
      const progress: TrainProgress[] = [];
      const result = await trainModel({
        model,
        spec,
        train,
        validation,
        progressIntervalMs: 0,
        onProgress: (p) => progress.push(p),
      });
      expect(result.history.map((h) => h.epoch)).toEqual([0, 1]);
      for (const record of result.history) {
        expect(record.loss).toBeCloseTo(onTrain.mse, 5);
        expect(Object.keys(record.metrics)).toEqual(['mae']);
        expect(record.metrics.mae).toBeCloseTo(onTrain.mae, 5);
        expect(record.valLoss).toBeCloseTo(onValidation.mse, 5);
        expect(Object.keys(record.valMetrics ?? {})).toEqual(['mae']);
        expect(record.valMetrics?.mae).toBeCloseTo(onValidation.mae, 5);
        expect(record.learningRate).toBe(1e-30);
        expect(record.durationMs).toBeGreaterThanOrEqual(0);
      }
      const first = progress[0] as TrainProgress;
      expect(first).toMatchObject({ epoch: 0, batch: 0, epochs: 2, batchesPerEpoch: 3, backend: 'cpu' });
      expect(first.loss).toBeCloseTo(firstBatch.mse, 5);
      expect(first.metrics.mae).toBeCloseTo(firstBatch.mae, 5);
      const epochEnd = progress.find(
        (p) => p.epoch === 0 && p.batch === 2 && p.loss === result.history[0]?.loss,
      );
      expect(epochEnd?.metrics).toEqual(result.history[0]?.metrics);
      model.dispose();
    });
  });

  test('classification: cross-entropy and accuracy, index and one-hot labels give the same history', async () => {
    await noLeak(async () => {
      const spec = classifierSpec({ learningRate: 1e-30, epochs: 1, batchSize: 4 });
      const model = modelFor(spec, 2, 3);
      const train = classRows(10);
      const validation = classRows(6, 1);
      const expected = classErrors(await predictions(model, train), train, 3);
      const expectedVal = classErrors(await predictions(model, validation), validation, 3);
      const byIndex = await trainModel({ model, spec, train, validation });
      const oneHot = new Float32Array(30);
      train.y.forEach((label, i) => {
        oneHot[i * 3 + label] = 1;
      });
      const byOneHot = await trainModel({ model, spec, train: { ...train, y: oneHot }, validation });
      const record = byIndex.history[0] as EpochRecord;
      expect(record.loss).toBeCloseTo(expected.loss, 5);
      expect(Object.keys(record.metrics)).toEqual(['accuracy']);
      expect(record.metrics.accuracy).toBeCloseTo(expected.accuracy, 6);
      expect(record.valLoss).toBeCloseTo(expectedVal.loss, 5);
      expect(record.valMetrics?.accuracy).toBeCloseTo(expectedVal.accuracy, 6);
      expect(byOneHot.history[0]?.loss).toBeCloseTo(record.loss, 6);
      expect(byOneHot.history[0]?.metrics).toEqual(record.metrics);
      model.dispose();
    });
  });

  test('class weights scale each row’s loss by its class’s weight (Keras semantics), validation unweighted', async () => {
    await noLeak(async () => {
      const spec = classifierSpec({
        learningRate: 1e-30,
        epochs: 1,
        batchSize: 4,
        classWeights: { 1: 3, 2: 0.5 },
      });
      const model = modelFor(spec, 2, 3);
      const train = classRows(9);
      const probs = await predictions(model, train);
      const weighted = classErrors(probs, train, 3, [1, 3, 0.5]);
      const plain = classErrors(probs, train, 3);
      const result = await trainModel({ model, spec, train, validation: train });
      expect(result.history[0]?.loss).toBeCloseTo(weighted.loss, 5);
      expect(result.history[0]?.valLoss).toBeCloseTo(plain.loss, 5);
      expect(weighted.loss).not.toBeCloseTo(plain.loss, 2);
      model.dispose();
    });
  });

  // With identical rows, e = w + b − 3 obeys e ← e·(1 − 4·lr) after each SGD step on the mean
  // squared error, and a batch's loss is e² at the weights it started from.
  test('sgd steps, batch sizes and a short last batch: the running and epoch losses are exact', async () => {
    await noLeak(async () => {
      // Step decay: epoch 0 trains at 0.05 (e × 0.8 a step), epoch 1 at 0.025 (e × 0.9 a step).
      const spec = regressionSpec({
        learningRate: 0.05,
        epochs: 2,
        batchSize: 2,
        schedule: { type: 'step', factor: 0.5, everyEpochs: 1 },
      });
      const model = modelFor(spec, 1);
      const train = sameRows(5);
      const e0 = ((await predictions(model, train))[0] ?? 0) - 3;
      const errors = Array.from(
        { length: 7 },
        (_, k) => e0 * 0.8 ** Math.min(k, 3) * 0.9 ** Math.max(0, k - 3),
      );
      const sq = errors.map((e) => e * e);
      const absolute = errors.map((e) => Math.abs(e));
      const progress: TrainProgress[] = [];
      const result = await trainModel({
        model,
        spec,
        train,
        progressIntervalMs: 0,
        onProgress: (p) => progress.push(p),
      });
      const sizes = [2, 2, 1];
      const running = (epoch: number, batch: number, perRow: number[]): number => {
        let sum = 0;
        let rows = 0;
        for (let b = 0; b <= batch; b++) {
          sum += (perRow[epoch * 3 + b] ?? 0) * (sizes[b] ?? 0);
          rows += sizes[b] ?? 0;
        }
        return sum / rows;
      };
      expect(progress.map((p) => [p.epoch, p.batch])).toEqual([
        [0, 0],
        [0, 1],
        [0, 2],
        [0, 2],
        [1, 0],
        [1, 1],
        [1, 2],
        [1, 2],
      ]);
      progress.forEach((p) => {
        expect(p.loss / running(p.epoch, p.batch, sq)).toBeCloseTo(1, 4);
        expect((p.metrics.mae ?? 0) / running(p.epoch, p.batch, absolute)).toBeCloseTo(1, 4);
      });
      expect((result.history[0]?.loss ?? 0) / running(0, 2, sq)).toBeCloseTo(1, 4);
      expect((result.history[1]?.loss ?? 0) / running(1, 2, sq)).toBeCloseTo(1, 4);
      // Six steps taken: the model's error is e0 · 0.8³ · 0.9³.
      const after = ((await predictions(model, train))[0] ?? 0) - 3;
      expect(after / (errors[6] ?? 1)).toBeCloseTo(1, 3);
      model.dispose();
    });
  });

  test('the schedule sets each epoch’s learning rate, in the records and the progress reports', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({
        epochs: 3,
        batchSize: 4,
        schedule: { type: 'step', factor: 0.5, everyEpochs: 1 },
      });
      const model = modelFor(spec);
      const progress: TrainProgress[] = [];
      const result = await trainModel({
        model,
        spec,
        train: regressionRows(8),
        progressIntervalMs: 0,
        onProgress: (p) => progress.push(p),
      });
      expect(result.history.map((h) => h.learningRate)).toEqual([0.05, 0.025, 0.0125]);
      expect(progress.map((p) => [p.epoch, p.learningRate])).toEqual([
        [0, 0.05],
        [0, 0.05],
        [0, 0.05],
        [1, 0.025],
        [1, 0.025],
        [1, 0.025],
        [2, 0.0125],
        [2, 0.0125],
        [2, 0.0125],
      ]);
      model.dispose();
    });
  });
});

describe('progress reports', () => {
  test('a long interval leaves the first batch and every epoch end; samples, ETA and rate agree', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({ epochs: 3, batchSize: 2 });
      const model = modelFor(spec);
      const progress: TrainProgress[] = [];
      const result = await trainModel({
        model,
        spec,
        train: regressionRows(5),
        progressIntervalMs: 60_000,
        onProgress: (p) => progress.push(p),
      });
      expect(progress.map((p) => [p.epoch, p.batch])).toEqual([
        [0, 0],
        [0, 2],
        [1, 2],
        [2, 2],
      ]);
      // etaMs = remaining samples / samplesPerSecond: 15 samples in all, 2 done after the first batch.
      const remaining = [13, 10, 5, 0];
      progress.forEach((p, i) => {
        expect(p.samplesPerSecond).toBeGreaterThan(0);
        expect((p.etaMs * p.samplesPerSecond) / 1000).toBeCloseTo(remaining[i] ?? -1, 6);
      });
      expect(progress[3]?.etaMs).toBe(0);
      expect(progress.slice(1).map((p) => p.loss)).toEqual(result.history.map((h) => h.loss));
      expect(result.samplesPerSecond).toBeGreaterThan(0);
      model.dispose();
    });
  });

  test('the default interval (100 ms) still reports the first batch before the first epoch ends', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({ epochs: 1, batchSize: 2 });
      const model = modelFor(spec);
      const progress: TrainProgress[] = [];
      await trainModel({ model, spec, train: regressionRows(6), onProgress: (p) => progress.push(p) });
      expect(progress[0]).toMatchObject({ epoch: 0, batch: 0 });
      expect(progress[progress.length - 1]).toMatchObject({ epoch: 0, batch: 2, etaMs: 0 });
      model.dispose();
    });
  });

  test('a negative interval counts as 0: every batch is reported', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({ epochs: 1, batchSize: 1 });
      const model = modelFor(spec);
      const batches: number[] = [];
      await trainModel({
        model,
        spec,
        train: regressionRows(4),
        progressIntervalMs: -50,
        onProgress: (p) => batches.push(p.batch),
      });
      expect(batches).toEqual([0, 1, 2, 3, 3]);
      model.dispose();
    });
  });

  test('onEpochEnd gets each history record before that epoch’s last progress report', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({ epochs: 2, batchSize: 4 });
      const model = modelFor(spec);
      const calls: string[] = [];
      const records: EpochRecord[] = [];
      const result = await trainModel({
        model,
        spec,
        train: regressionRows(4),
        progressIntervalMs: 60_000,
        onProgress: (p) => calls.push(`progress ${p.epoch}`),
        onEpochEnd: (r) => {
          calls.push(`epoch ${r.epoch}`);
          records.push(r);
        },
      });
      expect(calls).toEqual(['progress 0', 'epoch 0', 'progress 0', 'epoch 1', 'progress 1']);
      expect(records).toEqual(result.history);
      model.dispose();
    });
  });

  test('timings: setup plus the loop make the total; validation time only with a validation split', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({ epochs: 2, batchSize: 4 });
      const model = modelFor(spec);
      const without = await trainModel({ model, spec, train: regressionRows(8) });
      expect(without.timings.validationMs).toBe(0);
      expect(without.timings.totalMs).toBeCloseTo(without.timings.setupMs + without.timings.trainMs, 6);
      expect(without.timings.trainMs).toBeGreaterThan(0);
      expect(without.timings.readbackMs).toBeGreaterThan(0);
      expect(without.timings.setupMs).toBeGreaterThan(0);
      const withValidation = await trainModel({
        model,
        spec,
        train: regressionRows(8),
        validation: regressionRows(4, 1),
      });
      expect(withValidation.timings.validationMs).toBeGreaterThan(0);
      expect(withValidation.timings.trainMs).toBeGreaterThanOrEqual(withValidation.timings.validationMs);
      expect(withValidation.timings.totalMs).toBeCloseTo(
        withValidation.timings.setupMs + withValidation.timings.trainMs,
        6,
      );
      model.dispose();
    });
  });
});

describe('callbacks that throw', () => {
  test('the first error thrown by onProgress ends training with that error', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({ epochs: 3, batchSize: 1 });
      const model = modelFor(spec);
      const thrown: Error[] = [];
      const epochs: number[] = [];
      const error = await rejection(
        trainModel({
          model,
          spec,
          train: regressionRows(6),
          progressIntervalMs: 0,
          onProgress: () => {
            const e = new Error(`callback ${thrown.length}`);
            thrown.push(e);
            throw e;
          },
          onEpochEnd: (r) => epochs.push(r.epoch),
        }),
      );
      expect(error).toBe(thrown[0]);
      expect(thrown).toHaveLength(1);
      expect(epochs).toEqual([]);
      model.dispose();
    });
  });

  test('an error thrown by onEpochEnd ends training after that epoch’s report', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({ epochs: 3, batchSize: 2 });
      const model = modelFor(spec);
      const boom = new Error('epoch hook failed');
      const reports: Array<[number, number]> = [];
      const error = await rejection(
        trainModel({
          model,
          spec,
          train: regressionRows(4),
          progressIntervalMs: 60_000,
          onProgress: (p) => reports.push([p.epoch, p.batch]),
          onEpochEnd: (r) => {
            if (r.epoch === 1) throw boom;
          },
        }),
      );
      expect(error).toBe(boom);
      expect(reports).toEqual([
        [0, 0],
        [0, 1],
        [1, 1],
      ]);
      model.dispose();
    });
  });
});

describe('cancel', () => {
  test('an already-aborted signal: CANCELLED before anything, with the reason', async () => {
    await noLeak(async () => {
      const spec = regressionSpec();
      const model = modelFor(spec);
      const before = await weightsOf(model);
      const controller = new AbortController();
      controller.abort('closed the tab');
      const error = await rejection(
        trainModel({ model, spec, train: regressionRows(4), signal: controller.signal }),
      );
      expect(isEdgeflowError(error, 'CANCELLED')).toBe(true);
      expect(error.message).toBe('Training was cancelled before it started.');
      expect(error.details).toEqual({ epoch: 0, batch: 0, batchesRun: 0, reason: 'closed the tab' });
      expect(await weightsOf(model)).toEqual(before);
      // Checked before the inputs: bad rows do not hide a cancel.
      const bad = await rejection(
        trainModel({ model, spec, train: { ...regressionRows(4), count: 0 }, signal: controller.signal }),
      );
      expect(isEdgeflowError(bad, 'CANCELLED')).toBe(true);
      model.dispose();
    });
  });

  test('an abort from a progress report stops before the next batch', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({ epochs: 2, batchSize: 1 });
      const model = modelFor(spec);
      const controller = new AbortController();
      const seen: Array<[number, number]> = [];
      const error = await rejection(
        trainModel({
          model,
          spec,
          train: regressionRows(4),
          signal: controller.signal,
          progressIntervalMs: 0,
          onProgress: (p) => {
            seen.push([p.epoch, p.batch]);
            if (p.epoch === 0 && p.batch === 1) controller.abort(new Error('stop pressed'));
          },
        }),
      );
      expect(isEdgeflowError(error, 'CANCELLED')).toBe(true);
      expect(error.details).toEqual({ epoch: 0, batch: 2, batchesRun: 2, reason: 'stop pressed' });
      expect(error.message).toBe('Training was cancelled at epoch 0, batch 2 after 2 batches.');
      expect(seen).toEqual([
        [0, 0],
        [0, 1],
      ]);
      model.dispose();
    });
  });

  test('an abort after the last batch of an epoch skips its record and keeps the steps taken', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({ epochs: 3, batchSize: 1 });
      const model = modelFor(spec);
      const controller = new AbortController();
      const epochs: number[] = [];
      const error = await rejection(
        trainModel({
          model,
          spec,
          train: regressionRows(4),
          signal: controller.signal,
          progressIntervalMs: 0,
          onProgress: (p) => {
            if (p.epoch === 1 && p.batch === 3) controller.abort();
          },
          onEpochEnd: (r) => epochs.push(r.epoch),
        }),
      );
      expect(isEdgeflowError(error, 'CANCELLED')).toBe(true);
      expect(error.details).toMatchObject({ epoch: 1, batch: 3, batchesRun: 8 });
      expect(epochs).toEqual([0]);
      // Eight steps were taken: the weights of a plain two-epoch run.
      const reference = modelFor(spec);
      await trainModel({ model: reference, spec: { ...spec, epochs: 2 }, train: regressionRows(4) });
      expect(await weightsOf(model)).toEqual(await weightsOf(reference));
      reference.dispose();
      model.dispose();
    });
  });

  test('an abort from onEpochEnd is seen right after that epoch, before the next one starts', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({ epochs: 4, batchSize: 2 });
      const model = modelFor(spec);
      const controller = new AbortController();
      const reports: Array<[number, number]> = [];
      const error = await rejection(
        trainModel({
          model,
          spec,
          train: regressionRows(6),
          signal: controller.signal,
          progressIntervalMs: 60_000,
          onProgress: (p) => reports.push([p.epoch, p.batch]),
          onEpochEnd: (r) => {
            if (r.epoch === 1) controller.abort();
          },
        }),
      );
      expect(isEdgeflowError(error, 'CANCELLED')).toBe(true);
      expect(error.details).toMatchObject({ epoch: 1, batch: 2, batchesRun: 6 });
      expect(reports).toEqual([
        [0, 0],
        [0, 2],
        [1, 2],
      ]);
      model.dispose();
    });
  });

  test('an abort during validation stops before the next validation chunk and skips the epoch record', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({ epochs: 2, batchSize: 4 });
      const model = modelFor(spec);
      const controller = new AbortController();
      const apply = model.apply.bind(model);
      vi.spyOn(model, 'apply').mockImplementation((inputs, kwargs) => {
        if (kwargs?.training === false) controller.abort('while validating');
        return apply(inputs, kwargs);
      });
      const epochs: number[] = [];
      const error = await rejection(
        trainModel({
          model,
          spec,
          train: regressionRows(8),
          validation: regressionRows(1025, 2),
          signal: controller.signal,
          onEpochEnd: (r) => epochs.push(r.epoch),
        }),
      );
      expect(isEdgeflowError(error, 'CANCELLED')).toBe(true);
      expect(error.details).toEqual({ epoch: 0, batch: 1, batchesRun: 2, reason: 'while validating' });
      expect(epochs).toEqual([]);
      model.dispose();
    });
  });
});

describe('divergence', () => {
  // lr = 1e10 on identical rows: e grows by 4·10¹⁰ a step, so the third batch's loss (e²) overflows.
  test('caught by a mid-epoch readback: TRAINING_DIVERGED at that batch, weights from before the last finite batch', async () => {
    await noLeak(async () => {
      const lr = 1e10;
      const spec = regressionSpec({ learningRate: lr, epochs: 2, batchSize: 1 });
      const model = modelFor(spec, 1);
      const train = sameRows(6);
      const e0 = ((await predictions(model, train))[0] ?? 0) - 3;
      const error = await rejection(trainModel({ model, spec, train, progressIntervalMs: 0 }));
      expect(isEdgeflowError(error, 'TRAINING_DIVERGED')).toBe(true);
      expect(error.details).toEqual({ epoch: 0, batch: 2, loss: 'Infinity', learningRate: lr });
      expect(error.message).toMatch(/^Training diverged at epoch 0, batch 2: the loss became Infinity\./);
      expect(error.message).toContain('(now 10000000000)');
      // Batch 1 started from the weights after one step, and its loss was finite.
      const restored = ((await predictions(model, train))[0] ?? 0) - 3;
      expect(restored / (e0 * (1 - 4 * lr))).toBeCloseTo(1, 3);
      model.dispose();
    });
  });

  test('caught at the epoch end when no mid-epoch readback ran: the initial weights come back', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({ learningRate: 1e10, epochs: 2, batchSize: 1 });
      const model = modelFor(spec, 1);
      const initial = await weightsOf(model);
      const epochs: number[] = [];
      const error = await rejection(
        trainModel({
          model,
          spec,
          train: sameRows(4),
          progressIntervalMs: 60_000,
          onEpochEnd: (r) => epochs.push(r.epoch),
        }),
      );
      expect(isEdgeflowError(error, 'TRAINING_DIVERGED')).toBe(true);
      expect(error.details).toMatchObject({ epoch: 0, batch: 3, loss: 'Infinity' });
      expect(epochs).toEqual([]);
      expect(await weightsOf(model)).toEqual(initial);
      model.dispose();
    });
  });

  test('a validation loss that overflows is TRAINING_DIVERGED too', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({ learningRate: 1e-30, epochs: 2, batchSize: 2 });
      const model = modelFor(spec, 1);
      const validation = { x: new Float32Array([1e30, 1]), y: new Float32Array([0, 0]), count: 2 };
      const epochs: number[] = [];
      const error = await rejection(
        trainModel({ model, spec, train: sameRows(4), validation, onEpochEnd: (r) => epochs.push(r.epoch) }),
      );
      expect(isEdgeflowError(error, 'TRAINING_DIVERGED')).toBe(true);
      expect(error.details).toMatchObject({ epoch: 0, batch: 1, loss: 'Infinity' });
      expect(epochs).toEqual([]);
      model.dispose();
    });
  });
});

describe('early stopping and the best epoch', () => {
  test('stops after `patience` epochs without improvement and restores the best epoch’s weights', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({
        epochs: 6,
        batchSize: 2,
        earlyStopping: { monitor: 'loss', patience: 2, minDelta: 100, restoreBestWeights: true },
      });
      const model = modelFor(spec);
      const train = regressionRows(6);
      const result = await trainModel({ model, spec, train });
      expect(result.history.map((h) => h.epoch)).toEqual([0, 1, 2]);
      expect(result.stoppedEarly).toBe(true);
      expect(result.bestEpoch).toBe(0);
      expect(result.restoredBestWeights).toBe(true);
      expect(await weightsOf(model)).toEqual(await weightsWithoutStopping(spec, 1, train));
      model.dispose();
    });
  });

  test('without restoreBestWeights the last epoch’s weights stay', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({
        epochs: 6,
        batchSize: 2,
        earlyStopping: { monitor: 'loss', patience: 1, minDelta: 100, restoreBestWeights: false },
      });
      const model = modelFor(spec);
      const train = regressionRows(6);
      const result = await trainModel({ model, spec, train });
      expect(result.history).toHaveLength(2);
      expect(result.stoppedEarly).toBe(true);
      expect(result.restoredBestWeights).toBe(false);
      expect(await weightsOf(model)).toEqual(await weightsWithoutStopping(spec, 2, train));
      model.dispose();
    });
  });

  test('a stop due at the last epoch is no early stop', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({
        epochs: 3,
        batchSize: 2,
        earlyStopping: { monitor: 'loss', patience: 2, minDelta: 100, restoreBestWeights: true },
      });
      const model = modelFor(spec);
      const result = await trainModel({ model, spec, train: regressionRows(6) });
      expect(result.history).toHaveLength(3);
      expect(result.stoppedEarly).toBe(false);
      expect(result.bestEpoch).toBe(0);
      expect(result.restoredBestWeights).toBe(true);
      model.dispose();
    });
  });

  test('when the last epoch is the best, nothing is restored', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({
        epochs: 3,
        batchSize: 2,
        earlyStopping: { monitor: 'loss', patience: 1, restoreBestWeights: true },
      });
      const model = modelFor(spec);
      const result = await trainModel({ model, spec, train: regressionRows(6) });
      expect(result.history).toHaveLength(3);
      expect(result.bestEpoch).toBe(2);
      expect(result.stoppedEarly).toBe(false);
      expect(result.restoredBestWeights).toBe(false);
      model.dispose();
    });
  });

  // Training on y = f(x) while validating on y = −f(x): the training loss falls every epoch and
  // the validation loss rises, so the two defaults pick opposite ends.
  test('without early stopping, the best epoch is by validation loss when there is a validation split, else by loss', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({ epochs: 3, batchSize: 2, learningRate: 0.1 });
      const train = regressionRows(8);
      const flipped = { ...regressionRows(8), y: train.y.map((v) => -v) };
      const a = modelFor(spec);
      const withValidation = await trainModel({ model: a, spec, train, validation: flipped });
      const losses = withValidation.history.map((h) => h.loss);
      const valLosses = withValidation.history.map((h) => h.valLoss ?? 0);
      expect(losses[2]).toBeLessThan(losses[0] ?? 0);
      expect(valLosses[2]).toBeGreaterThan(valLosses[0] ?? 0);
      expect(withValidation.bestEpoch).toBe(valLosses.indexOf(Math.min(...valLosses)));
      expect(withValidation.bestEpoch).not.toBe(2);
      expect(withValidation.stoppedEarly).toBe(false);
      expect(withValidation.restoredBestWeights).toBe(false);
      const b = modelFor(spec);
      const without = await trainModel({ model: b, spec, train });
      expect(without.bestEpoch).toBe(2);
      expect(without.history.every((h) => h.valLoss === null && h.valMetrics === null)).toBe(true);
      a.dispose();
      b.dispose();
    });
  });
});

describe('a stopped clock', () => {
  // performance.now() frozen: every duration is 0, so the rates fall back to their floor of 1 µs
  // (samples × 10⁶ per second) and every report, throttle and ETA is exact.
  test('reports, rates, ETA and timings follow from the sample counts alone', async () => {
    await noLeak(async () => {
      vi.spyOn(performance, 'now').mockReturnValue(1000);
      const spec = regressionSpec({ epochs: 2, batchSize: 2 });
      const model = modelFor(spec);
      const progress: TrainProgress[] = [];
      const result = await trainModel({
        model,
        spec,
        train: regressionRows(3),
        validation: regressionRows(2, 1),
        progressIntervalMs: 0,
        onProgress: (p) => progress.push(p),
      });
      // 6 samples in all; after each report this many were done.
      const done = [2, 3, 3, 5, 6, 6];
      expect(progress.map((p) => [p.epoch, p.batch])).toEqual([
        [0, 0],
        [0, 1],
        [0, 1],
        [1, 0],
        [1, 1],
        [1, 1],
      ]);
      progress.forEach((p, i) => {
        const samples = done[i] ?? 0;
        expect(p.samplesPerSecond).toBe(samples * 1e6);
        expect(p.etaMs).toBeCloseTo(((6 - samples) / (samples * 1e6)) * 1000, 12);
      });
      expect(result.samplesPerSecond).toBe(6e6);
      expect(result.timings).toEqual({ totalMs: 0, setupMs: 0, trainMs: 0, validationMs: 0, readbackMs: 0 });
      expect(result.history.map((h) => h.durationMs)).toEqual([0, 0]);
      model.dispose();
    });
  });

  test('with a positive interval and no time passing, only the first batch and the epoch ends are reported', async () => {
    await noLeak(async () => {
      vi.spyOn(performance, 'now').mockReturnValue(1000);
      const spec = regressionSpec({ epochs: 2, batchSize: 1 });
      const model = modelFor(spec);
      const progress: Array<[number, number]> = [];
      await trainModel({
        model,
        spec,
        train: regressionRows(3),
        progressIntervalMs: 1,
        onProgress: (p) => progress.push([p.epoch, p.batch]),
      });
      expect(progress).toEqual([
        [0, 0],
        [0, 2],
        [1, 2],
      ]);
      model.dispose();
    });
  });
});

describe('more ways to fail', () => {
  // Mean absolute error on x = 0: the loss is |b − y| and each step moves the bias b by exactly the
  // learning rate. With y = −3·10³⁸ and lr = 2·10³⁸ the bias goes 0 → −2·10³⁸ → −∞: epoch 1's loss
  // (10³⁸) is finite, but the weights after its step are not.
  test('weights that overflow while the loss stays finite are TRAINING_DIVERGED with loss NaN', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({ loss: 'meanAbsoluteError', learningRate: 2e38, epochs: 3, batchSize: 1 });
      const model = modelFor(spec, 1);
      const train = { x: new Float32Array([0]), y: new Float32Array([-3e38]), count: 1 };
      const epochs: number[] = [];
      const error = await rejection(
        trainModel({
          model,
          spec,
          train,
          progressIntervalMs: 60_000,
          onEpochEnd: (r) => epochs.push(r.epoch),
        }),
      );
      expect(isEdgeflowError(error, 'TRAINING_DIVERGED')).toBe(true);
      expect(error.details).toEqual({ epoch: 1, batch: 0, loss: 'NaN', learningRate: 2e38 });
      expect(epochs).toEqual([0]);
      // Epoch 0's weights (bias −2·10³⁸) were the last good ones.
      const bias = model.weights.find((w) => w.originalName.endsWith('bias'));
      expect(Array.from((await bias?.read().data()) ?? [])).toEqual([-2e38].map((v) => Math.fround(v)));
      model.dispose();
    });
  });

  test('a failed loss readback ends training with its error, leaking nothing', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({ epochs: 2, batchSize: 1 });
      const model = modelFor(spec);
      const lost = new Error('device lost');
      const data = tf.Tensor.prototype.data;
      let failed = false;
      vi.spyOn(tf.Tensor.prototype, 'data').mockImplementation(function (this: tf.Tensor) {
        // The running loss and metric, read mid-epoch, are a stack of two scalars.
        if (!failed && this.shape.length === 1 && this.shape[0] === 2) {
          failed = true;
          return Promise.reject(lost);
        }
        return data.call(this) as never;
      });
      const epochs: number[] = [];
      const error = await rejection(
        trainModel({
          model,
          spec,
          train: regressionRows(4),
          progressIntervalMs: 0,
          onEpochEnd: (r) => epochs.push(r.epoch),
        }),
      );
      expect(error).toBe(lost);
      expect(epochs).toEqual([]);
      model.dispose();
    });
  });
});

describe('scheduling', () => {
  // The clock moves only when a test callback moves it, so which reports are throttled is exact.
  test('a report due right after an epoch’s end report waits for the interval', async () => {
    await noLeak(async () => {
      let now = 0;
      vi.spyOn(performance, 'now').mockImplementation(() => now);
      const spec = regressionSpec({ epochs: 2, batchSize: 2 });
      const model = modelFor(spec);
      const progress: Array<[number, number]> = [];
      await trainModel({
        model,
        spec,
        train: regressionRows(4),
        progressIntervalMs: 10,
        onProgress: (p) => progress.push([p.epoch, p.batch]),
        onEpochEnd: () => {
          now += 10;
        },
      });
      // Epoch 1's first batch is due (10 ms after epoch 0's first), but its report would come 0 ms
      // after epoch 0's end report: it is dropped.
      expect(progress).toEqual([
        [0, 0],
        [0, 1],
        [1, 1],
      ]);
      model.dispose();
    });
  });

  test('the loop yields to the event loop once YIELD_EVERY_MS (8 ms) has passed, and only then', async () => {
    await noLeak(async () => {
      let now = 1000;
      vi.spyOn(performance, 'now').mockImplementation(() => now);
      const Real = globalThis.MessageChannel;
      let posts = 0;
      class CountingChannel extends Real {
        constructor() {
          super();
          const post = this.port2.postMessage.bind(this.port2);
          this.port2.postMessage = (message: unknown) => {
            posts++;
            post(message);
          };
        }
      }
      vi.stubGlobal('MessageChannel', CountingChannel);
      const spec = regressionSpec({ epochs: 1, batchSize: 1 });
      const model = modelFor(spec);
      // The report of batch 0 arrives at the top of batch 1 and moves the clock by 8 ms: batch 1 ends
      // exactly 8 ms after the loop started and yields; batch 0 (0 ms) does not.
      await trainModel({
        model,
        spec,
        train: regressionRows(2),
        progressIntervalMs: 0,
        onProgress: () => {
          now += 8;
        },
      });
      expect(posts).toBe(1);
      // A stopped clock never reaches 8 ms: no yield at all.
      posts = 0;
      vi.mocked(performance.now).mockImplementation(() => 1000);
      await trainModel({ model, spec, train: regressionRows(3), progressIntervalMs: 0 });
      expect(posts).toBe(0);
      model.dispose();
    });
  });

  // A readback that resolves a macrotask later, as on a GPU: the loop must wait for it, both for
  // back-pressure and before it reads the epoch's totals or returns.
  test('slow readbacks are awaited: reports in order, a cancel seen before the next batch, nothing leaked', async () => {
    await noLeak(async () => {
      const data = tf.Tensor.prototype.data;
      vi.spyOn(tf.Tensor.prototype, 'data').mockImplementation(function (this: tf.Tensor) {
        const values = data.call(this);
        return new Promise((resolve) => setTimeout(() => resolve(values), 1)) as never;
      });
      const spec = regressionSpec({ epochs: 2, batchSize: 1 });
      const model = modelFor(spec);
      const progress: Array<[number, number]> = [];
      await trainModel({
        model,
        spec,
        train: regressionRows(3),
        progressIntervalMs: 0,
        onProgress: (p) => progress.push([p.epoch, p.batch]),
      });
      expect(progress).toEqual([
        [0, 0],
        [0, 1],
        [0, 2],
        [0, 2],
        [1, 0],
        [1, 1],
        [1, 2],
        [1, 2],
      ]);
      const controller = new AbortController();
      const error = await rejection(
        trainModel({
          model,
          spec,
          train: regressionRows(3),
          signal: controller.signal,
          progressIntervalMs: 0,
          onProgress: (p) => {
            if (p.batch === 0) controller.abort();
          },
        }),
      );
      expect(error.details).toMatchObject({ epoch: 0, batch: 1, batchesRun: 1 });
      model.dispose();
    });
  });

  test('a validation split of exactly one chunk (1024 rows) is evaluated once', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({ learningRate: 1e-30, epochs: 1, batchSize: 4 });
      const model = modelFor(spec);
      const validation = regressionRows(1024, 5);
      const expected = regressionErrors(await predictions(model, validation), validation);
      const result = await trainModel({ model, spec, train: regressionRows(4), validation });
      expect(result.history[0]?.valLoss).toBeCloseTo(expected.mse, 5);
      model.dispose();
    });
  });

  // parseModelSpec asks for at least one epoch; a spec built by hand is not parsed.
  test('zero epochs (a hand-built spec): an empty history, the weights untouched', async () => {
    await noLeak(async () => {
      const spec = regressionSpec({
        earlyStopping: { monitor: 'loss', patience: 1, restoreBestWeights: true },
      });
      const model = modelFor(spec);
      const before = await weightsOf(model);
      const result = await trainModel({ model, spec: { ...spec, epochs: 0 }, train: regressionRows(4) });
      expect(result).toMatchObject({
        history: [],
        bestEpoch: -1,
        stoppedEarly: false,
        restoredBestWeights: false,
      });
      expect(await weightsOf(model)).toEqual(before);
      model.dispose();
    });
  });

  // parseModelSpec refuses class weights on a regression spec; a spec built by hand is not parsed.
  test('class weights on a regression spec are ignored', async () => {
    await noLeak(async () => {
      const spec = regressionSpec();
      const a = modelFor(spec);
      const plain = await trainModel({ model: a, spec, train: regressionRows(6) });
      const b = modelFor(spec);
      const weighted = await trainModel({
        model: b,
        spec: { ...spec, classWeights: 'balanced' },
        train: regressionRows(6),
      });
      expect(weighted.history.map((h) => h.loss)).toEqual(plain.history.map((h) => h.loss));
      a.dispose();
      b.dispose();
    });
  });
});

describe('determinism', () => {
  test('dropout masks come from the seed: same seed, same weights; another seed, other weights', async () => {
    await noLeak(async () => {
      const run = async (seed: number) => {
        const spec = classifierSpec({
          architecture: { type: 'mlp', hidden: [6], dropout: 0.5 },
          optimizer: 'adam',
          epochs: 2,
          batchSize: 4,
          seed,
        });
        const model = modelFor({ ...spec, seed: 1 }, 2, 3);
        await trainModel({ model, spec, train: classRows(12) });
        const weights = await weightsOf(model);
        model.dispose();
        return weights;
      };
      const first = await run(11);
      // The layer's seed after the last of three batches is the third draw of the seed's dropout stream.
      const spec = classifierSpec({
        architecture: { type: 'mlp', hidden: [6], dropout: 0.5 },
        epochs: 1,
        batchSize: 4,
      });
      const model = modelFor(spec, 2, 3);
      await trainModel({ model, spec, train: classRows(12) });
      const stream = createPrng(7, 'dropout');
      stream.nextUint32();
      stream.nextUint32();
      const dropout = model.layers.find((layer) => layer.getClassName() === 'Dropout') as unknown as {
        seed?: number;
      };
      expect(dropout.seed).toBe(stream.nextUint32());
      model.dispose();
      expect(await run(11)).toEqual(first);
      expect(await run(12)).not.toEqual(first);
    });
  });
});

describe('set-up checks', () => {
  test('a model with two inputs or two outputs is INVALID_ARGUMENT naming both counts', async () => {
    await noLeak(async () => {
      const spec = regressionSpec();
      const a = tf.input({ shape: [1] });
      const b = tf.input({ shape: [1] });
      const twoInputs = tf.model({
        inputs: [a, b],
        outputs: tf.layers
          .dense({ units: 1 })
          .apply(tf.layers.concatenate().apply([a, b])) as tf.SymbolicTensor,
      });
      const error = await rejection(trainModel({ model: twoInputs, spec, train: sameRows(2) }));
      expect(isEdgeflowError(error, 'INVALID_ARGUMENT')).toBe(true);
      expect(error.details).toEqual({ inputs: 2, outputs: 1 });
      expect(error.message).toContain('this one has 2 and 1.');
      const c = tf.input({ shape: [1] });
      const twoOutputs = tf.model({
        inputs: c,
        outputs: [
          tf.layers.dense({ units: 1 }).apply(c) as tf.SymbolicTensor,
          tf.layers.dense({ units: 1 }).apply(c) as tf.SymbolicTensor,
        ],
      });
      const error2 = await rejection(trainModel({ model: twoOutputs, spec, train: sameRows(2) }));
      expect(error2.details).toEqual({ inputs: 1, outputs: 2 });
      twoInputs.dispose();
      twoOutputs.dispose();
    });
  });

  test('an input shape with a free dimension besides the batch is INVALID_ARGUMENT', async () => {
    await noLeak(async () => {
      const input = tf.input({ shape: [null, 2] });
      const pooled = tf.layers.globalAveragePooling1d().apply(input) as tf.SymbolicTensor;
      const model = tf.model({
        inputs: input,
        outputs: tf.layers.dense({ units: 1 }).apply(pooled) as tf.SymbolicTensor,
      });
      const error = await rejection(trainModel({ model, spec: regressionSpec(), train: sameRows(2) }));
      expect(isEdgeflowError(error, 'INVALID_ARGUMENT')).toBe(true);
      expect(error.details).toEqual({ inputShape: [null, null, 2] });
      expect(error.message).toContain('[null,null,2]');
      model.dispose();
    });
  });

  test('a model with multi-dimensional input (2×2×1) trains on rows of 4 values', async () => {
    await noLeak(async () => {
      const input = tf.input({ shape: [2, 2, 1] });
      const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
      const model = tf.model({
        inputs: input,
        outputs: tf.layers.dense({ units: 1 }).apply(flat) as tf.SymbolicTensor,
      });
      const train = { x: features(3, 4), y: new Float32Array([1, 2, 3]), count: 3 };
      const result = await trainModel({ model, spec: regressionSpec(), train });
      expect(result.history).toHaveLength(2);
      const wrong = await rejection(
        trainModel({ model, spec: regressionSpec(), train: { ...train, count: 2 } }),
      );
      expect(wrong.details).toEqual({ split: 'train', length: 12, count: 2, featureCount: 4 });
      expect(wrong.message).toBe(
        'train.x must be a Float32Array of count × features = 2 × 4 = 8 values; it has 12.',
      );
      model.dispose();
    });
  });

  test('a classification spec needs at least two outputs; two are enough', async () => {
    await noLeak(async () => {
      const regression = modelFor(regressionSpec());
      const error = await rejection(
        trainModel({ model: regression, spec: classifierSpec(), train: classRows(6) }),
      );
      expect(isEdgeflowError(error, 'INVALID_ARGUMENT')).toBe(true);
      expect(error.details).toEqual({ outputs: 1 });
      expect(error.message).toContain('this one has 1.');
      const binary = modelFor(classifierSpec(), 2, 2);
      const rows = { ...classRows(6), y: new Float32Array([0, 1, 0, 1, 1, 0]) };
      const result = await trainModel({ model: binary, spec: classifierSpec(), train: rows });
      expect(result.history).toHaveLength(2);
      regression.dispose();
      binary.dispose();
    });
  });

  test.each([
    [0, 'train.count is 0; it must be a positive integer.'],
    [-2, 'train.count is -2; it must be a positive integer.'],
    [1.5, 'train.count is 1.5; it must be a positive integer.'],
  ])('count %s is INVALID_ARGUMENT', async (count, message) => {
    await noLeak(async () => {
      const spec = regressionSpec();
      const model = modelFor(spec, 1);
      const error = await rejection(trainModel({ model, spec, train: { ...sameRows(3), count } }));
      expect(isEdgeflowError(error, 'INVALID_ARGUMENT')).toBe(true);
      expect(error.message).toBe(message);
      expect(error.details).toEqual({ split: 'train', count });
      model.dispose();
    });
  });

  test('one row is enough, for training and for validation', async () => {
    await noLeak(async () => {
      const spec = regressionSpec();
      const model = modelFor(spec, 1);
      const result = await trainModel({ model, spec, train: sameRows(1), validation: sameRows(1) });
      expect(result.history).toHaveLength(2);
      model.dispose();
    });
  });

  test('x that is not a Float32Array, or a non-finite x, names the split, row and feature', async () => {
    await noLeak(async () => {
      const spec = regressionSpec();
      const model = modelFor(spec);
      const good = regressionRows(4);
      const float64 = await rejection(
        trainModel({
          model,
          spec,
          train: { ...good, x: Float64Array.from(good.x) as unknown as Float32Array },
        }),
      );
      expect(isEdgeflowError(float64, 'INVALID_ARGUMENT')).toBe(true);
      expect(float64.details).toEqual({ split: 'train', length: 8, count: 4, featureCount: 2 });
      const missing = await rejection(
        trainModel({ model, spec, train: { ...good, x: undefined as unknown as Float32Array } }),
      );
      expect(missing.details).toEqual({ split: 'train', length: undefined, count: 4, featureCount: 2 });
      expect(missing.message).toContain('it has undefined.');
      const x = good.x.slice();
      x[7] = Number.POSITIVE_INFINITY;
      const infinite = await rejection(trainModel({ model, spec, train: good, validation: { ...good, x } }));
      expect(infinite.code).toBe('INVALID_ARGUMENT');
      expect(infinite.details).toEqual({ split: 'validation', row: 3, column: 1, value: 'Infinity' });
      expect(infinite.message).toBe(
        'validation.x has Infinity at row 3, feature 1. Impute or drop missing values in the pipeline before training.',
      );
      const first = good.x.slice();
      first[0] = Number.NaN;
      const nan = await rejection(trainModel({ model, spec, train: { ...good, x: first } }));
      expect(nan.details).toEqual({ split: 'train', row: 0, column: 0, value: 'NaN' });
      model.dispose();
    });
  });

  test('y that is not a Float32Array, of the wrong length or non-finite names the split and row', async () => {
    await noLeak(async () => {
      const spec = regressionSpec();
      // Two outputs per row, so the row of a bad target is its index divided by 2.
      const input = tf.input({ shape: [2] });
      const model = tf.model({
        inputs: input,
        outputs: tf.layers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor,
      });
      const x = features(4, 2);
      const y = new Float32Array(8).fill(1);
      const ok = await trainModel({ model, spec, train: { x, y, count: 4 } });
      expect(ok.history).toHaveLength(2);
      const notFloat = await rejection(
        trainModel({ model, spec, train: { x, y: Array.from(y) as unknown as Float32Array, count: 4 } }),
      );
      expect(isEdgeflowError(notFloat, 'INVALID_ARGUMENT')).toBe(true);
      expect(notFloat.message).toBe('train.y must be a Float32Array.');
      expect(notFloat.details).toEqual({ split: 'train' });
      const short = await rejection(trainModel({ model, spec, train: { x, y: y.subarray(0, 4), count: 4 } }));
      expect(short.message).toBe('train.y must hold 8 targets (2 per row); it has 4.');
      expect(short.code).toBe('INVALID_ARGUMENT');
      expect(short.details).toEqual({ split: 'train', length: 4, count: 4 });
      const bad = y.slice();
      bad[5] = Number.NaN;
      const nanValidation = await rejection(
        trainModel({ model, spec, train: { x, y, count: 4 }, validation: { x, y: bad, count: 4 } }),
      );
      expect(nanValidation.code).toBe('INVALID_ARGUMENT');
      expect(nanValidation.details).toEqual({ split: 'validation', row: 2, value: 'NaN' });
      expect(nanValidation.message).toBe('validation.y has NaN at row 2. Drop rows with a missing target.');
      const firstBad = y.slice();
      firstBad[0] = Number.NEGATIVE_INFINITY;
      const first = await rejection(trainModel({ model, spec, train: { x, y: firstBad, count: 4 } }));
      expect(first.details).toEqual({ split: 'train', row: 0, value: '-Infinity' });
      model.dispose();
    });
  });

  test('a val_* monitor without a validation split is INVALID_ARGUMENT naming the fix', async () => {
    await noLeak(async () => {
      const spec = classifierSpec({ earlyStopping: { monitor: 'val_accuracy' } });
      const model = modelFor(spec, 2, 3);
      const error = await rejection(trainModel({ model, spec, train: classRows(6) }));
      expect(isEdgeflowError(error, 'INVALID_ARGUMENT')).toBe(true);
      expect(error.details).toEqual({ monitor: 'val_accuracy' });
      expect(error.message).toBe(
        'earlyStopping.monitor is "val_accuracy" but no validation split was given. Pass validation, or monitor "accuracy".',
      );
      const fine = await trainModel({ model, spec, train: classRows(6), validation: classRows(3, 1) });
      expect(fine.history.length).toBeGreaterThan(0);
      model.dispose();
    });
  });

  test('class weights naming no class are SPEC_INVALID before any tensor is made', async () => {
    await noLeak(async () => {
      const spec = classifierSpec({ classWeights: { Emperor: 2 } });
      const model = modelFor(spec, 2, 3);
      const error = await rejection(
        trainModel({ model, spec, train: classRows(6), classLabels: ['Adelie', 'Chinstrap', 'Gentoo'] }),
      );
      expect(isEdgeflowError(error, 'SPEC_INVALID')).toBe(true);
      expect(error.details).toMatchObject({ classLabels: ['Adelie', 'Chinstrap', 'Gentoo'] });
      const noLabels = await rejection(trainModel({ model, spec, train: classRows(6) }));
      expect(noLabels.details).toMatchObject({ classLabels: [] });
      model.dispose();
    });
  });
});

describe('backends', () => {
  // A backend registered under the name "wasm" with only some of the cpu kernels: the kernel check
  // reads the registry by backend name, as it does for the real wasm backend.
  function registerCopyOfCpu(name: string, leaveOut: readonly string[]): () => void {
    const cpu = tf.findBackend('cpu') as tf.KernelBackend;
    const Backend = cpu.constructor as new () => tf.KernelBackend;
    tf.registerBackend(name, () => new Backend());
    const copied = tf
      .getKernelsForBackend('cpu')
      .filter((k) => !leaveOut.includes(k.kernelName))
      .map((k) => ({ ...k, backendName: name }));
    for (const kernel of copied) tf.registerKernel(kernel);
    return () => {
      for (const kernel of copied) tf.unregisterKernel(kernel.kernelName, name);
      tf.removeBackend(name);
    };
  }

  test('a backend of BACKEND_ORDER that lacks a kernel the job needs is BACKEND_UNAVAILABLE', async () => {
    const spec = regressionSpec();
    const model = modelFor(spec, 1);
    const release = registerCopyOfCpu('wasm', ['Sigmoid', 'Log']);
    try {
      await tf.setBackend('wasm');
      const error = await rejection(trainModel({ model, spec, train: sameRows(2) }));
      expect(isEdgeflowError(error, 'BACKEND_UNAVAILABLE')).toBe(true);
      expect(error.details).toEqual({ backend: 'wasm', job: 'dense-train', missing: ['Sigmoid', 'Log'] });
      expect(error.message).toContain(
        'The wasm backend cannot run a dense-train job (missing kernels: Sigmoid, Log).',
      );
    } finally {
      await tf.setBackend('cpu');
      release();
      model.dispose();
    }
  });

  test('a backend outside BACKEND_ORDER (e.g. tfjs-node) is not checked, and named in the result', async () => {
    const spec = regressionSpec();
    const model = modelFor(spec, 1);
    const release = registerCopyOfCpu('custom-cpu', ['Sigmoid']);
    try {
      await tf.setBackend('custom-cpu');
      const backends: string[] = [];
      const result = await trainModel({
        model,
        spec,
        train: sameRows(2),
        onProgress: (p) => backends.push(p.backend),
      });
      expect(result.backend).toBe('custom-cpu');
      expect(backends.length).toBeGreaterThan(0);
      expect(backends.every((b) => b === 'custom-cpu')).toBe(true);
    } finally {
      await tf.setBackend('cpu');
      release();
      model.dispose();
    }
  });
});
