// Issue 17 (mutation score of src/registry): what a registration stores, field by field; the facade's
// defaults; pinned tensors released; announcements across registries; a closed registry.
import { describe, expect, test, vi } from 'vitest';
import { sha256HexOfText } from '../../../src/registry/content-hash.ts';
import { createRegistry, MemoryModelStore } from '../../../src/registry/index.ts';
import type { RegistryChange } from '../../../src/registry/types.ts';
import { codeOf } from '../../helpers/error-code.ts';
import {
  errorOf,
  fakeArtifacts,
  fakeModel,
  fakeTensor,
  liveClones,
  openRegistry,
  values,
} from './registry-mutation-fixtures.ts';

describe('registerVersion', () => {
  test('stores exactly the artifacts and metadata given, with empty defaults for the rest', async () => {
    const { registry } = await openRegistry({ chunkBytes: 24 });
    const artifacts = fakeArtifacts(10);
    const progress: unknown[] = [];
    const v = await registry.registerVersion({ model: 'r', artifacts, onProgress: (p) => progress.push(p) });
    expect(progress).toEqual([
      { stage: 'hashing', bytes: 40 },
      { stage: 'writing', bytes: 40 },
    ]);
    const { weights, ...rest } = v;
    expect(rest).toEqual({
      model: 'r',
      version: 1,
      createdAt: 1020,
      description: '',
      runId: null,
      datasetFingerprint: null,
      pipeline: null,
      profile: null,
      signature: null,
      metrics: {},
      tags: [],
      format: 'layers-model',
      generatedBy: 'contract-test',
      convertedBy: null,
      topology: artifacts.modelTopology,
      trainingConfig: null,
      weightSpecs: artifacts.weightSpecs,
      source: { kind: 'register', from: null },
    });
    expect(weights.chunks.map((c) => c.bytes)).toEqual([24, 16]);
    expect(weights.bytes).toBe(40);
    // The weights digest is SHA-256 of the chunk digests joined in order.
    expect(weights.sha256).toBe(await sha256HexOfText(weights.chunks.map((c) => c.sha256).join('')));
    expect(await registry.getVersion('r', 1)).toEqual(v);
    // Metadata given is stored as given.
    const full = await registry.registerVersion({
      model: 'r',
      artifacts,
      description: 'd',
      runId: 'run',
      datasetFingerprint: 'fp',
      pipeline: { p: [1, 2] },
      profile: { q: null },
      signature: { s: 'x' },
      metrics: { acc: 0.9 },
      tags: ['a', 'b'],
    });
    expect(full).toMatchObject({
      description: 'd',
      runId: 'run',
      datasetFingerprint: 'fp',
      pipeline: { p: [1, 2] },
      profile: { q: null },
      signature: { s: 'x' },
      metrics: { acc: 0.9 },
      tags: ['a', 'b'],
      weights,
    });
    await registry.close();
  });

  test('metadata that is not plain JSON is refused before anything is written, naming the field', async () => {
    const { registry, store } = await openRegistry();
    const error = await errorOf(
      registry.registerVersion({
        model: 'j',
        artifacts: fakeArtifacts(2),
        pipeline: { fit: (() => 1) as unknown as number },
      }),
    );
    expect([error.code, error.details]).toEqual(['INVALID_ARGUMENT', { model: 'j', field: 'pipeline' }]);
    expect(error.message).toMatch(
      /^Cannot register "j": field "pipeline" .*\. Metadata must be plain JSON\.$/,
    );
    const draft = await errorOf(
      registry.saveDraft('run-j', fakeModel([values(1, 1)]), {
        metrics: { when: new Date(0) as unknown as number },
      }),
    );
    expect([draft.code, draft.details.model, draft.details.field]).toEqual([
      'INVALID_ARGUMENT',
      'draft',
      'metrics.when',
    ]);
    expect(draft.message).toMatch(/^Cannot keep the draft of run run-j: field "metrics\.when" /);
    expect(await store.chunkStats()).toEqual({ chunks: 0, bytes: 0 });
    expect(await store.listModels()).toEqual([]);
    expect(await registry.listDrafts()).toEqual([]);
    // Bad artifacts are refused too, naming the field.
    const topology = await errorOf(
      registry.registerVersion({
        model: 'j',
        artifacts: { ...fakeArtifacts(2), modelTopology: new ArrayBuffer(2) },
      }),
    );
    expect([topology.code, topology.details]).toEqual([
      'INVALID_ARGUMENT',
      { model: 'j', field: 'modelTopology' },
    ]);
    const specs = await errorOf(
      registry.registerVersion({
        model: 'j',
        artifacts: { ...fakeArtifacts(2), weightSpecs: [{ name: 'w', shape: [2] }] as never },
      }),
    );
    expect([specs.code, specs.details.field]).toEqual(['INVALID_ARGUMENT', 'weightSpecs']);
    await registry.close();
  });

  test('a live model: topology as an object, tensors pinned for the save and released after', async () => {
    const { registry } = await openRegistry({ chunkBytes: 8 });
    const a = fakeTensor(values(3, 1));
    const b = fakeTensor(values(2, 2));
    const model = fakeModel([a, b]);
    const v = await registry.saveModel('pin', model);
    expect(v.topology).toEqual({ class_name: 'Sequential', config: { name: 'fake', layers: [] } });
    expect([liveClones.get(a.dataId), liveClones.get(b.dataId)]).toEqual([0, 0]);
    // The run id given first is the draft's own: metadata naming another run cannot relabel it.
    const draft = await registry.saveDraft('run-pin', model, { tags: ['x'], runId: 'another-run' });
    expect([draft.runId, draft.version.runId]).toEqual(['run-pin', 'run-pin']);
    expect(draft.version.topology).toEqual(v.topology);
    expect(draft.version.weights).toEqual(v.weights);
    expect([liveClones.get(a.dataId), liveClones.get(b.dataId)]).toEqual([0, 0]);
    // Released when the save fails too.
    const bad = fakeTensor(new Float32Array(1), 'complex64');
    expect(await codeOf(registry.saveModel('pin', fakeModel([a, bad])))).toBe('INVALID_ARGUMENT');
    expect([liveClones.get(a.dataId), liveClones.get(bad.dataId)]).toEqual([0, 0]);
    const failing = fakeModel([a]);
    const realCommit = registry.store.commitVersion.bind(registry.store);
    registry.store.commitVersion = async () => {
      throw new Error('disk');
    };
    await expect(registry.saveModel('pin', failing)).rejects.toThrow('disk');
    expect(liveClones.get(a.dataId)).toBe(0);
    registry.store.commitVersion = realCommit;
    await registry.close();
  });
});

describe('the facade', () => {
  test('defaults: the latest version, a memory store in Node, champion for promote', async () => {
    const registry = await createRegistry({ channel: null });
    expect(registry.store).toBeInstanceOf(MemoryModelStore);
    await registry.registerVersion({ model: 'f', artifacts: fakeArtifacts(4, 1) });
    await registry.registerVersion({ model: 'f', artifacts: fakeArtifacts(4, 2) });
    expect((await registry.loadHandler('f').load()).weightData).toEqual(fakeArtifacts(4, 2).weightData);
    expect((await registry.loadArtifacts('f')).weightData).toEqual(fakeArtifacts(4, 2).weightData);
    const fromZip = await registry.importVersionZip(await registry.exportVersionZip('f'), { model: 'z' });
    expect(fromZip.source.from).toBe('f@2');
    const blob = await registry.exportVersionBlob('f');
    expect(
      (await registry.importVersionZip(new Uint8Array(await blob.arrayBuffer()), { model: 'b' })).source.from,
    ).toBe('f@2');
    expect((await registry.exportVersion('f'))[0]?.path).toBe('model.json');
    expect((await registry.lineage('f')).version).toBe(2);
    const move = await registry.promote('f', 1, { reason: 'r' });
    expect([move.alias, move.to]).toEqual(['champion', 1]);
    const other = await registry.promote('f', 2, { reason: 'r', alias: 'canary' });
    expect(other.alias).toBe('canary');
    const removed = await registry.removeAlias('f', 'canary', { reason: 'done' });
    expect([removed.from, removed.to]).toEqual([2, null]);
    expect(await codeOf(registry.removeAlias('f', 'canary', { reason: 'again' }))).toBe('MODEL_NOT_FOUND');
    expect(await codeOf(registry.removeAlias('f', 'champion', { reason: ' ' }))).toBe('INVALID_ARGUMENT');
    expect((await registry.listAliases('f')).map((a) => a.alias)).toEqual(['champion']);
    expect((await registry.aliasLog('f', 'canary')).map((m) => m.to)).toEqual([2, null]);
    await registry.close();
  });

  test('changes reach other registries on the same channel; a deletion there resets the known chunks', async () => {
    const store = new MemoryModelStore();
    const channel = `m1-test-${Math.random()}`;
    const here = await createRegistry({ store, channel, chunkBytes: 16 });
    const there = await createRegistry({ store, channel, chunkBytes: 16 });
    const deaf = await createRegistry({ store, channel: null });
    const heard: RegistryChange[] = [];
    deaf.subscribe((c) => heard.push(c));
    const deleted = new Promise<RegistryChange>((resolve) => {
      here.subscribe((c) => {
        if (c.type === 'versions-deleted') resolve(c);
      });
    });
    await here.registerVersion({ model: 's', artifacts: fakeArtifacts(4, 1) });
    await there.deleteVersions('s', [1]);
    expect(await deleted).toEqual({ type: 'versions-deleted', model: 's', versions: [1] });
    // `here` forgot the chunks: its next save sends the bytes in a single commit.
    const commits: boolean[][] = [];
    const real = store.commitVersion.bind(store);
    store.commitVersion = (request) => {
      commits.push(request.chunks.map((c) => c.data !== undefined));
      return real(request);
    };
    await here.registerVersion({ model: 's', artifacts: fakeArtifacts(4, 1) });
    expect(commits).toEqual([[true]]);
    expect(heard).toEqual([]);
    // A listener that throws does not break the write; unsubscribing stops delivery.
    const seen: string[] = [];
    const stop = here.subscribe((c) => seen.push(c.type));
    here.subscribe(() => {
      throw new Error('listener bug');
    });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await here.upsertModel('s', { description: 'x' });
    expect(logged.mock.calls.map((call) => call[0])).toEqual(['edgeflow registry: a change listener threw']);
    stop();
    await here.upsertModel('s', { description: 'y' });
    logged.mockRestore();
    expect(seen).toEqual(['model-updated']);
    await deaf.close();
    await there.close();
    await here.close();
  });

  test('a closed registry closes its store', async () => {
    const { registry } = await openRegistry();
    await registry.registerVersion({ model: 'c', artifacts: fakeArtifacts(2) });
    const seen: string[] = [];
    registry.subscribe((c) => seen.push(c.type));
    await registry.close();
    expect(await codeOf(registry.listModels())).toBe('DISPOSED');
    expect(await codeOf(registry.getVersion('c', 1))).toBe('DISPOSED');
    expect(seen).toEqual([]);
  });
});

describe('announced alias moves and downloads', () => {
  test('moves, removals and prunes announce each alias change, then the deletion', async () => {
    const { registry, changes } = await openRegistry();
    for (let i = 0; i < 3; i++)
      await registry.registerVersion({ model: 'a', artifacts: fakeArtifacts(2, i) });
    changes.length = 0;
    const first = await registry.moveAlias('a', 'champion', 1, { reason: 'r', expectedVersion: null });
    expect(first).toMatchObject({ at: 1050, gateReport: null, from: null, to: 1 });
    await registry.moveAlias('a', 'beta', 2, { reason: 'r', gateReport: { ok: true } });
    await registry.removeAlias('a', 'beta', { reason: 'r' });
    await registry.moveAlias('a', 'beta', 1, { reason: 'r' });
    expect(changes).toEqual([
      { type: 'alias-moved', model: 'a', alias: 'champion', from: null, to: 1 },
      { type: 'alias-moved', model: 'a', alias: 'beta', from: null, to: 2 },
      { type: 'alias-moved', model: 'a', alias: 'beta', from: 2, to: null },
      { type: 'alias-moved', model: 'a', alias: 'beta', from: null, to: 1 },
    ]);
    expect((await registry.aliasLog('a', 'beta'))[0]?.gateReport).toEqual({ ok: true });
    changes.length = 0;
    const pruned = await registry.prune('a', { keepLast: 1, keepAliased: false });
    expect(pruned).toMatchObject({ deleted: [2, 1], aliasesRemoved: ['beta', 'champion'] });
    expect(changes).toEqual([
      { type: 'alias-moved', model: 'a', alias: 'beta', from: 1, to: null },
      { type: 'alias-moved', model: 'a', alias: 'champion', from: 1, to: null },
      { type: 'versions-deleted', model: 'a', versions: [2, 1] },
    ]);
    expect((await registry.aliasLog('a')).at(-1)?.reason).toBe('prune: version 1 removed (keepLast 1)');
    changes.length = 0;
    expect(await registry.prune('a', { keepLast: 0, keepAliased: true })).toMatchObject({ deleted: [3] });
    expect(changes).toEqual([{ type: 'versions-deleted', model: 'a', versions: [3] }]);
    await registry.close();
  });

  test('prune keeps aliased versions by default and counts keepLast from the newest', async () => {
    const { registry } = await openRegistry();
    for (let i = 0; i < 5; i++)
      await registry.registerVersion({ model: 'k', artifacts: fakeArtifacts(2, i) });
    await registry.moveAlias('k', 'old', 1, { reason: 'r' });
    await registry.deleteVersions('k', [4]);
    expect((await registry.prune('k', { keepLast: 2 })).deleted).toEqual([2]);
    expect((await registry.listVersions('k')).items.map((v) => v.version)).toEqual([5, 3, 1]);
    expect((await registry.prune('k', { keepLast: 3 })).deleted).toEqual([]);
    await registry.close();
  });

  test('downloadVersionZip clicks a link named after the version and revokes its URL later', async () => {
    const { registry } = await openRegistry();
    await registry.registerVersion({ model: 'dl', artifacts: fakeArtifacts(2) });
    await registry.registerVersion({ model: 'dl', artifacts: fakeArtifacts(2, 2) });
    const clicked: { href: string; download: string }[] = [];
    const link = {
      href: '',
      download: '',
      click() {
        clicked.push({ href: this.href, download: this.download });
      },
    };
    const created: string[] = [];
    const revoked: string[] = [];
    const urls = vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      created.push((blob as Blob).type);
      return `blob:${created.length}`;
    });
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation((url) => {
      revoked.push(url);
    });
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    (globalThis as { document?: unknown }).document = {
      createElement: (tag: string) => (tag === 'a' ? link : null),
    };
    try {
      expect(await registry.downloadVersionZip('dl')).toBe('dl-v2.zip');
      const given = new Blob([new Uint8Array([1])], { type: 'x/given' });
      expect(await registry.downloadVersionZip('dl', 1, given)).toBe('dl-v1.zip');
      expect(clicked).toEqual([
        { href: 'blob:1', download: 'dl-v2.zip' },
        { href: 'blob:2', download: 'dl-v1.zip' },
      ]);
      expect(created).toEqual(['application/zip', 'x/given']);
      vi.advanceTimersByTime(999);
      expect(revoked).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(revoked).toEqual(['blob:1', 'blob:2']);
    } finally {
      delete (globalThis as { document?: unknown }).document;
      vi.useRealTimers();
      urls.mockRestore();
      revoke.mockRestore();
    }
    const outside = await errorOf(registry.downloadVersionZip('dl'));
    expect([outside.code, outside.message]).toEqual([
      'INVALID_ARGUMENT',
      'downloadVersionZip needs a page; in a worker call exportVersionZip() and post the bytes to the page.',
    ]);
    await registry.close();
  });
});
