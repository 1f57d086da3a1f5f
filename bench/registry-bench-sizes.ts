// The loop registry-save and registry-load share: for each model size, a fresh registry database
// and a Dense model of that many parameters, the bench's own timing, one measurement, and cleanup.
import * as tf from '@tensorflow/tfjs';
import { IndexedDbModelStore } from '../src/registry/indexeddb-store.ts';
import { createRegistry, type Registry } from '../src/registry/registry.ts';
import { denseModelOfSize } from '../test/fixtures/registry/dense-models.ts';
import { type BenchContext, type BenchMeasurement, median, type TimedSide } from './harness.ts';

/** What one size's timing gets to work with. */
export interface ModelSizeCase {
  label: string;
  registry: Registry;
  model: tf.LayersModel;
  /** The tfjs `indexeddb://` URL the baseline uses. */
  path: string;
  rounds: number;
}

/** Median and per-round figures of ours against the baseline, in ms. */
export interface AlternatedTimes {
  ours: number;
  theirs: number;
  oursAll: number[];
  theirsAll: number[];
  /** Saves: what tfjs's own promise took each round (it resolves before its commit). */
  tfjsResolvedAll?: number[];
}

/**
 * tfjs's `model.save(path)` timed up to the commit of its write: the save, then a read-only
 * transaction on tfjs's model store, which IndexedDB starts only once the read-write transaction
 * created before it (tfjs's put) has finished. The time tfjs's own promise took is recorded too.
 */
export function tfjsSaveUntilCommitted(
  model: tf.LayersModel,
  path: string,
): { side: TimedSide; takeResolved(): number[]; close(): void } {
  let db: IDBDatabase | undefined;
  let resolved: number[] = [];
  const open = () =>
    new Promise<IDBDatabase>((resolve, reject) => {
      // Opened only after tfjs created its database: opening it first would create it without stores.
      const request = indexedDB.open('tensorflowjs');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  const committed = async () => {
    db ??= await open();
    const tx = db.transaction('models_store', 'readonly');
    tx.objectStore('models_store').count();
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  };
  return {
    side: {
      setup: () => tf.io.removeModel(path).catch(() => undefined),
      run: async () => {
        const start = performance.now();
        await model.save(path);
        resolved.push(performance.now() - start);
        await committed();
      },
    },
    takeResolved() {
      // The first run is timeAlternating's untimed warm-up.
      const taken = resolved.slice(1);
      resolved = [];
      return taken;
    },
    close: () => db?.close(),
  };
}

/**
 * Gives every weight of `model` new tensor data with the same values, so `registry.saveModel` cannot
 * reuse digests it cached for the old tensors: the next save is a true first save, hashing included.
 */
export function freshWeights(model: tf.LayersModel): void {
  const copies = model.getWeights().map((w) => tf.add(w, 0));
  model.setWeights(copies);
  tf.dispose(copies);
}

/** One measurement (ms, lower is better) from alternated times on `model`. */
export function timesMeasurement(
  bench: string,
  times: AlternatedTimes,
  model: tf.LayersModel,
): BenchMeasurement {
  return {
    bench,
    unit: 'ms',
    value: times.ours,
    baseline: times.theirs,
    better: 'lower',
    extra: {
      params: model.countParams(),
      bytes: model.countParams() * 4,
      oursAll: times.oursAll.map(Math.round),
      theirsAll: times.theirsAll.map(Math.round),
      ...(times.tfjsResolvedAll
        ? {
            tfjsResolvedMs: Math.round(median(times.tfjsResolvedAll) * 10) / 10,
            ratioToTfjsResolved: Math.round((median(times.tfjsResolvedAll) / times.ours) * 1000) / 1000,
            tfjsResolvedAll: times.tfjsResolvedAll.map(Math.round),
          }
        : {}),
    },
  };
}

/**
 * Runs `measure` for a 2M- and a 25M-parameter model (200k and 2M under BENCH_QUICK). `measure`
 * returns one timing per variant: '' names the main figure (`registry-save-2M`), any other key a
 * second path (`registry-save-handler-2M`).
 */
export async function measureModelSizes(
  ctx: BenchContext,
  bench: 'registry-save' | 'registry-load',
  measure: (c: ModelSizeCase) => Promise<Record<string, AlternatedTimes>>,
): Promise<BenchMeasurement[]> {
  await tf.setBackend('cpu');
  const sizes = ctx.quick ? [200_000, 2_000_000] : [2_000_000, 25_000_000];
  const results: BenchMeasurement[] = [];
  for (const params of sizes) {
    const label =
      params >= 1_000_000 ? `${Math.round(params / 1_000_000)}M` : `${Math.round(params / 1000)}k`;
    const name = `edgeflow-${bench}-${Date.now()}`;
    const registry = await createRegistry({ store: new IndexedDbModelStore({ name }), channel: null });
    const model = denseModelOfSize(tf, params);
    const path = `indexeddb://${bench}-${label}`;
    try {
      // Quick runs still take 7+ rounds: on a shared, busy machine two rounds say nothing.
      const rounds = ctx.quick ? (params > 1_000_000 ? 7 : 9) : params > 5_000_000 ? 5 : 7;
      ctx.log(`${bench} ${label}: ${model.countParams()} params, ${rounds} rounds`);
      const variants = await measure({ label, registry, model, path, rounds });
      for (const [variant, times] of Object.entries(variants)) {
        results.push(timesMeasurement(`${bench}${variant ? `-${variant}` : ''}-${label}`, times, model));
      }
    } finally {
      model.dispose();
      await registry.close();
      await tf.io.removeModel(path).catch(() => undefined);
      indexedDB.deleteDatabase(name);
    }
  }
  return results;
}
