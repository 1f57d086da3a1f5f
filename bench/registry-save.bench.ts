// registry-save: `registry.saveModel(name, model)` (weights read from the tensors, SHA-256 per chunk,
// content-addressed Blob chunks, one transaction) against tfjs's own `model.save('indexeddb://…')`,
// same model, same page, alternating. Each round starts from an empty registry, weights in new
// tensors and a fresh tfjs slot (untimed), so neither deduplication nor cached digests help ours.
// `registry-save-handler-*` times the tfjs interop path, `model.save(registry.saveHandler(name))`,
// against the same baseline.
//
// Same guarantee on both sides: a registry save resolves once its transaction has committed, but
// tfjs's `indexeddb://` save resolves when its put request succeeds, before that transaction
// commits (tfjs-core io/indexed_db.js: `putModelRequest.onsuccess = () => resolve(…)`), so a tab
// closed right after `await model.save()` can still lose the model. The baseline is therefore tfjs's
// save up to its commit (a read-only transaction on its store, which IndexedDB starts only after
// the read-write one before it has finished); what tfjs's own promise took is kept as
// `extra.tfjsResolvedMs` with the ratio against it.
import type { Registry } from '../src/registry/registry.ts';
import { defineBench, timeAlternating } from './harness.ts';
import { freshWeights, measureModelSizes, tfjsSaveUntilCommitted } from './registry-bench-sizes.ts';

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
      const tfjs = tfjsSaveUntilCommitted(model, path);
      try {
        const main = await timeAlternating(
          { setup: () => empty(registry), run: () => registry.saveModel('bench', model) },
          tfjs.side,
          rounds,
        );
        const mainResolved = tfjs.takeResolved();
        const handler = await timeAlternating(
          { setup: () => empty(registry), run: () => model.save(registry.saveHandler('bench')) },
          tfjs.side,
          rounds,
        );
        return {
          '': { ...main, tfjsResolvedAll: mainResolved },
          handler: { ...handler, tfjsResolvedAll: tfjs.takeResolved() },
        };
      } finally {
        tfjs.close();
      }
    }),
});
