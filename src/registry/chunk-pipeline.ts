// Turns weight bytes into the chunk payloads a version commit stores, overlapping the two costly
// steps: WebCrypto hashes chunks on its own thread while this thread copies earlier chunks into
// the store's preferred form (a Blob for IndexedDB). Chunks believed stored already are neither
// copied nor, when their digest is known, even read.
import { sha256Hex } from './content-hash.ts';
import type { ChunkPayload } from './types.ts';

/** One chunk to store: its size, its digest when known without reading, and its bytes on demand. */
export interface ChunkSource {
  bytes: number;
  /** The SHA-256, when it is known without reading (a cached digest of unchanged tensors). */
  sha256?: string;
  /** The chunk's bytes; called at most once per gathering. */
  read(): Uint8Array | Promise<Uint8Array>;
}

/** How `gatherChunks` treats chunks. */
export interface GatherOptions {
  /** Digests believed stored: their bytes are not prepared (the commit checks, and says if one is gone). */
  known: ReadonlySet<string>;
  /** The store's preferred form of chunk bytes. */
  prepare(view: Uint8Array): Uint8Array | Blob;
  /** Prepare every chunk, known or not (the retry after a believed-stored chunk turned out gone). */
  all?: boolean;
}

/**
 * Hashes and prepares chunks in order. Every unknown digest is requested at once (WebCrypto queues
 * them on its thread), and chunk i is prepared as soon as its digest arrives, while later ones hash.
 */
export async function gatherChunks(
  sources: readonly ChunkSource[],
  options: GatherOptions,
): Promise<ChunkPayload[]> {
  const hashed = sources.map((source) =>
    source.sha256 === undefined
      ? (async () => {
          const view = await source.read();
          return { view, sha256: await sha256Hex(view) };
        })()
      : undefined,
  );
  // A failure below abandons later chunks: keep their rejections from going unobserved.
  for (const pending of hashed) pending?.catch(() => undefined);
  const chunks: ChunkPayload[] = [];
  for (const [i, source] of sources.entries()) {
    const pending = hashed[i];
    const { view, sha256 } = pending ? await pending : { view: undefined, sha256: source.sha256 as string };
    if (!options.all && options.known.has(sha256)) {
      chunks.push({ sha256, bytes: source.bytes });
      continue;
    }
    chunks.push({ sha256, bytes: source.bytes, data: options.prepare(view ?? (await source.read())) });
  }
  return chunks;
}

/** Chunk sources over views that are already in memory (tfjs artifacts, imported files). */
export function viewSources(views: readonly Uint8Array[]): ChunkSource[] {
  return views.map((view) => ({ bytes: view.byteLength, read: () => view }));
}
