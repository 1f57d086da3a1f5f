// tfjs interop (issue 4): IOHandlers, the explicit edgeflow:// router, import of a model plain tfjs
// saved to indexeddb://, and an export that plain `tf.loadLayersModel(url)` loads over real HTTP.
import * as tf from '@tensorflow/tfjs';
import { deleteDB } from 'idb';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { commands } from 'vitest/browser';
import { IndexedDbModelStore } from '../../../src/registry/indexeddb-store.ts';
import { registerEdgeflowRouter } from '../../../src/registry/io-handlers.ts';
import { MemoryModelStore } from '../../../src/registry/memory-store.ts';
import { createRegistry, type Registry } from '../../../src/registry/registry.ts';

const dbName = `edgeflow-tfjs-${Date.now()}`;
let registry: Registry;

beforeAll(async () => {
  await tf.setBackend('cpu');
  registry = await createRegistry({
    store: new IndexedDbModelStore({ name: dbName }),
    channel: null,
    chunkBytes: 4096,
  });
});

afterAll(async () => {
  await registry.close();
  await deleteDB(dbName);
});

function denseModel(seed: number): tf.LayersModel {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      units: 8,
      inputShape: [4],
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    }),
  );
  model.add(
    tf.layers.dense({
      units: 3,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
    }),
  );
  return model;
}

async function predict(model: tf.LayersModel): Promise<number[]> {
  const input = tf.tensor2d([
    [0.1, 0.2, 0.3, 0.4],
    [1, -1, 0.5, 2],
  ]);
  const output = model.predict(input) as tf.Tensor;
  const values = Array.from(await output.data());
  input.dispose();
  output.dispose();
  return values;
}

test('model.save(saveHandler) registers a version; tf.loadLayersModel(loadHandler) loads it', async () => {
  const start = tf.memory().numTensors;
  const model = denseModel(1);
  const handler = registry.saveHandler('iris', { metrics: { accuracy: 0.8 }, tags: ['tfjs'] });
  const result = await model.save(handler);
  expect(result.modelArtifactsInfo.weightDataBytes).toBe((4 * 8 + 8 + 8 * 3 + 3) * 4);
  expect(handler.saved?.version).toBe(1);
  expect(handler.saved?.weights.chunks.length).toBeGreaterThan(0);
  const loaded = await tf.loadLayersModel(registry.loadHandler('iris', 1));
  expect(await predict(loaded)).toEqual(await predict(model));
  model.dispose();
  loaded.dispose();
  expect(tf.memory().numTensors).toBe(start);
});

test('edgeflow:// URLs save and load through the router, by latest, number and alias', async () => {
  const start = tf.memory().numTensors;
  registerEdgeflowRouter(tf, registry);
  registerEdgeflowRouter(tf, registry);
  const model = denseModel(5);
  await model.save('edgeflow://router-model');
  await model.save('edgeflow://router-model');
  await registry.moveAlias('router-model', 'champion', 1, { reason: 'first' });
  const expected = await predict(model);
  for (const url of [
    'edgeflow://router-model',
    'edgeflow://router-model@2',
    'edgeflow://router-model@champion',
  ]) {
    const loaded = await tf.loadLayersModel(url);
    expect(await predict(loaded)).toEqual(expected);
    loaded.dispose();
  }
  await expect(model.save('edgeflow://router-model@champion')).rejects.toMatchObject({
    code: 'INVALID_ARGUMENT',
  });
  await expect(tf.loadLayersModel('edgeflow://router-modle')).rejects.toMatchObject({
    code: 'MODEL_NOT_FOUND',
  });
  model.dispose();
  expect(tf.memory().numTensors).toBe(start);
});

test('a model plain tfjs saved to indexeddb:// is imported as a version', async () => {
  const start = tf.memory().numTensors;
  const model = denseModel(9);
  await model.save('indexeddb://plain-tfjs-model');
  const version = await registry.importTfjsIndexedDb('indexeddb://plain-tfjs-model', {
    model: 'imported',
    tags: ['legacy'],
  });
  expect(version.source).toEqual({ kind: 'tfjs-indexeddb', from: 'indexeddb://plain-tfjs-model' });
  const loaded = await tf.loadLayersModel(registry.loadHandler('imported', version.version));
  expect(await predict(loaded)).toEqual(await predict(model));
  await expect(
    registry.importTfjsIndexedDb('indexeddb://plain-tfjs-modle', { model: 'x' }),
  ).rejects.toMatchObject({
    code: 'MODEL_NOT_FOUND',
    details: { closest: ['plain-tfjs-model'] },
  });
  await tf.io.removeModel('indexeddb://plain-tfjs-model');
  model.dispose();
  loaded.dispose();
  expect(tf.memory().numTensors).toBe(start);
});

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

test('an exported version loads with plain tf.loadLayersModel over HTTP', async () => {
  const start = tf.memory().numTensors;
  const model = denseModel(13);
  const saved = registry.saveHandler('served', { pipeline: { steps: [] } });
  await model.save(saved);
  const files = await registry.exportVersion('served', saved.saved?.version ?? 1, { shardBytes: 100 });
  expect(files.filter((f) => f.path.endsWith('.bin')).length).toBe(
    Math.ceil(((4 * 8 + 8 + 8 * 3 + 3) * 4) / 100),
  );
  const url = await commands.serveFiles(files.map((f) => ({ path: f.path, base64: toBase64(f.data) })));
  try {
    const loaded = await tf.loadLayersModel(`${url}model.json`);
    expect(await predict(loaded)).toEqual(await predict(model));
    loaded.dispose();
    const manifest = await (await fetch(`${url}edgeflow.json`)).json();
    expect(manifest).toMatchObject({ model: 'served', version: 1, pipeline: { steps: [] } });
  } finally {
    await commands.stopFileServer(url);
  }
  model.dispose();
  expect(tf.memory().numTensors).toBe(start);
});

test('saveModel stores the same bytes as model.save(saveHandler) and loads back identically', async () => {
  // 64-byte chunks: most chunks span two tensors, so the byte layout across tensors is exercised.
  const name = `edgeflow-savemodel-${Date.now()}`;
  const small = await createRegistry({
    store: new IndexedDbModelStore({ name }),
    channel: null,
    chunkBytes: 64,
  });
  const model = denseModel(21);
  try {
    const viaHandler = await model.save(small.saveHandler('same'));
    expect(viaHandler.modelArtifactsInfo.weightDataBytes).toBe(67 * 4);
    const direct = await small.saveModel('same', model, { metrics: { accuracy: 0.5 } });
    const first = await small.getVersion('same', 1);
    expect(direct.version).toBe(2);
    expect(direct.weights.sha256).toBe(first.weights.sha256);
    expect(direct.weights.chunks).toEqual(first.weights.chunks);
    expect(direct.weightSpecs).toEqual(first.weightSpecs);
    expect(direct.metrics).toEqual({ accuracy: 0.5 });
    const loaded = await tf.loadLayersModel(small.loadHandler('same', 2));
    expect(await predict(loaded)).toEqual(await predict(model));
    loaded.dispose();
  } finally {
    model.dispose();
    await small.close();
    await deleteDB(name);
  }
});

test('saveModel after the weights change stores the new weights; unchanged weights write nothing', async () => {
  const name = `edgeflow-resave-${Date.now()}`;
  const store = new IndexedDbModelStore({ name });
  const small = await createRegistry({ store, channel: null, chunkBytes: 64 });
  const model = denseModel(31);
  try {
    await small.saveModel('m', model);
    const stats = await store.chunkStats();
    // Unchanged tensors: their cached digests stand in, so no weight is even read.
    const reads = vi.spyOn(tf.Tensor.prototype, 'data');
    const same = await small.saveModel('m', model);
    expect(reads).not.toHaveBeenCalled();
    reads.mockRestore();
    expect(await store.chunkStats()).toEqual(stats);
    expect(same.weights.sha256).toBe((await small.getVersion('m', 1)).weights.sha256);

    // One optimizer step changes every variable (each gets new tensor data).
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    const xs = tf.tensor2d([[1, 2, 3, 4]]);
    const ys = tf.tensor2d([[0, 1, 0]]);
    await model.fit(xs, ys, { epochs: 1, verbose: 0 });
    xs.dispose();
    ys.dispose();
    const trained = await small.saveModel('m', model);
    expect(trained.weights.sha256).not.toBe(same.weights.sha256);
    const loaded = await tf.loadLayersModel(small.loadHandler('m', trained.version));
    expect(await predict(loaded)).toEqual(await predict(model));
    loaded.dispose();

    // Changing one layer only: the other layer's chunks keep their digests and are not rewritten.
    const [kernel, bias] = model.layers[1]?.getWeights() ?? [];
    model.layers[1]?.setWeights([tf.onesLike(kernel as tf.Tensor), tf.zerosLike(bias as tf.Tensor)]);
    const edited = await small.saveModel('m', model);
    const before = new Set(trained.weights.chunks.map((c) => c.sha256));
    const kept = edited.weights.chunks.filter((c) => before.has(c.sha256)).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(edited.weights.chunks.length);
    const reloaded = await tf.loadLayersModel(small.loadHandler('m', edited.version));
    expect(await predict(reloaded)).toEqual(await predict(model));
    reloaded.dispose();
  } finally {
    model.dispose();
    await small.close();
    await deleteDB(name);
  }
});

test('saveModel into a memory store in the page: chunks hashed on the worker keep their bytes', async () => {
  // 64-byte chunks spanning tensors are assembled by the registry and hashed on the worker; the
  // memory store keeps the very bytes it is given, so they must come back from the worker intact.
  const memory = await createRegistry({ store: new MemoryModelStore(), channel: null, chunkBytes: 64 });
  const model = denseModel(41);
  try {
    const version = await memory.saveModel('mem', model);
    expect(version.weights.chunks.length).toBe(Math.ceil((67 * 4) / 64));
    const loaded = await tf.loadLayersModel(memory.loadHandler('mem', version.version));
    expect(await predict(loaded)).toEqual(await predict(model));
    loaded.dispose();
  } finally {
    model.dispose();
    await memory.close();
  }
});
