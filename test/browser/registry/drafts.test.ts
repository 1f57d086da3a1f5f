// Issue 16, points 5 and 7: drafts (a finished run's model kept in the registry's chunk store until
// it is registered or pruned) in both stores, garbage collection that respects them, what they cost,
// and the streamed `.zip` Blob export. Real Chromium, real IndexedDB, tfjs on cpu.
import * as tf from '@tensorflow/tfjs';
import { deleteDB } from 'idb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { IndexedDbModelStore } from '../../../src/registry/indexeddb-store.ts';
import { MemoryModelStore } from '../../../src/registry/memory-store.ts';
import { createRegistry, type Registry } from '../../../src/registry/registry.ts';
import type { ModelStore } from '../../../src/registry/types.ts';
import { codeOf } from '../../helpers/error-code.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function denseModel(seed: number, units = 8): tf.LayersModel {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      units,
      inputShape: [4],
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      // Not zeros: equal zero biases of two models would share a chunk and blur the byte counts.
      biasInitializer: tf.initializers.randomNormal({ seed: seed + 2 }),
    }),
  );
  model.add(
    tf.layers.dense({
      units: 3,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
      biasInitializer: tf.initializers.randomNormal({ seed: seed + 3 }),
    }),
  );
  return model;
}

async function predict(model: tf.LayersModel): Promise<number[]> {
  const output = tf.tidy(
    () =>
      model.predict(
        tf.tensor2d([
          [0.1, 0.2, 0.3, 0.4],
          [1, -1, 0.5, 2],
        ]),
      ) as tf.Tensor,
  );
  const values = Array.from(await output.data());
  output.dispose();
  return values;
}

const media: { name: string; create: () => ModelStore; cleanup: (store: ModelStore) => Promise<void> }[] = [
  {
    name: 'indexeddb',
    create: () => new IndexedDbModelStore({ name: `edgeflow-drafts-${Date.now()}-${Math.random()}` }),
    cleanup: async (store) => deleteDB((store as IndexedDbModelStore).name),
  },
  { name: 'memory', create: () => new MemoryModelStore(), cleanup: async () => undefined },
];

for (const medium of media) {
  describe(`drafts (${medium.name})`, () => {
    let registry: Registry;
    let store: ModelStore;
    beforeAll(async () => {
      store = medium.create();
      registry = await createRegistry({ store, channel: null, chunkBytes: 256 });
    });
    afterAll(async () => {
      await registry.close();
      await medium.cleanup(store);
    });

    test('a draft registers later as a version that predicts like the model, writing no weight bytes', async () => {
      const start = tf.memory().numTensors;
      const model = denseModel(1);
      const draft = await registry.saveDraft('run-a', model, {
        pipeline: { steps: ['scale'] },
        metrics: { accuracy: 0.9 },
        datasetFingerprint: 'fp-a',
      });
      expect(draft.runId).toBe('run-a');
      expect(draft.version.runId).toBe('run-a');
      expect(draft.version.weights.bytes).toBe((4 * 8 + 8 + 8 * 3 + 3) * 4);
      const stored = await store.chunkStats();
      expect(stored.bytes).toBe(draft.version.weights.bytes);
      expect((await registry.getDraft('run-a'))?.version.weights.sha256).toBe(draft.version.weights.sha256);

      // A registry opened later (as after a reload) registers it: the version names the same chunks.
      const v = await registry.registerDraft('run-a', 'iris', { tags: ['from-draft'], description: 'later' });
      expect(v.version).toBe(1);
      expect(v.runId).toBe('run-a');
      expect(v.datasetFingerprint).toBe('fp-a');
      expect(v.metrics.accuracy).toBe(0.9);
      expect(v.tags).toEqual(['from-draft']);
      expect(v.weights.sha256).toBe(draft.version.weights.sha256);
      expect(await store.chunkStats()).toEqual(stored);
      expect(await registry.getDraft('run-a')).toBeUndefined();
      const loaded = await tf.loadLayersModel(registry.loadHandler('iris', 1));
      expect(await predict(loaded)).toEqual(await predict(model));
      // Registered once: a second registration has nothing to register.
      expect(await codeOf(registry.registerDraft('run-a', 'iris'))).toBe('RUN_NOT_FOUND');
      model.dispose();
      loaded.dispose();
      expect(tf.memory().numTensors).toBe(start);
    });

    test('deleting drafts frees the chunks only they use; versions keep theirs; deleting versions keeps a draft’s', async () => {
      const model = denseModel(2);
      const v = await registry.saveModel('shared', model);
      const before = await store.chunkStats();
      // The same weights as a draft: deduplicated, nothing new on disk and nothing only drafts use.
      await registry.saveDraft('run-same', model);
      expect(await store.chunkStats()).toEqual(before);
      expect((await registry.storage()).drafts).toEqual({
        count: 1,
        bytes: v.weights.bytes,
        exclusiveBytes: 0,
      });
      // The version goes; the draft still names the chunks, so none is freed and it still registers.
      const deleted = await registry.deleteVersions('shared', [v.version]);
      expect(deleted.chunksFreed).toBe(0);
      expect(await store.chunkStats()).toEqual(before);
      expect((await registry.storage()).drafts?.exclusiveBytes).toBe(v.weights.bytes);
      const again = await registry.registerDraft('run-same', 'shared');
      const loaded = await tf.loadLayersModel(registry.loadHandler('shared', again.version));
      expect(await predict(loaded)).toEqual(await predict(model));
      loaded.dispose();

      // A draft of other weights: deleting it frees exactly its chunks.
      const other = denseModel(3, 16);
      const draft = await registry.saveDraft('run-other', other);
      const withDraft = await store.chunkStats();
      expect(withDraft.bytes - before.bytes).toBe(draft.version.weights.bytes);
      const freed = await registry.deleteDrafts(['run-other', 'no-such-run']);
      expect(freed).toEqual({
        deleted: ['run-other'],
        chunksFreed: withDraft.chunks - before.chunks,
        bytesFreed: draft.version.weights.bytes,
      });
      expect(await store.chunkStats()).toEqual(before);
      model.dispose();
      other.dispose();
    });

    test('pruning by budget deletes the oldest drafts (sparing `keep`) until only-draft bytes fit', async () => {
      let now = 1000;
      const clocked = await createRegistry({ store, channel: null, chunkBytes: 256, now: () => now++ });
      const models = [denseModel(10), denseModel(11), denseModel(12)];
      const drafts = [];
      for (const [i, model] of models.entries()) drafts.push(await clocked.saveDraft(`budget-${i}`, model));
      const one = drafts[0]?.version.weights.bytes ?? 0;
      expect((await clocked.storage()).drafts).toEqual({ count: 3, bytes: 3 * one, exclusiveBytes: 3 * one });
      expect(await codeOf(clocked.pruneDrafts({ maxBytes: -1 }))).toBe('INVALID_ARGUMENT');
      // Budget of one draft, the oldest spared: the two after it go, oldest first.
      const pruned = await clocked.pruneDrafts({ maxBytes: one, keep: ['budget-0'] });
      expect(pruned.deleted).toEqual(['budget-1', 'budget-2']);
      expect(pruned.bytesFreed).toBe(2 * one);
      expect((await clocked.listDrafts()).map((d) => d.runId)).toEqual(['budget-0']);
      expect((await clocked.pruneDrafts({ maxBytes: one })).deleted).toEqual([]);
      expect((await clocked.pruneDrafts({ maxBytes: 0 })).deleted).toEqual(['budget-0']);
      expect((await clocked.storage()).drafts).toEqual({ count: 0, bytes: 0, exclusiveBytes: 0 });
      for (const model of models) model.dispose();
    });

    test('deleting a run deletes its draft', async () => {
      const run = await registry.createRun({ spec: { kind: 'test' }, status: 'finished' });
      const model = denseModel(20);
      const before = await store.chunkStats();
      await registry.saveDraft(run.id, model);
      await registry.deleteRun(run.id);
      expect(await registry.getDraft(run.id)).toBeUndefined();
      expect(await store.chunkStats()).toEqual(before);
      model.dispose();
    });
  });
}

test('a store without drafts says so', async () => {
  const memory = new MemoryModelStore();
  const bare: ModelStore = Object.create(memory, {
    putDraft: { value: undefined },
    getDraft: { value: undefined },
    listDrafts: { value: undefined },
    deleteDrafts: { value: undefined },
    draftStats: { value: undefined },
  });
  const registry = await createRegistry({ store: bare, channel: null });
  const model = denseModel(30);
  const error = await registry.saveDraft('r', model).catch((e: unknown) => e);
  expect(await codeOf(Promise.reject(error))).toBe('INVALID_ARGUMENT');
  expect((error as Error).message).toContain('keeps no drafts');
  expect((await registry.storage()).drafts).toBeNull();
  model.dispose();
  await registry.close();
});

test('exportVersionBlob streams a .zip Blob that imports back and that plain tfjs files match', async () => {
  const name = `edgeflow-export-blob-${Date.now()}`;
  const registry = await createRegistry({ store: new IndexedDbModelStore({ name }), channel: null });
  try {
    const model = denseModel(40, 32);
    const v = await registry.saveModel('zipped', model, { metrics: { accuracy: 0.5 } });
    const blob = await registry.exportVersionBlob('zipped', v.version);
    expect(blob.type).toBe('application/zip');
    // The same files as the in-memory zip, importable as a new version with the same weights.
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const imported = await registry.importVersionZip(bytes, { model: 'unzipped' });
    expect(imported.weights.sha256).toBe(v.weights.sha256);
    const loaded = await tf.loadLayersModel(registry.loadHandler('unzipped', imported.version));
    expect(await predict(loaded)).toEqual(await predict(model));
    loaded.dispose();
    model.dispose();
    expect(await codeOf(registry.exportVersionBlob('zipped', 9))).toBe('VERSION_NOT_FOUND');
  } finally {
    await registry.close();
    await deleteDB(name);
  }
});
