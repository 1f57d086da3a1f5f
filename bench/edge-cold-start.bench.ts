// edge-cold-start: a stored release → first prediction. edgeflow: `createEdgeClient` on its
// IndexedDB store (opens the store, reads the active release, loads and hash-checks the weights,
// builds the Predictor) + `predict` of one raw row. Baseline, same page, alternating: what a user
// would otherwise write, `tf.loadLayersModel('indexeddb://…')` + transform the row + `predict` +
// `data()`. Same model (MLP 256-256), same backend (wasm). Goal ratio ≥ 0.9.
import * as tf from '@tensorflow/tfjs';
import { deleteDB } from 'idb';
import { ingestDataset } from '../src/data/ingest.ts';
import { fitPipeline, transformRows } from '../src/data/pipeline.ts';
import { createRng } from '../src/data/prng.ts';
import { profileTable } from '../src/data/profile.ts';
import {
  buildChannel,
  buildRelease,
  createEdgeClient,
  exportPublicKey,
  generateSigningKey,
} from '../src/edge/index.ts';
import { IndexedDbModelStore } from '../src/registry/indexeddb-store.ts';
import { MemoryModelStore } from '../src/registry/memory-store.ts';
import { createRegistry } from '../src/registry/registry.ts';
import { activateBackend } from '../src/runtime/backends.ts';
import { defineBench, timeAlternating } from './harness.ts';

function rowsOf(count: number, seed: number): Record<string, unknown>[] {
  const rng = createRng(seed);
  const colors = ['red', 'green', 'blue', 'yellow'];
  return Array.from({ length: count }, () => {
    const row: Record<string, unknown> = {};
    for (let f = 0; f < 8; f++) row[`x${f}`] = rng.normal() * (f + 1);
    row.color = colors[rng.nextInt(4)];
    row.label = rng.next() < 0.4 ? 'a' : rng.next() < 0.5 ? 'b' : 'c';
    return row;
  });
}

export default defineBench({
  name: 'edge-cold-start',
  where: 'browser',
  async run(ctx) {
    const backend = 'wasm';
    await activateBackend(backend);
    const ds = await ingestDataset({ rows: rowsOf(2000, 1) }, { target: 'label' });
    const pipeline = fitPipeline(ds.table, ds.schema);
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [pipeline.featureCount], units: 256, activation: 'relu' }),
        tf.layers.dense({ units: 256, activation: 'relu' }),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    const registry = await createRegistry({ store: new MemoryModelStore(), channel: null });
    await registry.saveModel('cold', model, {
      pipeline: pipeline as never,
      profile: profileTable(ds.table, ds.schema) as never,
      signature: { columns: pipeline.columns.map((c) => ({ name: c.name, type: c.type })) } as never,
    });
    const key = await generateSigningKey();
    const publicKeys = { keys: [await exportPublicKey(key)] };
    const built = await buildRelease({
      exported: await registry.exportVersion('cold', 1),
      release: 1,
      signingKey: key,
    });
    const channel = await buildChannel({
      model: 'cold',
      channel: 'stable',
      release: 1,
      manifestSha256: built.manifestSha256,
      signingKey: key,
    });
    const served = new Map<string, Uint8Array | string>([
      ['/cold/channels/stable.json', channel.text],
      ['/cold/1/manifest.json', built.manifestText],
      ...[...built.files].map(([path, data]) => [`/cold/1/${path}`, data] as [string, Uint8Array]),
    ]);
    // Setup only (untimed): the release reaches the client's store without a network.
    const fetchStub = async (url: string) => {
      const body = served.get(new URL(url).pathname);
      return body === undefined
        ? new Response('missing', { status: 404 })
        : new Response(body as BodyInit, { status: 200 });
    };
    const dbName = 'edgeflow-bench-edge-cold';
    await deleteDB(dbName);
    const setup = await createEdgeClient({
      baseUrl: 'https://releases.example',
      model: 'cold',
      channel: 'stable',
      publicKeys,
      store: new IndexedDbModelStore({ name: dbName }),
      fetch: fetchStub,
      persistStorage: false,
    });
    await setup.checkForUpdate();
    await setup.close();
    await model.save('indexeddb://edgeflow-bench-cold');
    model.dispose();

    const row = rowsOf(1, 2).map(({ label: _, ...r }) => r);
    const tensorsBefore = tf.memory().numTensors;
    const ours = async () => {
      const client = await createEdgeClient({
        baseUrl: 'https://releases.example',
        model: 'cold',
        channel: 'stable',
        publicKeys,
        store: new IndexedDbModelStore({ name: dbName }),
        fetch: fetchStub,
        persistStorage: false,
      });
      const results = await (await client.predictor()).predict(row);
      if (!results[0]?.ok) throw new Error('edge client did not predict');
      await client.close();
    };
    const theirs = async () => {
      const loaded = await tf.loadLayersModel('indexeddb://edgeflow-bench-cold');
      const x = transformRows(pipeline, row);
      const out = tf.tidy(() => loaded.predict(tf.tensor2d(x, [1, pipeline.featureCount])) as tf.Tensor);
      await out.data();
      out.dispose();
      loaded.dispose();
    };
    const rounds = ctx.quick ? 5 : 25;
    const timed = await timeAlternating(ours, theirs, rounds);
    ctx.log(
      `cold start: edge client ${timed.ours.toFixed(1)} ms, tf.loadLayersModel(indexeddb) ${timed.theirs.toFixed(1)} ms`,
    );
    const leaked = tf.memory().numTensors - tensorsBefore;
    await deleteDB(dbName);
    await tf.io.removeModel('indexeddb://edgeflow-bench-cold');
    return {
      unit: 'ms',
      value: timed.ours,
      baseline: timed.theirs,
      better: 'lower',
      extra: {
        backend,
        weightBytes: built.manifest.files.reduce((s, f) => s + f.bytes, 0),
        rounds,
        leakedTensors: leaked,
      },
    };
  },
});
