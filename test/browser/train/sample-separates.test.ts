// Issue 16, point 6: the bundled classification sample was so easy that every preset scored 1.0, so
// "compare runs" showed ties and the gate had nothing to decide. The demo's sample, trained with the
// demo's presets the way the lab trains (default split, pipeline fitted on the training rows), must
// leave the best candidate clearly below a perfect score, with candidates that disagree.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { sampleFile } from '../../../demo/data/sample-files.ts';
import { type PresetId, presetForm, specFromForm } from '../../../demo/train/presets.ts';
import { ingestDataset } from '../../../src/data/ingest.ts';
import { prepareSplits } from '../../../src/data/prepare.ts';
import { splitDataset } from '../../../src/data/split.ts';
import { activateBackend } from '../../../src/runtime/backends.ts';
import type { DatasetSummary } from '../../../src/schemas/dataset.ts';
import { buildModel } from '../../../src/train/build-model.ts';
import { parseModelSpec } from '../../../src/train/spec.ts';
import { trainModel } from '../../../src/train/train-model.ts';
import { expectNoLeak } from './fixtures.ts';

beforeAll(async () => {
  await activateBackend('cpu');
});

/** The predicted class of every row. */
async function predictedClasses(model: tf.LayersModel, x: Float32Array, rows: number, width: number) {
  const out = tf.tidy(() => tf.argMax(model.predict(tf.tensor2d(x, [rows, width])) as tf.Tensor, -1));
  const classes = Array.from(await out.data());
  out.dispose();
  return classes;
}

test('the bundled classification sample separates the presets: the best is clearly below 1.0, and they disagree', async () => {
  const { file, target } = sampleFile('classification');
  const dataset = await ingestDataset(await file.text(), { target });
  expect(dataset.table.rowCount).toBe(600);
  // The identifier column is read and set aside, as a user's would be.
  expect(dataset.schema.columns.find((c) => c.name === 'id')?.role).toBe('ignored');
  expect(dataset.quality.issues.some((i) => i.kind === 'missing_values')).toBe(true);
  // Only `schema` of the summary is read by the preset helpers.
  const summary = { schema: dataset.schema } as unknown as DatasetSummary;

  const results: { preset: PresetId; accuracy: number; predicted: number[] }[] = [];
  for (const preset of ['linear', 'mlp-small', 'mlp-wide'] as const) {
    await expectNoLeak(async () => {
      const spec = parseModelSpec(specFromForm(presetForm(preset), summary));
      const { train, test: held } = prepareSplits(
        dataset,
        splitDataset(dataset, { seed: spec.seed, validation: 0.15, test: 0.15 }),
      );
      const model = buildModel(spec, { featureCount: train.featureCount, classCount: 3 });
      await trainModel({
        model,
        spec,
        train: { x: train.features, y: train.targets, count: train.rowCount },
      });
      const predicted = await predictedClasses(model, held.features, held.rowCount, held.featureCount);
      const correct = predicted.filter((c, i) => c === held.targets[i]).length;
      results.push({ preset, accuracy: correct / held.rowCount, predicted });
      model.dispose();
    });
  }
  const accuracies = results.map((r) => r.accuracy);
  // Measured (cpu, seed 42): linear 0.922, small MLP 0.911, wider MLP 0.900; the clean sample gave
  // 0.978, 0.989, 0.989 (and 1.0 in the demo), which this test refuses.
  console.log(
    `[sample] test accuracy: ${results.map((r) => `${r.preset} ${r.accuracy.toFixed(3)}`).join(', ')}`,
  );
  // Learnable (the majority class is 44 %), but no preset is perfect, nor close to it.
  expect(Math.min(...accuracies)).toBeGreaterThan(0.7);
  expect(Math.max(...accuracies)).toBeLessThan(0.97);
  // The candidates are not copies of each other: their scores are not all tied, and the linear
  // model and the wider MLP disagree on some rows.
  expect(new Set(accuracies).size).toBeGreaterThan(1);
  const [linear, , wide] = results;
  expect(linear?.predicted.some((c, i) => c !== wide?.predicted[i])).toBe(true);
});
