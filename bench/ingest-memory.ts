// Memory figures for the ingest benchmarks. A dedicated worker has no `performance.memory`, so the
// page asks `performance.measureUserAgentSpecificMemory()` (cross-origin isolated pages only), whose
// breakdown names the bytes of the worker's JavaScript heap. Each answer waits for a garbage
// collection, so while a load runs the page samples as often as answers come, and the peak is the
// largest sample (a lower bound of the true peak). Typed-array buffers live outside the JS heap and
// are reported separately by the worker.

interface MemoryBreakdown {
  bytes: number;
  attribution: { scope: string }[];
}
interface MeasureResult {
  bytes: number;
  breakdown: MemoryBreakdown[];
}
type Measure = () => Promise<MeasureResult>;

function measureFunction(): Measure | null {
  const measure = (performance as unknown as { measureUserAgentSpecificMemory?: Measure })
    .measureUserAgentSpecificMemory;
  if (typeof measure !== 'function' || !globalThis.crossOriginIsolated) return null;
  return () => measure.call(performance);
}

/** JS heap bytes of the page's dedicated workers, or null where the browser cannot say. */
export async function workerHeapBytes(): Promise<number | null> {
  const measure = measureFunction();
  if (!measure) return null;
  const result = await measure();
  return result.breakdown
    .filter((entry) => entry.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope'))
    .reduce((sum, entry) => sum + entry.bytes, 0);
}

/**
 * Runs `work` while sampling the workers' JS heap; returns its (last) result, the peak sample and the
 * count. With `repeatFor`, runs `work` again and again for that many milliseconds so a short load
 * gets sampled at all (each sample waits for a garbage collection).
 */
export async function withHeapSampling<T>(
  work: () => Promise<T>,
  options: { repeatFor?: number } = {},
): Promise<{ result: T; peakBytes: number | null; samples: number; runs: number }> {
  if (!measureFunction()) return { result: await work(), peakBytes: null, samples: 0, runs: 1 };
  let running = true;
  let peak = 0;
  let samples = 0;
  const sampler = (async () => {
    while (running) {
      const bytes = await workerHeapBytes();
      if (bytes !== null && running) {
        peak = Math.max(peak, bytes);
        samples++;
      }
    }
  })();
  try {
    const until = performance.now() + (options.repeatFor ?? 0);
    let result = await work();
    let runs = 1;
    while (performance.now() < until) {
      result = await work();
      runs++;
    }
    return { result, peakBytes: samples > 0 ? peak : null, samples, runs };
  } finally {
    running = false;
    // The sampler's last answer may take a few seconds (it waits for a GC); do not wait for it.
    sampler.catch(() => undefined);
  }
}

/** Bytes as MiB with one decimal. */
export function mib(bytes: number | null): number | null {
  return bytes === null ? null : Math.round((bytes / 2 ** 20) * 10) / 10;
}
