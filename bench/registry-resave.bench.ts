// registry-resave: saving a version whose weights are unchanged (every chunk is already stored, so
// only hashing and the metadata are written) against the first save of the same weights.
// value = resave ms, baseline = first save ms; ratio = how many times faster the resave is.
import * as tf from '@tensorflow/tfjs';
import { IndexedDbModelStore } from '../src/registry/indexeddb-store.ts';
import { createRegistry } from '../src/registry/registry.ts';
import { denseModelOfSize } from '../test/fixtures/registry/dense-models.ts';
import { defineBench, timeAlternating } from './harness.ts';

export default defineBench({
  name: 'registry-resave',
  where: 'browser',
  async run(ctx) {
    await tf.setBackend('cpu');
    const params = ctx.quick ? 2_000_000 : 25_000_000;
    const name = `edgeflow-bench-resave-${Date.now()}`;
    const registry = await createRegistry({ store: new IndexedDbModelStore({ name }), channel: null });
    const model = denseModelOfSize(tf, params);
    try {
      const rounds = ctx.quick ? 2 : 3;
      const times = await timeAlternating(
        {
          // A resave: the same weights are already stored by an earlier version.
          setup: async () => {
            if ((await registry.store.listVersions('bench')).length === 0)
              await model.save(registry.saveHandler('bench'));
          },
          run: () => model.save(registry.saveHandler('bench')),
        },
        {
          // A first save: nothing of these weights is stored.
          setup: async () => {
            if ((await registry.listModels()).length) await registry.prune('bench', { keepLast: 0 });
          },
          run: () => model.save(registry.saveHandler('bench')),
        },
        rounds,
      );
      return {
        bench: 'registry-resave',
        unit: 'ms',
        value: times.ours,
        baseline: times.theirs,
        better: 'lower',
        extra: {
          params: model.countParams(),
          oursAll: times.oursAll.map(Math.round),
          theirsAll: times.theirsAll.map(Math.round),
        },
      };
    } finally {
      model.dispose();
      await registry.close();
      indexedDB.deleteDatabase(name);
    }
  },
});
