import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, test } from 'vitest';
import { activateBackend } from '../../../src/runtime/backends.ts';
import type { BackendName } from '../../../src/runtime/types.ts';
import { buildModel } from '../../../src/train/build-model.ts';
import { REPRODUCIBILITY_TOLERANCE } from '../../../src/train/determinism.ts';
import { parityCheck } from '../../../src/train/parity.ts';
import { parseModelSpec } from '../../../src/train/spec.ts';
import { trainModel } from '../../../src/train/train-model.ts';
import type { TrainSplit } from '../../../src/train/types.ts';
import { accuracyOf, blobs, expectNoLeak, halves, maxDifference, weightValues } from './fixtures.ts';

afterAll(async () => {
  await activateBackend('cpu');
});

async function trainedWeights(
  spec: ReturnType<typeof parseModelSpec>,
  train: TrainSplit,
  validation?: TrainSplit,
) {
  const model = buildModel(spec, { featureCount: 4, classCount: 3 });
  await trainModel({ model, spec, train, ...(validation ? { validation } : {}) });
  const weights = await weightValues(model);
  model.dispose();
  return weights;
}

describe.each(['cpu', 'wasm'] as const)('determinism on %s', (backend: BackendName) => {
  test('same seed, data and backend give bit-identical weights; another seed does not', async () => {
    await activateBackend(backend);
    await expectNoLeak(async () => {
      const spec = parseModelSpec({
        task: 'classification',
        architecture: { type: 'mlp', hidden: [16, 8], dropout: 0.3, batchNorm: true },
        epochs: 3,
        batchSize: 16,
        learningRate: 0.01,
        seed: 11,
      });
      const train = blobs(160, 4, 3, 1);
      const validation = blobs(40, 4, 3, 2);
      const first = await trainedWeights(spec, train, validation);
      const second = await trainedWeights(spec, train, validation);
      expect(REPRODUCIBILITY_TOLERANCE[backend]).toBe(0);
      expect(maxDifference(first, second)).toBe(0);
      const other = await trainedWeights({ ...spec, seed: 12 }, train, validation);
      expect(maxDifference(first, other)).toBeGreaterThan(0);
    });
  });
});

describe('webgpu (SwiftShader: tiny workloads only)', () => {
  test('trains a tiny classifier, reproducibly within the documented tolerance, and passes the parity check', async () => {
    await activateBackend('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    await expectNoLeak(async () => {
      const spec = parseModelSpec({
        task: 'classification',
        architecture: { type: 'linear' },
        epochs: 3,
        batchSize: 32,
        learningRate: 0.1,
        seed: 3,
      });
      const train = blobs(128, 4, 3, 1);
      const model = buildModel(spec, { featureCount: 4, classCount: 3 });
      const result = await trainModel({ model, spec, train });
      expect(result.backend).toBe('webgpu');
      expect(await accuracyOf(model, blobs(64, 4, 3, 2), 3)).toBeGreaterThan(0.9);
      const parity = await parityCheck(model, blobs(16, 4, 3, 3).x);
      expect(tf.getBackend()).toBe('webgpu');
      expect(parity).toMatchObject({ backend: 'webgpu', rows: 16, tolerance: 1e-3, exceedsTolerance: false });
      expect(parity.maxAbsDiff).toBeLessThanOrEqual(1e-3);
      const first = await weightValues(model);
      model.dispose();
      const again = await trainedWeights(spec, train);
      expect(maxDifference(first, again)).toBeLessThanOrEqual(REPRODUCIBILITY_TOLERANCE.webgpu ?? 0);
    });
  });
});

describe('kernel check', () => {
  test('a cnn on wasm (no Conv2DBackpropFilter in tfjs 4.22) is BACKEND_UNAVAILABLE before any batch', async () => {
    await activateBackend('wasm');
    await expectNoLeak(async () => {
      const spec = parseModelSpec({
        task: 'classification',
        architecture: { type: 'cnn', inputShape: [8, 8, 1], blocks: [{ filters: 2 }] },
      });
      const model = buildModel(spec, { featureCount: 64, classCount: 2 });
      await expect(trainModel({ model, spec, train: halves(8, 1) })).rejects.toMatchObject({
        code: 'BACKEND_UNAVAILABLE',
        details: { backend: 'wasm', job: 'conv-train', missing: ['Conv2DBackpropFilter'] },
      });
      model.dispose();
    });
  });
});

describe('parityCheck', () => {
  test('on cpu the difference is 0; on wasm it is within 1e-4; the backend is restored', async () => {
    await activateBackend('wasm');
    await expectNoLeak(async () => {
      const spec = parseModelSpec({ task: 'classification', architecture: { type: 'mlp', hidden: [8] } });
      const model = buildModel(spec, { featureCount: 4, classCount: 3 });
      const canary = blobs(32, 4, 3, 1).x;
      const wasm = await parityCheck(model, canary);
      expect(tf.getBackend()).toBe('wasm');
      expect(wasm.exceedsTolerance).toBe(false);
      expect(wasm.maxScaledDiff).toBeLessThanOrEqual(1e-4);
      await activateBackend('cpu');
      const cpu = await parityCheck(model, canary);
      expect(cpu).toMatchObject({ backend: 'cpu', maxAbsDiff: 0, exceedsTolerance: false, rows: 32 });
      model.dispose();
    });
  });

  test('a canary that is not whole rows is INVALID_ARGUMENT', async () => {
    await activateBackend('cpu');
    const spec = parseModelSpec({ task: 'classification', architecture: { type: 'linear' } });
    const model = buildModel(spec, { featureCount: 4, classCount: 3 });
    await expect(parityCheck(model, new Float32Array(6))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    model.dispose();
  });
});
