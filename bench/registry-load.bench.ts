// registry-load: `tf.loadLayersModel(registry.loadHandler())` (reads chunks and verifies every
// SHA-256) against `tf.loadLayersModel('indexeddb://…')`, same model, same page, alternating.
import * as tf from '@tensorflow/tfjs';
import { IndexedDbModelStore } from '../src/registry/indexeddb-store.ts';
import { createRegistry } from '../src/registry/registry.ts';
import { alternateWithSetup, denseModelOfSize } from '../test/fixtures/registry/dense-models.ts';
import { type BenchMeasurement, defineBench } from './harness.ts';

export default defineBench({
  name: 'registry-load',
  where: 'browser',
  async run(ctx) {
    await tf.setBackend('cpu');
    const sizes = ctx.quick ? [200_000, 2_000_000] : [2_000_000, 25_000_000];
    const results: BenchMeasurement[] = [];
    for (const params of sizes) {
      const label =
        params >= 1_000_000 ? `${Math.round(params / 1_000_000)}M` : `${Math.round(params / 1000)}k`;
      const name = `edgeflow-bench-load-${Date.now()}`;
      const registry = await createRegistry({ store: new IndexedDbModelStore({ name }), channel: null });
      const model = denseModelOfSize(tf, params);
      const path = `indexeddb://bench-load-${label}`;
      try {
        await model.save(registry.saveHandler('bench'));
        await model.save(path);
        const rounds = ctx.quick ? 2 : params > 5_000_000 ? 3 : 5;
        ctx.log(`registry-load ${label}: ${model.countParams()} params, ${rounds} rounds`);
        const none = async () => undefined;
        const times = await alternateWithSetup(
          {
            setup: none,
            run: async () => (await tf.loadLayersModel(registry.loadHandler('bench', 1))).dispose(),
          },
          { setup: none, run: async () => (await tf.loadLayersModel(path)).dispose() },
          rounds,
        );
        results.push({
          bench: `registry-load-${label}`,
          unit: 'ms',
          value: times.ours,
          baseline: times.theirs,
          better: 'lower',
          extra: {
            params: model.countParams(),
            bytes: model.countParams() * 4,
            oursAll: times.oursAll.map(Math.round),
            theirsAll: times.theirsAll.map(Math.round),
          },
        });
      } finally {
        model.dispose();
        await registry.close();
        await tf.io.removeModel(path).catch(() => undefined);
        indexedDB.deleteDatabase(name);
      }
    }
    return results;
  },
});
