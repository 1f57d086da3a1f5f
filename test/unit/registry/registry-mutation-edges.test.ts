// Issue 17 (mutation score of src/registry): edges the first Stryker pass over the facade showed
// unpinned — exact messages built from the schema's own words, lists of several close names, ties
// that only partly tie, the known-chunk hint after changes that free nothing, and announcements
// that must not happen when nothing changed.
import { describe, expect, test, vi } from 'vitest';
import { createRegistry, MemoryModelStore, REGISTRY_CHANNEL } from '../../../src/registry/index.ts';
import type { ModelStore, RegistryChange } from '../../../src/registry/types.ts';
import { datasetRecordSchema, modelVersionSchema, runSchema } from '../../../src/schemas/registry.ts';
import {
  dataReads,
  errorOf,
  fakeArtifacts,
  fakeModel,
  fakeTensor,
  openRegistry,
  values,
} from './registry-mutation-fixtures.ts';

/** The schema's own message for the first issue of `value` (what the registry quotes). */
function schemaMessage(
  schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } },
  value: unknown,
): string {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected a schema failure');
  return parsed.error?.issues[0]?.message as string;
}

/** Records which chunks each commit and draft write carried bytes for. */
function spyWrites(store: ModelStore): boolean[][] {
  const writes: boolean[][] = [];
  const commit = store.commitVersion.bind(store);
  store.commitVersion = (request) => {
    writes.push(request.chunks.map((c) => c.data !== undefined));
    return commit(request);
  };
  const putDraft = store.putDraft?.bind(store);
  if (putDraft) {
    store.putDraft = (request) => {
      writes.push(request.chunks.map((c) => c.data !== undefined));
      return putDraft(request);
    };
  }
  return writes;
}

describe('messages quote the schema and list every close name', () => {
  test('schema failures of runs, datasets and version metadata', async () => {
    const { registry } = await openRegistry();
    const run = await errorOf(registry.createRun({ id: 'r', spec: {}, seed: 'x' as unknown as number }));
    expect(run.message).toBe(`Run "r": field "seed" ${schemaMessage(runSchema.shape.seed, 'x')}.`);
    const dataset = await errorOf(
      registry.putDataset({ fingerprint: '', name: 'd', schema: {}, rowCount: 0, chunks: [] }),
    );
    expect(dataset.message).toBe(
      `Dataset "d": field "fingerprint" ${schemaMessage(datasetRecordSchema.shape.fingerprint, '')}.`,
    );
    const version = await errorOf(
      registry.registerVersion({
        model: 'v',
        artifacts: fakeArtifacts(1),
        description: 5 as unknown as string,
      }),
    );
    expect(version.message).toBe(
      `Cannot register "v": field "description" ${schemaMessage(modelVersionSchema.shape.description, 5)}. Metadata must be plain JSON.`,
    );
    await registry.close();
  });

  test('dataset chunk messages name the columns, the chunk and the rows', async () => {
    const { registry } = await openRegistry();
    const col = (name: string, bytes: number) => ({
      name,
      dtype: 'float32' as const,
      data: new ArrayBuffer(bytes),
    });
    const put = (chunks: unknown[][]) =>
      errorOf(
        registry.putDataset({
          fingerprint: 'f',
          name: 'ds',
          schema: {},
          rowCount: 1,
          chunks: chunks as Parameters<typeof registry.putDataset>[0]['chunks'],
        }),
      );
    const swapped = await put([
      [col('a', 4), col('b', 4)],
      [col('b', 4), col('a', 4)],
    ]);
    expect(swapped.message).toBe(
      'Dataset "ds" chunk 1 has columns b:float32, a:float32; every chunk needs a:float32, b:float32.',
    );
    const view = await put([[{ name: 'a', dtype: 'float32', data: new Float32Array(1) }]]);
    expect(view.message).toBe('Dataset "ds" chunk 0 column "a": data must be an ArrayBuffer.');
    const rows = await put([[col('a', 4), col('b', 8)]]);
    expect(rows.message).toBe('Dataset "ds" chunk 0 column "b" has 2 rows; the other columns have 1.');
    await registry.close();
  });

  test('several close model and alias names are all listed', async () => {
    const { registry } = await openRegistry();
    for (const model of ['iris-a', 'iris-b', 'wine'])
      await registry.registerVersion({ model, artifacts: fakeArtifacts(1) });
    const model = await errorOf(registry.getModel('iris-c'));
    expect(model.message).toBe(
      'No model named "iris-c". Did you mean "iris-a", "iris-b"? Known models: iris-a, iris-b, wine.',
    );
    await registry.moveAlias('iris-a', 'stage-a', 1, { reason: 'r' });
    await registry.moveAlias('iris-a', 'stage-b', 1, { reason: 'r' });
    const alias = await errorOf(registry.getVersion('iris-a', 'stage-c'));
    expect(alias.message).toBe(
      '"iris-a" has no alias "stage-c". Did you mean "stage-a", "stage-b"? Its aliases: stage-a, stage-b.',
    );
    const draft = await errorOf(registry.registerDraft('nothing', 'iris-a'));
    expect(draft.message).toBe(
      'Run nothing has no draft model (it did not finish, was registered already, or its draft was pruned). Train it again, then register.',
    );
    const budget = await errorOf(registry.pruneDrafts({ maxBytes: -2 }));
    expect(budget.message).toBe('maxBytes must be an integer ≥ 0; got -2.');
    await registry.close();
  });
});

describe('orders', () => {
  test('creation-time ties are broken by number while other versions keep their time order', async () => {
    // createRegistry reads the clock once; then v1 = 100, v2 = 100, v3 = 50, v4 = 100.
    const times = [1, 100, 100, 50, 100];
    let i = 0;
    const { registry } = await openRegistry({ clock: () => times[i++] ?? 999 });
    for (let k = 0; k < 4; k++)
      await registry.registerVersion({ model: 't', artifacts: fakeArtifacts(1, k) });
    const order = async (direction: 'asc' | 'desc') =>
      (await registry.listVersions('t', { order: { by: 'createdAt', direction } })).items.map(
        (v) => v.version,
      );
    expect(await order('asc')).toEqual([3, 1, 2, 4]);
    expect(await order('desc')).toEqual([4, 2, 1, 3]);
    await registry.close();
  });
});

describe('the known-chunk hint', () => {
  test('survives changes that delete nothing; a deletion of nothing announces nothing', async () => {
    const { registry, store, changes } = await openRegistry({ chunkBytes: 8 });
    const writes = spyWrites(store);
    await registry.registerVersion({ model: 'h', artifacts: fakeArtifacts(2, 1) });
    await registry.registerVersion({ model: 'h', artifacts: fakeArtifacts(2, 2) });
    // Changes of other kinds in between: the chunks stay known.
    await registry.moveAlias('h', 'champion', 1, { reason: 'r' });
    await registry.upsertModel('h', { description: 'd' });
    changes.length = 0;
    expect(await registry.deleteVersions('h', [99])).toEqual({ deleted: [], chunksFreed: 0, bytesFreed: 0 });
    expect(changes).toEqual([]);
    await registry.registerVersion({ model: 'h', artifacts: fakeArtifacts(2, 1) });
    // A prune whose doomed version was deleted meanwhile (another tab) deletes nothing and says nothing.
    const realList = store.listVersions.bind(store);
    store.listVersions = async (model) => {
      const real = await realList(model);
      return [...real, { ...(real[0] as (typeof real)[number]), version: 0 }];
    };
    changes.length = 0;
    expect(await registry.prune('h', { keepLast: 3 })).toEqual({
      deleted: [],
      chunksFreed: 0,
      bytesFreed: 0,
      aliasesRemoved: [],
    });
    expect(changes).toEqual([]);
    store.listVersions = realList;
    // Deleting a draft whose chunks a version still uses frees nothing: the hint stays too.
    await registry.saveDraft('d', fakeModel([new Float32Array(fakeArtifacts(2, 2).weightData)]));
    await registry.deleteDrafts(['d']);
    await registry.registerVersion({ model: 'h', artifacts: fakeArtifacts(2, 2) });
    expect(writes).toEqual([[true], [true], [false], [false], [false]]);
    await registry.close();
  });

  test('a draft deletion that frees chunks forgets them: the next save sends the bytes at once', async () => {
    const { registry, store } = await openRegistry({ chunkBytes: 8 });
    const writes = spyWrites(store);
    const model = fakeModel([values(2, 4)]);
    await registry.saveDraft('x', model);
    expect(await registry.deleteDrafts(['x'])).toMatchObject({ chunksFreed: 1 });
    // A new live model with the same bytes (other tensors, so no cached digest): hashed, then sent.
    await registry.saveModel('after', fakeModel([values(2, 4)]));
    expect(writes).toEqual([[true], [true]]);
    await registry.close();
  });
});

describe('datasets and storage', () => {
  test('a stored fingerprint is returned as stored, without checking the new chunks or announcing', async () => {
    const { registry, changes } = await openRegistry();
    await registry.putDataset({ fingerprint: 'fp', name: 'first', schema: {}, rowCount: 0, chunks: [] });
    changes.length = 0;
    const again = await registry.putDataset({
      fingerprint: 'fp',
      name: 'second',
      schema: {},
      rowCount: 7,
      chunks: [],
    });
    expect([again.stored, again.record.name]).toEqual([false, 'first']);
    // Stored meanwhile by another tab: not announced here either.
    const store = registry.store as MemoryModelStore;
    const realGet = store.getDataset.bind(store);
    let reads = 0;
    store.getDataset = async (fingerprint) => (reads++ === 0 ? undefined : realGet(fingerprint));
    expect(
      (await registry.putDataset({ fingerprint: 'fp', name: 'third', schema: {}, rowCount: 0, chunks: [] }))
        .stored,
    ).toBe(false);
    expect(changes).toEqual([]);
    await registry.close();
  });

  test('storage reports null when the browser estimate fails', async () => {
    const { registry } = await openRegistry();
    vi.stubGlobal('navigator', { storage: { estimate: () => Promise.reject(new Error('denied')) } });
    try {
      expect((await registry.storage()).estimate).toBeNull();
      await expect(registry.estimateStorage()).rejects.toThrow('denied');
    } finally {
      vi.unstubAllGlobals();
    }
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ usage: 30, quota: 100 }) } });
    try {
      expect((await registry.storage()).estimate).toEqual({ usage: 30, quota: 100, available: 70 });
    } finally {
      vi.unstubAllGlobals();
    }
    await registry.close();
  });
});

describe('the default channel', () => {
  test('is the edgeflow-registry BroadcastChannel', async () => {
    const store = new MemoryModelStore();
    const byDefault = await createRegistry({ store });
    const named = await createRegistry({ store, channel: REGISTRY_CHANNEL });
    const heard = new Promise<RegistryChange>((resolve) => byDefault.subscribe(resolve));
    await named.upsertModel('broadcast');
    expect(await heard).toEqual({ type: 'model-updated', model: 'broadcast' });
    await named.close();
    await byDefault.close();
  });
});

describe('saves and loads, second pass', () => {
  test('unchanged tensors are neither read nor hashed again on the next save', async () => {
    const { registry } = await openRegistry({ chunkBytes: 8 });
    const tensor = fakeTensor(values(4, 9));
    const model = fakeModel([tensor]);
    await registry.saveModel('cache', model);
    const first = dataReads.get(tensor.dataId);
    await registry.saveModel('cache', model);
    expect(dataReads.get(tensor.dataId)).toBe(first);
    await registry.close();
  });

  test('a save where only some believed-stored chunks are gone is retried with every byte', async () => {
    const store = new MemoryModelStore();
    const { registry } = await openRegistry({ store, chunkBytes: 16 });
    const other = await openRegistry({ store, chunkBytes: 16 });
    await registry.registerVersion({ model: 'part', artifacts: fakeArtifacts(4, 1) });
    await other.registry.deleteVersions('part', [1]);
    // Chunk 1 is the deleted one (believed stored here), chunk 2 is new.
    const both = {
      ...fakeArtifacts(8, 1),
      weightData: new Uint8Array([
        ...new Uint8Array(fakeArtifacts(4, 1).weightData),
        ...new Uint8Array(16).fill(3),
      ]).buffer,
    };
    const writes = spyWrites(store);
    const v = await registry.registerVersion({ model: 'part', artifacts: both });
    expect(writes).toEqual([
      [false, true],
      [true, true],
    ]);
    expect((await registry.loadArtifacts('part', v.version)).weightData).toEqual([
      fakeArtifacts(4, 1).weightData,
      new Uint8Array(16).fill(3).buffer,
    ]);
    await other.registry.close();
    await registry.close();
  });

  test('a truncated chunk from a store that does not stream reports no digest', async () => {
    const { registry, store } = await openRegistry({ chunkBytes: 16 });
    const v = await registry.registerVersion({ model: 'trunc', artifacts: fakeArtifacts(4) });
    const realRead = store.readChunks.bind(store);
    store.readChunks = async (refs) => (await realRead(refs)).map((d) => d?.slice(0, 8));
    const error = await errorOf(registry.loadWeights(v));
    expect(error.details).toMatchObject({ actual: null, bytes: 8 });
    await registry.close();
  });

  test('an unreadable zip keeps the unzip error as its cause', async () => {
    const { registry } = await openRegistry();
    const error = await errorOf(registry.importVersionZip(new ArrayBuffer(4)));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.message).toBe(`The file is not a readable .zip (${String(error.cause)}).`);
    await registry.close();
  });
});
