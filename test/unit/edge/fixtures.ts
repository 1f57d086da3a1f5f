// Fixtures of the edge tests: a registered classifier (real ingest → pipeline → profile, a Dense
// model with fixed weights, no training), a signing key, and a publisher that writes releases and
// channels into a folder the way a static host would serve them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createRng, fitPipeline, ingestDataset, profileTable } from '../../../src/data/index.ts';
import {
  type BuiltRelease,
  buildChannel,
  buildRelease,
  computeGoldenPairs,
} from '../../../src/edge/index.ts';
import { writeChannelFile, writeReleaseFolder } from '../../../src/edge/node/index.ts';
import { createPredictor } from '../../../src/monitor/index.ts';
import { createRegistry, MemoryModelStore, type Registry } from '../../../src/registry/index.ts';
import {
  exportPublicKey,
  generateSigningKey,
  type PublicKeySet,
  type SigningKey,
} from '../../../src/release/index.ts';

/** Raw rows: two numeric features and a colour; the label depends on x1 and the colour. */
export function makeRows(count: number, seed: number): Record<string, unknown>[] {
  const rng = createRng(seed);
  const colors = ['red', 'green', 'blue'];
  return Array.from({ length: count }, () => {
    const x1 = rng.normal();
    const x2 = rng.normal() * 2 + 10;
    const color = colors[rng.nextInt(3)] as string;
    return {
      x1: Math.fround(x1),
      x2: Math.fround(x2),
      color,
      label: x1 + (color === 'red' ? 1 : 0) > 0.5 ? 'yes' : 'no',
    };
  });
}

/** The publisher side of the tests: a registry with two versions, a key, and a folder. */
export interface Publisher {
  registry: Registry;
  key: SigningKey;
  publicKeys: PublicKeySet;
  root: string;
  /** Sample rows for golden pairs (without the label). */
  goldenRows: Record<string, unknown>[];
  /** Builds release `release` of `model` from registry version `version` and writes it; points `channel` at it. */
  publish(options: PublishOptions): Promise<BuiltRelease>;
}

/** Options of `Publisher.publish`. */
export interface PublishOptions {
  model: string;
  version: 1 | 2;
  release: number;
  channel?: string;
  rolloutPercent?: number;
  sequence?: number;
  key?: SigningKey;
  /** Changes the manifest before signing (golden pairs, signature…). */
  editGolden?: (golden: BuiltRelease['manifest']['golden']) => BuiltRelease['manifest']['golden'];
  now?: number;
  channelLifetimeMs?: number;
  writeChannel?: boolean;
}

/** Registers versions 1 and 2 of `base` (different weights, so their outputs differ). */
export async function createPublisher(): Promise<Publisher> {
  await tf.setBackend('cpu');
  const rows = makeRows(300, 7);
  const ds = await ingestDataset({ rows }, { target: 'label' });
  const pipeline = fitPipeline(ds.table, ds.schema);
  const profile = profileTable(ds.table, ds.schema);
  const registry = await createRegistry({ store: new MemoryModelStore(), channel: null });
  for (const scale of [1, -2]) {
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [pipeline.featureCount], units: 2, activation: 'softmax' })],
    });
    const kernel = new Float32Array(pipeline.featureCount * 2);
    kernel[0] = scale;
    kernel[1] = -scale;
    kernel[2] = 0.3;
    tf.tidy(() =>
      model.layers[0]?.setWeights([
        tf.tensor2d(kernel, [pipeline.featureCount, 2]),
        tf.tensor1d([0.1, -0.1]),
      ]),
    );
    await registry.saveModel('base', model, {
      pipeline: pipeline as never,
      profile: profile as never,
      signature: { columns: pipeline.columns.map((c) => ({ name: c.name, type: c.type })) } as never,
      metrics: { accuracy: 0.9 },
    });
    model.dispose();
  }
  const key = await generateSigningKey();
  const publicKeys = { keys: [await exportPublicKey(key)] };
  const root = mkdtempSync(join(tmpdir(), 'edgeflow-releases-'));
  const goldenRows = makeRows(6, 99).map(({ label: _label, ...row }) => row);
  return {
    registry,
    key,
    publicKeys,
    root,
    goldenRows,
    async publish(options) {
      const predictor = await createPredictor({ registry, model: 'base', version: options.version });
      const golden = await computeGoldenPairs(predictor, goldenRows);
      predictor.dispose();
      const built = await buildRelease({
        exported: await registry.exportVersion('base', options.version),
        model: options.model,
        release: options.release,
        signingKey: options.key ?? key,
        golden: options.editGolden ? options.editGolden(golden) : golden,
        goldenTolerance: 1e-4,
        ...(options.now === undefined ? {} : { now: options.now }),
      });
      await writeReleaseFolder(root, built);
      if (options.writeChannel ?? true) {
        const channel = await buildChannel({
          model: options.model,
          channel: options.channel ?? 'stable',
          release: options.release,
          manifestSha256: built.manifestSha256,
          rolloutPercent: options.rolloutPercent ?? 100,
          sequence: options.sequence ?? options.release,
          signingKey: options.key ?? key,
          ...(options.now === undefined ? {} : { now: options.now }),
          ...(options.channelLifetimeMs === undefined ? {} : { lifetimeMs: options.channelLifetimeMs }),
        });
        await writeChannelFile(root, channel.text);
      }
      return built;
    },
  };
}
