// registry-load: `tf.loadLayersModel(registry.loadHandler())` (reads chunks and verifies every
// SHA-256) against `tf.loadLayersModel('indexeddb://…')`, same model, same page, alternating.
import * as tf from '@tensorflow/tfjs';
import { defineBench, timeAlternating } from './harness.ts';
import { measureModelSizes } from './registry-bench-sizes.ts';

export default defineBench({
  name: 'registry-load',
  where: 'browser',
  // IndexedDB on a real disk, as users have it (an in-memory context favours other write paths).
  storage: 'disk',
  run: (ctx) =>
    measureModelSizes(ctx, 'registry-load', async ({ registry, model, path, rounds }) => {
      await model.save(registry.saveHandler('bench'));
      await model.save(path);
      const none = async () => undefined;
      return {
        '': await timeAlternating(
          {
            setup: none,
            run: async () => (await tf.loadLayersModel(registry.loadHandler('bench', 1))).dispose(),
          },
          { setup: none, run: async () => (await tf.loadLayersModel(path)).dispose() },
          rounds,
        ),
      };
    }),
});
