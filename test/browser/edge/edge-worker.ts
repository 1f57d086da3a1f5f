// A dedicated worker that runs an edge client (issue 14: the client runs in a page, a worker and
// Node): it updates from the host it is told, predicts, and posts what happened back.
import * as tf from '@tensorflow/tfjs';
import { createEdgeClient } from '../../../src/edge/index.ts';
import { IndexedDbModelStore } from '../../../src/registry/indexeddb-store.ts';

interface Request {
  baseUrl: string;
  model: string;
  publicKeys: unknown;
  rows: Record<string, unknown>[];
  dbName: string;
}

self.onmessage = async (event: MessageEvent<Request>) => {
  const { baseUrl, model, publicKeys, rows, dbName } = event.data;
  try {
    await tf.setBackend('cpu');
    const client = await createEdgeClient({
      baseUrl,
      model,
      channel: 'stable',
      publicKeys: publicKeys as never,
      store: new IndexedDbModelStore({ name: dbName }),
    });
    const outcome = await client.checkForUpdate();
    const results = await (await client.predictor()).predict(rows);
    await client.close();
    self.postMessage({
      outcome,
      predictions: results.map((r) => (r.ok ? r.prediction : null)),
      isWorker: typeof (globalThis as { document?: unknown }).document === 'undefined',
    });
  } catch (error) {
    self.postMessage({ error: String((error as { code?: string }).code ?? error) });
  }
};
