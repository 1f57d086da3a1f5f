// The ModelStore contract against IndexedDB in Chromium, plus what only IndexedDB has: schema
// upgrades that migrate, STORE_OUTDATED, and QUOTA_EXCEEDED with nothing half-written (issue 4).
import { deleteDB, openDB } from 'idb';
import { afterAll, expect, test } from 'vitest';
import { isEdgeflowError } from '../../../src/errors.ts';
import {
  REGISTRY_DB_VERSION,
  type RegistryDbSchema,
  type StoredChunk,
  UPGRADE_STEPS,
} from '../../../src/registry/idb-schema.ts';
import { IndexedDbModelStore } from '../../../src/registry/indexeddb-store.ts';
import { createRegistry } from '../../../src/registry/registry.ts';
import { fakeArtifacts, runModelStoreContract } from '../../contracts/model-store.contract.ts';
import { codeOf } from '../../helpers/error-code.ts';

const created: string[] = [];
let counter = 0;
function freshName(): string {
  const name = `edgeflow-test-${Date.now()}-${counter++}`;
  created.push(name);
  return name;
}

afterAll(async () => {
  await Promise.all(created.map((name) => deleteDB(name)));
});

runModelStoreContract('indexeddb', {
  async create() {
    return new IndexedDbModelStore({ name: freshName() });
  },
  async corruptChunk(store, sha256) {
    const db = await openDB<RegistryDbSchema>((store as IndexedDbModelStore).name);
    const chunk = await db.get('chunks', sha256);
    if (!chunk) throw new Error(`no chunk ${sha256} to corrupt`);
    // Chunks are Blobs since schema v3; the corrupted copy is written back in the same form.
    expect(chunk.data).toBeInstanceOf(Blob);
    const bytes = new Uint8Array(await (chunk.data as Blob).arrayBuffer());
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    await db.put('chunks', { ...chunk, data: new Blob([bytes]) });
    db.close();
  },
  propertyRuns: 15,
});

test('a database written by the v1 schema is migrated on open', async () => {
  const name = freshName();
  const v1 = await openDB<RegistryDbSchema>(name, 1, {
    upgrade: async (db, _old, _new, tx) => {
      await UPGRADE_STEPS[0]?.(db, tx);
    },
  });
  // A v1 run had neither `owner` nor `tags`.
  const oldRun = {
    id: 'old-run',
    spec: {},
    datasetFingerprint: null,
    pipeline: null,
    backend: 'cpu',
    adapter: null,
    seed: 1,
    status: 'finished',
    history: [],
    metrics: {},
    timings: {},
    error: null,
    parity: null,
    createdAt: 1,
    updatedAt: 1,
  };
  await v1.put('runs', oldRun as never);
  v1.close();
  const registry = await createRegistry({ store: new IndexedDbModelStore({ name }), channel: null });
  expect(await registry.getRun('old-run')).toMatchObject({ owner: null, tags: [], status: 'finished' });
  expect((await registry.listRuns({ status: 'finished' })).items.map((r) => r.id)).toEqual(['old-run']);
  await registry.close();
  const db = await openDB(name);
  expect(db.version).toBe(REGISTRY_DB_VERSION);
  db.close();
});

test('weight chunks stored as ArrayBuffers (schema v2) still load and verify; new ones are Blobs', async () => {
  const name = freshName();
  const registry = await createRegistry({
    store: new IndexedDbModelStore({ name }),
    channel: null,
    chunkBytes: 256,
  });
  const artifacts = fakeArtifacts(128, 9);
  const version = await registry.registerVersion({ model: 'old', artifacts });
  await registry.close();
  // Rewrite every chunk the way schema v2 stored it: the bytes as an ArrayBuffer value.
  const db = await openDB<RegistryDbSchema>(name);
  for (const ref of version.weights.chunks) {
    const chunk = (await db.get('chunks', ref.sha256)) as StoredChunk;
    expect(chunk.data).toBeInstanceOf(Blob);
    await db.put('chunks', { ...chunk, data: await (chunk.data as Blob).arrayBuffer() });
  }
  db.close();
  const reopened = await createRegistry({ store: new IndexedDbModelStore({ name }), channel: null });
  const loaded = await reopened.loadArtifacts('old', version.version);
  expect(new Uint8Array(await new Blob(loaded.weightData as ArrayBuffer[]).arrayBuffer())).toEqual(
    new Uint8Array(artifacts.weightData),
  );
  await reopened.close();
});

test('a store opened by code older than the database is STORE_OUTDATED', async () => {
  const name = freshName();
  const newer = await openDB(name, REGISTRY_DB_VERSION + 1);
  newer.close();
  const store = new IndexedDbModelStore({ name });
  expect(await codeOf(store.open())).toBe('STORE_OUTDATED');
  expect(await codeOf(createRegistry({ store, channel: null }))).toBe('STORE_OUTDATED');
});

test('an open store yields to newer code and then refuses with STORE_OUTDATED', async () => {
  const name = freshName();
  const registry = await createRegistry({ store: new IndexedDbModelStore({ name }), channel: null });
  await registry.registerVersion({ model: 'm', artifacts: fakeArtifacts(4) });
  // Newer code (another tab) upgrades: our connection must not block it.
  const newer = await openDB(name, REGISTRY_DB_VERSION + 1);
  newer.close();
  expect(await codeOf(registry.listModels())).toBe('STORE_OUTDATED');
  await registry.close();
});

// Playwright's browser context keeps storage in memory with a fixed quota, and CDP's
// Storage.overrideQuotaForOrigin does not apply to it, so the browser's own QuotaExceededError is
// raised from the second chunk write, after other writes of the same transaction were issued.
test('a write over the quota is QUOTA_EXCEEDED with the bytes, and nothing is half-written', async () => {
  const name = freshName();
  const store = new IndexedDbModelStore({ name });
  const registry = await createRegistry({ store, channel: null, chunkBytes: 1024 });
  await registry.registerVersion({ model: 'q', artifacts: fakeArtifacts(16) });
  const realPut = IDBObjectStore.prototype.put;
  let chunkPuts = 0;
  IDBObjectStore.prototype.put = function put(this: IDBObjectStore, ...args: [unknown, IDBValidKey?]) {
    if (this.name === 'chunks' && ++chunkPuts > 1) {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    return realPut.apply(this, args);
  };
  let caught: unknown;
  try {
    await registry.registerVersion({ model: 'q', artifacts: fakeArtifacts(4096, 2) });
  } catch (error) {
    caught = error;
  } finally {
    IDBObjectStore.prototype.put = realPut;
  }
  expect(chunkPuts).toBe(2);
  expect(isEdgeflowError(caught, 'QUOTA_EXCEEDED')).toBe(true);
  const details = (caught as { details: Record<string, unknown> }).details;
  expect(details.bytesNeeded).toBe(16 * 1024);
  expect(typeof details.bytesAvailable).toBe('number');
  expect((caught as Error).message).toContain('Nothing was written');
  expect((await registry.listVersions('q')).items.map((v) => v.version)).toEqual([1]);
  expect(await store.chunkStats()).toEqual({ chunks: 1, bytes: 64 });
  expect((await registry.getModel('q')).lastVersion).toBe(1);
  expect((await registry.registerVersion({ model: 'q', artifacts: fakeArtifacts(8, 3) })).version).toBe(2);
  await registry.close();
});

test('storage: estimate and a persistence request on the main thread', async () => {
  const registry = await createRegistry({
    store: new IndexedDbModelStore({ name: freshName() }),
    channel: null,
  });
  const estimate = await registry.estimateStorage();
  expect(estimate?.quota).toBeGreaterThan(0);
  const persistence = await registry.requestPersistence();
  expect(typeof persistence.persisted).toBe('boolean');
  await registry.close();
});

test('a load looks the version up and reads its chunks in one transaction; a missing one says why as before', async () => {
  const store = new IndexedDbModelStore({ name: freshName() });
  const registry = await createRegistry({ store, channel: null, chunkBytes: 24 });
  await registry.registerVersion({ model: 'm', artifacts: fakeArtifacts(16, 1) });
  await registry.registerVersion({ model: 'm', artifacts: fakeArtifacts(16, 2) });
  await registry.moveAlias('m', 'production', 1, { reason: 'first' });
  const bytesOf = (seed: number) => [...new Uint8Array(fakeArtifacts(16, seed).weightData)];
  const joined = (chunks: (ArrayBuffer | undefined)[]) =>
    chunks.flatMap((c) => [...new Uint8Array(c as ArrayBuffer)]);

  const byNumber = await store.readVersionWithChunks('m', 2);
  expect(byNumber?.version.version).toBe(2);
  expect(byNumber?.chunks).toHaveLength(3); // 64 bytes in chunks of at most 24
  expect(joined(byNumber?.chunks ?? [])).toEqual(bytesOf(2));
  expect((await store.readVersionWithChunks('m', { alias: 'production' }))?.version.version).toBe(1);
  const seen: number[] = [];
  const latest = await store.readVersionWithChunks('m', 'latest', (i) => seen.push(i));
  expect(latest?.version.version).toBe(2);
  expect(seen.sort()).toEqual([0, 1, 2]);
  expect(await store.readVersionWithChunks('m', 9)).toBeUndefined();
  expect(await store.readVersionWithChunks('m', { alias: 'staging' })).toBeUndefined();
  expect(await store.readVersionWithChunks('ghost', 'latest')).toBeUndefined();

  // Through the registry: a found version takes only the one read…
  const calls: string[] = [];
  for (const method of ['getModel', 'getVersion', 'getAlias', 'latestVersion', 'readChunks'] as const) {
    const original = store[method].bind(store) as (...args: unknown[]) => unknown;
    (store as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      calls.push(method);
      return original(...args);
    };
  }
  // Three chunks: tfjs's list of buffers.
  const production = await registry.loadArtifacts('m', 'production');
  expect(joined(production.weightData as ArrayBuffer[])).toEqual(bytesOf(1));
  expect(joined((await registry.loadArtifacts('m', '2')).weightData as ArrayBuffer[])).toEqual(bytesOf(2));
  expect(calls).toEqual([]);
  // …and a missing one is reported as the lookup always reported it.
  expect(await codeOf(registry.loadArtifacts('m', 9))).toBe('VERSION_NOT_FOUND');
  await expect(registry.loadArtifacts('m', 'prodution')).rejects.toThrow(
    /has no alias "prodution".*"production"/,
  );
  expect(await codeOf(registry.loadArtifacts('ghost', 1))).toBe('MODEL_NOT_FOUND');
  await registry.close();
});
