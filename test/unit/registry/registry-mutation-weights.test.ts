// Issue 17 (mutation score of src/registry): weights through the facade — live-model saves, drafts,
// verification on load (corrupt, missing, truncated chunk), the known-chunk cache, copies, and
// tfjs's IOHandler seam — with exact codes, details and announcements.
import { describe, expect, test } from 'vitest';
import { sha256Hex } from '../../../src/registry/content-hash.ts';
import { MemoryModelStore, registerEdgeflowRouter } from '../../../src/registry/index.ts';
import type { CommitVersionRequest, ModelStore } from '../../../src/registry/types.ts';
import { codeOf } from '../../helpers/error-code.ts';
import {
  errorOf,
  fakeArtifacts,
  fakeModel,
  fakeTensor,
  openRegistry,
  values,
} from './registry-mutation-fixtures.ts';

/** Records the chunks of every commit (which carried bytes, which only a digest). */
function spyCommits(store: ModelStore): { withData: boolean[]; calls: number }[] {
  const seen: { withData: boolean[]; calls: number }[] = [];
  const real = store.commitVersion.bind(store);
  store.commitVersion = (request: CommitVersionRequest) => {
    seen.push({ withData: request.chunks.map((c) => c.data !== undefined), calls: seen.length + 1 });
    return real(request);
  };
  return seen;
}

describe('verification on load', () => {
  test('a corrupted chunk: INTEGRITY_FAILED naming the chunk, its digest and size; nothing returned', async () => {
    const { registry, store } = await openRegistry({ chunkBytes: 16 });
    const v = await registry.registerVersion({ model: 'c', artifacts: fakeArtifacts(8) });
    const [first, second] = v.weights.chunks;
    store.corruptChunkForTesting(second?.sha256 as string);
    const error = await errorOf(registry.loadArtifacts('c', 1));
    expect(error.code).toBe('INTEGRITY_FAILED');
    expect(error.details).toMatchObject({ model: 'c', version: 1, sha256: second?.sha256, bytes: 16 });
    expect(error.details.actual).toMatch(/^[0-9a-f]{64}$/);
    expect(error.details.actual).not.toBe(second?.sha256);
    expect(error.message).toMatch(
      new RegExp(
        `^The weight chunk ${second?.sha256} of "c" version 1 is corrupted \\(16 bytes, SHA-256 [0-9a-f]{64}; expected 16 bytes\\)`,
      ),
    );
    // The intact chunk still verifies on its own.
    store.corruptChunkForTesting(second?.sha256 as string);
    expect((await registry.loadWeights(v)).length).toBe(2);
    expect(first?.bytes).toBe(16);
    await registry.close();
  });

  test('a missing chunk and a truncated chunk fail; a store that does not stream still verifies', async () => {
    const { registry, store } = await openRegistry({ chunkBytes: 16 });
    const v = await registry.registerVersion({ model: 'm', artifacts: fakeArtifacts(8) });
    const realRead = store.readChunks.bind(store);
    const [, ref] = v.weights.chunks;
    store.readChunks = async (refs) => {
      const data = await realRead(refs);
      return [data[0], undefined];
    };
    const missing = await errorOf(registry.loadWeights(v));
    expect([missing.code, missing.details]).toEqual([
      'INTEGRITY_FAILED',
      { model: 'm', version: 1, sha256: ref?.sha256 },
    ]);
    expect(missing.message).toBe(
      `The weight chunk ${ref?.sha256} of "m" version 1 is missing from the store. Re-import or re-register this version.`,
    );
    store.readChunks = async (refs, onChunk) => {
      const data = await realRead(refs);
      const short = data.map((d, i) => (i === 1 ? d?.slice(0, 12) : d));
      for (const [i, d] of short.entries()) if (d) onChunk?.(i, d);
      return short;
    };
    const truncated = await errorOf(registry.loadWeights(v));
    expect(truncated.details).toMatchObject({ sha256: ref?.sha256, actual: null, bytes: 12 });
    expect(truncated.message).toContain('(12 bytes, SHA-256 not computed; expected 16 bytes)');
    // Hashed in verifyChunk itself when the store reports no chunk as it arrives.
    store.readChunks = (refs) => realRead(refs);
    const loaded = await registry.loadWeights(v);
    expect(new Uint8Array(await new Blob(loaded).arrayBuffer())).toEqual(
      new Uint8Array(fakeArtifacts(8).weightData),
    );
    // Same, but with one chunk's bytes altered: still caught.
    store.readChunks = async (refs) => {
      const data = await realRead(refs);
      const bad = new Uint8Array(data[1] as ArrayBuffer);
      bad[0] = (bad[0] ?? 0) ^ 1;
      return data;
    };
    expect(await codeOf(registry.loadWeights(v))).toBe('INTEGRITY_FAILED');
    await registry.close();
  });

  test('loadArtifacts: one buffer for one chunk, a list for several; null fields are left out', async () => {
    const { registry } = await openRegistry({ chunkBytes: 16 });
    const single = await registry.registerVersion({ model: 'one', artifacts: fakeArtifacts(4) });
    const one = await registry.loadArtifacts('one', single.version);
    expect(one.weightData).toBeInstanceOf(ArrayBuffer);
    expect(new Uint8Array(one.weightData as ArrayBuffer)).toEqual(
      new Uint8Array(fakeArtifacts(4).weightData),
    );
    expect(Object.keys(one).sort()).toEqual([
      'format',
      'generatedBy',
      'modelTopology',
      'weightData',
      'weightSpecs',
    ]);
    await registry.registerVersion({
      model: 'two',
      artifacts: {
        ...fakeArtifacts(8),
        convertedBy: 'converter 1',
        trainingConfig: { loss: 'mse', optimizer_config: { class_name: 'Adam', config: {} } },
      },
    });
    const two = await registry.loadArtifacts('two');
    expect(Array.isArray(two.weightData)).toBe(true);
    expect((two.weightData as ArrayBuffer[]).length).toBe(2);
    expect([two.format, two.generatedBy, two.convertedBy]).toEqual([
      'layers-model',
      'contract-test',
      'converter 1',
    ]);
    expect(two.trainingConfig).toEqual({ loss: 'mse', optimizer_config: { class_name: 'Adam', config: {} } });
    const bare = await registry.registerVersion({
      model: 'bare',
      artifacts: { modelTopology: { a: 1 }, weightSpecs: [], weightData: new ArrayBuffer(0) },
    });
    expect([bare.format, bare.generatedBy, bare.convertedBy, bare.trainingConfig]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(Object.keys(await registry.loadArtifacts('bare')).sort()).toEqual([
      'modelTopology',
      'weightData',
      'weightSpecs',
    ]);
    await registry.close();
  });
});

describe('the known-chunk cache', () => {
  test('a save omits bytes of chunks it wrote or verified; a delete that frees chunks forgets them', async () => {
    const { registry, store } = await openRegistry({ chunkBytes: 16 });
    const commits = spyCommits(store);
    await registry.registerVersion({ model: 'k', artifacts: fakeArtifacts(8, 1) });
    await registry.registerVersion({ model: 'k', artifacts: fakeArtifacts(8, 1) });
    expect(commits.map((c) => c.withData)).toEqual([
      [true, true],
      [false, false],
    ]);
    // Loading verifies the chunks: a fresh registry on the same store learns them that way.
    const other = await openRegistry({ chunkBytes: 16, store });
    await other.registry.loadArtifacts('k', 1);
    await other.registry.registerVersion({ model: 'k', artifacts: fakeArtifacts(8, 1) });
    expect(commits.at(-1)?.withData).toEqual([false, false]);
    // Deleting every user of the chunks frees them; the next save sends the bytes in one commit.
    await registry.registerVersion({ model: 'solo', artifacts: fakeArtifacts(4, 9) });
    await registry.deleteVersions('solo', [1]);
    commits.length = 0;
    await registry.registerVersion({ model: 'solo', artifacts: fakeArtifacts(4, 9) });
    expect(commits.map((c) => c.withData)).toEqual([[true]]);
    // The same through prune.
    await registry.prune('solo', { keepLast: 0 });
    commits.length = 0;
    await registry.registerVersion({ model: 'solo', artifacts: fakeArtifacts(4, 9) });
    expect(commits.map((c) => c.withData)).toEqual([[true]]);
    // Deleted behind this registry's back: the first commit fails on the missing chunk, the retry sends it.
    await other.registry.deleteVersions('solo', [3]);
    commits.length = 0;
    const again = await registry.registerVersion({ model: 'solo', artifacts: fakeArtifacts(4, 9) });
    expect(commits.map((c) => c.withData)).toEqual([[false], [true]]);
    expect((await registry.loadArtifacts('solo', again.version)).weightData).toEqual(
      fakeArtifacts(4, 9).weightData,
    );
    await other.registry.close();
    await registry.close();
  });

  test('only a missing-chunk failure is retried; other failures surface as they are', async () => {
    const { registry, store } = await openRegistry();
    await registry.registerVersion({ model: 'f', artifacts: fakeArtifacts(4) });
    const real = store.commitVersion.bind(store);
    let calls = 0;
    store.commitVersion = async (request) => {
      calls++;
      throw Object.assign(new Error('disk'), { request });
    };
    await expect(registry.registerVersion({ model: 'f', artifacts: fakeArtifacts(4) })).rejects.toThrow(
      'disk',
    );
    expect(calls).toBe(1);
    // An integrity failure that is not about a missing chunk is not retried either.
    const { EdgeflowError } = await import('../../../src/errors.ts');
    calls = 0;
    store.commitVersion = async () => {
      calls++;
      throw new EdgeflowError('INTEGRITY_FAILED', 'other', { details: { missingChunk: false } });
    };
    expect(await codeOf(registry.registerVersion({ model: 'f', artifacts: fakeArtifacts(4) }))).toBe(
      'INTEGRITY_FAILED',
    );
    expect(calls).toBe(1);
    // A missing chunk when every byte was sent already is not retried (nothing more to send).
    calls = 0;
    store.commitVersion = async () => {
      calls++;
      throw new EdgeflowError('INTEGRITY_FAILED', 'gone', { details: { missingChunk: true } });
    };
    expect(await codeOf(registry.registerVersion({ model: 'f', artifacts: fakeArtifacts(4, 77) }))).toBe(
      'INTEGRITY_FAILED',
    );
    expect(calls).toBe(1);
    store.commitVersion = real;
    await registry.close();
  });
});

describe('saveModel and drafts', () => {
  test('saveModel stores the tensors, reports progress and skips unchanged tensors next time', async () => {
    const { registry, store, changes } = await openRegistry({ chunkBytes: 8 });
    const commits = spyCommits(store);
    const model = fakeModel([values(3, 1), values(2, 2)]);
    const progress: unknown[] = [];
    const v1 = await registry.saveModel('live', model, {
      metrics: { acc: 1 },
      onProgress: (p) => progress.push(p),
    });
    expect(progress).toEqual([
      { stage: 'hashing', bytes: 20 },
      { stage: 'writing', bytes: 20 },
    ]);
    expect(v1).toMatchObject({
      model: 'live',
      version: 1,
      format: 'layers-model',
      generatedBy: 'edgeflow registry.saveModel',
      convertedBy: null,
      trainingConfig: null,
      metrics: { acc: 1 },
      source: { kind: 'register', from: null },
      weightSpecs: [
        { name: 'dense/w0', shape: [3], dtype: 'float32' },
        { name: 'dense/w1', shape: [2], dtype: 'float32' },
      ],
    });
    expect(v1.weights.chunks.map((c) => c.bytes)).toEqual([8, 8, 4]);
    const v2 = await registry.saveModel('live', model);
    expect(v2.weights).toEqual(v1.weights);
    expect(commits.map((c) => c.withData)).toEqual([
      [true, true, true],
      [false, false, false],
    ]);
    const bytes = new Uint8Array(await new Blob(await registry.loadWeights(v2)).arrayBuffer());
    expect(bytes).toEqual(new Uint8Array(new Float32Array([...values(3, 1), ...values(2, 2)]).buffer));
    expect(changes.filter((c) => c.type === 'version-registered')).toEqual([
      { type: 'version-registered', model: 'live', version: 1 },
      { type: 'version-registered', model: 'live', version: 2 },
    ]);
    const stringWeight = fakeModel([fakeTensor(new Float32Array(1), 'string')]);
    const refused = await errorOf(registry.saveModel('live', stringWeight));
    expect([refused.code, refused.details.field]).toEqual(['INVALID_ARGUMENT', 'weights']);
    expect(await codeOf(registry.saveModel('bad name', model))).toBe('INVALID_ARGUMENT');
    await registry.close();
  });

  test('a draft is kept, replaced, registered (writing no bytes) and then gone', async () => {
    const { registry, store, changes } = await openRegistry({ chunkBytes: 8 });
    const progress: string[] = [];
    const first = await registry.saveDraft('run-a', fakeModel([values(4, 1)]), {
      metrics: { acc: 0.5 },
      tags: ['d'],
      description: 'first',
      onProgress: (p) => progress.push(`${p.stage}:${p.bytes}`),
    });
    expect(progress).toEqual(['hashing:16', 'writing:16']);
    expect(first).toMatchObject({ runId: 'run-a', version: { runId: 'run-a', metrics: { acc: 0.5 } } });
    expect(await store.chunkStats()).toEqual({ chunks: 2, bytes: 16 });
    // A second draft of the same run replaces the first, freeing the chunks only it used.
    const second = await registry.saveDraft('run-a', fakeModel([values(2, 3)]), { metrics: { acc: 0.7 } });
    expect(await store.chunkStats()).toEqual({ chunks: 1, bytes: 8 });
    expect(await registry.getDraft('run-a')).toEqual(second);
    expect(await registry.getDraft('run-b')).toBeUndefined();
    expect(changes).toEqual([
      { type: 'drafts-changed', runIds: ['run-a'] },
      { type: 'drafts-changed', runIds: ['run-a'] },
    ]);
    const commits = spyCommits(store);
    const version = await registry.registerDraft('run-a', 'drafted', { tags: ['final'] });
    expect(version).toMatchObject({
      model: 'drafted',
      version: 1,
      runId: 'run-a',
      metrics: { acc: 0.7 },
      tags: ['final'],
      description: '',
      weights: second.version.weights,
    });
    expect(commits.map((c) => c.withData)).toEqual([[false]]);
    expect(await registry.getDraft('run-a')).toBeUndefined();
    expect(await store.chunkStats()).toEqual({ chunks: 1, bytes: 8 });
    expect(changes.slice(2)).toEqual([
      { type: 'version-registered', model: 'drafted', version: 1 },
      { type: 'drafts-changed', runIds: ['run-a'] },
    ]);
    const gone = await errorOf(registry.registerDraft('run-a', 'drafted'));
    expect([gone.code, gone.details]).toEqual(['RUN_NOT_FOUND', { runId: 'run-a' }]);
    expect(await codeOf(registry.registerDraft('run-a', 'bad name'))).toBe('INVALID_ARGUMENT');
    // Kept description and tags unless new ones are given.
    await registry.saveDraft('run-c', fakeModel([values(1, 5)]), { description: 'kept', tags: ['k'] });
    expect(await registry.registerDraft('run-c', 'drafted')).toMatchObject({
      version: 2,
      description: 'kept',
      tags: ['k'],
    });
    await registry.saveDraft('run-d', fakeModel([values(1, 6)]), { description: 'old', tags: ['o'] });
    expect(await registry.registerDraft('run-d', 'drafted', { description: 'new' })).toMatchObject({
      description: 'new',
      tags: ['o'],
    });
    await registry.close();
  });

  test('deleteDrafts frees only chunks no version and no other draft uses; pruneDrafts keeps to a budget', async () => {
    let now = 100;
    const { registry, store, changes } = await openRegistry({ chunkBytes: 8, clock: () => (now += 10) });
    // Drafts a (16 B), b (8 B shared with version), c (8 B), d (8 B), oldest first.
    await registry.saveDraft('a', fakeModel([values(4, 1)]));
    await registry.saveDraft('b', fakeModel([values(2, 2)]));
    await registry.saveDraft('c', fakeModel([values(2, 3)]));
    await registry.saveDraft('d', fakeModel([values(2, 4)]));
    await registry.saveModel('v', fakeModel([values(2, 2)]));
    expect((await registry.listDrafts()).map((d) => d.runId)).toEqual(['a', 'b', 'c', 'd']);
    expect(await store.draftStats()).toEqual({ count: 4, bytes: 40, exclusiveBytes: 32 });
    expect((await registry.storage()).drafts).toEqual({ count: 4, bytes: 40, exclusiveBytes: 32 });
    expect((await registry.storage()).weights).toEqual({ chunks: 5, bytes: 40 });
    for (const maxBytes of [-1, 0.5]) {
      const error = await errorOf(registry.pruneDrafts({ maxBytes }));
      expect([error.code, error.details]).toEqual([
        'INVALID_ARGUMENT',
        { field: 'maxBytes', value: maxBytes },
      ]);
    }
    // At the budget exactly: nothing to do.
    expect(await registry.pruneDrafts({ maxBytes: 32 })).toEqual({
      deleted: [],
      chunksFreed: 0,
      bytesFreed: 0,
    });
    changes.length = 0;
    // Over it: the oldest go first (sparing `keep`) until the only-draft bytes fit.
    // b frees nothing (a version shares its chunk), c frees 8 B: 24 B left, within the budget.
    const pruned = await registry.pruneDrafts({ maxBytes: 24, keep: ['a'] });
    expect(pruned).toEqual({ deleted: ['b', 'c'], chunksFreed: 1, bytesFreed: 8 });
    expect((await registry.listDrafts()).map((d) => d.runId)).toEqual(['a', 'd']);
    expect(changes).toEqual([
      { type: 'drafts-changed', runIds: ['b'] },
      { type: 'drafts-changed', runIds: ['c'] },
    ]);
    changes.length = 0;
    expect(await registry.deleteDrafts(['d', 'd', 'nope'])).toEqual({
      deleted: ['d'],
      chunksFreed: 1,
      bytesFreed: 8,
    });
    expect(await registry.deleteDrafts(['nope'])).toEqual({ deleted: [], chunksFreed: 0, bytesFreed: 0 });
    expect(changes).toEqual([{ type: 'drafts-changed', runIds: ['d'] }]);
    // Deleting a run deletes its draft.
    await registry.createRun({ id: 'a', spec: {}, status: 'finished' });
    await registry.deleteRun('a');
    expect(await registry.listDrafts()).toEqual([]);
    expect(await registry.pruneDrafts({ maxBytes: 0 })).toEqual({
      deleted: [],
      chunksFreed: 0,
      bytesFreed: 0,
    });
    await registry.close();
  });

  test('a draft whose chunks were freed is saved again with its bytes', async () => {
    const { registry, store } = await openRegistry({ chunkBytes: 8 });
    const model = fakeModel([values(2, 1)]);
    await registry.saveDraft('x', model);
    await registry.deleteDrafts(['x']);
    expect(await store.chunkStats()).toEqual({ chunks: 0, bytes: 0 });
    await registry.saveDraft('x', model);
    expect(await store.chunkStats()).toEqual({ chunks: 1, bytes: 8 });
    expect((await registry.registerDraft('x', 'y')).weights.bytes).toBe(8);
    expect(new Uint8Array((await registry.loadArtifacts('y')).weightData as ArrayBuffer)).toEqual(
      new Uint8Array(values(2, 1).buffer),
    );
    await registry.close();
  });

  test('a store missing any one draft method has no drafts', async () => {
    for (const missing of ['putDraft', 'getDraft', 'listDrafts', 'deleteDrafts', 'draftStats']) {
      const store = new MemoryModelStore();
      Object.assign(store, { [missing]: undefined });
      const { registry } = await openRegistry({ store });
      const error = await errorOf(registry.saveDraft('r', fakeModel([values(1, 1)])));
      expect([missing, error.code]).toEqual([missing, 'INVALID_ARGUMENT']);
      await registry.close();
    }
  });

  test('a store without drafts says so; storage reports no drafts for it', async () => {
    const store = new MemoryModelStore();
    Object.assign(store, { putDraft: undefined, draftStats: undefined, deleteDrafts: undefined });
    const { registry } = await openRegistry({ store });
    const error = await errorOf(registry.saveDraft('r', fakeModel([values(1, 1)])));
    expect([error.code, error.details]).toEqual(['INVALID_ARGUMENT', { store: 'memory' }]);
    expect(error.message).toBe(
      "This registry's memory store keeps no drafts; use IndexedDbModelStore or MemoryModelStore.",
    );
    // Rejections, like every other registry call (not synchronous throws).
    expect(await codeOf(registry.listDrafts())).toBe('INVALID_ARGUMENT');
    expect(await codeOf(registry.getDraft('r'))).toBe('INVALID_ARGUMENT');
    expect((await registry.storage()).drafts).toBeNull();
    // A run still deletes (there is no draft to remove with it).
    await registry.createRun({ id: 'r', spec: {}, status: 'failed' });
    await registry.deleteRun('r');
    expect(await codeOf(registry.getRun('r'))).toBe('RUN_NOT_FOUND');
    await registry.close();
  });
});

describe('copies, deletes and handlers', () => {
  test('copyVersion shares the chunks, keeps or replaces tags and description, and names its source', async () => {
    const { registry, store, changes } = await openRegistry();
    await registry.registerVersion({
      model: 'src',
      artifacts: fakeArtifacts(4),
      tags: ['t'],
      description: 'orig',
      metrics: { acc: 1 },
    });
    const before = await store.chunkStats();
    const kept = await registry.copyVersion('src', 1, 'dst');
    expect(kept).toMatchObject({
      model: 'dst',
      version: 1,
      tags: ['t'],
      description: 'orig',
      metrics: { acc: 1 },
      source: { kind: 'copy', from: 'src@1' },
    });
    const replaced = await registry.copyVersion('src', 'latest', 'src', { tags: [], description: 'copy' });
    expect(replaced).toMatchObject({ model: 'src', version: 2, tags: [], description: 'copy' });
    expect(await store.chunkStats()).toEqual(before);
    expect(changes.map((c) => c.type)).toEqual([
      'version-registered',
      'version-registered',
      'version-registered',
    ]);
    await registry.close();
  });

  test('deleteVersions announces only what it deleted', async () => {
    const { registry, changes } = await openRegistry();
    await registry.registerVersion({ model: 'd', artifacts: fakeArtifacts(4, 1) });
    await registry.registerVersion({ model: 'd', artifacts: fakeArtifacts(4, 1) });
    changes.length = 0;
    expect(await registry.deleteVersions('d', [1, 7])).toEqual({
      deleted: [1],
      chunksFreed: 0,
      bytesFreed: 0,
    });
    expect(await registry.deleteVersions('d', [7])).toEqual({ deleted: [], chunksFreed: 0, bytesFreed: 0 });
    expect(changes).toEqual([{ type: 'versions-deleted', model: 'd', versions: [1] }]);
    await registry.close();
  });

  test('the save handler registers and remembers the version; the router serves edgeflow:// URLs', async () => {
    const { registry } = await openRegistry();
    const handler = registry.saveHandler('h', { tags: ['via-handler'] });
    expect(handler.saved).toBeNull();
    const artifacts = fakeArtifacts(4);
    const result = await handler.save(artifacts);
    expect(handler.saved).toMatchObject({ model: 'h', version: 1, tags: ['via-handler'] });
    expect(result.modelArtifactsInfo).toMatchObject({
      modelTopologyType: 'JSON',
      modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
      weightSpecsBytes: JSON.stringify(artifacts.weightSpecs).length,
      weightDataBytes: 16,
    });
    expect((await registry.loadHandler('h', 1).load()).weightSpecs).toEqual(artifacts.weightSpecs);
    const saves: ((url: string | string[]) => unknown)[] = [];
    const loads: ((url: string | string[]) => unknown)[] = [];
    const io = {
      registerSaveRouter: (r: (url: string | string[]) => unknown) => saves.push(r),
      registerLoadRouter: (r: (url: string | string[]) => unknown) => loads.push(r),
    };
    registerEdgeflowRouter({ io } as unknown as Parameters<typeof registerEdgeflowRouter>[0], registry);
    registerEdgeflowRouter({ io } as unknown as Parameters<typeof registerEdgeflowRouter>[0], registry);
    expect([saves.length, loads.length]).toEqual([1, 1]);
    const save = saves[0] as (url: string | string[]) => { save(a: unknown): Promise<unknown> } | null;
    const load = loads[0] as (url: string | string[]) => { load(): Promise<{ weightData: unknown }> } | null;
    expect(save('indexeddb://h')).toBeNull();
    expect(save(['edgeflow://h'])).toBeNull();
    await save('edgeflow://h')?.save(fakeArtifacts(4, 2));
    expect((await registry.getVersion('h')).version).toBe(2);
    const pinned = await errorOf(
      save('edgeflow://h@champion')?.save(fakeArtifacts(4, 3)) as Promise<unknown>,
    );
    expect([pinned.code, pinned.details]).toEqual(['INVALID_ARGUMENT', { url: 'edgeflow://h@champion' }]);
    expect(load('http://x')).toBeNull();
    const latest = await load('edgeflow://h')?.load();
    expect(latest?.weightData).toEqual(fakeArtifacts(4, 2).weightData);
    const first = await load('edgeflow://h@1')?.load();
    expect(first?.weightData).toEqual(fakeArtifacts(4).weightData);
    expect(await sha256Hex(new Uint8Array(first?.weightData as ArrayBuffer))).toBe(
      (await registry.getVersion('h', 1)).weights.chunks[0]?.sha256,
    );
    await registry.close();
  });
});
