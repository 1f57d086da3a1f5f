// train-overhead: what the lab costs over raw `model.fit`. value = `lab.train` (split, pipeline
// fit, run tracking in IndexedDB, progress to the page, parity check, test evaluation), baseline
// = raw `model.fit` in a worker of the same page on the same number of training rows, same MLP
// (784-256-256-10, batch 256) and backend. Both as samples/s of training; target ratio ≥ 0.97.
import * as Comlink from 'comlink';
import { createLab } from '../src/index.ts';
import { defineBench, timeAlternating } from './harness.ts';
import { mnistLikeCsv } from './lab-bench-data.ts';
import type { TrainBenchWorkerApi } from './train-bench.worker.ts';
import { startTrainBenchWorker, type TrainBenchCase } from './train-bench-cases.ts';

export default defineBench({
  name: 'train-overhead',
  where: 'browser',
  async run(ctx) {
    const rows = ctx.quick ? 1024 : 5120;
    const epochs = ctx.quick ? 1 : 2;
    const lab = await createLab({ backend: 'auto', workers: 1 });
    const worker = startTrainBenchWorker();
    const remote = Comlink.wrap<TrainBenchWorkerApi>(worker);
    try {
      const { backend } = await lab.runtime();
      const dataset = await lab.loadDataset(new File([mnistLikeCsv(rows)], 'mnist-like.csv'), {
        target: 'label',
      });
      const spec = {
        task: 'classification' as const,
        architecture: { type: 'mlp' as const, hidden: [256, 256] },
        batchSize: 256,
        epochs,
        seed: 1,
      };
      const split = { validation: 0, test: 0.05 };
      let progressEvents = 0;
      const trainOnce = async (): Promise<number> => {
        const handle = lab.train(dataset.id, spec, { split, onProgress: () => progressEvents++ });
        const run = await handle.done;
        await lab.discardRun(run.id);
        return Number(run.metrics.trainRows);
      };
      // Warm-up: compiles kernels and stores the dataset once (later runs find it by fingerprint).
      const trainRows = await trainOnce();
      await remote.prepare(backend, 'mlp');
      const baselineCase: TrainBenchCase = { arch: 'mlp', rows: trainRows, epochs };
      ctx.log(`backend ${backend}, ${trainRows} training rows × ${epochs} epochs`);
      const timed = await timeAlternating(
        trainOnce,
        () => remote.run(baselineCase, 'fit'),
        ctx.quick ? 2 : 4,
      );
      const samples = trainRows * epochs;
      return {
        unit: 'samples/s',
        value: (samples * 1000) / timed.ours,
        baseline: (samples * 1000) / timed.theirs,
        better: 'higher',
        extra: {
          backend,
          trainRows,
          epochs,
          labTrainMs: timed.oursAll.map(Math.round),
          fitMs: timed.theirsAll.map(Math.round),
          progressEvents,
          scope: 'lab.train end to end (prepare, track, train, parity, evaluate) vs model.fit alone',
        },
      };
    } finally {
      worker.terminate();
      await lab.dispose();
    }
  },
});
