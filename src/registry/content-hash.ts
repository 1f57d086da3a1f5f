// SHA-256 through WebCrypto (pages, workers and Node 20 all have `crypto.subtle`), and the split
// of weight bytes into content-addressed chunks.
import { EdgeflowError } from '../errors.ts';

/** The largest chunk the registry stores: big values are slow to clone and may hit per-value limits. */
export const MAX_CHUNK_BYTES = 64 * 1024 * 1024;

/** The default chunk size: small enough to dedupe layers that did not change, big enough to keep records few. */
export const DEFAULT_CHUNK_BYTES = 16 * 1024 * 1024;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function toHex(digest: ArrayBuffer): string {
  const bytes = new Uint8Array(digest);
  let out = '';
  for (const b of bytes) out += HEX[b];
  return out;
}

function subtle(): SubtleCrypto {
  const s = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!s) {
    throw new EdgeflowError(
      'INTERNAL',
      'WebCrypto (crypto.subtle) is missing: the registry needs SHA-256. Serve the page over https or localhost.',
    );
  }
  return s;
}

/** Hex SHA-256 of bytes. */
export async function sha256Hex(data: ArrayBuffer | Uint8Array): Promise<string> {
  return toHex(await subtle().digest('SHA-256', data as BufferSource));
}

/** Hex SHA-256 of a UTF-8 string. */
export function sha256HexOfText(text: string): Promise<string> {
  return sha256Hex(new TextEncoder().encode(text));
}

/** The digest naming a whole weight blob: SHA-256 of the chunk digests joined in order. */
export function weightsDigest(chunkDigests: readonly string[]): Promise<string> {
  return sha256HexOfText(chunkDigests.join(''));
}

/**
 * Cuts weight data (one buffer or tfjs's list of buffers) into views of at most `chunkBytes`.
 * A chunk that spans two input buffers is copied into one; everything else is a view (no copy).
 */
export function splitIntoChunks(
  weightData: ArrayBuffer | readonly ArrayBuffer[],
  chunkBytes = DEFAULT_CHUNK_BYTES,
): Uint8Array[] {
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `chunkBytes must be an integer from 1 to ${MAX_CHUNK_BYTES} (64 MiB); got ${chunkBytes}.`,
      { details: { field: 'chunkBytes', value: chunkBytes } },
    );
  }
  const segments = (Array.isArray(weightData) ? weightData : [weightData]) as readonly ArrayBuffer[];
  const total = segments.reduce((sum, s) => sum + s.byteLength, 0);
  const chunks: Uint8Array[] = [];
  let segment = 0;
  let segmentOffset = 0;
  for (let start = 0; start < total; start += chunkBytes) {
    const length = Math.min(chunkBytes, total - start);
    const first = segments[segment] as ArrayBuffer;
    if (first.byteLength - segmentOffset >= length) {
      chunks.push(new Uint8Array(first, segmentOffset, length));
      segmentOffset += length;
      if (segmentOffset === first.byteLength) {
        segment++;
        segmentOffset = 0;
      }
      continue;
    }
    const joined = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const current = segments[segment] as ArrayBuffer;
      const take = Math.min(current.byteLength - segmentOffset, length - filled);
      joined.set(new Uint8Array(current, segmentOffset, take), filled);
      filled += take;
      segmentOffset += take;
      if (segmentOffset === current.byteLength) {
        segment++;
        segmentOffset = 0;
      }
    }
    chunks.push(joined);
  }
  return chunks;
}
