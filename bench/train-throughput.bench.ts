// train-throughput: training samples/s of the MLP (784-256-256-10, batch 256) and a small CNN
// (28×28×1, two conv blocks, batch 64) on every backend that can train it, inside a worker.
// value = edgeflow's trainModel, baseline = raw model.fit on the same backend, data and model,
// run alternately. wasm cannot train the CNN in tfjs 4.22 (no Conv2DBackpropFilter): reported skipped.
// Threaded against single-threaded WASM: bench/train-throughput-wasm-threads.bench.ts.
import * as Comlink from 'comlink';
import type { BackendName } from '../src/runtime/types.ts';
import { type BenchMeasurement, defineBench, timeAlternating } from './harness.ts';
import type { TrainBenchWorkerApi } from './train-bench.worker.ts';
import { startTrainBenchWorker, type TrainBenchCase } from './train-bench-cases.ts';

const BACKENDS: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export default defineBench({
  name: 'train-throughput',
  where: 'browser',
  async run(ctx) {
    const worker = startTrainBenchWorker();
    const remote = Comlink.wrap<TrainBenchWorkerApi>(worker);
    const cases: TrainBenchCase[] = [
      { arch: 'mlp', rows: ctx.quick ? 512 : 2560, epochs: 1 },
      { arch: 'cnn', rows: ctx.quick ? 128 : 512, epochs: 1 },
    ];
    const rounds = ctx.quick ? 1 : 3;
    const results: BenchMeasurement[] = [];
    const skipped: Record<string, string> = {};
    try {
      for (const benchCase of cases) {
        for (const backend of BACKENDS) {
          const name = `train-throughput-${benchCase.arch}-${backend}`;
          const ready = await remote.prepare(backend, benchCase.arch);
          if (!ready.ok) {
            skipped[name] = ready.reason ?? 'unavailable';
            ctx.log(`${name}: skipped (${ready.reason})`);
            continue;
          }
          ctx.log(`${name}: ${benchCase.rows} rows × ${benchCase.epochs} epoch, ${rounds} round(s)…`);
          const leaks: number[] = [];
          const timed = await timeAlternating(
            async () => leaks.push((await remote.run(benchCase, 'ours')).leaked),
            () => remote.run(benchCase, 'fit'),
            rounds,
          );
          const samples = benchCase.rows * benchCase.epochs;
          results.push({
            bench: name,
            unit: 'samples/s',
            value: (samples * 1000) / timed.ours,
            baseline: (samples * 1000) / timed.theirs,
            better: 'higher',
            extra: {
              backend,
              rows: benchCase.rows,
              epochs: benchCase.epochs,
              oursMs: timed.oursAll.map(Math.round),
              fitMs: timed.theirsAll.map(Math.round),
              leakedTensors: Math.max(...leaks),
            },
          });
        }
      }
    } finally {
      worker.terminate();
    }
    const first = results[0];
    if (first) first.extra = { ...first.extra, skipped };
    return results;
  },
});
