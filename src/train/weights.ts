// Weight snapshots and seeded initial values. A snapshot is a list of tensor clones, one per model
// weight: cloning shares the backend buffer until the variable is next assigned (tfjs variables
// swap in new buffers on assign, never write in place), so taking one costs no copy and no readback.
import * as tf from '@tensorflow/tfjs';
import { createPrng, glorotUniform } from '../runtime/seed.ts';

/** Clones of every weight of a model (trainable and not, e.g. batch-norm moving statistics). */
export type WeightSnapshot = tf.Tensor[];

/** Takes a snapshot of `model`'s weights, in `model.weights` order. The caller disposes it. */
export function snapshotWeights(model: tf.LayersModel): WeightSnapshot {
  return model.weights.map((w) => tf.clone(w.read()));
}

/** Writes a snapshot back onto the model (the snapshot stays valid; dispose it separately). */
export function restoreWeights(model: tf.LayersModel, snapshot: WeightSnapshot): void {
  model.weights.forEach((w, i) => {
    const saved = snapshot[i];
    if (saved) w.write(saved);
  });
}

/** Disposes a snapshot, if any. */
export function disposeSnapshot(snapshot: WeightSnapshot | null): void {
  if (snapshot) tf.dispose(snapshot);
}

/** The last segment of a weight's scoped name (`hidden_1/kernel` → `kernel`). */
function weightRole(originalName: string): string {
  const last = originalName.split('/').pop() ?? originalName;
  return last.replace(/_\d+$/, '');
}

/**
 * Sets every weight of `model` from the seeded generator: Glorot-uniform kernels (Keras's
 * default), zero biases and betas, unit gammas and moving variances. The values are drawn in
 * JavaScript, so a seed gives the same initial weights on every backend.
 */
export function initialiseSeededWeights(model: tf.LayersModel, seed: number): void {
  const rng = createPrng(seed, 'init');
  for (const weight of model.weights) {
    const shape = weight.shape.map((d) => d ?? 1);
    const role = weightRole(weight.originalName);
    const size = shape.reduce((a, b) => a * b, 1);
    let values: Float32Array;
    if (role === 'kernel') values = glorotUniform(shape, rng);
    else if (role === 'gamma' || role === 'moving_variance') values = new Float32Array(size).fill(1);
    else values = new Float32Array(size);
    const tensor = tf.tensor(values, shape, 'float32');
    weight.write(tensor);
    tensor.dispose();
  }
}
