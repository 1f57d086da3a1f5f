// The one contract every ModelStore meets (issue 4), run against the memory store in Node and the
// IndexedDB store in Chromium. It drives the stores through the `Registry` facade, the way apps do.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createRegistry, type Registry } from '../../src/registry/registry.ts';
import type { ModelStore } from '../../src/registry/types.ts';
import { codeOf, errorOf } from '../helpers/error-code.ts';

/** What a medium provides to the contract. */
export interface ModelStoreHarness {
  /** A fresh, empty store (not opened). */
  create(): Promise<ModelStore>;
  /** Flips bytes of a stored weight chunk, as disk corruption would. */
  corruptChunk(store: ModelStore, sha256: string): Promise<void>;
  /** fast-check runs for the property test (IndexedDB is slower). */
  propertyRuns: number;
}

/** Fake tfjs artifacts: one float32 weight of `n` values filled from `seed`. */
export function fakeArtifacts(n: number, seed = 1) {
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = Math.sin(seed * 1000 + i);
  return {
    modelTopology: { class_name: 'Sequential', config: { name: `m${seed}`, layers: [] } },
    format: 'layers-model',
    generatedBy: 'contract-test',
    convertedBy: null,
    weightSpecs: [{ name: 'dense/kernel', shape: [n], dtype: 'float32' as const }],
    weightData: values.buffer,
  };
}

/** Registers the contract tests for one medium. */
export function runModelStoreContract(label: string, harness: ModelStoreHarness): void {
  describe(`ModelStore contract: ${label}`, () => {
    async function open(
      options: { chunkBytes?: number } = {},
    ): Promise<{ registry: Registry; store: ModelStore }> {
      const store = await harness.create();
      const registry = await createRegistry({ store, channel: null, ...options });
      return { registry, store };
    }

    test('versions are numbered 1, 2, 3 and read back by number, alias and latest', async () => {
      const { registry } = await open();
      const a = await registry.registerVersion({
        model: 'iris',
        artifacts: fakeArtifacts(16, 1),
        metrics: { accuracy: 0.9 },
      });
      const b = await registry.registerVersion({ model: 'iris', artifacts: fakeArtifacts(16, 2) });
      expect([a.version, b.version]).toEqual([1, 2]);
      await registry.moveAlias('iris', 'champion', 1, { reason: 'first good one' });
      expect((await registry.getVersion('iris', 'champion')).version).toBe(1);
      expect((await registry.getVersion('iris', 'latest')).version).toBe(2);
      expect((await registry.getVersion('iris', '2')).weights.sha256).toBe(b.weights.sha256);
      expect((await registry.getModel('iris')).lastVersion).toBe(2);
      // Returned records are copies: changing one does not change the stored version.
      a.metrics.accuracy = 0;
      expect((await registry.getVersion('iris', 1)).metrics.accuracy).toBe(0.9);
      await registry.close();
    });

    test('weights round-trip byte for byte, across several chunks', async () => {
      const { registry } = await open({ chunkBytes: 1000 });
      const artifacts = fakeArtifacts(1000, 3);
      const v = await registry.registerVersion({ model: 'big', artifacts });
      expect(v.weights.chunks.length).toBe(4);
      expect(v.weights.bytes).toBe(4000);
      const loaded = await registry.loadArtifacts('big', v.version);
      const parts = Array.isArray(loaded.weightData) ? loaded.weightData : [loaded.weightData as ArrayBuffer];
      const joined = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
      let offset = 0;
      for (const p of parts) {
        joined.set(new Uint8Array(p), offset);
        offset += p.byteLength;
      }
      expect(joined).toEqual(new Uint8Array(artifacts.weightData));
      expect(loaded.weightSpecs).toEqual(artifacts.weightSpecs);
      expect(loaded.modelTopology).toEqual(artifacts.modelTopology);
      await registry.close();
    });

    test('identical weights are stored once; chunks are collected when no version uses them', async () => {
      const { registry, store } = await open({ chunkBytes: 256 });
      await registry.registerVersion({ model: 'dup', artifacts: fakeArtifacts(256, 7) });
      const first = await store.chunkStats();
      expect(first).toEqual({ chunks: 4, bytes: 1024 });
      await registry.registerVersion({ model: 'dup', artifacts: fakeArtifacts(256, 7) });
      await registry.copyVersion('dup', 1, 'dup-copy');
      expect(await store.chunkStats()).toEqual(first);
      await registry.deleteVersions('dup', [1, 2]);
      expect(await store.chunkStats()).toEqual(first);
      const freed = await registry.deleteVersions('dup-copy', [1]);
      expect(freed).toEqual({ deleted: [1], chunksFreed: 4, bytesFreed: 1024 });
      expect(await store.chunkStats()).toEqual({ chunks: 0, bytes: 0 });
      // Numbers are never reused after deletion.
      expect((await registry.registerVersion({ model: 'dup', artifacts: fakeArtifacts(4, 1) })).version).toBe(
        3,
      );
      await registry.close();
    });

    test('latestVersion reads the highest number; unknown models have none', async () => {
      const { registry, store } = await open();
      for (const seed of [1, 2, 3])
        await registry.registerVersion({ model: 'l', artifacts: fakeArtifacts(4, seed) });
      await registry.deleteVersions('l', [3]);
      expect((await store.latestVersion('l'))?.version).toBe(2);
      expect(await store.latestVersion('none')).toBeUndefined();
      await registry.close();
    });

    test('a chunk another registry deleted meanwhile is written again, not referenced while missing', async () => {
      const { registry, store } = await open({ chunkBytes: 256 });
      // A second registry on the same store (as another tab would have) deletes the only version.
      const other = await createRegistry({ store, channel: null, chunkBytes: 256 });
      await registry.registerVersion({ model: 'gone', artifacts: fakeArtifacts(128, 5) });
      await other.deleteVersions('gone', [1]);
      expect(await store.chunkStats()).toEqual({ chunks: 0, bytes: 0 });
      // `registry` still believes the chunks are stored; the commit finds them gone and retries with the bytes.
      const again = await registry.registerVersion({ model: 'gone', artifacts: fakeArtifacts(128, 5) });
      expect(await store.chunkStats()).toEqual({ chunks: 2, bytes: 512 });
      const loaded = await registry.loadArtifacts('gone', again.version);
      const parts = loaded.weightData as ArrayBuffer[];
      expect(parts.map((p) => p.byteLength)).toEqual([256, 256]);
      expect(new Uint8Array(await new Blob(parts).arrayBuffer())).toEqual(
        new Uint8Array(fakeArtifacts(128, 5).weightData),
      );
      await registry.close();
    });

    test('concurrent registrations get distinct version numbers', async () => {
      const { registry } = await open();
      const versions = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          registry.registerVersion({ model: 'race', artifacts: fakeArtifacts(8, i) }),
        ),
      );
      expect(versions.map((v) => v.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
      await registry.close();
    });

    test('alias moves are logged with from, to, reason and gate report', async () => {
      const { registry } = await open();
      for (let i = 0; i < 3; i++)
        await registry.registerVersion({ model: 'm', artifacts: fakeArtifacts(4, i) });
      await registry.promote('m', 1, { reason: 'baseline' });
      await registry.promote('m', 3, {
        reason: 'better',
        gateReport: { passed: true, accuracy: { delta: 0.02 } },
      });
      await registry.moveAlias('m', 'challenger', 2, { reason: 'shadow test' });
      await registry.removeAlias('m', 'challenger', { reason: 'done' });
      const log = await registry.aliasLog('m');
      expect(log.map((e) => [e.alias, e.from, e.to, e.reason])).toEqual([
        ['champion', null, 1, 'baseline'],
        ['champion', 1, 3, 'better'],
        ['challenger', null, 2, 'shadow test'],
        ['challenger', 2, null, 'done'],
      ]);
      expect(log[1]?.gateReport).toEqual({ passed: true, accuracy: { delta: 0.02 } });
      expect(new Set(log.map((e) => e.seq)).size).toBe(4);
      expect((await registry.aliasLog('m', 'champion')).length).toBe(2);
      expect((await registry.listAliases('m')).map((a) => [a.alias, a.version])).toEqual([['champion', 3]]);
      expect(await codeOf(registry.moveAlias('m', 'champion', 9, { reason: 'x' }))).toBe('VERSION_NOT_FOUND');
      expect(await codeOf(registry.moveAlias('m', 'champion', 2, { reason: ' ' }))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(registry.deleteVersions('m', [3]))).toBe('VERSION_CONFLICT');
      expect((await registry.getVersion('m', 3)).version).toBe(3);
      await registry.close();
    });

    test('unknown models, aliases and versions fail with codes and close names', async () => {
      const { registry } = await open();
      await registry.registerVersion({ model: 'penguins', artifacts: fakeArtifacts(4) });
      await registry.promote('penguins', 1, { reason: 'r' });
      const model = await errorOf(registry.getVersion('pengiuns', 1));
      expect(model.code).toBe('MODEL_NOT_FOUND');
      expect(model.details.closest).toEqual(['penguins']);
      expect(model.message).toContain('penguins');
      const alias = await errorOf(registry.getVersion('penguins', 'champoin'));
      expect(alias.code).toBe('MODEL_NOT_FOUND');
      expect(alias.details.closest).toEqual(['champion']);
      expect(await codeOf(registry.getVersion('penguins', 7))).toBe('VERSION_NOT_FOUND');
      expect(await codeOf(registry.listVersions('nope'))).toBe('MODEL_NOT_FOUND');
      expect(
        await codeOf(registry.registerVersion({ model: 'bad name!', artifacts: fakeArtifacts(4) })),
      ).toBe('INVALID_ARGUMENT');
      await registry.close();
    });

    test('weights of the wrong length are refused and leave nothing behind', async () => {
      const { registry, store } = await open();
      const artifacts = { ...fakeArtifacts(10), weightData: new ArrayBuffer(36) };
      const error = await errorOf(registry.registerVersion({ model: 'short', artifacts }));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ expectedBytes: 40, actualBytes: 36 });
      expect(await store.getModel('short')).toBeUndefined();
      expect(await store.chunkStats()).toEqual({ chunks: 0, bytes: 0 });
      await registry.close();
    });

    test('a corrupted chunk is INTEGRITY_FAILED and its weights are never returned', async () => {
      const { registry, store } = await open();
      const v = await registry.registerVersion({ model: 'c', artifacts: fakeArtifacts(64) });
      await harness.corruptChunk(store, v.weights.chunks[0]?.sha256 as string);
      expect(await codeOf(registry.loadArtifacts('c', 1))).toBe('INTEGRITY_FAILED');
      expect(await codeOf(registry.exportVersion('c', 1))).toBe('INTEGRITY_FAILED');
      await registry.close();
    });

    test('versions list paged, filtered by tag or alias, ordered by creation or a metric', async () => {
      let clock = 1_000;
      const store = await harness.create();
      const registry = await createRegistry({ store, channel: null, now: () => (clock += 10) });
      const accuracy = [0.7, 0.9, 0.8, 0.95, 0.6];
      for (const [i, acc] of accuracy.entries()) {
        await registry.registerVersion({
          model: 'q',
          artifacts: fakeArtifacts(4, i),
          metrics: i === 2 ? {} : { accuracy: acc },
          tags: i % 2 === 0 ? ['even'] : [],
        });
      }
      await registry.moveAlias('q', 'champion', 4, { reason: 'best' });
      const firstPage = await registry.listVersions('q', { limit: 2 });
      expect(firstPage.items.map((v) => v.version)).toEqual([5, 4]);
      expect(firstPage).toMatchObject({ total: 5, nextOffset: 2 });
      const last = await registry.listVersions('q', { limit: 2, offset: 4 });
      expect(last.items.map((v) => v.version)).toEqual([1]);
      expect(last.nextOffset).toBeNull();
      expect((await registry.listVersions('q', { tag: 'even' })).items.map((v) => v.version)).toEqual([
        5, 3, 1,
      ]);
      expect((await registry.listVersions('q', { alias: 'champion' })).items.map((v) => v.version)).toEqual([
        4,
      ]);
      const byMetric = await registry.listVersions('q', {
        order: { by: 'metric', metric: 'accuracy', direction: 'desc' },
      });
      expect(byMetric.items.map((v) => v.version)).toEqual([4, 2, 1, 5, 3]);
      const byCreation = await registry.listVersions('q', { order: { by: 'createdAt', direction: 'asc' } });
      expect(byCreation.items.map((v) => v.version)).toEqual([1, 2, 3, 4, 5]);
      expect(await codeOf(registry.listVersions('q', { limit: 0 }))).toBe('INVALID_ARGUMENT');
      await registry.close();
    });

    test('prune keeps the newest and the aliased versions, and never reuses numbers', async () => {
      const { registry, store } = await open();
      for (let i = 0; i < 6; i++)
        await registry.registerVersion({ model: 'p', artifacts: fakeArtifacts(4, i) });
      await registry.promote('p', 2, { reason: 'r' });
      const kept = await registry.prune('p', { keepLast: 2 });
      expect(kept.deleted.sort()).toEqual([1, 3, 4]);
      expect((await registry.listVersions('p')).items.map((v) => v.version)).toEqual([6, 5, 2]);
      const unaliased = await registry.prune('p', { keepLast: 1, keepAliased: false });
      expect(unaliased.deleted.sort()).toEqual([2, 5]);
      expect(unaliased.aliasesRemoved).toEqual(['champion']);
      expect((await registry.aliasLog('p', 'champion')).at(-1)?.to).toBeNull();
      expect((await store.chunkStats()).chunks).toBe(1);
      expect((await registry.registerVersion({ model: 'p', artifacts: fakeArtifacts(4, 99) })).version).toBe(
        7,
      );
      await registry.close();
    });

    // Issue 17, defect 9: prune with keepAliased false removed the aliases in their own transactions
    // first; when the delete then failed, champion was gone and every version remained.
    test('prune with keepAliased false is atomic: a failed delete keeps the aliases and the versions', async () => {
      const { registry, store } = await open();
      for (let i = 0; i < 4; i++)
        await registry.registerVersion({ model: 'atomic', artifacts: fakeArtifacts(4, i) });
      // Set in reverse order: the removals are still logged by version, then alias name.
      await registry.moveAlias('atomic', 'challenger', 2, { reason: 'shadow' });
      await registry.promote('atomic', 1, { reason: 'first' });
      const logBefore = await registry.aliasLog('atomic');
      const realDelete = store.deleteVersions.bind(store);
      store.deleteVersions = async () => {
        throw new Error('disk full');
      };
      await expect(registry.prune('atomic', { keepLast: 1, keepAliased: false })).rejects.toThrow(
        'disk full',
      );
      store.deleteVersions = realDelete;
      expect((await registry.listAliases('atomic')).map((a) => [a.alias, a.version])).toEqual([
        ['challenger', 2],
        ['champion', 1],
      ]);
      expect(await registry.aliasLog('atomic')).toEqual(logBefore);
      expect((await registry.listVersions('atomic')).items.map((v) => v.version)).toEqual([4, 3, 2, 1]);
      // The real prune removes both aliases and the versions together, logging each removal.
      const pruned = await registry.prune('atomic', { keepLast: 1, keepAliased: false });
      expect(pruned.deleted.sort()).toEqual([1, 2, 3]);
      expect(pruned.aliasesRemoved.sort()).toEqual(['challenger', 'champion']);
      expect(await registry.listAliases('atomic')).toEqual([]);
      const log = await registry.aliasLog('atomic');
      // Append-only: the earlier entries are untouched, removals come after them in order.
      expect(log.slice(0, 2)).toEqual(logBefore);
      expect(log.slice(2).map((e) => [e.alias, e.from, e.to])).toEqual([
        ['champion', 1, null],
        ['challenger', 2, null],
      ]);
      expect(log[3]?.seq).toBeGreaterThan(log[2]?.seq ?? Number.POSITIVE_INFINITY);
      expect(log[2]?.reason).toMatch(/^prune: version 1 removed/);
      await registry.close();
    });

    // Issue 17 (mutation score): argument checks and model scoping of the alias and prune paths.
    test('prune, delete and alias moves check their arguments and stay within one model', async () => {
      const { registry } = await open();
      for (const model of ['left', 'right']) {
        for (let i = 0; i < 2; i++) await registry.registerVersion({ model, artifacts: fakeArtifacts(4, i) });
        await registry.promote(model, 1, { reason: `${model} first` });
      }
      for (const keepLast of [-1, 1.5]) {
        const error = await errorOf(registry.prune('left', { keepLast }));
        expect([error.code, error.details.field, error.details.value]).toEqual([
          'INVALID_ARGUMENT',
          'keepLast',
          keepLast,
        ]);
      }
      expect(await codeOf(registry.prune('nobody', { keepLast: 1 }))).toBe('MODEL_NOT_FOUND');
      expect(await codeOf(registry.deleteVersions('nobody', [1]))).toBe('MODEL_NOT_FOUND');
      expect(await codeOf(registry.listAliases('nobody'))).toBe('MODEL_NOT_FOUND');
      expect(await codeOf(registry.aliasLog('nobody'))).toBe('MODEL_NOT_FOUND');
      expect(await codeOf(registry.moveAlias('nobody', 'champion', 1, { reason: 'r' }))).toBe(
        'MODEL_NOT_FOUND',
      );
      expect(await codeOf(registry.removeAlias('left', 'staging', { reason: 'r' }))).toBe('MODEL_NOT_FOUND');
      const latest = await errorOf(registry.moveAlias('left', 'latest', 1, { reason: 'r' }));
      expect([latest.code, latest.details.field]).toEqual(['INVALID_ARGUMENT', 'alias']);
      const noReason = await errorOf(registry.moveAlias('left', 'champion', 2, { reason: '' }));
      expect([noReason.code, noReason.details.field]).toEqual(['INVALID_ARGUMENT', 'reason']);
      for (const version of [0, 1.5]) {
        const error = await errorOf(registry.moveAlias('left', 'champion', version, { reason: 'r' }));
        expect([error.code, error.details.field, error.details.value]).toEqual([
          'INVALID_ARGUMENT',
          'version',
          version,
        ]);
      }
      // Nothing above moved anything; the log numbers moves from 1 upwards, one model at a time.
      const leftLog = await registry.aliasLog('left');
      expect(leftLog.map((m) => [m.model, m.alias, m.to])).toEqual([['left', 'champion', 1]]);
      expect(leftLog[0]?.seq).toBeGreaterThanOrEqual(1);
      // Pruning one model never touches another's aliases, even at the same version number.
      const pruned = await registry.prune('left', { keepLast: 1, keepAliased: false });
      expect([pruned.deleted, pruned.aliasesRemoved]).toEqual([[1], ['champion']]);
      expect((await registry.listAliases('right')).map((a) => [a.model, a.alias, a.version])).toEqual([
        ['right', 'champion', 1],
      ]);
      expect((await registry.aliasLog('right')).map((m) => m.to)).toEqual([1]);
      expect(await registry.prune('right', { keepLast: 5 })).toEqual({
        deleted: [],
        chunksFreed: 0,
        bytesFreed: 0,
        aliasesRemoved: [],
      });
      await registry.close();
    });

    // Issue 17, defect 2: the alias moves only if it still points where the gate read it.
    test('moveAlias with expectedVersion is a compare-and-set; a lost race fails and logs nothing', async () => {
      const { registry } = await open();
      for (let i = 0; i < 3; i++)
        await registry.registerVersion({ model: 'cas', artifacts: fakeArtifacts(4, i) });
      await registry.promote('cas', 1, { reason: 'first' });
      // Another tab promoted v2 after our gate read v1.
      await registry.promote('cas', 2, { reason: 'other tab' });
      const lost = await errorOf(
        registry.moveAlias('cas', 'champion', 3, { reason: 'gate passed', expectedVersion: 1 }),
      );
      expect(lost.code).toBe('VERSION_CONFLICT');
      expect(lost.details).toMatchObject({ alias: 'champion', expected: 1, actual: 2 });
      expect((await registry.getVersion('cas', 'champion')).version).toBe(2);
      expect((await registry.aliasLog('cas')).map((e) => e.to)).toEqual([1, 2]);
      // The expected holder matches: it moves. null means "the alias must not exist yet".
      const moved = await registry.moveAlias('cas', 'champion', 3, {
        reason: 'gate passed',
        expectedVersion: 2,
      });
      expect([moved.from, moved.to]).toEqual([2, 3]);
      expect(
        (await errorOf(registry.moveAlias('cas', 'champion', 1, { reason: 'x', expectedVersion: null })))
          .code,
      ).toBe('VERSION_CONFLICT');
      const fresh = await registry.moveAlias('cas', 'staging', 1, { reason: 'new', expectedVersion: null });
      expect([fresh.from, fresh.to]).toEqual([null, 1]);
      expect((await registry.aliasLog('cas')).map((e) => [e.alias, e.to])).toEqual([
        ['champion', 1],
        ['champion', 2],
        ['champion', 3],
        ['staging', 1],
      ]);
      await registry.close();
    });

    // Issue 17, defect 7: edgeflow.json's own content (pipeline, profile, signature, metrics,
    // lineage) was covered by no digest; an edited pipeline was imported as if it were the original.
    test('an edited edgeflow.json (pipeline, metrics) is INTEGRITY_FAILED and nothing is imported', async () => {
      const { registry } = await open();
      await registry.registerVersion({
        model: 'dig',
        artifacts: fakeArtifacts(8, 2),
        pipeline: { steps: ['standardize'], mean: 1.5 },
        metrics: { accuracy: 0.8 },
      });
      const files = await registry.exportVersion('dig', 1);
      const manifestFile = files.find((f) => f.path === 'edgeflow.json');
      const manifest = JSON.parse(new TextDecoder().decode(manifestFile?.data));
      expect(manifest.contentSha256).toMatch(/^[0-9a-f]{64}$/);
      const edit = (change: (m: Record<string, unknown>) => void) =>
        files.map((f) => {
          if (f.path !== 'edgeflow.json') return f;
          const copy = structuredClone(manifest);
          change(copy);
          return { path: f.path, data: new TextEncoder().encode(JSON.stringify(copy)) };
        });
      for (const tampered of [
        edit((m) => {
          (m.pipeline as { mean: number }).mean = 99;
        }),
        edit((m) => {
          (m.metrics as { accuracy: number }).accuracy = 0.99;
        }),
        edit((m) => {
          delete m.contentSha256;
        }),
      ]) {
        const error = await errorOf(registry.importVersion(tampered, { model: 'dig-copy' }));
        expect(error.code).toBe('INTEGRITY_FAILED');
        expect(error.details.file).toBe('edgeflow.json');
      }
      expect(await codeOf(registry.listVersions('dig-copy'))).toBe('MODEL_NOT_FOUND');
      // Re-serialised but unchanged content (other key order, no indentation) still imports.
      const reordered = files.map((f) =>
        f.path === 'edgeflow.json'
          ? {
              path: f.path,
              data: new TextEncoder().encode(
                JSON.stringify(Object.fromEntries(Object.entries(manifest).reverse())),
              ),
            }
          : f,
      );
      expect((await registry.importVersion(reordered, { model: 'dig-copy' })).pipeline).toEqual({
        steps: ['standardize'],
        mean: 1.5,
      });
      await registry.close();
    });

    test('export → import round-trips a version with its manifest', async () => {
      const { registry } = await open({ chunkBytes: 100 });
      const run = await registry.createRun({ spec: { layers: [4] }, datasetFingerprint: 'fp-1' });
      const v = await registry.registerVersion({
        model: 'exp',
        artifacts: fakeArtifacts(300, 5),
        pipeline: { steps: ['standardize'] },
        profile: { columns: 3 },
        signature: { inputs: [{ name: 'x', dtype: 'float32' }] },
        metrics: { accuracy: 0.91 },
        runId: run.id,
        datasetFingerprint: 'fp-1',
        tags: ['t'],
      });
      const files = await registry.exportVersion('exp', v.version, { shardBytes: 500 });
      expect(files.map((f) => f.path)).toEqual([
        'model.json',
        'group1-shard1of3.bin',
        'group1-shard2of3.bin',
        'group1-shard3of3.bin',
        'edgeflow.json',
      ]);
      const manifest = JSON.parse(new TextDecoder().decode(files.at(-1)?.data));
      expect(manifest.files).toHaveLength(4);
      expect(manifest.lineage).toMatchObject({
        runId: run.id,
        datasetFingerprint: 'fp-1',
        run: { id: run.id },
      });
      expect(manifest.pipeline).toEqual({ steps: ['standardize'] });
      // Same store, same number: the number exists.
      expect(await codeOf(registry.importVersion(files))).toBe('VERSION_CONFLICT');
      const imported = await registry.importVersion(files, { model: 'exp-imported' });
      expect(imported).toMatchObject({
        model: 'exp-imported',
        version: 1,
        metrics: { accuracy: 0.91 },
        tags: ['t'],
      });
      expect(imported.source).toEqual({ kind: 'import', from: 'exp@1' });
      const back = await registry.loadArtifacts('exp-imported', 1);
      const original = await registry.loadArtifacts('exp', 1);
      expect(back.weightData).toEqual(original.weightData);
      const renumbered = await registry.importVersion(files, { version: 'next' });
      expect(renumbered.version).toBe(2);
      const zip = await registry.exportVersionZip('exp', 1);
      expect((await registry.importVersionZip(zip, { model: 'from-zip' })).weights.sha256).toBe(
        v.weights.sha256,
      );
      await registry.close();
    });

    test('imports verify every file before storing anything', async () => {
      const { registry, store } = await open();
      const source = await open();
      await source.registry.registerVersion({ model: 'src', artifacts: fakeArtifacts(64) });
      const files = await source.registry.exportVersion('src', 1);
      await source.registry.close();
      const withData = (path: string, data: Uint8Array) =>
        files.map((f) => (f.path === path ? { path, data } : f));
      const shard = files.find((f) => f.path.endsWith('.bin'))?.data as Uint8Array;
      const flipped = shard.slice();
      flipped[3] = (flipped[3] ?? 0) ^ 1;
      expect(await codeOf(registry.importVersion(withData('group1-shard1of1.bin', flipped)))).toBe(
        'INTEGRITY_FAILED',
      );
      expect(
        await codeOf(registry.importVersion(withData('group1-shard1of1.bin', shard.slice(0, 200)))),
      ).toBe('INTEGRITY_FAILED');
      const manifest = JSON.parse(new TextDecoder().decode(files.at(-1)?.data));
      const bad = new TextEncoder().encode(JSON.stringify({ ...manifest, version: 'one' }));
      const schemaError = await errorOf(registry.importVersion(withData('edgeflow.json', bad)));
      expect(schemaError.code).toBe('INVALID_ARGUMENT');
      expect(schemaError.details.field).toBe('version');
      expect(await codeOf(registry.importVersion(files.filter((f) => f.path !== 'edgeflow.json')))).toBe(
        'INVALID_ARGUMENT',
      );
      // A consistent manifest over weights of the wrong length: hashes match, the specs do not.
      const short = shard.slice(0, 128);
      const { sha256Hex } = await import('../../src/registry/content-hash.ts');
      const lying = {
        ...manifest,
        weights: { bytes: 128 },
        files: manifest.files.map((f: { path: string }) =>
          f.path.endsWith('.bin') ? { ...f, bytes: 128, sha256: '' } : f,
        ),
      };
      lying.files = await Promise.all(
        lying.files.map(async (f: { path: string; sha256: string }) =>
          f.path.endsWith('.bin') ? { ...f, sha256: await sha256Hex(short) } : f,
        ),
      );
      // Re-sealed, as a forger (or a buggy exporter) would: the content digest alone cannot catch it.
      const { manifestContentDigest } = await import('../../src/registry/manifest-digest.ts');
      lying.contentSha256 = await manifestContentDigest(lying);
      const wrongLength = withData('group1-shard1of1.bin', short).map((f) =>
        f.path === 'edgeflow.json'
          ? { path: f.path, data: new TextEncoder().encode(JSON.stringify(lying)) }
          : f,
      );
      const lengthError = await errorOf(registry.importVersion(wrongLength));
      expect(lengthError.code).toBe('INTEGRITY_FAILED');
      expect(lengthError.details).toMatchObject({ expectedBytes: 256, actualBytes: 128 });
      expect(await store.listModels()).toEqual([]);
      expect(await store.chunkStats()).toEqual({ chunks: 0, bytes: 0 });
      await registry.close();
    });

    test('runs: create, update, page, filter, and interrupted when their session is gone', async () => {
      const store = await harness.create();
      const first = await createRegistry({ store, channel: null });
      const run = await first.createRun({
        id: 'run-1',
        spec: { epochs: 2 },
        datasetFingerprint: 'fp',
        seed: 7,
        backend: 'cpu',
      });
      expect(run).toMatchObject({ status: 'running', owner: first.sessionId, history: [] });
      await first.updateRun('run-1', { appendHistory: [{ epoch: 0, loss: 1.2 }] });
      const updated = await first.updateRun('run-1', {
        appendHistory: [{ epoch: 1, loss: 0.8 }],
        metrics: { loss: 0.8 },
      });
      expect(updated.history.map((h) => h.epoch)).toEqual([0, 1]);
      await first.createRun({ id: 'run-2', spec: {}, status: 'finished', tags: ['x'] });
      await first.createRun({ id: 'run-3', spec: {} });
      expect(await codeOf(first.createRun({ id: 'run-1', spec: {} }))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(first.updateRun('nope', { status: 'failed' }))).toBe('RUN_NOT_FOUND');
      expect(await codeOf(first.getRun('nope'))).toBe('RUN_NOT_FOUND');
      expect(await codeOf(first.updateRun('run-1', { status: 'exploded' as 'failed' }))).toBe(
        'INVALID_ARGUMENT',
      );
      expect((await first.listRuns({ status: 'finished' })).items.map((r) => r.id)).toEqual(['run-2']);
      expect((await first.listRuns({ tag: 'x' })).total).toBe(1);
      expect((await first.listRuns({ datasetFingerprint: 'fp' })).items.map((r) => r.id)).toEqual(['run-1']);
      expect((await first.listRuns({ limit: 2 })).nextOffset).toBe(2);
      await first.updateRun('run-3', { status: 'finished' });
      // A second session sees the first alive: nothing is interrupted.
      const second = await createRegistry({ store, channel: null });
      expect((await second.getRun('run-1')).status).toBe('running');
      await second.close();
      await first.close();
      const third = await createRegistry({ store, channel: null });
      expect((await third.getRun('run-1')).status).toBe('interrupted');
      expect((await third.getRun('run-2')).status).toBe('finished');
      await third.close();
    });

    // Issue 18, point 13: runs can carry notes and be deleted (not while running).
    test('runs: notes and tags are edited, finished runs deleted, running ones refused', async () => {
      const store = await harness.create();
      const registry = await createRegistry({ store, channel: null });
      await registry.createRun({ id: 'keep', spec: {}, status: 'finished', tags: ['a'] });
      await registry.createRun({ id: 'busy', spec: {} });
      const noted = await registry.updateRun('keep', { notes: 'baseline, lr 0.01', tags: ['a', 'best'] });
      expect(noted).toMatchObject({ notes: 'baseline, lr 0.01', tags: ['a', 'best'] });
      expect((await registry.getRun('keep')).notes).toBe('baseline, lr 0.01');
      expect(await codeOf(registry.deleteRun('busy'))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(registry.deleteRun('nope'))).toBe('RUN_NOT_FOUND');
      await registry.deleteRun('keep');
      expect(await codeOf(registry.getRun('keep'))).toBe('RUN_NOT_FOUND');
      expect((await registry.listRuns()).items.map((r) => r.id)).toEqual(['busy']);
      expect(await store.deleteRun('keep')).toBe(false);
      await registry.close();
    });

    test('datasets are stored once by fingerprint, with their columnar chunks', async () => {
      const { registry } = await open();
      const chunk = (offset: number) => [
        { name: 'x', dtype: 'float32' as const, data: new Float32Array([offset, offset + 1]).buffer },
        {
          name: 'species',
          dtype: 'uint8' as const,
          data: new Uint8Array([0, 1]).buffer,
          dictionary: ['adelie', 'gentoo'],
        },
      ];
      const input = {
        fingerprint: 'fp-a',
        name: 'penguins',
        schema: { columns: 2 },
        rowCount: 4,
        chunks: [chunk(0), chunk(2)],
      };
      const first = await registry.putDataset(input);
      expect(first.stored).toBe(true);
      expect(first.record).toMatchObject({ rowCount: 4, chunkCount: 2, bytes: 20 });
      expect(first.record.columns).toEqual([
        { name: 'x', dtype: 'float32', masked: false },
        { name: 'species', dtype: 'uint8', masked: false },
      ]);
      expect((await registry.putDataset(input)).stored).toBe(false);
      const chunks = await registry.readDatasetChunks('fp-a');
      expect(new Float32Array(chunks[1]?.[0]?.data as ArrayBuffer)).toEqual(new Float32Array([2, 3]));
      expect(chunks[0]?.[1]?.dictionary).toEqual(['adelie', 'gentoo']);
      expect((await registry.listDatasets()).map((d) => d.fingerprint)).toEqual(['fp-a']);
      expect(await codeOf(registry.getDataset('fp-b'))).toBe('DATASET_NOT_FOUND');
      expect(await codeOf(registry.readDatasetChunks('fp-b'))).toBe('DATASET_NOT_FOUND');
      const ragged = {
        ...input,
        fingerprint: 'fp-c',
        chunks: [[chunk(0)[0], { ...chunk(0)[1], data: new Uint8Array(3).buffer }]],
      };
      expect(await codeOf(registry.putDataset(ragged as typeof input))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(registry.putDataset({ ...input, fingerprint: 'fp-d', rowCount: 5 }))).toBe(
        'INVALID_ARGUMENT',
      );
      expect(await registry.deleteDataset('fp-a')).toBe(true);
      expect(await codeOf(registry.getDataset('fp-a'))).toBe('DATASET_NOT_FOUND');
      await registry.close();
    });

    test('lineage links a version to its run, dataset and pipeline; changes are announced', async () => {
      const { registry } = await open();
      const seen: string[] = [];
      registry.subscribe((change) => seen.push(change.type));
      await registry.putDataset({ fingerprint: 'fp-l', name: 'd', schema: {}, rowCount: 0, chunks: [] });
      const run = await registry.createRun({ spec: { units: 4 }, datasetFingerprint: 'fp-l' });
      await registry.registerVersion({
        model: 'lin',
        artifacts: fakeArtifacts(4),
        runId: run.id,
        datasetFingerprint: 'fp-l',
        pipeline: { p: 1 },
      });
      await registry.promote('lin', 1, { reason: 'r' });
      const lineage = await registry.lineage('lin', 'champion');
      expect(lineage).toMatchObject({
        version: 1,
        runId: run.id,
        datasetFingerprint: 'fp-l',
        pipeline: { p: 1 },
      });
      expect(lineage.run?.spec).toEqual({ units: 4 });
      expect(lineage.dataset?.name).toBe('d');
      expect(seen).toEqual(['dataset-stored', 'run-updated', 'version-registered', 'alias-moved']);
      await registry.close();
    });

    // Issue 4: a version number is never reused, whatever mix of registers, deletes, prunes and imports.
    test('property: version numbers are never reused', async () => {
      const op = fc.oneof(
        fc.constant({ kind: 'register' as const }),
        fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
        fc.record({ kind: fc.constant('prune' as const), keepLast: fc.nat({ max: 3 }) }),
        fc.constant({ kind: 'reimport' as const }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
          const { registry } = await open();
          const issued: number[] = [];
          let exported: Awaited<ReturnType<Registry['exportVersion']>> | null = null;
          try {
            for (const o of ops) {
              const existing = (await registry.store.listVersions('prop')).map((v) => v.version);
              if (o.kind === 'register') {
                const v = await registry.registerVersion({
                  model: 'prop',
                  artifacts: fakeArtifacts(2, issued.length),
                });
                issued.push(v.version);
                exported ??= await registry.exportVersion('prop', v.version);
              } else if (o.kind === 'delete' && existing.length > 0) {
                await registry.deleteVersions('prop', [existing[o.pick % existing.length] as number]);
              } else if (o.kind === 'prune' && existing.length > 0) {
                await registry.prune('prop', { keepLast: o.keepLast });
              } else if (o.kind === 'reimport' && exported) {
                // Re-importing an exported number conflicts whether it exists or was deleted.
                expect(await codeOf(registry.importVersion(exported))).toBe('VERSION_CONFLICT');
                const v = await registry.importVersion(exported, { version: 'next' });
                issued.push(v.version);
              }
            }
            expect(new Set(issued).size).toBe(issued.length);
            expect(issued).toEqual([...issued].sort((a, b) => a - b));
          } finally {
            await registry.close();
          }
        }),
        { numRuns: harness.propertyRuns },
      );
    });
  });
}
