// Turns weight bytes into the chunk payloads a version commit stores: SHA-256 digests (on the
// hasher's worker for buffers of the pipeline's own, in place for views it must not detach) and
// the store's preferred form of the bytes (a Blob for IndexedDB), prepared before the digest when
// the chunk is likely new. When that form is a copy of its own (a Blob), a likely-new chunk's bytes
// go to the worker while this thread makes the copy, so the two overlap. Chunks believed stored
// already are neither copied nor, when their digest is known, even read.
import type { ChunkHasher } from './hasher.ts';
import type { ChunkPayload } from './types.ts';

/** One chunk to store: its size, its digest when known without reading, and its bytes on demand. */
export interface ChunkSource {
  bytes: number;
  /** The SHA-256, when it is known without reading (a cached digest of unchanged tensors). */
  sha256?: string;
  /** The chunk's bytes; called at most once per gathering. */
  read(): Uint8Array | Promise<Uint8Array>;
  /**
   * The chunk's bytes as the pieces `read()` joins (a chunk cut across several tensors), without
   * joining them: a store that copies anyway takes them as they are.
   */
  parts?(): Promise<readonly Uint8Array[]>;
  /**
   * The bytes are most likely not stored yet (weights that changed since the last save): they are
   * prepared while they hash, instead of after the digest says they are new.
   */
  likelyNew?: boolean;
  /**
   * `read()` returns a fresh buffer of its own (a view over all of it) that nobody else holds: it
   * may travel to the hashing worker without a copy.
   */
  owned?: boolean;
}

/** How `gatherChunks` treats chunks. */
export interface GatherOptions {
  /** Digests believed stored: their bytes are not prepared (the commit checks, and says if one is gone). */
  known: ReadonlySet<string>;
  /** The store's preferred form of chunk bytes (given whole, or as pieces to join in order). */
  prepare(first: Uint8Array, ...rest: Uint8Array[]): Uint8Array | Blob;
  /**
   * `prepare` makes a copy of its own (a Blob): the bytes it was given may change or travel on
   * afterwards, so a likely-new chunk is hashed on the worker while `prepare` runs here.
   */
  preparedIsCopy?: boolean;
  hasher: ChunkHasher;
  /** Prepare every chunk, known or not (the retry after a believed-stored chunk turned out gone). */
  all?: boolean;
}

interface Hashed {
  sha256: string;
  /** The bytes, readable after hashing (undefined when the digest was known without reading). */
  view: Uint8Array | undefined;
  prepared: Uint8Array | Blob | undefined;
}

/** A view that spans its whole buffer, which can therefore be handed over as it is. */
function spansBuffer(view: Uint8Array): boolean {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength;
}

/**
 * A likely-new chunk for a store that copies what it prepares: the bytes travel to the hashing
 * worker (the chunk's own buffer, or a copy of a view that must stay where it is) and the store
 * copies them on this thread meanwhile. Measured on a 2-core machine, an 8 MB chunk's Blob took
 * 8–13 ms and its digest 9–11 ms, one after the other before this.
 */
async function hashWhilePreparing(source: ChunkSource, options: GatherOptions): Promise<Hashed> {
  const view = await source.read();
  const owned = source.owned === true && spansBuffer(view);
  // An owned buffer is about to be handed over: the store copies from the pieces it was joined
  // from, or, without them, before the hand-over (then nothing overlaps, but nothing is wrong).
  const parts = owned ? await source.parts?.() : undefined;
  const early = owned && !parts ? options.prepare(view) : undefined;
  const digest = options.hasher.digestOwned((owned ? view : view.slice()).buffer as ArrayBuffer);
  digest.catch(() => undefined);
  const prepared = early ?? (parts ? options.prepare(...(parts as [Uint8Array])) : options.prepare(view));
  return { sha256: (await digest).sha256, view: undefined, prepared };
}

async function hashSource(source: ChunkSource, options: GatherOptions): Promise<Hashed> {
  if (source.likelyNew && !options.all && options.preparedIsCopy) return hashWhilePreparing(source, options);
  const view = await source.read();
  const prepared = source.likelyNew && !options.all ? options.prepare(view) : undefined;
  if (!source.owned) return { sha256: await options.hasher.digestView(view), view, prepared };
  // The buffer travels to the worker and back; a store that keeps views as they are (memory)
  // prepared the very view that is detached meanwhile, so it is swapped for the one returned.
  const { sha256, buffer } = await options.hasher.digestOwned(view.buffer as ArrayBuffer);
  const back = new Uint8Array(buffer);
  return { sha256, view: back, prepared: prepared === view ? back : prepared };
}

/**
 * Hashes and prepares chunks in order. Every unknown digest is requested at once (the hasher
 * queues them), and chunk i is prepared as soon as its digest arrives, while later ones hash (or at
 * once, for a chunk that is likely new).
 */
export async function gatherChunks(
  sources: readonly ChunkSource[],
  options: GatherOptions,
): Promise<ChunkPayload[]> {
  const hashed = sources.map((source) =>
    source.sha256 === undefined ? hashSource(source, options) : undefined,
  );
  // A failure below abandons later chunks: keep their rejections from going unobserved.
  for (const pending of hashed) pending?.catch(() => undefined);
  const chunks: ChunkPayload[] = [];
  for (const [i, source] of sources.entries()) {
    const pending = hashed[i];
    const { view, prepared, sha256 }: Hashed = pending
      ? await pending
      : { view: undefined, prepared: undefined, sha256: source.sha256 as string };
    if (!options.all && options.known.has(sha256)) {
      chunks.push({ sha256, bytes: source.bytes });
      continue;
    }
    chunks.push({
      sha256,
      bytes: source.bytes,
      data: prepared ?? options.prepare(view ?? (await source.read())),
    });
  }
  return chunks;
}

/**
 * Chunk sources over views that are already in memory (tfjs artifacts, imported files). With
 * `likelyNew` (bytes just handed over to be stored: a save, an import), each chunk is prepared
 * before it is hashed, so the store's copy (Chromium moves a Blob's bytes to the browser process in
 * the background) overlaps the digest instead of following it.
 */
export function viewSources(
  views: readonly Uint8Array[],
  options: { likelyNew?: boolean } = {},
): ChunkSource[] {
  return views.map((view) => ({
    bytes: view.byteLength,
    read: () => view,
    ...(options.likelyNew ? { likelyNew: true } : {}),
  }));
}
