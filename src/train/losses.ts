// Losses and metrics as tensor functions over one batch. Written out here (not taken from
// tfjs-layers) because the loop needs per-example losses to apply class weights.
import * as tf from '@tensorflow/tfjs';
import type { LossName, ModelTask } from '../schemas/model-spec.ts';

/** Probabilities are clipped to [ε, 1 − ε] before the log, as Keras does (ε = 1e-7). */
const EPSILON = 1e-7;

/** The loss of each example of a batch: shape `[batch]`. */
export function perExampleLoss(loss: LossName, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    switch (loss) {
      case 'categoricalCrossentropy':
        return tf.neg(tf.sum(tf.mul(yTrue, tf.log(tf.clipByValue(yPred, EPSILON, 1 - EPSILON))), -1));
      case 'meanSquaredError':
        return tf.mean(tf.square(tf.sub(yPred, yTrue)), -1);
      case 'meanAbsoluteError':
        return tf.mean(tf.abs(tf.sub(yPred, yTrue)), -1);
      case 'huber': {
        // δ = 1: quadratic within one unit of the target, linear beyond.
        const error = tf.abs(tf.sub(yPred, yTrue));
        const quadratic = tf.minimum(error, 1);
        return tf.mean(tf.add(tf.mul(0.5, tf.square(quadratic)), tf.sub(error, quadratic)), -1);
      }
    }
  }) as tf.Tensor1D;
}

/**
 * The mean loss of a batch, each example weighted by `exampleWeights` when given (Keras's
 * `class_weight` semantics: the weighted sum divided by the batch size).
 */
export function batchLoss(
  loss: LossName,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  exampleWeights: tf.Tensor | null,
): tf.Scalar {
  return tf.tidy(() => {
    const each = perExampleLoss(loss, yTrue, yPred);
    return tf.mean(exampleWeights ? tf.mul(each, exampleWeights) : each);
  });
}

/** The metric each task reports: accuracy for classification, mean absolute error for regression. */
export function metricName(task: ModelTask): 'accuracy' | 'mae' {
  return task === 'classification' ? 'accuracy' : 'mae';
}

/** The metric summed over a batch (correct predictions, or absolute errors): a scalar. */
export function metricSum(task: ModelTask, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    if (task === 'classification') {
      return tf.sum(tf.cast(tf.equal(tf.argMax(yPred, -1), tf.argMax(yTrue, -1)), 'float32'));
    }
    return tf.sum(tf.mean(tf.abs(tf.sub(yPred, yTrue)), -1));
  });
}
