// Seeded synthetic datasets and small helpers shared by the training tests.
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { createPrng, type Prng } from '../../../src/runtime/seed.ts';
import type { TrainSplit } from '../../../src/train/types.ts';

function normal(rng: Prng): number {
  // Box–Muller; 1 − u keeps the log away from 0.
  const u = 1 - rng.nextFloat();
  const v = rng.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** `classes` Gaussian blobs in `features` dimensions, centres 4 apart: linearly separable in practice. */
export function blobs(count: number, features: number, classes: number, seed: number): TrainSplit {
  const rng = createPrng(seed, 'blobs');
  const x = new Float32Array(count * features);
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % classes;
    y[i] = label;
    for (let f = 0; f < features; f++) {
      const centre = f === label % features ? 4 : 0;
      x[i * features + f] = centre + 0.7 * normal(rng) + (f === 0 ? label * 0.5 : 0);
    }
  }
  return { x, y, count };
}

/** y = 2·x0 − 3·x1 + 0.5·x2 + 1 + noise(σ = 0.1), x ~ N(0, 1). */
export function linearTargets(count: number, seed: number, scale = 1): TrainSplit {
  const rng = createPrng(seed, 'linear');
  const x = new Float32Array(count * 3);
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const a = normal(rng);
    const b = normal(rng);
    const c = normal(rng);
    x.set([a, b, c], i * 3);
    y[i] = scale * (2 * a - 3 * b + 0.5 * c + 1 + 0.1 * normal(rng));
  }
  return { x, y, count };
}

/** One feature, two overlapping classes: `minority` of every 10 rows is class 1 (N(1.5, 1)), the rest class 0 (N(0, 1)). */
export function imbalanced(count: number, seed: number): TrainSplit {
  const rng = createPrng(seed, 'imbalanced');
  const x = new Float32Array(count);
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 10 === 0 ? 1 : 0;
    y[i] = label;
    x[i] = (label ? 1.5 : 0) + normal(rng);
  }
  return { x, y, count };
}

/** 8×8×1 images: class 0 has a bright top half, class 1 a bright bottom half, plus noise. */
export function halves(count: number, seed: number): TrainSplit {
  const rng = createPrng(seed, 'halves');
  const x = new Float32Array(count * 64);
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 2;
    y[i] = label;
    for (let p = 0; p < 64; p++) {
      const top = p < 32;
      x[i * 64 + p] = (top === (label === 0) ? 1 : 0) + 0.3 * normal(rng);
    }
  }
  return { x, y, count };
}

/** Model outputs for a split, read back once. */
export async function predictRows(model: tf.LayersModel, split: TrainSplit): Promise<Float32Array> {
  const featureShape = (model.inputs[0]?.shape.slice(1) ?? []) as number[];
  const out = tf.tidy(() => model.predict(tf.tensor(split.x, [split.count, ...featureShape])) as tf.Tensor);
  const values = (await out.data()) as Float32Array;
  out.dispose();
  return values;
}

/** Accuracy of a classifier on a split with index labels. */
export async function accuracyOf(model: tf.LayersModel, split: TrainSplit, classes: number): Promise<number> {
  const probs = await predictRows(model, split);
  let correct = 0;
  for (let i = 0; i < split.count; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if ((probs[i * classes + c] ?? 0) > (probs[i * classes + best] ?? 0)) best = c;
    if (best === split.y[i]) correct++;
  }
  return correct / split.count;
}

/** Recall of class `cls`. */
export async function recallOf(
  model: tf.LayersModel,
  split: TrainSplit,
  classes: number,
  cls: number,
): Promise<number> {
  const probs = await predictRows(model, split);
  let hit = 0;
  let total = 0;
  for (let i = 0; i < split.count; i++) {
    if (split.y[i] !== cls) continue;
    total++;
    let best = 0;
    for (let c = 1; c < classes; c++)
      if ((probs[i * classes + c] ?? 0) > (probs[i * classes + best] ?? 0)) best = c;
    if (best === cls) hit++;
  }
  return hit / total;
}

/** 1 − SSE/SST of a regressor on a split. */
export async function rSquaredOf(model: tf.LayersModel, split: TrainSplit): Promise<number> {
  const predictions = await predictRows(model, split);
  const mean = split.y.reduce((a, b) => a + b, 0) / split.count;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < split.count; i++) {
    sse += ((predictions[i] ?? 0) - (split.y[i] ?? 0)) ** 2;
    sst += ((split.y[i] ?? 0) - mean) ** 2;
  }
  return 1 - sse / sst;
}

/** Every weight of a model, read back and concatenated (in `model.weights` order). */
export async function weightValues(model: tf.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.weights.map(async (w) => (await w.read().data()) as Float32Array));
}

/** Largest absolute difference between two weight lists of the same shapes. */
export function maxDifference(a: Float32Array[], b: Float32Array[]): number {
  let max = 0;
  a.forEach((values, i) => {
    const other = b[i] as Float32Array;
    for (let j = 0; j < values.length; j++) max = Math.max(max, Math.abs((values[j] ?? 0) - (other[j] ?? 0)));
  });
  return max;
}

/** Runs `body` and asserts it leaves `tf.memory().numTensors` where it found it. */
export async function expectNoLeak<T>(body: () => Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await body();
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

/** Catches the rejection of `promise`, failing when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
