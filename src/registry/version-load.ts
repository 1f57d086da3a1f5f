// Loading versions: every weight chunk is read and its SHA-256 checked before any byte is
// returned, so corrupted weights never reach a model.
import type { io } from '@tensorflow/tfjs';
import { EdgeflowError } from '../errors.ts';
import type { ModelVersion, WeightChunkRef } from '../schemas/registry.ts';
import { toModelArtifacts } from './artifacts.ts';
import { sha256Hex } from './content-hash.ts';
import type { RegistryContext } from './registry-context.ts';
import { getVersion } from './version-queries.ts';

/** INTEGRITY_FAILED unless `buffer` has the size and digest `ref` names. */
async function verifyChunk(
  version: ModelVersion,
  ref: WeightChunkRef,
  buffer: ArrayBuffer | undefined,
  digest?: string | null,
): Promise<void> {
  const where = `weight chunk ${ref.sha256} of "${version.model}" version ${version.version}`;
  if (!buffer) {
    throw new EdgeflowError(
      'INTEGRITY_FAILED',
      `The ${where} is missing from the store. Re-import or re-register this version.`,
      {
        details: { model: version.model, version: version.version, sha256: ref.sha256 },
      },
    );
  }
  const actual =
    buffer.byteLength !== ref.bytes ? null : digest === undefined ? await sha256Hex(buffer) : digest;
  if (actual !== ref.sha256) {
    throw new EdgeflowError(
      'INTEGRITY_FAILED',
      `The ${where} is corrupted (${buffer.byteLength} bytes, SHA-256 ${actual ?? 'not computed'}; expected ${ref.bytes} bytes). Its weights were not returned; re-import or re-register this version.`,
      {
        details: {
          model: version.model,
          version: version.version,
          sha256: ref.sha256,
          actual,
          bytes: buffer.byteLength,
        },
      },
    );
  }
}

/**
 * Reads and verifies a version's weight bytes chunk by chunk; corrupted weights are never returned.
 * @throws INTEGRITY_FAILED
 */
export async function loadWeights(context: RegistryContext, version: ModelVersion): Promise<ArrayBuffer[]> {
  const refs = version.weights.chunks;
  // Each chunk is hashed as soon as its bytes arrive, while later chunks are still being read.
  // The buffer travels to the hashing worker and back; the one read is detached meanwhile.
  const hashed: Promise<{ sha256: string | null; buffer: ArrayBuffer }>[] = [];
  const data = await context.store.readChunks(refs, (i, buffer) => {
    const pending =
      buffer.byteLength === refs[i]?.bytes
        ? context.hasher.digestOwned(buffer)
        : Promise.resolve({ sha256: null, buffer });
    pending.catch(() => undefined);
    hashed[i] = pending;
  });
  const verified = await Promise.all(
    data.map(async (read, i) => {
      const result = await hashed[i];
      const buffer = result?.buffer ?? read;
      await verifyChunk(version, refs[i] as WeightChunkRef, buffer, result?.sha256);
      return buffer as ArrayBuffer;
    }),
  );
  for (const ref of refs) context.knownChunks.add(ref.sha256);
  return verified;
}

/**
 * The tfjs artifacts of a version (weights verified): what `tf.loadLayersModel(handler)` consumes.
 * `weightData` is one ArrayBuffer for a single chunk, tfjs's list of buffers otherwise.
 * @throws MODEL_NOT_FOUND; VERSION_NOT_FOUND; INTEGRITY_FAILED
 */
export async function loadArtifacts(
  context: RegistryContext,
  model: string,
  versionOrAlias: number | string,
): Promise<io.ModelArtifacts> {
  const version = await getVersion(context, model, versionOrAlias);
  const weights = await loadWeights(context, version);
  return toModelArtifacts(version, weights.length === 1 ? (weights[0] as ArrayBuffer) : weights);
}
