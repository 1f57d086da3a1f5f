// main-thread-jank: the longest main-thread stall while a model trains. value = trainModel in a
// worker (what the lab does), baseline = raw `model.fit` on the main thread (what a user would
// otherwise write), same MLP (784-256-256-10, batch 256), data and backend. A stall is measured
// two ways and the larger is reported: Long Tasks API entries, and the largest gap between ticks
// of a 4 ms timer (beyond its 4 ms). Until the lab wiring lands this drives the training core
// through a bench worker rather than lab.train. Target: ours ≤ 50 ms.
import * as tf from '@tensorflow/tfjs';
import * as Comlink from 'comlink';
import { activateBackend } from '../src/runtime/backends.ts';
import { buildModel } from '../src/train/build-model.ts';
import { defineBench } from './harness.ts';
import type { TrainBenchWorkerApi } from './train-bench.worker.ts';
import { benchSpec, startTrainBenchWorker, type TrainBenchCase } from './train-bench-cases.ts';

async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let longTask = 0;
  const observer =
    typeof PerformanceObserver === 'function' && PerformanceObserver.supportedEntryTypes?.includes('longtask')
      ? new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) longTask = Math.max(longTask, entry.duration);
        })
      : null;
  observer?.observe({ type: 'longtask' });
  let last = performance.now();
  let gap = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    gap = Math.max(gap, now - last - 4);
    last = now;
  }, 4);
  try {
    await work();
    // One more tick so a stall at the very end is counted.
    await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    clearInterval(ticker);
    observer?.disconnect();
  }
  return Math.max(longTask, gap);
}

export default defineBench({
  name: 'main-thread-jank',
  where: 'browser',
  async run(ctx) {
    const worker = startTrainBenchWorker();
    const remote = Comlink.wrap<TrainBenchWorkerApi>(worker);
    try {
      const backend = await remote.autoBackend();
      await remote.prepare(backend, 'mlp');
      const benchCase: TrainBenchCase = { arch: 'mlp', rows: ctx.quick ? 1024 : 5120, epochs: 1 };
      ctx.log(`backend ${backend}, ${benchCase.rows} rows`);
      // Warm both paths up (shader compilation, WASM start-up) outside the measurement.
      await remote.run({ ...benchCase, rows: 256 }, 'ours');
      const ours = await longestStall(() => remote.run(benchCase, 'ours'));

      await activateBackend(backend);
      const spec = benchSpec(benchCase);
      const features = 784;
      const x = new Float32Array(benchCase.rows * features).map((_, i) => (i % 97) / 97);
      const labels = Int32Array.from({ length: benchCase.rows }, (_, i) => i % 10);
      const fitOnMain = async (rows: number) => {
        const model = buildModel(spec, { featureCount: features, classCount: 10 });
        const xs = tf.tensor2d(x.subarray(0, rows * features), [rows, features]);
        const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels.subarray(0, rows), 'int32'), 10).toFloat());
        const optimizer = tf.train.adam(spec.learningRate);
        model.compile({ optimizer, loss: 'categoricalCrossentropy' });
        try {
          await model.fit(xs, ys, { batchSize: spec.batchSize, epochs: 1, shuffle: true, verbose: 0 });
        } finally {
          tf.dispose([xs, ys]);
          optimizer.dispose();
          model.dispose();
        }
      };
      await fitOnMain(256);
      const theirs = await longestStall(() => fitOnMain(benchCase.rows));
      return {
        unit: 'ms',
        value: ours,
        baseline: theirs,
        better: 'lower',
        extra: {
          backend,
          rows: benchCase.rows,
          oursMs: Math.round(ours),
          fitOnMainThreadMs: Math.round(theirs),
          target: 'ours ≤ 50 ms',
          scope: 'trainModel in a bench worker (lab.train is wired later)',
        },
      };
    } finally {
      worker.terminate();
    }
  },
});
