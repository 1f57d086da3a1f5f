// monitor-observe: values per second folded into the drift window's sketches (the same float
// sketches the reference profile holds) for a 20-feature stream, in a worker, value by value, against
// @datadog/sketches-js DDSketch (one per feature, same relative accuracy) fed the same values in the
// same worker. Goal ≥ 20M values/s, ratio ≥ 1. The window's figure includes building the sketches
// at the end (its snapshot), so both sides end with queryable sketches.
import * as Comlink from 'comlink';
import { defineBench } from './harness.ts';
import type { MonitorObserveWorkerApi } from './monitor-observe.worker.ts';

export default defineBench({
  name: 'monitor-observe',
  where: 'browser',
  async run(ctx) {
    const worker = new Worker(new URL('./monitor-observe.worker.ts', import.meta.url), { type: 'module' });
    const remote = Comlink.wrap<MonitorObserveWorkerApi>(worker);
    try {
      const rows = ctx.quick ? 20_000 : 200_000;
      ctx.log(`${rows} rows × 20 features`);
      const result = await remote.run(rows, ctx.quick ? 3 : 7);
      return {
        unit: 'values/s',
        value: result.ours,
        baseline: result.theirs,
        better: 'higher',
        extra: {
          values: result.values,
          features: 20,
          where: 'dedicated worker',
          baseline: 'DDSketch(0.004)',
        },
      };
    } finally {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    }
  },
});
