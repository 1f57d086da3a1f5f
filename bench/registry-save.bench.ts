// registry-save: `registry.saveModel(name, model)` (weights read from the tensors, SHA-256 per chunk,
// content-addressed Blob chunks, one transaction) against tfjs's own `model.save('indexeddb://…')`,
// same model, same page, alternating. Each round starts from an empty registry, weights in new
// tensors and a fresh tfjs slot (untimed), so neither deduplication nor cached digests help ours. `registry-save-handler-*` times the tfjs
// interop path, `model.save(registry.saveHandler(name))`, against the same baseline.
import * as tf from '@tensorflow/tfjs';
import type { Registry } from '../src/registry/registry.ts';
import { defineBench, type TimedSide, timeAlternating } from './harness.ts';
import { freshWeights, measureModelSizes } from './registry-bench-sizes.ts';

export default defineBench({
  name: 'registry-save',
  where: 'browser',
  // IndexedDB on a real disk, as users have it (an in-memory context favours other write paths).
  storage: 'disk',
  run: (ctx) =>
    measureModelSizes(ctx, 'registry-save', async ({ registry, model, path, rounds }) => {
      const empty = async (r: Registry) => {
        if ((await r.listModels()).length) await r.prune('bench', { keepLast: 0 });
        freshWeights(model);
      };
      const tfjs: TimedSide = {
        setup: () => tf.io.removeModel(path).catch(() => undefined),
        run: () => model.save(path),
      };
      return {
        '': await timeAlternating(
          { setup: () => empty(registry), run: () => registry.saveModel('bench', model) },
          tfjs,
          rounds,
        ),
        handler: await timeAlternating(
          { setup: () => empty(registry), run: () => model.save(registry.saveHandler('bench')) },
          tfjs,
          rounds,
        ),
      };
    }),
});
