// registry-save: `model.save(registry.saveHandler())` (hash + content-addressed chunks + one
// transaction) against tfjs's own `model.save('indexeddb://…')`, same model, same page, alternating.
// Each round starts from an empty slot (untimed), so deduplication never helps ours.
import * as tf from '@tensorflow/tfjs';
import { IndexedDbModelStore } from '../src/registry/indexeddb-store.ts';
import { createRegistry } from '../src/registry/registry.ts';
import { alternateWithSetup, denseModelOfSize } from '../test/fixtures/registry/dense-models.ts';
import { type BenchMeasurement, defineBench } from './harness.ts';

export default defineBench({
  name: 'registry-save',
  where: 'browser',
  async run(ctx) {
    await tf.setBackend('cpu');
    const sizes = ctx.quick ? [200_000, 2_000_000] : [2_000_000, 25_000_000];
    const results: BenchMeasurement[] = [];
    for (const params of sizes) {
      const label =
        params >= 1_000_000 ? `${Math.round(params / 1_000_000)}M` : `${Math.round(params / 1000)}k`;
      const name = `edgeflow-bench-save-${Date.now()}`;
      const registry = await createRegistry({ store: new IndexedDbModelStore({ name }), channel: null });
      const model = denseModelOfSize(tf, params);
      const path = `indexeddb://bench-save-${label}`;
      try {
        const rounds = ctx.quick ? 2 : params > 5_000_000 ? 3 : 5;
        ctx.log(`registry-save ${label}: ${model.countParams()} params, ${rounds} rounds`);
        const times = await alternateWithSetup(
          {
            setup: async () => {
              if ((await registry.listModels()).length) await registry.prune('bench', { keepLast: 0 });
            },
            run: () => model.save(registry.saveHandler('bench')),
          },
          {
            setup: async () => {
              await tf.io.removeModel(path).catch(() => undefined);
            },
            run: () => model.save(path),
          },
          rounds,
        );
        results.push({
          bench: `registry-save-${label}`,
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
