import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildModel } from '../../../src/train/build-model.ts';
import { parseModelSpec } from '../../../src/train/spec.ts';
import { trainModel } from '../../../src/train/train-model.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** 40 rows, 2 features, 3 classes in an order no shuffle-free pass would see evenly. */
function rows(): { x: Float32Array; y: Float32Array; count: number } {
  const count = 40;
  const x = new Float32Array(count * 2);
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const cls = i % 5 === 0 ? 2 : i % 2;
    x[i * 2] = cls + ((i * 7) % 5) / 10;
    x[i * 2 + 1] = -cls + ((i * 3) % 4) / 10;
    y[i] = cls;
  }
  return { x, y, count };
}

async function trainWith(classWeights: Record<string, number>, classLabels?: readonly string[]) {
  const spec = parseModelSpec({
    task: 'classification',
    architecture: { type: 'mlp', hidden: [4] },
    epochs: 2,
    batchSize: 8,
    seed: 3,
    classWeights,
  });
  const model = buildModel(spec, { featureCount: 2, classCount: 3 });
  try {
    const result = await trainModel({
      model,
      spec,
      train: rows(),
      ...(classLabels ? { classLabels } : {}),
    });
    return result.history.map((h) => h.loss);
  } finally {
    model.dispose();
  }
}

describe('class weights keyed by label', () => {
  // Issue 17, defect 4: a label key passed the spec check, then trainModel failed with "no such class".
  test('trainModel resolves label keys with the class labels, exactly like index keys', async () => {
    const byIndex = await trainWith({ 1: 5, 2: 0.5 });
    const byLabel = await trainWith({ Chinstrap: 5, Gentoo: 0.5 }, ['Adelie', 'Chinstrap', 'Gentoo']);
    expect(byLabel).toEqual(byIndex);
    const unweighted = await trainWith({});
    expect(byLabel).not.toEqual(unweighted);
  });

  test('an unknown label is SPEC_INVALID naming the labels', async () => {
    await expect(trainWith({ Emperor: 2 }, ['Adelie', 'Chinstrap', 'Gentoo'])).rejects.toMatchObject({
      code: 'SPEC_INVALID',
      message: expect.stringContaining('Adelie, Chinstrap, Gentoo'),
    });
  });
});
