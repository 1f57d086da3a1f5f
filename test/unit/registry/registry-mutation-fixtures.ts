// Shared pieces of the registry-mutation-*.test.ts files (issue 17, mutation score of src/registry):
// a registry over the memory store with a fake clock and a change recorder, and a fake live model
// (the `LayersModelLike` surface `saveModel` and `saveDraft` read) that needs no tfjs.
import { createRegistry, MemoryModelStore, type Registry } from '../../../src/registry/index.ts';
import type { LayersModelLike, TensorLike } from '../../../src/registry/tensor-weights.ts';
import type { RegistryChange } from '../../../src/registry/types.ts';

export { fakeArtifacts } from '../../contracts/model-store.contract.ts';
// The suites below import it from here with the other fixtures.
export { errorOf } from '../../helpers/error-code.ts';

/** A registry on a fresh memory store whose clock advances 10 ms per reading, recording its changes. */
export async function openRegistry(
  options: { chunkBytes?: number; store?: MemoryModelStore; clock?: () => number } = {},
): Promise<{ registry: Registry; store: MemoryModelStore; changes: RegistryChange[] }> {
  const store = options.store ?? new MemoryModelStore();
  let time = 1_000;
  const registry = await createRegistry({
    store,
    channel: null,
    now: options.clock ?? (() => (time += 10)),
    ...(options.chunkBytes === undefined ? {} : { chunkBytes: options.chunkBytes }),
  });
  const changes: RegistryChange[] = [];
  registry.subscribe((change) => changes.push(change));
  return { registry, store, changes };
}

/** Tensors alive per fake tensor data: clones add one, disposals take one away. */
export const liveClones = new Map<object, number>();

/** How often each fake tensor's data was read. */
export const dataReads = new Map<object, number>();

/** A float32 tensor over `values` (clones share the data, as tfjs clones do). */
export function fakeTensor(values: Float32Array | Int32Array, dtype = 'float32'): TensorLike {
  const dataId = {};
  const make = (): TensorLike => ({
    dataId,
    shape: [values.length],
    dtype,
    clone: () => {
      liveClones.set(dataId, (liveClones.get(dataId) ?? 0) + 1);
      return make();
    },
    data: async () => {
      dataReads.set(dataId, (dataReads.get(dataId) ?? 0) + 1);
      return values;
    },
    dispose: () => {
      liveClones.set(dataId, (liveClones.get(dataId) ?? 0) - 1);
    },
  });
  return make();
}

/** A live model with one weight per array, in order. */
export function fakeModel(weights: readonly (Float32Array | TensorLike)[]): LayersModelLike {
  const tensors = weights.map((w) => (w instanceof Float32Array ? fakeTensor(w) : w));
  return {
    weights: tensors.map((tensor, i) => ({ originalName: `dense/w${i}`, read: () => tensor })),
    // As tfjs does: a string unless `returnString` is false.
    toJSON: (_unused?: null, returnString = true) => {
      const topology = { class_name: 'Sequential', config: { name: 'fake', layers: [] } };
      return returnString ? JSON.stringify(topology) : topology;
    },
  };
}

/** `n` float32 values filled from `seed`. */
export function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => seed * 100 + i);
}
