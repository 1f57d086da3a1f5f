// Issue 17 (mutation score of src/registry): the memory store's own guarantees, called directly —
// copies in and out, a closed store, explicit version numbers, what a commit writes, alias-release
// order, chunk collection across versions and drafts, and the sort orders of its lists.
import { describe, expect, test } from 'vitest';
import { sha256Hex } from '../../../src/registry/content-hash.ts';
import { MemoryModelStore, type ModelVersion, type Run } from '../../../src/registry/index.ts';
import type { ChunkPayload } from '../../../src/registry/types.ts';
import { draftOf } from '../../fixtures/registry/version-draft.ts';
import { codeOf } from '../../helpers/error-code.ts';
import { errorOf } from './registry-mutation-fixtures.ts';

async function chunk(
  bytes: number[],
): Promise<{ sha256: string; bytes: number; data: Uint8Array<ArrayBuffer> }> {
  const data = new Uint8Array(bytes);
  return { sha256: await sha256Hex(data), bytes: data.byteLength, data };
}

async function commit(
  store: MemoryModelStore,
  model: string,
  chunks: readonly ChunkPayload[],
  extra: { version?: number; at?: number; onWriting?: () => void } = {},
) {
  return store.commitVersion({
    model,
    ...(extra.version === undefined ? {} : { version: extra.version }),
    modelDefaults: { description: 'default', tags: ['dt'] },
    draft: draftOf(chunks),
    chunks,
    at: extra.at ?? 10,
    ...(extra.onWriting ? { onWriting: extra.onWriting } : {}),
  });
}

describe('MemoryModelStore', () => {
  test('a commit writes only new chunks, counts them, creates the model from its defaults', async () => {
    const store = new MemoryModelStore();
    await store.open();
    const a = await chunk([1, 2, 3]);
    const b = await chunk([4, 5]);
    let writing = 0;
    const first = await commit(store, 'm', [a, b], { onWriting: () => writing++, at: 10 });
    expect([first.chunksWritten, first.bytesWritten, writing]).toEqual([2, 5, 1]);
    expect(first.version).toMatchObject({ model: 'm', version: 1, createdAt: 10 });
    expect(await store.getModel('m')).toEqual({
      name: 'm',
      description: 'default',
      tags: ['dt'],
      createdAt: 10,
      updatedAt: 10,
      lastVersion: 1,
    });
    // A chunk already stored is not written again, with or without its bytes; a Blob is read.
    const c = await chunk([6, 6, 6, 6]);
    const second = await commit(
      store,
      'm',
      [{ sha256: a.sha256, bytes: 3 }, b, { ...c, data: new Blob([c.data]) }],
      {
        at: 20,
      },
    );
    expect([second.chunksWritten, second.bytesWritten]).toEqual([1, 4]);
    expect(await store.getModel('m')).toMatchObject({
      createdAt: 10,
      updatedAt: 20,
      lastVersion: 2,
      description: 'default',
    });
    expect(await store.chunkStats()).toEqual({ chunks: 3, bytes: 9 });
    // A view into a larger buffer stores only its own bytes.
    const big = new Uint8Array([9, 7, 7, 9]);
    const view = big.subarray(1, 3);
    const viewed = { sha256: await sha256Hex(view), bytes: 2, data: view };
    await commit(store, 'v', [viewed]);
    const [read] = await store.readChunks([viewed]);
    expect(new Uint8Array(read as ArrayBuffer)).toEqual(new Uint8Array([7, 7]));
    // Referenced without bytes and not stored: nothing is written, onWriting is not called.
    writing = 0;
    const ghost = { sha256: 'f'.repeat(64), bytes: 1 };
    const vanished = await errorOf(commit(store, 'm', [b, ghost], { onWriting: () => writing++ }));
    expect([vanished.code, vanished.details]).toEqual([
      'INTEGRITY_FAILED',
      { model: 'm', sha256: ghost.sha256, missingChunk: true },
    ]);
    expect(writing).toBe(0);
    expect(vanished.message).toBe(
      `Weight chunk ${ghost.sha256} of the new "m" version is no longer stored (a concurrent delete removed it). Nothing was written; load the source version's weights and register them again.`,
    );
    expect((await store.getModel('m'))?.lastVersion).toBe(2);
  });

  test('explicit numbers: free ones are taken, existing or used ones conflict; the counter only rises', async () => {
    const store = new MemoryModelStore();
    const a = await chunk([1]);
    expect((await commit(store, 'n', [a], { version: 5 })).version.version).toBe(5);
    expect((await store.getModel('n'))?.lastVersion).toBe(5);
    const exists = await errorOf(commit(store, 'n', [a], { version: 5 }));
    expect([exists.code, exists.details]).toEqual([
      'VERSION_CONFLICT',
      { model: 'n', version: 5, lastVersion: 5, exists: true },
    ]);
    expect(exists.message).toBe(
      `Cannot store version 5 of "n" already exists. Import it as a new version ({ version: 'next' }) or under another model name.`,
    );
    const below = await errorOf(commit(store, 'n', [a], { version: 3 }));
    expect(below.details).toEqual({ model: 'n', version: 3, lastVersion: 5, exists: false });
    expect(below.message).toBe(
      `Cannot store version 3 of "n" was used before and deleted (the highest number used is 5; numbers are never reused). Import it as a new version ({ version: 'next' }) or under another model name.`,
    );
    expect((await commit(store, 'n', [a])).version.version).toBe(6);
    expect((await commit(store, 'n', [a], { version: 9 })).version.version).toBe(9);
    expect((await store.listVersions('n')).map((v) => v.version)).toEqual([5, 6, 9]);
    expect((await store.latestVersion('n'))?.version).toBe(9);
    expect(await store.latestVersion('other')).toBeUndefined();
    expect(await store.listVersions('other')).toEqual([]);
  });

  test('records are copies on the way in and out', async () => {
    const store = new MemoryModelStore();
    const a = await chunk([1, 2]);
    const { version } = await commit(store, 'c', [a]);
    version.tags.push('changed');
    (await store.getVersion('c', 1))?.tags.push('changed');
    (await store.listVersions('c'))[0]?.tags.push('changed');
    expect((await store.getVersion('c', 1))?.tags).toEqual([]);
    const model = await store.getModel('c');
    model?.tags.push('x');
    (await store.listModels())[0]?.tags.push('x');
    expect((await store.getModel('c'))?.tags).toEqual(['dt']);
    const tags = ['t'];
    await store.upsertModel('c', { tags }, 20);
    tags.push('later');
    expect((await store.getModel('c'))?.tags).toEqual(['t']);
    // Chunk reads are copies too.
    const [first] = await store.readChunks([a]);
    new Uint8Array(first as ArrayBuffer)[0] = 99;
    const [again] = await store.readChunks([a]);
    expect(new Uint8Array(again as ArrayBuffer)).toEqual(new Uint8Array([1, 2]));
    const move = await store.moveAlias({
      model: 'c',
      alias: 'x',
      to: 1,
      at: 1,
      reason: 'r',
      gateReport: { g: 1 },
    });
    (move.gateReport as { g: number }).g = 2;
    (await store.aliasLog('c'))[0]?.reason.concat('');
    const log = await store.aliasLog('c');
    (log[0]?.gateReport as { g: number }).g = 3;
    expect((await store.aliasLog('c'))[0]?.gateReport).toEqual({ g: 1 });
    const alias = await store.getAlias('c', 'x');
    if (alias) alias.version = 7;
    const listed = await store.listAliases('c');
    (listed[0] as { version: number }).version = 7;
    expect((await store.getAlias('c', 'x'))?.version).toBe(1);
  });

  test('a closed store refuses every call with DISPOSED until opened again', async () => {
    const store = new MemoryModelStore();
    await store.open();
    await commit(store, 'd', [await chunk([1])]);
    await store.close();
    const calls: (() => Promise<unknown>)[] = [
      () => store.getModel('d'),
      () => store.listModels(),
      () => store.upsertModel('d', {}, 1),
      () => commit(store, 'd', []),
      () => store.getVersion('d', 1),
      () => store.listVersions('d'),
      () => store.deleteVersions('d', [1]),
      () => store.getDraft('r'),
      () => store.listDrafts(),
      () => store.deleteDrafts(['r']),
      () => store.draftStats(),
      () => store.putDraft({ runId: 'r', draft: draftOf([]), chunks: [], at: 1 }),
      () => store.readChunks([]),
      () => store.chunkStats(),
      () => store.getAlias('d', 'a'),
      () => store.listAliases('d'),
      () => store.moveAlias({ model: 'd', alias: 'a', to: null, at: 1, reason: 'r', gateReport: null }),
      () => store.aliasLog('d'),
      () => store.createRun({} as Run),
      () => store.updateRun('r', (r) => r),
      () => store.getRun('r'),
      () => store.listRuns({}),
      () => store.deleteRun('r'),
      () => store.markInterruptedRuns(() => true, 1),
      () => store.getDataset('f'),
      () => store.listDatasets(),
      () => store.readDatasetChunks('f'),
      () => store.deleteDataset('f'),
      () => store.putDataset({} as never, []),
    ];
    for (const call of calls) expect(await codeOf(call())).toBe('DISPOSED');
    const error = await errorOf(store.getModel('d'));
    expect(error.message).toBe('This memory store was closed; create a new registry to continue.');
    await store.open();
    expect((await store.getModel('d'))?.name).toBe('d');
  });

  test('deleting releases aliases in version then name order, or refuses naming every alias', async () => {
    const store = new MemoryModelStore();
    const a = await chunk([1]);
    for (let i = 0; i < 3; i++) await commit(store, 'r', [a]);
    await commit(store, 'other', [a]);
    const move = (model: string, alias: string, to: number) =>
      store.moveAlias({ model, alias, to, at: 5, reason: 'set', gateReport: null });
    await move('r', 'zeta', 2);
    await move('r', 'beta', 3);
    await move('r', 'alpha', 3);
    await move('r', 'gamma', 1);
    await move('other', 'alpha', 1);
    const refused = await errorOf(store.deleteVersions('r', [1, 3]));
    expect([refused.code, refused.details]).toEqual([
      'VERSION_CONFLICT',
      { model: 'r', version: 1, aliases: ['gamma'] },
    ]);
    const both = await errorOf(store.deleteVersions('r', [3]));
    expect(both.details).toEqual({ model: 'r', version: 3, aliases: ['alpha', 'beta'] });
    // Named in alphabetical order whatever order they were set in.
    await move('r', 'bravo', 2);
    await move('r', 'delta', 2);
    await move('r', 'carol', 2);
    const three = await errorOf(store.deleteVersions('r', [2]));
    expect(three.details.aliases).toEqual(['bravo', 'carol', 'delta', 'zeta']);
    for (const alias of ['delta', 'carol', 'bravo'])
      await store.moveAlias({ model: 'r', alias, to: null, at: 5, reason: 'unset', gateReport: null });
    expect(both.message).toBe(
      'Version 3 of "r" is aliased as "alpha", "beta"; move or remove the alias before deleting it.',
    );
    const result = await store.deleteVersions('r', [3, 2, 1], {
      releaseAliases: { at: 50, reasonFor: (v) => `gone ${v}` },
    });
    expect(result.deleted).toEqual([3, 2, 1]);
    expect(
      result.aliasMoves?.map((m) => [m.seq, m.alias, m.from, m.to, m.at, m.reason, m.gateReport]),
    ).toEqual([
      [12, 'gamma', 1, null, 50, 'gone 1', null],
      [13, 'zeta', 2, null, 50, 'gone 2', null],
      [14, 'alpha', 3, null, 50, 'gone 3', null],
      [15, 'beta', 3, null, 50, 'gone 3', null],
    ]);
    expect(await store.listAliases('r')).toEqual([]);
    expect((await store.listAliases('other')).map((x) => x.alias)).toEqual(['alpha']);
    expect((await store.aliasLog('r')).map((m) => m.seq)).toEqual([
      1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    ]);
    // Chunks shared with another model's version stay.
    expect([result.chunksFreed, result.bytesFreed]).toEqual([0, 0]);
    const plain = await store.deleteVersions('other', [2]);
    expect(plain).toEqual({ deleted: [], chunksFreed: 0, bytesFreed: 0 });
    await store.moveAlias({ model: 'other', alias: 'alpha', to: null, at: 6, reason: 'r', gateReport: null });
    expect(await store.deleteVersions('other', [1, 1])).toEqual({
      deleted: [1],
      chunksFreed: 1,
      bytesFreed: 1,
    });
  });

  test('alias moves: targets must exist, compare-and-set against null and numbers, removals', async () => {
    const store = new MemoryModelStore();
    const a = await chunk([1]);
    await commit(store, 'a', [a]);
    await commit(store, 'a', [a]);
    const req = (alias: string, to: number | null, expected?: number | null) =>
      store.moveAlias({
        model: 'a',
        alias,
        to,
        at: 9,
        reason: 'why',
        gateReport: null,
        ...(expected === undefined ? {} : { expected }),
      });
    const missing = await errorOf(req('champion', 3));
    expect([missing.code, missing.details]).toEqual([
      'VERSION_NOT_FOUND',
      { model: 'a', alias: 'champion', version: 3 },
    ]);
    expect(missing.message).toBe(
      'Cannot point alias "champion" of "a" at version 3: that version does not exist. List versions with registry.listVersions("a").',
    );
    // expected null: only while the alias does not exist.
    expect(await req('champion', 1, null)).toMatchObject({ seq: 1, from: null, to: 1, at: 9, reason: 'why' });
    const taken = await errorOf(req('champion', 2, null));
    expect([taken.code, taken.details]).toEqual([
      'VERSION_CONFLICT',
      { model: 'a', alias: 'champion', expected: null, actual: 1 },
    ]);
    expect(taken.message).toBe(
      'Alias "champion" of "a" points at version 1, not nowhere as when it was read: someone moved it meanwhile. Read it again (and re-run the gate) before moving it.',
    );
    const stale = await errorOf(req('champion', 2, 2));
    expect(stale.message).toContain('points at version 1, not version 2');
    expect(await req('champion', 2, 1)).toMatchObject({ seq: 2, from: 1, to: 2 });
    expect(await store.getAlias('a', 'champion')).toEqual({
      model: 'a',
      alias: 'champion',
      version: 2,
      updatedAt: 9,
    });
    const gone = await errorOf(req('other', 1, 1));
    expect(gone.details).toMatchObject({ expected: 1, actual: null });
    expect(gone.message).toContain('points at nowhere, not version 1');
    expect(await req('champion', null)).toMatchObject({ seq: 3, from: 2, to: null });
    expect(await store.getAlias('a', 'champion')).toBeUndefined();
    await req('beta', 1);
    await req('Alpha', 2);
    expect((await store.listAliases('a')).map((x) => x.alias)).toEqual(['Alpha', 'beta']);
    expect((await store.aliasLog('a', 'champion')).map((m) => m.seq)).toEqual([1, 2, 3]);
    expect((await store.aliasLog('a', 'beta')).map((m) => m.seq)).toEqual([4]);
    expect(await store.aliasLog('b')).toEqual([]);
  });

  test('drafts: written chunks counted, replaced, listed oldest first (ties by run id), stats', async () => {
    const store = new MemoryModelStore();
    const a = await chunk([1, 1]);
    const b = await chunk([2, 2, 2]);
    const put = (runId: string, chunks: ChunkPayload[], at: number) =>
      store.putDraft({ runId, draft: draftOf(chunks), chunks, at });
    const first = await put('r2', [a, b], 5);
    expect([first.chunksWritten, first.bytesWritten, first.draft.runId, first.draft.createdAt]).toEqual([
      2,
      5,
      'r2',
      5,
    ]);
    const shared = await put('r1', [{ sha256: a.sha256, bytes: 2 }], 5);
    expect([shared.chunksWritten, shared.bytesWritten]).toEqual([0, 0]);
    // Bytes sent for a chunk already stored are not written again either.
    const resent = await put('r1', [a], 5);
    expect([resent.chunksWritten, resent.bytesWritten]).toEqual([0, 0]);
    const ghost = await errorOf(put('r3', [{ sha256: 'e'.repeat(64), bytes: 1 }], 6));
    expect(ghost.details).toEqual({ model: 'run r3', sha256: 'e'.repeat(64), missingChunk: true });
    await put('r0', [], 7);
    expect((await store.listDrafts()).map((d) => d.runId)).toEqual(['r1', 'r2', 'r0']);
    expect(await store.draftStats()).toEqual({ count: 3, bytes: 7, exclusiveBytes: 5 });
    await commit(store, 'm', [b]);
    expect(await store.draftStats()).toEqual({ count: 3, bytes: 7, exclusiveBytes: 2 });
    // Replacing r2's draft frees nothing still used (a by r1, b by the version).
    const c = await chunk([3]);
    await put('r2', [{ ...c, data: new Blob([c.data]) } as ChunkPayload], 8);
    expect(await store.chunkStats()).toEqual({ chunks: 3, bytes: 6 });
    // Replacing r1's frees a.
    await put('r1', [], 9);
    expect(await store.chunkStats()).toEqual({ chunks: 2, bytes: 4 });
    expect(await store.deleteDrafts(['r2', 'r2', 'x'])).toEqual({
      deleted: ['r2'],
      chunksFreed: 1,
      bytesFreed: 1,
    });
    // A version's chunk named by a draft survives the version's deletion.
    await put('keep', [{ sha256: b.sha256, bytes: 3 }], 10);
    expect(await store.deleteVersions('m', [1])).toEqual({ deleted: [1], chunksFreed: 0, bytesFreed: 0 });
    expect(await store.deleteDrafts(['keep'])).toEqual({ deleted: ['keep'], chunksFreed: 1, bytesFreed: 3 });
    const draft = await store.getDraft('r0');
    draft?.version.tags.push('x');
    expect((await store.getDraft('r0'))?.version.tags).toEqual([]);
    expect(await store.getDraft('none')).toBeUndefined();
  });

  test('readChunks reports each chunk it has and leaves holes for the rest', async () => {
    const store = new MemoryModelStore();
    const a = await chunk([1]);
    const b = await chunk([2, 3]);
    await commit(store, 'x', [a, b]);
    const seen: [number, number][] = [];
    const data = await store.readChunks([b, { sha256: 'c'.repeat(64), bytes: 1 }, a], (i, buffer) =>
      seen.push([i, buffer.byteLength]),
    );
    expect(seen).toEqual([
      [0, 2],
      [2, 1],
    ]);
    expect(data.map((d) => d?.byteLength)).toEqual([2, undefined, 1]);
    expect(store.corruptChunkForTesting('c'.repeat(64))).toBe(false);
    expect(store.corruptChunkForTesting(a.sha256)).toBe(true);
    expect(new Uint8Array((await store.readChunks([a]))[0] as ArrayBuffer)).toEqual(new Uint8Array([0xfe]));
    const empty = { sha256: await sha256Hex(new Uint8Array(0)), bytes: 0, data: new Uint8Array(0) };
    await commit(store, 'x', [empty]);
    expect(store.corruptChunkForTesting(empty.sha256)).toBe(false);
  });

  test('runs and datasets: conflicts, copies and orders', async () => {
    const store = new MemoryModelStore();
    const run = (id: string, createdAt: number, extra: Partial<Run> = {}): Run => ({
      id,
      spec: {},
      datasetFingerprint: null,
      pipeline: null,
      backend: null,
      adapter: null,
      seed: null,
      status: 'running',
      history: [],
      metrics: {},
      timings: {},
      error: null,
      parity: null,
      tags: [],
      owner: 'o',
      createdAt,
      updatedAt: createdAt,
      ...extra,
    });
    const created = await store.createRun(run('b', 1));
    created.tags.push('x');
    (await store.getRun('b'))?.tags.push('y');
    (await store.listRuns({}))[0]?.tags.push('z');
    expect((await store.getRun('b'))?.tags).toEqual([]);
    const exists = await errorOf(store.createRun(run('b', 2)));
    expect([exists.code, exists.details]).toEqual(['INVALID_ARGUMENT', { runId: 'b' }]);
    expect(exists.message).toBe(
      'A run with id "b" already exists; use registry.updateRun("b", …) or another id.',
    );
    await store.createRun(run('a', 1));
    await store.createRun(run('c', 3));
    expect((await store.listRuns({})).map((r) => r.id)).toEqual(['c', 'b', 'a']);
    const missing = await errorOf(store.updateRun('z', (r) => r));
    expect([missing.code, missing.details]).toEqual(['RUN_NOT_FOUND', { runId: 'z' }]);
    expect(missing.message).toBe('No run with id "z". List runs with registry.listRuns().');
    let seen: Run | undefined;
    const updated = await store.updateRun('a', (r) => {
      seen = r;
      r.tags.push('mutated-input');
      return { ...r, status: 'finished' };
    });
    expect(updated.status).toBe('finished');
    expect(seen?.id).toBe('a');
    expect((await store.getRun('a'))?.tags).toEqual(['mutated-input']);
    expect(await store.markInterruptedRuns((owner) => owner === 'o', 5)).toEqual([]);
    expect(await store.markInterruptedRuns(() => false, 6)).toEqual(['b', 'c']);
    expect(await store.getRun('b')).toMatchObject({ status: 'interrupted', updatedAt: 6 });
    expect(await store.deleteRun('a')).toBe(true);
    expect(await store.deleteRun('a')).toBe(false);
    const record = (fingerprint: string, createdAt: number) => ({
      fingerprint,
      name: fingerprint,
      schema: {},
      profile: null,
      rowCount: 1,
      columns: [],
      chunkCount: 1,
      bytes: 1,
      createdAt,
    });
    const chunks = [[{ name: 'x', dtype: 'uint8' as const, data: new Uint8Array([7]).buffer }]];
    expect(await store.putDataset(record('old', 1), chunks)).toEqual({ stored: true });
    expect(await store.putDataset(record('old', 9), [])).toEqual({ stored: false });
    await store.putDataset(record('new', 2), []);
    new Uint8Array(chunks[0]?.[0]?.data as ArrayBuffer)[0] = 0;
    const read = await store.readDatasetChunks('old');
    expect(new Uint8Array(read[0]?.[0]?.data as ArrayBuffer)).toEqual(new Uint8Array([7]));
    expect((await store.listDatasets()).map((d) => [d.fingerprint, d.createdAt])).toEqual([
      ['new', 2],
      ['old', 1],
    ]);
    const notFound = await errorOf(store.readDatasetChunks('nope'));
    expect([notFound.code, notFound.details]).toEqual(['DATASET_NOT_FOUND', { fingerprint: 'nope' }]);
    expect(notFound.message).toBe(
      'No dataset with fingerprint "nope" is stored. Store it with registry.putDataset(…) first.',
    );
    expect(await store.getDataset('nope')).toBeUndefined();
  });

  test('models are listed by name; upsert keeps what the patch leaves out', async () => {
    const store = new MemoryModelStore();
    await store.upsertModel('b', { description: 'B' }, 1);
    await store.upsertModel('a', { tags: ['t'] }, 2);
    expect((await store.listModels()).map((m) => [m.name, m.description, m.tags])).toEqual([
      ['a', '', ['t']],
      ['b', 'B', []],
    ]);
    const versions: ModelVersion[] = await store.listVersions('a');
    expect(versions).toEqual([]);
    expect(await store.upsertModel('b', {}, 3)).toEqual({
      name: 'b',
      description: 'B',
      tags: [],
      createdAt: 1,
      updatedAt: 3,
      lastVersion: 0,
    });
  });
});
