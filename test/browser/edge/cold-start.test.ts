// The edge client's cold start in real Chromium (IndexedDB, Web Locks, WebCrypto): a stored release
// is served without the network and without a registry session (the registry is made only when
// something writes, and its session ends on close); weights altered at rest in IndexedDB are refused
// with INTEGRITY_FAILED before any model is handed out, leaving no tensors behind.
import * as tf from '@tensorflow/tfjs';
import { deleteDB, openDB } from 'idb';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createRng, fitPipeline, ingestDataset, profileTable } from '../../../src/data/index.ts';
import {
  buildChannel,
  buildRelease,
  computeGoldenPairs,
  createEdgeClient,
  exportPublicKey,
  generateSigningKey,
  type PublicKeySet,
  type SigningKey,
} from '../../../src/edge/index.ts';
import { isEdgeflowError } from '../../../src/errors.ts';
import { createPredictor } from '../../../src/monitor/index.ts';
import { IndexedDbModelStore } from '../../../src/registry/indexeddb-store.ts';
import { MemoryModelStore } from '../../../src/registry/memory-store.ts';
import { createRegistry, type Registry } from '../../../src/registry/registry.ts';

const SESSION_LOCK = 'edgeflow-registry-session:';
const served = new Map<string, Uint8Array | string>();
const requests: string[] = [];
const fetchStub = async (url: string) => {
  requests.push(new URL(url).pathname);
  const body = served.get(new URL(url).pathname);
  return body === undefined
    ? new Response('missing', { status: 404 })
    : new Response(body as BodyInit, { status: 200 });
};

let registry: Registry;
let key: SigningKey;
let publicKeys: PublicKeySet;
let goldenRows: Record<string, unknown>[];
const dbNames: string[] = [];

function rowsOf(count: number, seed: number): Record<string, unknown>[] {
  const rng = createRng(seed);
  const colors = ['red', 'green', 'blue'];
  return Array.from({ length: count }, () => {
    const x1 = Math.fround(rng.normal());
    const color = colors[rng.nextInt(3)] as string;
    return { x1, x2: Math.fround(rng.normal() * 3), color, label: x1 > 0 ? 'yes' : 'no' };
  });
}

/** Publishes registry version `version` of `base` as `release` of `model` into the served map. */
async function publish(model: string, version: number, release: number): Promise<number[][]> {
  const predictor = await createPredictor({ registry, model: 'base', version });
  const golden = await computeGoldenPairs(predictor, goldenRows);
  predictor.dispose();
  const built = await buildRelease({
    exported: await registry.exportVersion('base', version),
    model,
    release,
    signingKey: key,
    golden,
  });
  const channel = await buildChannel({
    model,
    channel: 'stable',
    release,
    manifestSha256: built.manifestSha256,
    signingKey: key,
  });
  served.set(`/${model}/channels/stable.json`, channel.text);
  served.set(`/${model}/${release}/manifest.json`, built.manifestText);
  for (const [path, data] of built.files) served.set(`/${model}/${release}/${path}`, data);
  return golden.map((g) => g.output as number[]);
}

async function sessionLocks(): Promise<number> {
  const { held = [] } = await navigator.locks.query();
  return held.filter((lock) => lock.name?.startsWith(SESSION_LOCK)).length;
}

function clientOn(dbName: string) {
  return createEdgeClient({
    baseUrl: 'https://releases.example',
    model: 'cold',
    channel: 'stable',
    publicKeys,
    store: new IndexedDbModelStore({ name: dbName }),
    fetch: fetchStub,
    persistStorage: false,
  });
}

async function storedRelease(): Promise<{ dbName: string; golden: number[][] }> {
  const dbName = `edgeflow-test-cold-${dbNames.length}-${Date.now()}`;
  dbNames.push(dbName);
  const golden = await publish('cold', 1, 1);
  const setup = await clientOn(dbName);
  expect(await setup.checkForUpdate()).toEqual({ status: 'activated', release: 1, downloaded: true });
  await setup.close();
  return { dbName, golden };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  const ds = await ingestDataset({ rows: rowsOf(200, 3) }, { target: 'label' });
  const pipeline = fitPipeline(ds.table, ds.schema);
  registry = await createRegistry({ store: new MemoryModelStore(), channel: null });
  for (const seed of [1, 2]) {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [pipeline.featureCount],
          units: 2,
          activation: 'softmax',
          kernelInitializer: tf.initializers.glorotUniform({ seed }),
        }),
      ],
    });
    await registry.saveModel('base', model, {
      pipeline: pipeline as never,
      profile: profileTable(ds.table, ds.schema) as never,
      signature: { columns: pipeline.columns.map((c) => ({ name: c.name, type: c.type })) } as never,
    });
    model.dispose();
  }
  key = await generateSigningKey();
  publicKeys = { keys: [await exportPublicKey(key)] };
  goldenRows = rowsOf(5, 9).map(({ label: _label, ...row }) => row);
});

afterAll(async () => {
  await registry.close();
  for (const name of dbNames) await deleteDB(name);
});

test('a stored release predicts with no request and no registry session; an update makes the registry, close ends it', async () => {
  const { dbName, golden } = await storedRelease();
  const locksBefore = await sessionLocks();
  requests.length = 0;
  const client = await clientOn(dbName);
  const results = await (await client.predictor()).predict(goldenRows);
  expect(results.map((r) => (r.ok ? r.prediction : null))).toEqual(golden);
  expect(requests).toEqual([]);
  expect(await sessionLocks()).toBe(locksBefore);
  // An update writes (import, aliases, tags): now the registry, and its session, exist.
  const next = await publish('cold', 2, 2);
  expect(await client.checkForUpdate()).toEqual({ status: 'activated', release: 2, downloaded: true });
  expect(await sessionLocks()).toBe(locksBefore + 1);
  const updated = await (await client.predictor()).predict(goldenRows);
  expect(updated.map((r) => (r.ok ? r.prediction : null))).toEqual(next);
  await client.close();
  expect(await sessionLocks()).toBe(locksBefore);
});

test('weights altered at rest in IndexedDB (same size) are refused at cold start; no tensor is left behind', async () => {
  const { dbName } = await storedRelease();
  // What anything with access to the origin's storage could do: rewrite a weight chunk in place.
  const db = await openDB(dbName);
  const chunks = (await db.getAll('chunks')) as { sha256: string; bytes: number; data: Blob }[];
  expect(chunks.length).toBe(1);
  const chunk = chunks[0] as { sha256: string; bytes: number; data: Blob };
  const tampered = new Uint8Array(await chunk.data.arrayBuffer());
  tampered[0] = (tampered[0] ?? 0) ^ 0x40;
  await db.put('chunks', { ...chunk, data: new Blob([tampered]) });
  db.close();
  expect(tampered.byteLength).toBe(chunk.bytes);

  const client = await clientOn(dbName);
  const rejected = new Promise((resolve) => client.on('rejected', resolve));
  const tensorsBefore = tf.memory().numTensors;
  let code = '';
  try {
    await client.predictor();
  } catch (error) {
    code = isEdgeflowError(error) ? error.code : String(error);
  }
  expect(code).toBe('INTEGRITY_FAILED');
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  expect(await rejected).toMatchObject({ type: 'rejected', release: 1, code: 'INTEGRITY_FAILED' });
  expect(client.active()).toBeNull();
  await client.close();
});
