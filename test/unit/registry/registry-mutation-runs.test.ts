// Issue 17 (mutation score of src/registry): runs and datasets through the facade, with exact
// defaults, orderings, error codes and details, and the changes each write announces.
import { describe, expect, test } from 'vitest';
import type { Run } from '../../../src/registry/index.ts';
import { codeOf } from '../../helpers/error-code.ts';
import { errorOf, openRegistry } from './registry-mutation-fixtures.ts';

describe('runs', () => {
  test('createRun fills the defaults, owns the run and announces it', async () => {
    const { registry, changes } = await openRegistry();
    const run = await registry.createRun({ id: 'r1', spec: { units: 4 } });
    expect(run).toEqual({
      id: 'r1',
      spec: { units: 4 },
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
      owner: registry.sessionId,
      createdAt: 1020,
      updatedAt: 1020,
    });
    const full = await registry.createRun({
      id: 'r2',
      spec: {},
      datasetFingerprint: 'fp',
      pipeline: { p: 1 },
      backend: 'cpu',
      adapter: { a: 1 },
      seed: 0,
      status: 'finished',
      tags: ['t'],
    });
    expect(full).toMatchObject({
      datasetFingerprint: 'fp',
      pipeline: { p: 1 },
      backend: 'cpu',
      adapter: { a: 1 },
      seed: 0,
      status: 'finished',
      tags: ['t'],
    });
    const generated = await registry.createRun({ spec: {} });
    expect(generated.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(changes).toEqual([
      { type: 'run-updated', runId: 'r1', status: 'running' },
      { type: 'run-updated', runId: 'r2', status: 'finished' },
      { type: 'run-updated', runId: generated.id, status: 'running' },
    ]);
    // A field that fails the schema: the details name the run (or "(new)") and the field.
    const named = await errorOf(registry.createRun({ id: 'r3', spec: {}, seed: 'x' as unknown as number }));
    expect([named.code, named.details]).toEqual(['INVALID_ARGUMENT', { runId: 'r3', field: 'seed' }]);
    expect(named.message).toMatch(/^Run "r3": field "seed" /);
    const fresh = await errorOf(registry.createRun({ spec: {}, status: 'paused' as Run['status'] }));
    expect(fresh.details).toEqual({ runId: '(new)', field: 'status' });
    const nested = await errorOf(
      registry.createRun({ id: 'r4', spec: {}, tags: ['a', 5 as unknown as string] }),
    );
    expect(nested.details).toEqual({ runId: 'r4', field: 'tags.1' });
    const taken = await errorOf(registry.createRun({ id: 'r1', spec: {} }));
    expect([taken.code, taken.details]).toEqual(['INVALID_ARGUMENT', { runId: 'r1' }]);
    expect(changes.length).toBe(3);
    await registry.close();
  });

  test('updateRun replaces fields, appends history, keeps updatedAt monotonic and announces', async () => {
    let now = 5_000;
    const { registry, changes } = await openRegistry({ clock: () => now });
    await registry.createRun({ id: 'u', spec: { a: 1 } });
    now = 6_000;
    const appended = await registry.updateRun('u', { appendHistory: [{ epoch: 0, loss: 2 }] });
    expect([appended.history, appended.updatedAt, appended.createdAt]).toEqual([
      [{ epoch: 0, loss: 2 }],
      6_000,
      5_000,
    ]);
    // A clock that went backwards never moves updatedAt back.
    now = 4_000;
    const replaced = await registry.updateRun('u', {
      history: [{ epoch: 5, loss: 1 }],
      appendHistory: [{ epoch: 6, loss: 0.5 }],
      status: 'finished',
      metrics: { loss: 0.5 },
      notes: 'n',
    });
    expect(replaced).toMatchObject({
      history: [
        { epoch: 5, loss: 1 },
        { epoch: 6, loss: 0.5 },
      ],
      status: 'finished',
      metrics: { loss: 0.5 },
      notes: 'n',
      updatedAt: 6_000,
      spec: { a: 1 },
    });
    const same = await registry.updateRun('u', {});
    expect(same.history.length).toBe(2);
    expect(await registry.getRun('u')).toEqual(same);
    const bad = await errorOf(registry.updateRun('u', { appendHistory: [{ epoch: -1 }] }));
    expect([bad.code, bad.details]).toEqual(['INVALID_ARGUMENT', { runId: 'u', field: 'history.2.epoch' }]);
    const missing = await errorOf(registry.updateRun('gone', { status: 'failed' }));
    expect([missing.code, missing.details]).toEqual(['RUN_NOT_FOUND', { runId: 'gone' }]);
    const get = await errorOf(registry.getRun('gone'));
    expect([get.details, get.message]).toEqual([
      { runId: 'gone' },
      'No run with id "gone". List runs with registry.listRuns().',
    ]);
    expect(changes.map((c) => (c.type === 'run-updated' ? c.status : c.type))).toEqual([
      'running',
      'running',
      'finished',
      'finished',
    ]);
    await registry.close();
  });

  test('listRuns: newest first (ties by id, descending), filters combined, paged', async () => {
    const times = [1, 100, 100, 300, 200];
    let i = 0;
    const { registry } = await openRegistry({ clock: () => times[i++] ?? 999 });
    await registry.createRun({
      id: 'a',
      spec: {},
      status: 'finished',
      datasetFingerprint: 'fp1',
      tags: ['x'],
    });
    await registry.createRun({ id: 'b', spec: {}, status: 'failed', datasetFingerprint: 'fp1' });
    await registry.createRun({ id: 'c', spec: {}, tags: ['x'] });
    await registry.createRun({
      id: 'd',
      spec: {},
      status: 'finished',
      datasetFingerprint: 'fp2',
      tags: ['x', 'y'],
    });
    const ids = async (options: Parameters<typeof registry.listRuns>[0]) =>
      (await registry.listRuns(options)).items.map((r) => r.id);
    expect(await ids({})).toEqual(['c', 'd', 'b', 'a']);
    expect(await ids({ status: 'finished' })).toEqual(['d', 'a']);
    expect(await ids({ status: ['finished', 'failed'] })).toEqual(['d', 'b', 'a']);
    expect(await ids({ status: [] })).toEqual([]);
    expect(await ids({ datasetFingerprint: 'fp1' })).toEqual(['b', 'a']);
    expect(await ids({ tag: 'x' })).toEqual(['c', 'd', 'a']);
    expect(await ids({ tag: 'x', status: 'finished', datasetFingerprint: 'fp2' })).toEqual(['d']);
    expect(await ids({ tag: 'y', datasetFingerprint: 'fp1' })).toEqual([]);
    expect(await ids({ status: 'running', tag: 'z' })).toEqual([]);
    const paged = await registry.listRuns({ offset: 1, limit: 2 });
    expect([paged.items.map((r) => r.id), paged.total, paged.nextOffset]).toEqual([['d', 'b'], 4, 3]);
    await registry.close();
  });

  test('deleteRun refuses a running run, removes a finished one and its draft, and announces', async () => {
    const { registry, changes } = await openRegistry();
    await registry.createRun({ id: 'busy', spec: {} });
    await registry.createRun({ id: 'done', spec: {}, status: 'cancelled' });
    const busy = await errorOf(registry.deleteRun('busy'));
    expect([busy.code, busy.details]).toEqual(['INVALID_ARGUMENT', { runId: 'busy', status: 'running' }]);
    expect(busy.message).toBe(
      'Run "busy" is still running: cancel it (or wait for it to end), then delete it.',
    );
    changes.length = 0;
    await registry.deleteRun('done');
    expect(changes).toEqual([{ type: 'runs-deleted', runIds: ['done'] }]);
    expect(await codeOf(registry.deleteRun('done'))).toBe('RUN_NOT_FOUND');
    // Deleted by another tab between the read and the delete: reported as not found.
    await registry.createRun({ id: 'raced', spec: {}, status: 'finished' });
    const realDelete = registry.store.deleteRun.bind(registry.store);
    registry.store.deleteRun = async (id) => {
      await realDelete(id);
      return false;
    };
    changes.length = 0;
    expect(await codeOf(registry.deleteRun('raced'))).toBe('RUN_NOT_FOUND');
    expect(changes).toEqual([]);
    await registry.close();
  });

  test('markInterruptedRuns marks running runs of sessions that are gone, and only those', async () => {
    let now = 50;
    const { registry, store, changes } = await openRegistry({ clock: () => now });
    const base = (await registry.createRun({ id: 'mine', spec: {} })) as Run;
    await store.createRun({ ...base, id: 'orphan', owner: 'gone-session' });
    await store.createRun({ ...base, id: 'ownerless', owner: null });
    await store.createRun({ ...base, id: 'ended', owner: 'gone-session', status: 'finished' });
    now = 70;
    changes.length = 0;
    expect((await registry.markInterruptedRuns()).sort()).toEqual(['orphan', 'ownerless']);
    expect(changes).toEqual([{ type: 'runs-interrupted', runIds: ['orphan', 'ownerless'] }]);
    expect(await registry.getRun('orphan')).toMatchObject({ status: 'interrupted', updatedAt: 70 });
    expect((await registry.getRun('mine')).status).toBe('running');
    expect((await registry.getRun('ended')).status).toBe('finished');
    changes.length = 0;
    expect(await registry.markInterruptedRuns()).toEqual([]);
    expect(changes).toEqual([]);
    await registry.close();
  });
});

describe('datasets', () => {
  const column = (
    name: string,
    dtype: 'float32' | 'float64' | 'int32' | 'uint32' | 'uint8',
    rows: number,
  ) => {
    const size = { float32: 4, float64: 8, int32: 4, uint32: 4, uint8: 1 }[dtype];
    return { name, dtype, data: new ArrayBuffer(rows * size) };
  };

  test('every dtype has its width; masks count in the bytes; the record is exact', async () => {
    const { registry, changes } = await openRegistry();
    const chunk = (rows: number) => [
      column('a', 'float32', rows),
      column('b', 'float64', rows),
      column('c', 'int32', rows),
      column('d', 'uint32', rows),
      { ...column('e', 'uint8', rows), mask: new Uint8Array(rows).buffer },
    ];
    const { record, stored } = await registry.putDataset({
      fingerprint: 'fp',
      name: 'all',
      schema: { s: 1 },
      rowCount: 5,
      chunks: [chunk(2), chunk(3)],
    });
    expect(stored).toBe(true);
    expect(record).toEqual({
      fingerprint: 'fp',
      name: 'all',
      schema: { s: 1 },
      profile: null,
      rowCount: 5,
      columns: [
        { name: 'a', dtype: 'float32', masked: false },
        { name: 'b', dtype: 'float64', masked: false },
        { name: 'c', dtype: 'int32', masked: false },
        { name: 'd', dtype: 'uint32', masked: false },
        { name: 'e', dtype: 'uint8', masked: true },
      ],
      chunkCount: 2,
      // 5 rows × (4 + 8 + 4 + 4 + 1) bytes, plus 5 mask bytes.
      bytes: 110,
      createdAt: 1020,
    });
    expect(await registry.getDataset('fp')).toEqual(record);
    expect(changes).toEqual([{ type: 'dataset-stored', fingerprint: 'fp' }]);
    // Stored once: the second put returns the first record (its time, its name) and announces nothing.
    const again = await registry.putDataset({
      fingerprint: 'fp',
      name: 'other',
      schema: {},
      rowCount: 0,
      chunks: [],
    });
    expect(again).toEqual({ record, stored: false });
    expect(changes.length).toBe(1);
    const empty = await registry.putDataset({
      fingerprint: 'e',
      name: 'empty',
      schema: null,
      profile: { p: 1 },
      rowCount: 0,
      chunks: [],
    });
    expect(empty.record).toMatchObject({
      columns: [],
      chunkCount: 0,
      bytes: 0,
      rowCount: 0,
      profile: { p: 1 },
    });
    // Newest first.
    expect((await registry.listDatasets()).map((d) => d.fingerprint)).toEqual(['e', 'fp']);
    expect(await registry.deleteDataset('e')).toBe(true);
    expect(await registry.deleteDataset('e')).toBe(false);
    const missing = await errorOf(registry.getDataset('e'));
    expect([missing.code, missing.details, missing.message]).toEqual([
      'DATASET_NOT_FOUND',
      { fingerprint: 'e' },
      'No dataset with fingerprint "e" is stored.',
    ]);
    await registry.close();
  });

  test('chunks that disagree are refused, naming the chunk, the column and the numbers', async () => {
    const { registry, store } = await openRegistry();
    const put = (chunks: unknown[][], rowCount = 2) =>
      errorOf(
        registry.putDataset({
          fingerprint: 'bad',
          name: 'd',
          schema: {},
          rowCount,
          chunks: chunks as Parameters<typeof registry.putDataset>[0]['chunks'],
        }),
      );
    const ok = [column('x', 'float32', 1), column('y', 'uint8', 1)];
    const fewer = await put([ok, [column('x', 'float32', 1)]]);
    expect([fewer.code, fewer.details]).toEqual(['INVALID_ARGUMENT', { chunk: 1 }]);
    expect(fewer.message).toBe(
      'Dataset "d" chunk 1 has columns x:float32; every chunk needs x:float32, y:uint8.',
    );
    expect((await put([ok, [column('x', 'float32', 1), column('z', 'uint8', 1)]])).details).toEqual({
      chunk: 1,
    });
    expect((await put([ok, [column('x', 'float32', 1), column('y', 'int32', 1)]])).details).toEqual({
      chunk: 1,
    });
    expect((await put([ok, [...ok, column('w', 'uint8', 1)]])).details).toEqual({ chunk: 1 });
    const view = await put([[{ name: 'x', dtype: 'float32', data: new Float32Array(2) }]]);
    expect(view.details).toEqual({ chunk: 0, column: 'x' });
    const ragged = await put([[{ name: 'x', dtype: 'float64', data: new ArrayBuffer(12) }]]);
    expect(ragged.details).toEqual({ chunk: 0, column: 'x', dtype: 'float64', bytes: 12 });
    expect(ragged.message).toBe(
      'Dataset "d" chunk 0 column "x": 12 bytes is not a whole number of float64 values.',
    );
    const unknownType = await put([[{ name: 'x', dtype: 'int8', data: new ArrayBuffer(2) }]]);
    expect(unknownType.details).toMatchObject({ chunk: 0, column: 'x', dtype: 'int8' });
    const uneven = await put([[column('x', 'float32', 2), column('y', 'uint8', 3)]]);
    expect(uneven.details).toEqual({ chunk: 0, column: 'y', rows: 3, expectedRows: 2 });
    const count = await put([ok, ok], 3);
    expect([count.details, count.message]).toEqual([
      { field: 'rowCount', rowCount: 3, rows: 2 },
      'Dataset "d": the chunks hold 2 rows but rowCount says 3.',
    ]);
    // A record field failing its schema names the field.
    const schemaError = await errorOf(
      registry.putDataset({ fingerprint: '', name: 'd', schema: {}, rowCount: 0, chunks: [] }),
    );
    expect([schemaError.code, schemaError.details]).toEqual(['INVALID_ARGUMENT', { field: 'fingerprint' }]);
    expect(schemaError.message).toMatch(/^Dataset "d": field "fingerprint" /);
    expect(await store.listDatasets()).toEqual([]);
    await registry.close();
  });

  test('a dataset another tab stored meanwhile is returned as stored there', async () => {
    const { registry, store } = await openRegistry();
    const input = { fingerprint: 'race', name: 'mine', schema: {}, rowCount: 0, chunks: [] };
    await store.putDataset(
      {
        fingerprint: 'race',
        name: 'theirs',
        schema: {},
        profile: null,
        rowCount: 0,
        columns: [],
        chunkCount: 0,
        bytes: 0,
        createdAt: 7,
      },
      [],
    );
    // The first read misses it (the other tab's write landed right after).
    const realGet = store.getDataset.bind(store);
    let reads = 0;
    store.getDataset = async (fingerprint) => (reads++ === 0 ? undefined : realGet(fingerprint));
    const result = await registry.putDataset(input);
    expect(result).toEqual({
      stored: false,
      record: expect.objectContaining({ name: 'theirs', createdAt: 7 }),
    });
    expect(await codeOf(registry.readDatasetChunks('nope'))).toBe('DATASET_NOT_FOUND');
    await registry.close();
  });
});
