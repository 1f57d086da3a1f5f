// ingest-csv: a generated 50 MB numeric + categorical CSV (bench/generate-csv.ts), from bytes to the
// standardized Float32Array inside a worker: edgeflow's streamed parse into a typed table with
// schema, quality report, profile and fingerprint, then a seeded stratified split and the default
// pipeline fitted on the training rows. baseline = uDSV's `typedCols` parse alone on the same bytes
// in the same worker (decoded at once, its fastest form). Times in ms, alternated; target ratio ≥ 1.
import * as Comlink from 'comlink';
import { defineBench, timeAlternating } from './harness.ts';
import type { IngestBenchWorkerApi } from './ingest-bench.worker.ts';
import { mib, withHeapSampling, workerHeapBytes } from './ingest-memory.ts';

export default defineBench({
  name: 'ingest-csv',
  where: 'browser',
  async run(ctx) {
    const bytes = ctx.quick ? 5_000_000 : 50_000_000;
    const worker = new Worker(new URL('./ingest-bench.worker.ts', import.meta.url), {
      type: 'module',
      name: 'ingest-bench',
    });
    const remote = Comlink.wrap<IngestBenchWorkerApi>(worker);
    try {
      const generated = await remote.generate(bytes, 1);
      ctx.log(`generated ${mib(generated.bytes)} MiB in ${Math.round(generated.ms)} ms`);
      let ours: Awaited<ReturnType<IngestBenchWorkerApi['ours']>> | undefined;
      let parsed: Awaited<ReturnType<IngestBenchWorkerApi['udsvTypedCols']>> | undefined;
      const timed = await timeAlternating(
        async () => {
          ours = await remote.ours();
        },
        async () => {
          parsed = await remote.udsvTypedCols();
        },
        ctx.quick ? 2 : 5,
      );
      const streamed = await remote.udsvTypedColsStreamed();
      ctx.log(`edgeflow ${Math.round(timed.ours)} ms, uDSV typedCols ${Math.round(timed.theirs)} ms`);

      // Memory (full runs only: each measurement waits for a garbage collection, so each path is
      // repeated for 20 s while the page samples; retained = what the finished result keeps).
      let memory: Record<string, number | null> = {};
      if (!ctx.quick) {
        await remote.release();
        const idle = await workerHeapBytes();
        const oursRun = await withHeapSampling(() => remote.ours(true), { repeatFor: 20_000 });
        const oursHeld = await workerHeapBytes();
        await remote.release();
        const theirsRun = await withHeapSampling(() => remote.udsvTypedCols(true), { repeatFor: 20_000 });
        const theirsHeld = await workerHeapBytes();
        await remote.release();
        memory = {
          idleHeapMiB: mib(idle),
          oursPeakHeapMiB: mib(oursRun.peakBytes),
          oursPeakSamples: oursRun.samples,
          oursRetainedHeapMiB: mib(oursHeld),
          baselinePeakHeapMiB: mib(theirsRun.peakBytes),
          baselinePeakSamples: theirsRun.samples,
          baselineRetainedHeapMiB: mib(theirsHeld),
        };
      }
      return {
        unit: 'ms',
        value: timed.ours,
        baseline: timed.theirs,
        better: 'lower',
        extra: {
          fileMiB: mib(generated.bytes),
          rows: ours?.rows,
          baselineRows: parsed?.rows,
          featureCount: ours?.featureCount,
          trainFeatureValues: ours?.featureValues,
          oursMBps: Math.round(generated.bytes / 1e3 / timed.ours),
          baselineMBps: Math.round(generated.bytes / 1e3 / timed.theirs),
          baselineStreamedChunkMs: Math.round(streamed.ms),
          phasesLastRun: ours?.phases,
          tableMiB: mib(ours?.tableBytes ?? null),
          oursRunsMs: timed.oursAll.map(Math.round),
          baselineRunsMs: timed.theirsAll.map(Math.round),
          ...memory,
        },
      };
    } finally {
      worker.terminate();
    }
  },
});
