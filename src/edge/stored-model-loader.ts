// Loads a stored release into the monitor's Predictor on the cold-start path: the version record the
// client already read, one read of the weight chunks, and their SHA-256 checked on the calling
// thread while tfjs builds the model (WebCrypto digests run off the JS thread, so the two overlap).
// Nothing built from the bytes is returned before every digest matched. The registry's own loader
// hashes in a worker it starts on first use; on an edge device's cold start that start costs more
// than hashing a small model (measured: ~15–70 ms against < 1 ms for 280 KB), so releases up to
// `IN_PLACE_VERIFY_MAX_BYTES` are checked here and bigger ones go through the registry (whose worker
// keeps long hashes off this thread).
import * as tf from '@tensorflow/tfjs';
import { EdgeflowError } from '../errors.ts';
import { createPredictor } from '../monitor/predictor.ts';
import type { Predictor, PredictorOptions } from '../monitor/types.ts';
import { toModelArtifacts } from '../registry/artifacts.ts';
import type { Registry } from '../registry/registry.ts';
import type { ModelStore } from '../registry/types.ts';
import { sha256Hex } from '../release/index.ts';
import { activateBackend } from '../runtime/backends.ts';
import type { ModelVersion, WeightChunkRef } from '../schemas/registry.ts';

/** Releases with at most this many weight bytes are hash-checked in place (~1.2 ms per MB). */
export const IN_PLACE_VERIFY_MAX_BYTES = 8 * 1024 * 1024;

/** Input of `loadStoredPredictor`. */
export interface StoredPredictorInput {
  /** The open store the version lives in. */
  readonly store: ModelStore;
  /** The stored version record (already read by the client: it is not read again). */
  readonly version: ModelVersion;
  readonly backend?: PredictorOptions['backend'];
  /** The registry on the store, for releases too big to verify in place (created on demand). */
  readonly registry: () => Promise<Registry>;
}

function chunkFailure(version: ModelVersion, ref: WeightChunkRef, missing: boolean): EdgeflowError {
  return new EdgeflowError(
    'INTEGRITY_FAILED',
    `Weight chunk ${ref.sha256} of stored release ${version.version} of ${version.model} is ${missing ? 'missing (storage evicted?)' : 'corrupted'}; it was not loaded. The client downloads the release again.`,
    { details: { model: version.model, version: version.version, sha256: ref.sha256 } },
  );
}

/**
 * Loads a stored version as the monitor's Predictor, its weights checked against the SHA-256 the
 * version record names before the Predictor is returned.
 *
 * @throws {EdgeflowError} `INTEGRITY_FAILED` when a chunk is missing, has the wrong size or the wrong
 *   digest (the model built from it is disposed); `BACKEND_UNAVAILABLE`; the Predictor's own codes.
 */
export async function loadStoredPredictor(input: StoredPredictorInput): Promise<Predictor> {
  const { store, version, backend } = input;
  const withBackend = backend === undefined ? {} : { backend };
  if (version.weights.bytes > IN_PLACE_VERIFY_MAX_BYTES) {
    return createPredictor({
      registry: await input.registry(),
      model: version.model,
      version: version.version,
      ...withBackend,
    });
  }
  const refs = version.weights.chunks;
  // The backend starts while IndexedDB reads the chunks.
  const [buffers] = await Promise.all([
    store.readChunks(refs),
    backend === undefined ? undefined : activateBackend(backend),
  ]);
  refs.forEach((ref, i) => {
    const buffer = buffers[i];
    if (buffer === undefined || buffer.byteLength !== ref.bytes)
      throw chunkFailure(version, ref, buffer === undefined);
  });
  const weights = buffers as ArrayBuffer[];
  const digests = Promise.all(weights.map((b) => sha256Hex(b)));
  const built = tf.loadLayersModel(
    tf.io.fromMemory(toModelArtifacts(version, weights.length === 1 ? (weights[0] as ArrayBuffer) : weights)),
  );
  const [hashed, model] = await Promise.allSettled([digests, built]);
  const bad =
    hashed.status === 'rejected'
      ? (refs[0] as WeightChunkRef)
      : refs.find((ref, i) => hashed.value[i] !== ref.sha256);
  if (bad !== undefined) {
    if (model.status === 'fulfilled') model.value.dispose();
    throw chunkFailure(version, bad, false);
  }
  if (model.status === 'rejected') throw model.reason;
  try {
    return await createPredictor({ model: model.value, version });
  } catch (error) {
    model.value.dispose();
    throw error;
  }
}
