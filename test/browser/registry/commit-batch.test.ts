// Issue 16, point 2: the IndexedDB store looks chunks up and sends the new chunks' bytes in one
// batch of requests, before it has checked the rest of the commit. These tests pin down that a
// failed check still leaves nothing behind, and that a chunk already stored is neither counted as
// written nor changed when it comes with bytes again.
import { deleteDB } from 'idb';
import { afterEach, expect, test } from 'vitest';
import { sha256Hex } from '../../../src/registry/content-hash.ts';
import { IndexedDbModelStore } from '../../../src/registry/indexeddb-store.ts';
import type { ChunkPayload, CommitVersionRequest } from '../../../src/registry/types.ts';
import { draftOf } from '../../fixtures/registry/version-draft.ts';

const opened: { store: IndexedDbModelStore; name: string }[] = [];

afterEach(async () => {
  for (const { store, name } of opened.splice(0)) {
    await store.close();
    await deleteDB(name);
  }
});

async function openStore(): Promise<IndexedDbModelStore> {
  const name = `edgeflow-commit-batch-${crypto.randomUUID()}`;
  const store = new IndexedDbModelStore({ name });
  await store.open();
  opened.push({ store, name });
  return store;
}

async function chunkOf(
  fill: number,
  bytes = 4096,
): Promise<{ sha256: string; bytes: number; data: Uint8Array<ArrayBuffer> }> {
  const data = new Uint8Array(bytes).fill(fill);
  return { sha256: await sha256Hex(data), bytes, data };
}

function request(
  model: string,
  chunks: readonly ChunkPayload[],
  extra: Partial<CommitVersionRequest> = {},
): CommitVersionRequest {
  const draft = draftOf(chunks, { topology: { layers: 1 } });
  return { model, modelDefaults: { description: '', tags: [] }, draft, chunks, at: 1, ...extra };
}

async function bytesOf(store: IndexedDbModelStore, chunk: ChunkPayload): Promise<number[]> {
  const [read] = await store.readChunks([{ sha256: chunk.sha256, bytes: chunk.bytes }]);
  return [...new Uint8Array(read as ArrayBuffer)];
}

test('a chunk stored already and sent again with its bytes is not counted as written and stays as it was', async () => {
  const store = await openStore();
  const kept = await chunkOf(1);
  const fresh = await chunkOf(2);
  const first = await store.commitVersion(request('m', [kept]));
  expect(first).toMatchObject({ chunksWritten: 1, bytesWritten: 4096 });
  const second = await store.commitVersion(request('m', [kept, fresh]));
  expect(second.version.version).toBe(2);
  expect(second).toMatchObject({ chunksWritten: 1, bytesWritten: 4096 });
  expect(await store.chunkStats()).toEqual({ chunks: 2, bytes: 8192 });
  expect(await bytesOf(store, kept)).toEqual([...kept.data]);
  expect(await bytesOf(store, fresh)).toEqual([...fresh.data]);
});

test('a chunk missing from the store and sent without bytes fails the commit; the bytes sent with it are not kept', async () => {
  const store = await openStore();
  const sent = await chunkOf(3);
  const ghost = await chunkOf(4);
  let writing = 0;
  const failed = await store
    .commitVersion(
      request('m', [sent, { sha256: ghost.sha256, bytes: ghost.bytes }], { onWriting: () => writing++ }),
    )
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  expect(failed).toMatchObject({ code: 'INTEGRITY_FAILED', details: { missingChunk: true } });
  expect(writing).toBe(0);
  expect(await store.chunkStats()).toEqual({ chunks: 0, bytes: 0 });
  expect(await store.getModel('m')).toBeUndefined();
});

test('an explicit version number that is taken fails the commit; the new chunk sent with it is not kept', async () => {
  const store = await openStore();
  await store.commitVersion(request('m', [await chunkOf(5)], { version: 3 }));
  const failed = await store.commitVersion(request('m', [await chunkOf(6)], { version: 3 })).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failed).toMatchObject({ code: 'VERSION_CONFLICT' });
  expect(await store.chunkStats()).toEqual({ chunks: 1, bytes: 4096 });
  expect((await store.listVersions('m')).map((v) => v.version)).toEqual([3]);
});

test('a draft whose chunk is missing and sent without bytes is refused; the bytes sent with it are not kept', async () => {
  const store = await openStore();
  const sent = await chunkOf(7);
  const ghost = await chunkOf(8);
  const chunks = [sent, { sha256: ghost.sha256, bytes: ghost.bytes }];
  const failed = await store
    .putDraft({ runId: 'run-1', draft: request('draft', chunks).draft, chunks, at: 1 })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  expect(failed).toMatchObject({ code: 'INTEGRITY_FAILED' });
  expect(await store.chunkStats()).toEqual({ chunks: 0, bytes: 0 });
  expect(await store.getDraft('run-1')).toBeUndefined();
});
