// The page the benchmark runner opens in Chromium: it exposes one function that imports a
// benchmark module by name, runs it and returns its measurements.
import type { BenchContext, BenchDefinition, BenchMeasurement } from './harness.ts';

const modules = import.meta.glob<{ default: BenchDefinition }>('./*.bench.ts');

declare global {
  interface Window {
    edgeflowRunBench(name: string, quick: boolean): Promise<BenchMeasurement[]>;
    edgeflowBenchReady: boolean;
  }
}

window.edgeflowRunBench = async (name, quick) => {
  const load = modules[`./${name}.bench.ts`];
  if (!load) throw new Error(`No benchmark "${name}" (bench/${name}.bench.ts).`);
  const definition = (await load()).default;
  const ctx: BenchContext = { quick, log: (message) => console.info(`[${name}] ${message}`) };
  const result = await definition.run(ctx);
  return Array.isArray(result) ? result : [result];
};
window.edgeflowBenchReady = true;
