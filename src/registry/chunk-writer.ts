// Writes weight chunks together with the record that names them (a version commit, a draft): the
// chunks are hashed and prepared in a pipeline, bytes the store is believed to hold are skipped,
// and a write that finds one of those gone is retried once with every chunk's bytes.
import { isEdgeflowError } from '../errors.ts';
import { type ChunkSource, gatherChunks } from './chunk-pipeline.ts';
import { weightsDigest } from './content-hash.ts';
import type { RegistryContext } from './registry-context.ts';
import type { ChunkPayload, VersionDraft } from './types.ts';

/** The `weights` field of a version naming `chunks` in order. */
export async function weightsOf(chunks: readonly ChunkPayload[]): Promise<VersionDraft['weights']> {
  return {
    sha256: await weightsDigest(chunks.map((c) => c.sha256)),
    bytes: chunks.reduce((sum, c) => sum + c.bytes, 0),
    chunks: chunks.map((c) => ({ sha256: c.sha256, bytes: c.bytes })),
  };
}

/**
 * Gathers chunks (hashing and preparing them in a pipeline), runs `write`, and retries once with
 * every chunk's bytes if a chunk this registry believed stored was deleted meanwhile.
 */
export async function writeWithChunks<T>(
  context: RegistryContext,
  sources: readonly ChunkSource[],
  write: (chunks: readonly ChunkPayload[], weights: VersionDraft['weights']) => Promise<T>,
): Promise<{ result: T; chunks: ChunkPayload[] }> {
  const { store, knownChunks, hasher } = context;
  // Pieces reach `prepare` only when it copies (`preparedIsCopy`); a store without `prepareChunk`
  // keeps the one view it is given.
  const preparedIsCopy = store.prepareChunk !== undefined;
  const prepare = (first: Uint8Array, ...rest: Uint8Array[]) => store.prepareChunk?.(first, ...rest) ?? first;
  let chunks = await gatherChunks(sources, { known: knownChunks, prepare, preparedIsCopy, hasher });
  const weights = await weightsOf(chunks);
  let result: T;
  try {
    result = await write(chunks, weights);
  } catch (error) {
    const omitted = chunks.some((c) => c.data === undefined);
    const details = isEdgeflowError(error, 'INTEGRITY_FAILED') ? error.details : undefined;
    if (!omitted || (details as { missingChunk?: unknown } | undefined)?.missingChunk !== true) throw error;
    knownChunks.clear();
    const withDigests = sources.map((s, i) => ({ ...s, sha256: (chunks[i] as ChunkPayload).sha256 }));
    chunks = await gatherChunks(withDigests, {
      known: knownChunks,
      prepare,
      preparedIsCopy,
      hasher,
      all: true,
    });
    result = await write(chunks, weights);
  }
  for (const chunk of chunks) knownChunks.add(chunk.sha256);
  return { result, chunks };
}
