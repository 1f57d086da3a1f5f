// Reads a model that plain tfjs saved with `model.save('indexeddb://path')`, straight from tfjs's own
// database (`tensorflowjs`, store `models_store`, keyed by path), without loading tfjs.
import type { io } from '@tensorflow/tfjs';
import { openDB } from 'idb';
import { closestNames, EdgeflowError } from '../errors.ts';

const TFJS_DB = 'tensorflowjs';
const TFJS_MODELS = 'models_store';
const TFJS_INFO = 'model_info_store';
const SCHEME = 'indexeddb://';

/** The artifacts tfjs stored under `indexeddb://path`. @throws MODEL_NOT_FOUND listing close paths. */
export async function readTfjsIndexedDbModel(
  url: string,
): Promise<{ path: string; artifacts: io.ModelArtifacts }> {
  const path = url.startsWith(SCHEME) ? url.slice(SCHEME.length) : url;
  if (typeof (globalThis as { indexedDB?: unknown }).indexedDB === 'undefined') {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Cannot read ${SCHEME}${path}: IndexedDB is not available in this realm.`,
      {
        details: { url },
      },
    );
  }
  // Version 1 with tfjs's own layout, so opening it first from here creates what tfjs would.
  const db = await openDB(TFJS_DB, 1, {
    upgrade(upgradeDb) {
      upgradeDb.createObjectStore(TFJS_MODELS, { keyPath: 'modelPath' });
      upgradeDb.createObjectStore(TFJS_INFO, { keyPath: 'modelPath' });
    },
  });
  try {
    const record = (await db.get(TFJS_MODELS, path)) as { modelArtifacts?: io.ModelArtifacts } | undefined;
    if (!record?.modelArtifacts) {
      const known = ((await db.getAllKeys(TFJS_MODELS)) as string[]).map(String);
      const close = closestNames(path, known);
      throw new EdgeflowError(
        'MODEL_NOT_FOUND',
        `tfjs has no model saved at ${SCHEME}${path}.${close.length ? ` Did you mean ${close.map((c) => `${SCHEME}${c}`).join(', ')}?` : ''} Saved: ${known.length ? known.join(', ') : 'none'}.`,
        { details: { url, closest: close, known } },
      );
    }
    return { path, artifacts: record.modelArtifacts };
  } finally {
    db.close();
  }
}
