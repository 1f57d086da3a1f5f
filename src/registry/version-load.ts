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

/** A read of a version's chunk bytes that calls `onChunk` as each chunk's bytes arrive. */
type ChunkRead = (
  onChunk: (index: number, data: ArrayBuffer, total?: number) => void,
) => Promise<{ version: ModelVersion; chunks: (ArrayBuffer | undefined)[] } | undefined>;

/**
 * Verifies chunk bytes as `read` delivers them: each chunk is hashed as soon as its bytes arrive,
 * while later chunks are still being read. The buffer travels to the hashing worker and back; the
 * one read is detached meanwhile. The only chunk of a one-chunk version is hashed in place: with
 * nothing to overlap, the worker's round trip is pure cost (a 2M-parameter load, 24 alternated
 * rounds in one page, twice: 22.1 and 22.6 ms in place against 24.5 and 23.2 on the worker; with
 * seven chunks the worker wins, 231 and 229 ms against 259 and 256). Undefined when `read` found
 * no version.
 */
async function verifiedRead(
  context: RegistryContext,
  read: ChunkRead,
): Promise<{ version: ModelVersion; weights: ArrayBuffer[] } | undefined> {
  const hashed: Promise<{ sha256: string; buffer: ArrayBuffer }>[] = [];
  const result = await read((i, buffer, total) => {
    const pending =
      total === 1
        ? context.hasher.digestView(new Uint8Array(buffer)).then((sha256) => ({ sha256, buffer }))
        : context.hasher.digestOwned(buffer);
    pending.catch(() => undefined);
    hashed[i] = pending;
  });
  if (!result) return undefined;
  const { version, chunks } = result;
  const refs = version.weights.chunks;
  const weights = await Promise.all(
    chunks.map(async (bytes, i) => {
      const digested = await hashed[i];
      const buffer = digested?.buffer ?? bytes;
      await verifyChunk(version, refs[i] as WeightChunkRef, buffer, digested?.sha256);
      return buffer as ArrayBuffer;
    }),
  );
  for (const ref of refs) context.knownChunks.add(ref.sha256);
  return { version, weights };
}

/**
 * Reads and verifies a version's weight bytes chunk by chunk; corrupted weights are never returned.
 * @throws INTEGRITY_FAILED
 */
export async function loadWeights(context: RegistryContext, version: ModelVersion): Promise<ArrayBuffer[]> {
  const read = await verifiedRead(context, async (onChunk) => ({
    version,
    chunks: await context.store.readChunks(version.weights.chunks, onChunk),
  }));
  return (read as { weights: ArrayBuffer[] }).weights;
}

/** A version reference as the store's one-read lookup takes it. */
function storeRef(versionOrAlias: number | string): number | { alias: string } | 'latest' {
  if (typeof versionOrAlias === 'number' || /^\d+$/.test(versionOrAlias)) return Number(versionOrAlias);
  return versionOrAlias === 'latest' ? 'latest' : { alias: versionOrAlias };
}

/**
 * A version and its verified weights. A store that can look the version up and read its chunks in
 * one go (IndexedDB: one transaction) does; when it finds no such version, the usual lookup runs
 * and reports why (which model, alias or version is missing, and what exists).
 * @throws MODEL_NOT_FOUND; VERSION_NOT_FOUND; INTEGRITY_FAILED
 */
async function loadVersionWeights(
  context: RegistryContext,
  model: string,
  versionOrAlias: number | string,
): Promise<{ version: ModelVersion; weights: ArrayBuffer[] }> {
  const readWithChunks = context.store.readVersionWithChunks?.bind(context.store);
  if (readWithChunks) {
    const ref = storeRef(versionOrAlias);
    const read = await verifiedRead(context, (onChunk) => readWithChunks(model, ref, onChunk));
    if (read) return read;
  }
  const version = await getVersion(context, model, versionOrAlias);
  return { version, weights: await loadWeights(context, version) };
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
  const { version, weights } = await loadVersionWeights(context, model, versionOrAlias);
  return toModelArtifacts(version, weights.length === 1 ? (weights[0] as ArrayBuffer) : weights);
}
