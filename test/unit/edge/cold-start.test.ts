// The edge client's cold start (stored release → Predictor) in Node: the stored version keeps the
// signed manifest once (its pipeline, profile and signature live in the version record only) and an
// offline start puts it back whole; a damaged chunk is refused before any model is handed out and
// leaves no tensors behind; a custom predictor factory still gets a working registry.
import { rm } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createEdgeClient, RELEASE_METRIC_KEY } from '../../../src/edge/index.ts';
import { storedManifest } from '../../../src/edge/release-import.ts';
import { createPredictor } from '../../../src/monitor/index.ts';
import { MemoryModelStore } from '../../../src/registry/index.ts';
import { codeOf } from '../../helpers/error-code.ts';
import { createPublisher, type Publisher } from './fixtures.ts';
import { type FolderServer, serveFolder } from './folder-server.ts';

let publisher: Publisher;
let server: FolderServer;

beforeAll(async () => {
  publisher = await createPublisher();
  server = await serveFolder(publisher.root);
});

afterAll(async () => {
  await server.close();
  await rm(publisher.root, { recursive: true, force: true });
});

const offlineOptions = (model: string, store: MemoryModelStore) => ({
  baseUrl: 'http://127.0.0.1:9',
  model,
  channel: 'stable',
  publicKeys: publisher.publicKeys,
  store,
});

test('the stored version keeps the manifest once; an offline start restores it whole and predicts the golden outputs', async () => {
  const built = await publisher.publish({ model: 'c-manifest', version: 2, release: 3 });
  const store = new MemoryModelStore();
  const client = await createEdgeClient({ ...offlineOptions('c-manifest', store), baseUrl: server.url });
  await client.checkForUpdate();
  await client.close();
  await store.open();
  const record = await store.getVersion('c-manifest', 1);
  expect(record).toBeDefined();
  const metric = record?.metrics?.[RELEASE_METRIC_KEY];
  const { pipeline, profile, signature, ...rest } = built.manifest;
  // Stored without what the version record holds anyway…
  expect(metric).toEqual(rest);
  expect(record?.profile).toEqual(profile);
  expect(record?.pipeline).toEqual(pipeline);
  expect(record?.signature).toEqual(signature);
  // …and an offline start hands out exactly the signed manifest.
  const restarted = await createEdgeClient(offlineOptions('c-manifest', store));
  expect(restarted.active()).toEqual({ release: 3, version: 1, manifest: built.manifest });
  const results = await (await restarted.predictor()).predict(publisher.goldenRows);
  expect(results.map((r) => (r.ok ? r.prediction : null))).toEqual(
    built.manifest.golden.map((g) => g.output),
  );
  await restarted.close();
});

test('a manifest stored whole (by an older client) is read as is', async () => {
  const built = await publisher.publish({ model: 'c-old-layout', version: 1, release: 1 });
  const record = { pipeline: { other: 1 }, profile: null, signature: null } as never;
  expect(storedManifest(record, built.manifest)).toEqual(built.manifest);
  // Only the missing fields come from the record.
  const { profile: _profile, ...partial } = built.manifest;
  expect(storedManifest(record, partial)).toEqual({ ...built.manifest, profile: null });
});

test('a damaged stored chunk is refused at cold start before a model is handed out; no tensor is left behind', async () => {
  await publisher.publish({ model: 'c-damaged', version: 1, release: 1 });
  const store = new MemoryModelStore();
  const client = await createEdgeClient({ ...offlineOptions('c-damaged', store), baseUrl: server.url });
  await client.checkForUpdate();
  await client.close();
  await store.open();
  const version = await store.getVersion('c-damaged', 1);
  expect(store.corruptChunkForTesting(version?.weights.chunks[0]?.sha256 as string)).toBe(true);
  const restarted = await createEdgeClient(offlineOptions('c-damaged', store));
  const tensorsBefore = tf.memory().numTensors;
  expect(await codeOf(restarted.predictor())).toBe('INTEGRITY_FAILED');
  // The model built while the digests were computed was disposed.
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  expect(restarted.active()).toBeNull();
  await restarted.close();
});

test('a custom predictor factory gets a registry on the client store, made on first use', async () => {
  const built = await publisher.publish({ model: 'c-factory', version: 2, release: 1 });
  const store = new MemoryModelStore();
  const client = await createEdgeClient({ ...offlineOptions('c-factory', store), baseUrl: server.url });
  await client.checkForUpdate();
  await client.close();
  await store.open();
  const seen: number[] = [];
  const restarted = await createEdgeClient({
    ...offlineOptions('c-factory', store),
    createPredictor: async ({ registry, model, version }) => {
      seen.push((await registry.getVersion(model, 'active')).version);
      return createPredictor({ registry, model, version });
    },
  });
  const results = await (await restarted.predictor()).predict(publisher.goldenRows);
  expect(seen).toEqual([1]);
  expect(results.map((r) => (r.ok ? r.prediction : null))).toEqual(
    built.manifest.golden.map((g) => g.output),
  );
  await restarted.close();
});
