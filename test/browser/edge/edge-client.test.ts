// Issue 14 in real Chromium: releases published in the page are served by a real HTTP server; plain
// tfjs loads them; the edge client (IndexedDB store, Web Locks, WebCrypto, fetch) updates, starts
// from storage, survives a download cut mid-file, and two clients updating at once download once.
import * as tf from '@tensorflow/tfjs';
import { deleteDB } from 'idb';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { commands } from 'vitest/browser';
import { createRng, fitPipeline, ingestDataset, profileTable } from '../../../src/data/index.ts';
import {
  type BuiltRelease,
  buildChannel,
  buildRelease,
  computeGoldenPairs,
  createEdgeClient,
  exportPublicKey,
  generateSigningKey,
  loadStoredSigningKey,
  type PublicKeySet,
  type SigningKey,
  storeSigningKey,
} from '../../../src/edge/index.ts';
import { isEdgeflowError } from '../../../src/errors.ts';
import { createPredictor } from '../../../src/monitor/index.ts';
import { IndexedDbModelStore } from '../../../src/registry/indexeddb-store.ts';
import { MemoryModelStore } from '../../../src/registry/memory-store.ts';
import { createRegistry, type Registry } from '../../../src/registry/registry.ts';

interface Host {
  id: string;
  url: string;
}
const host = {
  start: () => (commands as unknown as { startReleaseHost(): Promise<Host> }).startReleaseHost(),
  write: (id: string, files: { path: string; base64: string }[]) =>
    (
      commands as unknown as { writeReleaseHostFiles(id: string, f: typeof files): Promise<void> }
    ).writeReleaseHostFiles(id, files),
  log: (id: string) =>
    (commands as unknown as { releaseHostLog(id: string): Promise<string[]> }).releaseHostLog(id),
  fault: (id: string, path: string, fault: { kind: 'cut' } | { kind: 'slow'; ms: number } | null) =>
    (
      commands as unknown as { setReleaseHostFault(id: string, p: string, f: typeof fault): Promise<void> }
    ).setReleaseHostFault(id, path, fault),
  stop: (id: string) =>
    (commands as unknown as { stopReleaseHost(id: string): Promise<void> }).stopReleaseHost(id),
};

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

let registry: Registry;
let key: SigningKey;
let publicKeys: PublicKeySet;
let server: Host;
const goldenRows: Record<string, unknown>[] = [];
const dbNames: string[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
  const rng = createRng(3);
  const rows = Array.from({ length: 200 }, () => {
    const x1 = Math.fround(rng.normal());
    const x2 = Math.fround(rng.normal() * 2 + 10);
    return { x1, x2, label: x1 > 0.2 ? 'yes' : 'no' };
  });
  for (const row of rows.slice(0, 5)) goldenRows.push({ x1: row.x1, x2: row.x2 });
  const ds = await ingestDataset({ rows }, { target: 'label' });
  const pipeline = fitPipeline(ds.table, ds.schema);
  registry = await createRegistry({ store: new MemoryModelStore(), channel: null });
  for (const scale of [1.5, -1]) {
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [pipeline.featureCount], units: 2, activation: 'softmax' })],
    });
    const kernel = new Float32Array(pipeline.featureCount * 2);
    kernel[0] = scale;
    kernel[1] = -scale;
    tf.tidy(() =>
      model.layers[0]?.setWeights([tf.tensor2d(kernel, [pipeline.featureCount, 2]), tf.tensor1d([0, 0])]),
    );
    await registry.saveModel('base', model, {
      pipeline: pipeline as never,
      profile: profileTable(ds.table, ds.schema) as never,
      signature: { columns: pipeline.columns.map((c) => ({ name: c.name, type: c.type })) } as never,
    });
    model.dispose();
  }
  // The browser keeps the publisher's key as a non-extractable CryptoKey in IndexedDB.
  await storeSigningKey('test-publisher', await generateSigningKey());
  key = (await loadStoredSigningKey('test-publisher')) as SigningKey;
  publicKeys = { keys: [await exportPublicKey(key)] };
  server = await host.start();
});

afterAll(async () => {
  await host.stop(server.id);
  await registry.close();
  for (const name of dbNames) await deleteDB(name);
});

async function publish(
  model: string,
  version: number,
  release: number,
  sequence = release,
): Promise<BuiltRelease> {
  const predictor = await createPredictor({ registry, model: 'base', version });
  const golden = await computeGoldenPairs(predictor, goldenRows);
  predictor.dispose();
  const built = await buildRelease({
    exported: await registry.exportVersion('base', version),
    model,
    release,
    signingKey: key,
    golden,
    goldenTolerance: 1e-4,
  });
  const channel = await buildChannel({
    model,
    channel: 'stable',
    release,
    manifestSha256: built.manifestSha256,
    sequence,
    signingKey: key,
  });
  await host.write(server.id, [
    ...[...built.files].map(([path, data]) => ({
      path: `${model}/${release}/${path}`,
      base64: base64(data),
    })),
    {
      path: `${model}/${release}/manifest.json`,
      base64: base64(new TextEncoder().encode(built.manifestText)),
    },
    { path: `${model}/channels/stable.json`, base64: base64(new TextEncoder().encode(channel.text)) },
  ]);
  return built;
}

function idbStore(): IndexedDbModelStore {
  const name = `edgeflow-edge-test-${dbNames.length}-${Date.now()}`;
  dbNames.push(name);
  return new IndexedDbModelStore({ name });
}

test('the stored signing key is non-extractable and still signs', () => {
  expect(key.privateKey.extractable).toBe(false);
  expect(key.algorithm).toBe('Ed25519');
});

test('plain tf.loadLayersModel(url) loads a published release', async () => {
  const built = await publish('plain', 1, 1);
  const model = await tf.loadLayersModel(`${server.url}/plain/1/model.json`);
  const original = await tf.loadLayersModel(registry.loadHandler('base', 1));
  const input = tf.tensor2d([[0.5, -0.25]]);
  const [a, b] = [model.predict(input) as tf.Tensor, original.predict(input) as tf.Tensor];
  expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
  tf.dispose([a, b, input]);
  model.dispose();
  original.dispose();
  expect(built.manifest.files.map((f) => f.path)).toEqual(['model.json', 'group1-shard1of1.bin']);
});

test('the client updates into IndexedDB, and a new client (a reload) starts offline from it', async () => {
  const built = await publish('reload', 1, 1);
  const store = idbStore();
  const client = await createEdgeClient({
    baseUrl: server.url,
    model: 'reload',
    channel: 'stable',
    publicKeys,
    store,
  });
  expect(await client.checkForUpdate()).toEqual({ status: 'activated', release: 1, downloaded: true });
  const first = (await (await client.predictor()).predict(goldenRows)).map((r) =>
    r.ok ? r.prediction : null,
  );
  expect(first).toEqual(built.manifest.golden.map((g) => g.output));
  await client.close();
  const reopened = await createEdgeClient({
    baseUrl: 'http://127.0.0.1:9',
    model: 'reload',
    channel: 'stable',
    publicKeys,
    store: new IndexedDbModelStore({ name: dbNames[dbNames.length - 1] as string }),
  });
  expect(reopened.active()?.release).toBe(1);
  const again = (await (await reopened.predictor()).predict(goldenRows)).map((r) =>
    r.ok ? r.prediction : null,
  );
  expect(again).toEqual(first);
  await reopened.close();
});

test('a download cut mid-file leaves the old release active and nothing half-written in IndexedDB', async () => {
  await publish('cut', 1, 1);
  const store = idbStore();
  const client = await createEdgeClient({
    baseUrl: server.url,
    model: 'cut',
    channel: 'stable',
    publicKeys,
    store,
  });
  await client.checkForUpdate();
  const built = await publish('cut', 2, 2);
  const shard = `/cut/2/${built.manifest.files[1]?.path}`;
  await host.fault(server.id, shard, { kind: 'cut' });
  const error = await client.checkForUpdate().catch((e: unknown) => e);
  expect(isEdgeflowError(error, 'NETWORK_ERROR')).toBe(true);
  expect(client.active()?.release).toBe(1);
  expect((await store.listVersions('cut')).map((v) => v.version)).toEqual([1]);
  expect((await store.getAlias('cut', 'active'))?.version).toBe(1);
  // Back online: the same client finishes the update.
  await host.fault(server.id, shard, null);
  expect(await client.checkForUpdate()).toEqual({ status: 'activated', release: 2, downloaded: true });
  await client.close();
});

test('two clients on one origin updating at once: one download (Web Locks), both on the same release', async () => {
  await publish('pair', 1, 1);
  const store = idbStore();
  const name = dbNames[dbNames.length - 1] as string;
  const a = await createEdgeClient({
    baseUrl: server.url,
    model: 'pair',
    channel: 'stable',
    publicKeys,
    store,
  });
  const b = await createEdgeClient({
    baseUrl: server.url,
    model: 'pair',
    channel: 'stable',
    publicKeys,
    store: new IndexedDbModelStore({ name }),
  });
  expect(await a.checkForUpdate()).toEqual({ status: 'activated', release: 1, downloaded: true });
  // The second finds release 1 stored by the first: activated without a download.
  expect(await b.checkForUpdate()).toEqual({ status: 'activated', release: 1, downloaded: false });
  const built = await publish('pair', 2, 2);
  const before = (await host.log(server.id)).length;
  // Slow the shard so both are in flight together.
  const shard = `/pair/2/${built.manifest.files[1]?.path}`;
  await host.fault(server.id, shard, { kind: 'slow', ms: 300 });
  const [ra, rb] = await Promise.all([a.checkForUpdate(), b.checkForUpdate()]);
  await host.fault(server.id, shard, null);
  const shardGets = (await host.log(server.id))
    .slice(before)
    .filter((line) => line.startsWith(`GET ${shard} `));
  expect(shardGets).toEqual([`GET ${shard} 200`]);
  expect([ra.status, rb.status]).toEqual(['activated', 'activated']);
  expect([a.active()?.release, b.active()?.release]).toEqual([2, 2]);
  expect([ra, rb].filter((r) => r.status === 'activated' && r.downloaded).length).toBe(1);
  await a.close();
  await b.close();
});

test('the client runs in a dedicated worker: updates into IndexedDB and predicts the golden outputs', async () => {
  const built = await publish('in-worker', 2, 1);
  const name = `edgeflow-edge-worker-${Date.now()}`;
  dbNames.push(name);
  const worker = new Worker(new URL('./edge-worker.ts', import.meta.url), { type: 'module' });
  const reply = await new Promise<Record<string, unknown>>((resolve) => {
    worker.onmessage = (event) => resolve(event.data as Record<string, unknown>);
    worker.postMessage({
      baseUrl: server.url,
      model: 'in-worker',
      publicKeys,
      rows: goldenRows,
      dbName: name,
    });
  });
  worker.terminate();
  expect(reply).toEqual({
    outcome: { status: 'activated', release: 1, downloaded: true },
    predictions: built.manifest.golden.map((g) => g.output),
    isWorker: true,
  });
});
