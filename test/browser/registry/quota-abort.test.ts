// Issue 17: QUOTA_EXCEEDED on the path a full disk really takes in IndexedDB: the write request does
// not throw, it fails later with an `error` event carrying a QuotaExceededError, and the transaction
// aborts. (Playwright's context keeps storage in memory with a fixed quota that CDP's
// Storage.overrideQuotaForOrigin does not change, so Chromium cannot be filled for real in a test.)
// Checked for a version commit (chunks, version, model) and a dataset write (record, chunks): the
// error has the code and the bytes, and nothing of the failed write is visible afterwards.
import { deleteDB, openDB } from 'idb';
import { afterAll, afterEach, expect, test } from 'vitest';
import { EdgeflowError } from '../../../src/errors.ts';
import type { RegistryDbSchema } from '../../../src/registry/idb-schema.ts';
import { IndexedDbModelStore } from '../../../src/registry/indexeddb-store.ts';
import { createRegistry } from '../../../src/registry/registry.ts';
import { fakeArtifacts } from '../../contracts/model-store.contract.ts';

const created: string[] = [];
function freshName(): string {
  const name = `edgeflow-quota-${Date.now()}-${created.length}`;
  created.push(name);
  return name;
}
afterAll(async () => {
  await Promise.all(created.map((name) => deleteDB(name)));
});

type Method = 'put' | 'add';
const real = { put: IDBObjectStore.prototype.put, add: IDBObjectStore.prototype.add };
afterEach(() => {
  IDBObjectStore.prototype.put = real.put;
  IDBObjectStore.prototype.add = real.add;
});

/**
 * Makes the `failAt`-th `method` call on object store `storeName` return a request that fails the
 * way a full disk does: asynchronously, with an `error` event whose `request.error` is a
 * QuotaExceededError, and (its default action, as IndexedDB specifies) the transaction aborts.
 * Earlier calls write for real, so the abort must undo them. Returns the calls seen.
 */
function failRequest(method: Method, storeName: string, failAt: number): { calls: number; aborted: boolean } {
  const seen = { calls: 0, aborted: false };
  const original = real[method];
  IDBObjectStore.prototype[method] = function patched(
    this: IDBObjectStore,
    ...args: [unknown, IDBValidKey?]
  ) {
    if (this.name !== storeName || ++seen.calls !== failAt) return original.apply(this, args);
    const transaction = this.transaction;
    const events = new EventTarget();
    const error = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    // An object that is an IDBRequest to every check (idb promisifies only IDBRequests).
    const request = Object.create(IDBRequest.prototype, {
      error: { get: () => error },
      result: { get: () => undefined },
      readyState: { get: () => 'done' },
      source: { get: () => this },
      transaction: { get: () => transaction },
      addEventListener: { value: events.addEventListener.bind(events) },
      removeEventListener: { value: events.removeEventListener.bind(events) },
    }) as IDBRequest;
    queueMicrotask(() => {
      const event = new Event('error', { cancelable: true });
      events.dispatchEvent(event);
      if (!event.defaultPrevented) {
        seen.aborted = true;
        transaction.abort();
      }
    });
    return request;
  };
  return seen;
}

async function rejection(promise: Promise<unknown>): Promise<EdgeflowError> {
  const outcome = await promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(EdgeflowError);
  return outcome as EdgeflowError;
}

test('a version commit whose chunk write fails with QuotaExceededError is QUOTA_EXCEEDED and leaves nothing', async () => {
  const name = freshName();
  const store = new IndexedDbModelStore({ name });
  const registry = await createRegistry({ store, channel: null, chunkBytes: 1024 });
  await registry.registerVersion({ model: 'q', artifacts: fakeArtifacts(16) });
  expect(await store.chunkStats()).toEqual({ chunks: 1, bytes: 64 });

  // 4096 floats in 1 KiB chunks: 16 chunks; the 3rd chunk write fails after two were issued.
  const seen = failRequest('put', 'chunks', 3);
  const error = await rejection(registry.registerVersion({ model: 'q', artifacts: fakeArtifacts(4096, 2) }));
  IDBObjectStore.prototype.put = real.put;
  expect(seen.aborted).toBe(true);
  expect(error.code).toBe('QUOTA_EXCEEDED');
  expect(error.details.bytesNeeded).toBe(16 * 1024);
  expect(error.message).toContain('Nothing was written');

  // Nothing partial: no version 2, no new chunk, the model's counter unchanged, in a fresh connection too.
  expect((await registry.listVersions('q')).items.map((v) => v.version)).toEqual([1]);
  expect(await store.chunkStats()).toEqual({ chunks: 1, bytes: 64 });
  expect((await registry.getModel('q')).lastVersion).toBe(1);
  const db = await openDB<RegistryDbSchema>(name);
  expect(await db.count('chunks')).toBe(1);
  expect(await db.count('versions')).toBe(1);
  db.close();
  // And the store still works: the same write succeeds as version 2.
  expect((await registry.registerVersion({ model: 'q', artifacts: fakeArtifacts(4096, 2) })).version).toBe(2);
  expect(await store.chunkStats()).toEqual({ chunks: 17, bytes: 64 + 16 * 1024 });
  await registry.close();
});

test('a dataset write whose chunk add fails with QuotaExceededError is QUOTA_EXCEEDED and leaves nothing', async () => {
  const name = freshName();
  const store = new IndexedDbModelStore({ name });
  const registry = await createRegistry({ store, channel: null });
  const chunk = (offset: number) => [
    { name: 'x', dtype: 'float32' as const, data: new Float32Array([offset, offset + 1]).buffer },
    { name: 'y', dtype: 'uint8' as const, data: new Uint8Array([1, 0]).buffer, dictionary: ['a', 'b'] },
  ];
  const earlier = { fingerprint: 'fp-kept', name: 'kept', schema: {}, rowCount: 2, chunks: [chunk(9)] };
  expect((await registry.putDataset(earlier)).stored).toBe(true);
  const input = {
    fingerprint: 'fp-full',
    name: 'big',
    schema: {},
    rowCount: 6,
    chunks: [chunk(0), chunk(2), chunk(4)],
  };

  // The record and the chunks are added in one go; the second chunk's add fails after the record and
  // the first chunk were added for real, and the third was issued.
  const seen = failRequest('add', 'datasetChunks', 2);
  const error = await rejection(registry.putDataset(input));
  IDBObjectStore.prototype.add = real.add;
  expect(seen).toEqual({ calls: 3, aborted: true });
  expect(error.code).toBe('QUOTA_EXCEEDED');
  // 3 chunks × (2 float32 + 2 uint8) bytes.
  expect(error.details.bytesNeeded).toBe(30);

  expect(await rejection(registry.getDataset('fp-full')).then((e) => e.code)).toBe('DATASET_NOT_FOUND');
  expect((await registry.listDatasets()).map((d) => d.fingerprint)).toEqual(['fp-kept']);
  const db = await openDB<RegistryDbSchema>(name);
  expect(await db.count('datasetChunks')).toBe(1);
  expect(await db.count('datasets')).toBe(1);
  db.close();
  // The dataset stored before is intact, and the failed one can be stored afterwards.
  const kept = await registry.readDatasetChunks('fp-kept');
  expect(new Float32Array(kept[0]?.[0]?.data as ArrayBuffer)).toEqual(new Float32Array([9, 10]));
  expect((await registry.putDataset(input)).stored).toBe(true);
  expect((await registry.readDatasetChunks('fp-full')).length).toBe(3);
  await registry.close();
});
