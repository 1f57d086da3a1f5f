import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildModel } from '../../../src/train/build-model.ts';
import { parseModelSpec } from '../../../src/train/spec.ts';
import { trainModel } from '../../../src/train/train-model.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/**
 * Rows whose features say nothing (all the same), sorted by class: 200 of class 0, then 200 of
 * class 1. The best model predicts 50/50. Trained in row order, every epoch ends on class-1 batches
 * and the model ends up sure of class 1; shuffled batches keep it near 50/50.
 */
function sortedRows(count: number): { x: Float32Array; y: Float32Array; count: number } {
  const x = new Float32Array(count * 2).fill(1);
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) y[i] = i < count / 2 ? 0 : 1;
  return { x, y, count };
}

describe('shuffling', () => {
  // Issue 17 (weak tests): the training fixtures were interleaved by class, so a loop that never
  // shuffled still cleared the bars. On class-sorted rows only a shuffled loop learns both classes.
  test('class-sorted rows end near 50/50 only because batches are shuffled', async () => {
    const spec = parseModelSpec({
      task: 'classification',
      architecture: { type: 'mlp', hidden: [4] },
      optimizer: 'sgd',
      learningRate: 1,
      epochs: 3,
      batchSize: 25,
      seed: 9,
    });
    const model = buildModel(spec, { featureCount: 2, classCount: 2 });
    try {
      const train = sortedRows(400);
      await trainModel({ model, spec, train });
      const probability = tf.tidy(
        () => (model.predict(tf.tensor2d([1, 1], [1, 2])) as tf.Tensor).dataSync()[1],
      );
      // Row order ends at 0.93 (the last 200 rows are all class 1); shuffled, 0.52.
      expect(probability).toBeGreaterThan(0.35);
      expect(probability).toBeLessThan(0.65);
    } finally {
      model.dispose();
    }
  });
});
