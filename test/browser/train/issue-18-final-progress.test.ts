// Issue 18, point 3: the final progress state always arrives. A run whose epochs end within one
// progress interval lost its last epoch's report to the throttle, so a finished run showed
// "8 / 12" and its live curve stopped at epoch 8.
import { beforeAll, expect, test } from 'vitest';
import { activateBackend } from '../../../src/runtime/backends.ts';
import { buildModel } from '../../../src/train/build-model.ts';
import { parseModelSpec } from '../../../src/train/spec.ts';
import { trainModel } from '../../../src/train/train-model.ts';
import type { TrainProgress } from '../../../src/train/types.ts';
import { expectNoLeak, linearTargets } from './fixtures.ts';

beforeAll(async () => {
  await activateBackend('cpu');
});

test('every epoch end is reported even when the progress interval is longer than the whole run', async () => {
  await expectNoLeak(async () => {
    const epochs = 12;
    const spec = parseModelSpec({
      task: 'regression',
      architecture: { type: 'mlp', hidden: [4] },
      learningRate: 0.01,
      epochs,
      batchSize: 16,
      seed: 3,
    });
    const model = buildModel(spec, { featureCount: 3, classCount: 0 });
    const progress: TrainProgress[] = [];
    const result = await trainModel({
      model,
      spec,
      train: linearTargets(64, 1),
      // An hour: only forced reports can get through.
      progressIntervalMs: 3_600_000,
      onProgress: (p) => progress.push(p),
    });
    model.dispose();
    expect(result.history).toHaveLength(epochs);
    const epochEnds = progress.filter((p) => p.batch === p.batchesPerEpoch - 1);
    expect(epochEnds.map((p) => p.epoch)).toEqual(Array.from({ length: epochs }, (_, i) => i));
    const last = progress[progress.length - 1];
    expect(last?.epoch).toBe(epochs - 1);
    expect(last?.batch).toBe((last?.batchesPerEpoch ?? 0) - 1);
    expect(last?.loss).toBeCloseTo(result.history[epochs - 1]?.loss ?? Number.NaN, 6);
  });
});
