// Turns weight bytes into the chunk payloads a version commit stores: SHA-256 digests (on the
// hasher's worker for buffers of the pipeline's own, in place for views it must not detach) and
// the store's preferred form of the bytes (a Blob for IndexedDB), prepared before the digest when
// the chunk is likely new. When that form is a copy of its own (a Blob), a likely-new chunk joined
// from several tensors goes to the worker while this thread copies the pieces, so the two overlap.
// Chunks believed stored already are neither copied nor, when their digest is known, even read.
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
  /**
   * The store's preferred form of chunk bytes: one view, or, only when `preparedIsCopy`, the
   * pieces to join in order.
   */
  prepare(first: Uint8Array, ...rest: Uint8Array[]): Uint8Array | Blob;
  /**
   * `prepare` makes a copy of its own (a Blob): the bytes it was given may change or travel on
   * afterwards, so a likely-new chunk joined from pieces is hashed on the worker while `prepare`
   * copies the pieces here.
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

/**
 * A likely-new chunk joined from several tensors, for a store that copies what it prepares: the
 * joined buffer travels to the hashing worker and the store copies the tensors' pieces on this
 * thread meanwhile, so the digest and the copy overlap. Measured in one page on a 2-core machine
 * (16 alternated saves of a 2M-parameter model, one 8 MB chunk of four tensors): 38.7–40.3 ms
 * against 44.6–46.5 with the copy after the digest. Views into a single tensor are not copied for
 * the worker: that copy cost more than the overlap saved (tfjs's save-handler path: 47–48.5 ms
 * against 41.5–44).
 */
async function hashWhilePreparing(
  view: Uint8Array,
  parts: readonly Uint8Array[],
  options: GatherOptions,
): Promise<Hashed> {
  const digest = options.hasher.digestOwned(view.buffer as ArrayBuffer);
  digest.catch(() => undefined);
  const prepared = options.prepare(...(parts as [Uint8Array]));
  return { sha256: (await digest).sha256, view: undefined, prepared };
}

async function hashSource(source: ChunkSource, options: GatherOptions): Promise<Hashed> {
  const view = await source.read();
  const likelyNew = source.likelyNew && !options.all;
  if (likelyNew && options.preparedIsCopy && source.owned && source.parts) {
    const whole = view.byteOffset === 0 && view.byteLength === view.buffer.byteLength;
    if (whole) return hashWhilePreparing(view, await source.parts(), options);
  }
  const prepared = likelyNew ? options.prepare(view) : undefined;
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
