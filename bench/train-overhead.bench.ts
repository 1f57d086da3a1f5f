// train-overhead: what edgeflow's training loop costs over raw `model.fit`, both inside a worker
// of the same page, same MLP (784-256-256-10, batch 256), data and backend (the one 'auto' picks).
// value = trainModel with progress forwarded to the page (comlink), baseline = model.fit.
// Until the lab wiring lands (lab.train with run tracking in the registry), this measures the
// training core alone; the target is ratio ≥ 0.97.
import * as Comlink from 'comlink';
import { defineBench, timeAlternating } from './harness.ts';
import type { TrainBenchWorkerApi } from './train-bench.worker.ts';
import { startTrainBenchWorker, type TrainBenchCase } from './train-bench-cases.ts';

export default defineBench({
  name: 'train-overhead',
  where: 'browser',
  async run(ctx) {
    const worker = startTrainBenchWorker();
    const remote = Comlink.wrap<TrainBenchWorkerApi>(worker);
    try {
      const backend = await remote.autoBackend();
      await remote.prepare(backend, 'mlp');
      const benchCase: TrainBenchCase = {
        arch: 'mlp',
        rows: ctx.quick ? 1024 : 5120,
        epochs: ctx.quick ? 1 : 2,
      };
      ctx.log(`backend ${backend}, ${benchCase.rows} rows × ${benchCase.epochs} epochs`);
      let progressMessages = 0;
      const onProgress = Comlink.proxy(() => {
        progressMessages++;
      });
      const timed = await timeAlternating(
        () => remote.run(benchCase, 'ours', onProgress),
        () => remote.run(benchCase, 'fit'),
        ctx.quick ? 2 : 4,
      );
      const samples = benchCase.rows * benchCase.epochs;
      return {
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
          progressMessages,
          scope: 'trainModel in a worker (lab.train with run tracking is wired later)',
        },
      };
    } finally {
      worker.terminate();
    }
  },
});
