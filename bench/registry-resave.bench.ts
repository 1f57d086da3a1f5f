// registry-resave: saving a version whose weights are unchanged against the first save of the same
// weights, both through `registry.saveModel` (value = resave ms, baseline = first save ms; ratio =
// how many times faster the resave is). Unchanged tensors keep their cached chunk digests, so a
// resave reads, hashes and writes no weight bytes. `registry-resave-handler` does the same through
// `model.save(registry.saveHandler())`, where tfjs hands over fresh bytes that must be hashed again.
import * as tf from '@tensorflow/tfjs';
import { IndexedDbModelStore } from '../src/registry/indexeddb-store.ts';
import { createRegistry, type Registry } from '../src/registry/registry.ts';
import { denseModelOfSize } from '../test/fixtures/registry/dense-models.ts';
import { type BenchMeasurement, defineBench, timeAlternating } from './harness.ts';
import { freshWeights, timesMeasurement } from './registry-bench-sizes.ts';

export default defineBench({
  name: 'registry-resave',
  where: 'browser',
  // IndexedDB on a real disk, as users have it (an in-memory context favours other write paths).
  storage: 'disk',
  async run(ctx) {
    await tf.setBackend('cpu');
    const params = ctx.quick ? 2_000_000 : 25_000_000;
    const name = `edgeflow-bench-resave-${Date.now()}`;
    const registry = await createRegistry({ store: new IndexedDbModelStore({ name }), channel: null });
    const model = denseModelOfSize(tf, params);
    const rounds = ctx.quick ? 2 : 5;
    const measure = async (
      bench: string,
      save: (r: Registry) => Promise<unknown>,
    ): Promise<BenchMeasurement> => {
      const times = await timeAlternating(
        {
          // A resave: the same weights are already stored by an earlier version.
          setup: async () => {
            if ((await registry.store.listVersions('bench')).length === 0) await save(registry);
          },
          run: () => save(registry),
        },
        {
          // A first save: nothing of these weights is stored, and their tensors are new.
          setup: async () => {
            if ((await registry.listModels()).length) await registry.prune('bench', { keepLast: 0 });
            freshWeights(model);
          },
          run: () => save(registry),
        },
        rounds,
      );
      return timesMeasurement(bench, times, model);
    };
    try {
      return [
        await measure('registry-resave', (r) => r.saveModel('bench', model)),
        await measure('registry-resave-handler', (r) => model.save(r.saveHandler('bench'))),
      ];
    } finally {
      model.dispose();
      await registry.close();
      indexedDB.deleteDatabase(name);
    }
  },
});
