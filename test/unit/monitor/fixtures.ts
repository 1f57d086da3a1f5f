// A small registered classifier and regressor for the monitor's tests: data from a seeded generator,
// the real ingest → pipeline → profile path, a Dense model with fixed weights (no training, so the
// tests are fast and the model's outputs are known), saved to a registry in memory.
import * as tf from '@tensorflow/tfjs';
import { createRng, fitPipeline, ingestDataset, profileTable } from '../../../src/data/index.ts';
import { createRegistry, MemoryModelStore, type Registry } from '../../../src/registry/index.ts';
import type { FittedPipeline, Profile } from '../../../src/schemas/dataset.ts';

/** Raw rows: two numeric features, one categorical, a class label; or a numeric target. */
export function makeRows(
  count: number,
  seed: number,
  options: { shift?: number; colors?: readonly string[]; regression?: boolean } = {},
): Record<string, unknown>[] {
  const rng = createRng(seed);
  const colors = options.colors ?? ['red', 'green', 'blue'];
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const x1 = rng.normal() + (options.shift ?? 0);
    const x2 = rng.normal() * 2 + 10;
    const color = colors[rng.nextInt(colors.length)] as string;
    const score = x1 + (color === 'red' ? 1 : 0) + rng.normal() * 0.5;
    rows.push({
      x1: Math.fround(x1),
      x2: Math.fround(x2),
      color,
      label: options.regression ? Math.fround(3 * x1 + x2) : score > 0.5 ? 'yes' : 'no',
    });
  }
  return rows;
}

/** A registered version: its registry, pipeline and profile. */
export interface Fixture {
  registry: Registry;
  pipeline: FittedPipeline;
  profile: Profile;
  model: string;
}

/** Ingests `rows`, fits the default pipeline, profiles the data, builds a Dense model with fixed weights and saves it. */
export async function registerFixture(
  rows: Record<string, unknown>[],
  options: {
    regression?: boolean;
    metrics?: Record<string, unknown>;
    model?: string;
    registry?: Registry;
  } = {},
): Promise<Fixture> {
  await tf.setBackend('cpu');
  const ds = await ingestDataset({ rows }, { target: 'label' });
  const pipeline = fitPipeline(ds.table, ds.schema);
  const profile = profileTable(ds.table, ds.schema);
  const classes = options.regression ? 1 : (pipeline.target?.classes?.length ?? 2);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [pipeline.featureCount],
        units: classes,
        activation: options.regression ? 'linear' : 'softmax',
        kernelInitializer: 'ones',
        biasInitializer: 'zeros',
      }),
    ],
  });
  // Fixed weights: class k's logit is (k + 1) × x1 (feature 0), so the output depends on the data.
  const kernel = new Float32Array(pipeline.featureCount * classes);
  for (let k = 0; k < classes; k++) kernel[k] = k + 1;
  tf.tidy(() => {
    model.layers[0]?.setWeights([tf.tensor2d(kernel, [pipeline.featureCount, classes]), tf.zeros([classes])]);
  });
  const registry =
    options.registry ?? (await createRegistry({ store: new MemoryModelStore(), channel: null }));
  const name = options.model ?? 'fixture';
  await registry.saveModel(name, model, {
    pipeline: pipeline as never,
    profile: profile as never,
    signature: { columns: pipeline.columns.map((c) => ({ name: c.name, type: c.type })) } as never,
    metrics: (options.metrics ?? {}) as never,
  });
  model.dispose();
  return { registry, pipeline, profile, model: name };
}
