// The worker behind the training benchmarks (train-throughput, train-overhead, main-thread-jank):
// it trains the same model on the same data either with edgeflow's `trainModel` or with raw
// `model.fit`, on a backend the page names, and reports wall-clock figures.
import * as tf from '@tensorflow/tfjs';
import * as Comlink from 'comlink';
import { activateBackend, configureWasm } from '../src/runtime/backends.ts';
import { missingKernels } from '../src/runtime/kernels.ts';
import { createPrng } from '../src/runtime/seed.ts';
import { selectBackend } from '../src/runtime/select-backend.ts';
import type { BackendName } from '../src/runtime/types.ts';
import { buildModel } from '../src/train/build-model.ts';
import { jobProfileOf } from '../src/train/job-profile.ts';
import type { parseModelSpec } from '../src/train/spec.ts';
import { trainModel } from '../src/train/train-model.ts';
import type { TrainSplit } from '../src/train/types.ts';
import { benchSpec, type TrainBenchCase, type TrainBenchRun } from './train-bench-cases.ts';

const datasets = new Map<string, TrainSplit>();

function dataFor(benchCase: TrainBenchCase): TrainSplit {
  const key = `${benchCase.arch}:${benchCase.rows}`;
  const known = datasets.get(key);
  if (known) return known;
  const features = benchCase.arch === 'mlp' ? 784 : 28 * 28;
  const rng = createPrng(1, key);
  const x = new Float32Array(benchCase.rows * features);
  for (let i = 0; i < x.length; i++) x[i] = rng.nextFloat();
  const y = new Float32Array(benchCase.rows);
  for (let i = 0; i < y.length; i++) y[i] = rng.nextInt(10);
  const split = { x, y, count: benchCase.rows };
  datasets.set(key, split);
  return split;
}

async function fitRaw(
  model: tf.LayersModel,
  spec: ReturnType<typeof parseModelSpec>,
  data: TrainSplit,
): Promise<void> {
  // What a user writes without edgeflow: tensors from the arrays, compile, fit.
  const features = model.inputs[0]?.shape.slice(1) as number[];
  const x = tf.tensor(data.x, [data.count, ...features]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(data.y), 'int32'), 10).toFloat());
  const optimizer = tf.train.adam(spec.learningRate);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  try {
    await model.fit(x, y, { batchSize: spec.batchSize, epochs: spec.epochs, shuffle: true, verbose: 0 });
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
  }
}

const api = {
  /**
   * Decides whether this worker's WASM backend runs threaded; call before the first `prepare`
   * (tfjs starts its WASM module once per thread). Returns what was decided.
   */
  configureWasm(threads: boolean): { enabled: boolean; reason: string | null } {
    return configureWasm({ threads });
  },

  /** Activates a backend by name and says whether it can run the case's job (and why not). */
  async prepare(
    backend: BackendName,
    arch: TrainBenchCase['arch'],
  ): Promise<{ ok: boolean; reason: string | null }> {
    try {
      await activateBackend(backend);
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
    const missing = missingKernels(backend, jobProfileOf(benchSpec({ arch, rows: 1, epochs: 1 })));
    return missing.length
      ? {
          ok: false,
          reason: `missing kernels for ${arch === 'cnn' ? 'conv' : 'dense'} training: ${missing.join(', ')}`,
        }
      : { ok: true, reason: null };
  },

  /** The backend `'auto'` picks here for dense training (measured once, cached per device). */
  async autoBackend(): Promise<BackendName> {
    return (await selectBackend({ backend: 'auto', job: 'dense-train' })).backend;
  },

  /**
   * One training run of `benchCase` on the active backend. `mode: 'ours'` runs `trainModel` with
   * progress forwarded to `onProgress` (when given); `'fit'` runs raw `model.fit`.
   */
  async run(
    benchCase: TrainBenchCase,
    mode: 'ours' | 'fit',
    onProgress?: (loss: number) => void,
  ): Promise<TrainBenchRun> {
    const spec = benchSpec(benchCase);
    const data = dataFor(benchCase);
    const model = buildModel(spec, { featureCount: data.x.length / data.count, classCount: 10 });
    const tensorsBefore = tf.memory().numTensors;
    const start = performance.now();
    try {
      if (mode === 'ours') {
        let progressEvents = 0;
        await trainModel({
          model,
          spec,
          train: data,
          onProgress: (p) => {
            progressEvents++;
            onProgress?.(p.loss);
          },
        });
        const ms = performance.now() - start;
        return {
          ms,
          samplesPerSecond: (data.count * spec.epochs * 1000) / ms,
          progressEvents,
          leaked: tf.memory().numTensors - tensorsBefore,
        };
      }
      await fitRaw(model, spec, data);
      const ms = performance.now() - start;
      return { ms, samplesPerSecond: (data.count * spec.epochs * 1000) / ms, progressEvents: 0, leaked: 0 };
    } finally {
      model.dispose();
    }
  },
};

/** What the page sees of this worker. */
export type TrainBenchWorkerApi = typeof api;

Comlink.expose(api);
