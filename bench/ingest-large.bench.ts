// ingest-large: a generated 1 GB CSV (20 MB under BENCH_QUICK) streamed through edgeflow's ingest
// (parse, typed table, schema, quality report, profile, fingerprint) inside a worker, read from a
// Blob 4 MiB at a time as a dropped file would be. value = edgeflow's MB/s; baseline = uDSV's
// streaming parse alone (no-op row handler, nothing kept) over the same Blob in the same worker.
// Reports the peak JS heap of the worker (sampled) and the typed-array bytes the table holds.
import * as Comlink from 'comlink';
import { defineBench } from './harness.ts';
import type { IngestBenchWorkerApi } from './ingest-bench.worker.ts';
import { mib, withHeapSampling } from './ingest-memory.ts';

export default defineBench({
  name: 'ingest-large',
  where: 'browser',
  async run(ctx) {
    const bytes = ctx.quick ? 20_000_000 : 1_000_000_000;
    const worker = new Worker(new URL('./ingest-bench.worker.ts', import.meta.url), {
      type: 'module',
      name: 'ingest-bench',
    });
    const remote = Comlink.wrap<IngestBenchWorkerApi>(worker);
    try {
      const generated = await remote.generate(bytes, 2);
      ctx.log(`generated ${mib(generated.bytes)} MiB in ${Math.round(generated.ms)} ms`);
      // One run each (a 1 GB pass is long enough to be steady); the parser first, so edgeflow's run
      // does not get a warmer cache.
      const parsed = await remote.udsvStreamedParse();
      ctx.log(`uDSV streamed parse: ${Math.round(parsed.ms)} ms`);
      const ours = await withHeapSampling(() => remote.ingestOnly());
      ctx.log(`edgeflow ingest: ${Math.round(ours.result.ms)} ms, ${ours.result.rows} rows`);
      const mb = generated.bytes / 1e6;
      return {
        unit: 'MB/s',
        value: mb / (ours.result.ms / 1000),
        baseline: mb / (parsed.ms / 1000),
        better: 'higher',
        extra: {
          fileMiB: mib(generated.bytes),
          rows: ours.result.rows,
          baselineRows: parsed.rows,
          oursMs: Math.round(ours.result.ms),
          baselineMs: Math.round(parsed.ms),
          peakWorkerHeapMiB: mib(ours.peakBytes),
          heapSamples: ours.samples,
          tableMiB: mib(ours.result.tableBytes),
          generateMs: Math.round(generated.ms),
        },
      };
    } finally {
      worker.terminate();
    }
  },
});
