// registry-save: `model.save(registry.saveHandler())` (hash + content-addressed chunks + one
// transaction) against tfjs's own `model.save('indexeddb://…')`, same model, same page, alternating.
// Each round starts from an empty slot (untimed), so deduplication never helps ours.
import * as tf from '@tensorflow/tfjs';
import { defineBench, timeAlternating } from './harness.ts';
import { measureModelSizes } from './registry-bench-sizes.ts';

export default defineBench({
  name: 'registry-save',
  where: 'browser',
  run: (ctx) =>
    measureModelSizes(ctx, 'registry-save', ({ registry, model, path, rounds }) =>
      timeAlternating(
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
      ),
    ),
});
