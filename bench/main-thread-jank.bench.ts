// main-thread-jank: the longest main-thread stall while a model trains. value = `lab.train`
// (training in a lab worker, progress streamed to the page), baseline = raw `model.fit` on the main thread (what a user would
// otherwise write), same MLP (784-256-256-10, batch 256), data and backend. A stall is measured
// two ways and the larger is reported: Long Tasks API entries, and the largest gap between ticks
// of a 4 ms timer (beyond its 4 ms). Target: ours ≤ 50 ms.
// `main-thread-jank-export`: the same stall while a registered version (a 2M-parameter Dense model,
// 25M in full runs) is exported as a .zip: `lab.exportVersion` (read, verify and zip in a lab
// worker, a Blob back) against `registry.exportVersionZip` on the page (issue 16, point 7).
import * as tf from '@tensorflow/tfjs';
import { createLab } from '../src/index.ts';
import { activateBackend } from '../src/runtime/backends.ts';
import { buildModel } from '../src/train/build-model.ts';
import { denseModelOfSize } from '../test/fixtures/registry/dense-models.ts';
import { defineBench } from './harness.ts';
import { mnistLikeCsv } from './lab-bench-data.ts';
import { benchSpec, type TrainBenchCase } from './train-bench-cases.ts';

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
    // A long heartbeat timeout: on a loaded machine a busy worker can miss 30 s of liveness checks.
    const lab = await createLab({ backend: 'auto', workers: 1, heartbeat: { timeoutMs: 300_000 } });
    try {
      const { backend } = await lab.runtime();
      const benchCase: TrainBenchCase = { arch: 'mlp', rows: ctx.quick ? 1024 : 5120, epochs: 1 };
      ctx.log(`backend ${backend}, ${benchCase.rows} rows`);
      const dataset = await lab.loadDataset(new File([mnistLikeCsv(benchCase.rows)], 'mnist-like.csv'), {
        target: 'label',
      });
      const labSpec = {
        task: 'classification' as const,
        architecture: { type: 'mlp' as const, hidden: [256, 256] },
        batchSize: 256,
        epochs: 1,
        seed: 1,
      };
      let progressEvents = 0;
      const trainWithLab = async (): Promise<void> => {
        const run = await lab.train(dataset.id, labSpec, {
          split: { validation: 0, test: 0.05 },
          onProgress: () => progressEvents++,
        }).done;
        await lab.discardRun(run.id);
      };
      // Warm up (kernel compilation, dataset stored once) outside the measurement.
      await trainWithLab();
      const ours = await longestStall(trainWithLab);

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
      const training = {
        unit: 'ms',
        value: ours,
        baseline: theirs,
        better: 'lower' as const,
        extra: {
          backend,
          rows: benchCase.rows,
          oursMs: Math.round(ours),
          fitOnMainThreadMs: Math.round(theirs),
          target: 'ours ≤ 50 ms',
          progressEvents,
          scope: 'lab.train in a lab worker vs model.fit on the main thread',
        },
      };
      // Export: a version saved from the page (untimed), then zipped in a worker vs on the page.
      const params = ctx.quick ? 2_000_000 : 25_000_000;
      const big = denseModelOfSize(tf, params);
      const name = `jank-export-${Date.now()}`;
      const version = await lab.registry.saveModel(name, big);
      big.dispose();
      try {
        await lab.exportVersion(name, version.version);
        const exportOurs = await longestStall(() => lab.exportVersion(name, version.version));
        const exportTheirs = await longestStall(() => lab.registry.exportVersionZip(name, version.version));
        return [
          training,
          {
            bench: 'main-thread-jank-export',
            unit: 'ms',
            value: exportOurs,
            baseline: exportTheirs,
            better: 'lower' as const,
            extra: {
              params,
              bytes: params * 4,
              target: 'ours ≤ 50 ms',
              scope: 'lab.exportVersion (worker, Blob) vs registry.exportVersionZip on the page',
            },
          },
        ];
      } finally {
        await lab.registry.prune(name, { keepLast: 0 });
      }
    } finally {
      await lab.dispose();
    }
  },
});
