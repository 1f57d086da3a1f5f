// The models the training benchmarks train, shared by the page side and the bench worker.
import type { ModelSpec } from '../src/schemas/model-spec.ts';
import { parseModelSpec } from '../src/train/spec.ts';

/** One benchmark workload: the MLP (784-256-256-10, batch 256) or the small CNN (28×28×1, two conv blocks, batch 64). */
export interface TrainBenchCase {
  arch: 'mlp' | 'cnn';
  rows: number;
  epochs: number;
}

/** Figures of one training run inside the bench worker. */
export interface TrainBenchRun {
  ms: number;
  samplesPerSecond: number;
  progressEvents: number;
  /** Tensors left behind by the run (should be 0). */
  leaked: number;
}

/** The spec of a benchmark case (adam 1e-3, seed 1). */
export function benchSpec(benchCase: TrainBenchCase): ModelSpec {
  if (benchCase.arch === 'mlp') {
    return parseModelSpec({
      task: 'classification',
      architecture: { type: 'mlp', hidden: [256, 256] },
      batchSize: 256,
      epochs: benchCase.epochs,
      seed: 1,
    });
  }
  return parseModelSpec({
    task: 'classification',
    architecture: {
      type: 'cnn',
      inputShape: [28, 28, 1],
      blocks: [{ filters: 8 }, { filters: 16 }],
      dense: [64],
    },
    batchSize: 64,
    epochs: benchCase.epochs,
    seed: 1,
  });
}

/** Starts the bench worker (a Vite module worker). */
export function startTrainBenchWorker(): Worker {
  return new Worker(new URL('./train-bench.worker.ts', import.meta.url), {
    type: 'module',
    name: 'train-bench',
  });
}
