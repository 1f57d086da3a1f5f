// train-throughput-wasm-threads (issue 16, point 1): the train-throughput MLP (784-256-256-10,
// batch 256) trained with edgeflow's trainModel on threaded WASM (value) against the same on
// single-threaded WASM (baseline): two bench workers, one configured each way, run alternately.
import * as Comlink from 'comlink';
import { type BenchMeasurement, defineBench, timeAlternating } from './harness.ts';
import type { TrainBenchWorkerApi } from './train-bench.worker.ts';
import { startTrainBenchWorker, type TrainBenchCase } from './train-bench-cases.ts';

export default defineBench({
  name: 'train-throughput-wasm-threads',
  where: 'browser',
  async run(ctx): Promise<BenchMeasurement> {
    const benchCase: TrainBenchCase = { arch: 'mlp', rows: ctx.quick ? 512 : 2560, epochs: 1 };
    const rounds = ctx.quick ? 1 : 3;
    const workers = [startTrainBenchWorker(), startTrainBenchWorker()];
    const [threaded, single] = workers.map((w) => Comlink.wrap<TrainBenchWorkerApi>(w)) as [
      Comlink.Remote<TrainBenchWorkerApi>,
      Comlink.Remote<TrainBenchWorkerApi>,
    ];
    try {
      const on = await threaded.configureWasm(true);
      const off = await single.configureWasm(false);
      if (!on.enabled) throw new Error(`WASM threads are off in the bench page: ${on.reason}`);
      for (const remote of [threaded, single]) {
        const ready = await remote.prepare('wasm', benchCase.arch);
        if (!ready.ok) throw new Error(`wasm cannot train the ${benchCase.arch}: ${ready.reason}`);
      }
      ctx.log(`threaded vs single-threaded WASM, ${benchCase.rows} rows, ${rounds} round(s)…`);
      const timed = await timeAlternating(
        () => threaded.run(benchCase, 'ours'),
        () => single.run(benchCase, 'ours'),
        rounds,
      );
      const samples = benchCase.rows * benchCase.epochs;
      return {
        bench: 'train-throughput-mlp-wasm-threads',
        unit: 'samples/s',
        value: (samples * 1000) / timed.ours,
        baseline: (samples * 1000) / timed.theirs,
        better: 'higher',
        extra: {
          cores: navigator.hardwareConcurrency,
          singleThreadedBecause: off.reason,
          threadedMs: timed.oursAll.map(Math.round),
          singleThreadedMs: timed.theirsAll.map(Math.round),
        },
      };
    } finally {
      for (const w of workers) w.terminate();
    }
  },
});
