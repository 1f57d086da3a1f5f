import * as tf from '@tensorflow/tfjs';
import type { ModelSpec } from '../schemas/model-spec.ts';

/** Creates the tfjs optimizer a spec names, at the spec's base learning rate. The caller disposes it. */
export function createOptimizer(spec: Pick<ModelSpec, 'optimizer' | 'learningRate'>): tf.Optimizer {
  const o = spec.optimizer;
  const lr = spec.learningRate;
  switch (o.type) {
    case 'adam':
      return tf.train.adam(lr, o.beta1, o.beta2, o.epsilon);
    case 'sgd':
      return o.momentum > 0 || o.nesterov ? tf.train.momentum(lr, o.momentum, o.nesterov) : tf.train.sgd(lr);
    case 'rmsprop':
      return tf.train.rmsprop(lr, o.decay, o.momentum, o.epsilon, o.centered);
  }
}

/**
 * Changes an optimizer's learning rate between steps (for schedules). SGD and momentum expose
 * `setLearningRate`, which also rebuilds the scalar they multiply by. Adam and RMSProp keep the
 * rate in a `learningRate` field that tfjs 4.22 reads on every `applyGradients` (declared
 * protected in the typings, so it is set through a cast).
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  // `instanceof` cannot tell optimizers apart: tfjs-core defines `Optimizer[Symbol.hasInstance]`
  // as a duck-type check that every optimizer passes. Look for the method instead.
  const sgdLike = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (typeof sgdLike.setLearningRate === 'function') {
    if (sgdLike.learningRate !== learningRate) sgdLike.setLearningRate(learningRate);
    return;
  }
  sgdLike.learningRate = learningRate;
}

/**
 * Disposes an optimizer and all its state. tfjs 4.22's `MomentumOptimizer.dispose` does not call
 * `SGDOptimizer.dispose`, so the scalar learning-rate tensor `c` it inherits would leak; it is
 * disposed here too (disposing a tensor twice is a no-op).
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  (optimizer as unknown as { c?: tf.Tensor }).c?.dispose();
}
