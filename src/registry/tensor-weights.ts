// Weight chunks straight from a live tfjs model's tensors, for `registry.saveModel`: no concatenated
// copy of all weights (what `model.save()` builds first), and a digest cache keyed by tensor data
// identity, so saving a model whose weights did not change reads and hashes nothing.
//
// Why identity is enough: tfjs tensors are immutable, and a variable that changes (an optimizer
// step, `setWeights`, `assign`) gets a new `dataId` object. The cache holds `dataId`s weakly.
// Only tfjs TYPES are used here; the caller's model brings its own tfjs.
import { EdgeflowError } from '../errors.ts';
import type { WeightSpec } from '../schemas/registry.ts';
import type { ChunkSource } from './chunk-pipeline.ts';

/** The tensor surface `saveModel` reads (a tfjs `Tensor`/`Variable`). */
export interface TensorLike {
  readonly dataId: object;
  readonly shape: readonly number[];
  readonly dtype: string;
  clone(): TensorLike;
  data(): Promise<ArrayBufferView>;
  dispose(): void;
}

/** The model surface `saveModel` reads (a tfjs `LayersModel`). */
export interface LayersModelLike {
  readonly weights: readonly { readonly originalName: string; read(): TensorLike }[];
  toJSON(unused?: null, returnString?: boolean): unknown;
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** Remembers chunk digests by the identity of the tensor data they were cut from. */
export class TensorDigestCache {
  private readonly serials = new WeakMap<object, number>();
  private nextSerial = 1;
  private readonly digests = new Map<string, string>();

  constructor(private readonly limit = 4096) {}

  /** A number naming `dataId` for as long as it lives (serials are never reused). */
  serial(dataId: object): number {
    let serial = this.serials.get(dataId);
    if (serial === undefined) {
      serial = this.nextSerial++;
      this.serials.set(dataId, serial);
    }
    return serial;
  }

  get(key: string): string | undefined {
    return this.digests.get(key);
  }

  set(key: string, sha256: string): void {
    this.digests.delete(key);
    this.digests.set(key, sha256);
    // Oldest first: a Map iterates in insertion order.
    while (this.digests.size > this.limit) {
      const oldest = this.digests.keys().next().value as string;
      this.digests.delete(oldest);
    }
  }
}

/** A model's weights pinned for one save: specs, chunk sources, and the cache keys of the chunks. */
export interface PinnedWeights {
  weightSpecs: WeightSpec[];
  bytes: number;
  sources: ChunkSource[];
  /** Cache key of each chunk (the tensor data and byte ranges it is cut from). */
  keys: string[];
  /** Releases the pinned tensors. */
  release(): void;
}

/**
 * Pins the model's current weight tensors (clones share data, so later training cannot change what
 * is saved) and describes the chunks cut from them, in tfjs's weight order and byte layout.
 * @throws INVALID_ARGUMENT for weights of a dtype the fast path cannot lay out (string, complex64)
 */
export function pinWeights(
  modelName: string,
  source: LayersModelLike,
  chunkBytes: number,
  cache: TensorDigestCache,
): PinnedWeights {
  const pinned: TensorLike[] = [];
  const release = () => {
    for (const tensor of pinned) tensor.dispose();
  };
  try {
    const weightSpecs: WeightSpec[] = [];
    const offsets: number[] = [];
    let total = 0;
    for (const weight of source.weights) {
      const tensor = weight.read().clone();
      pinned.push(tensor);
      const per = BYTES_PER_ELEMENT[tensor.dtype];
      if (per === undefined) {
        throw new EdgeflowError(
          'INVALID_ARGUMENT',
          `Cannot save "${modelName}" with saveModel: weight "${weight.originalName}" has dtype ${tensor.dtype}. Use tfModel.save(registry.saveHandler("${modelName}")) for such models.`,
          {
            details: { model: modelName, field: 'weights', weight: weight.originalName, dtype: tensor.dtype },
          },
        );
      }
      weightSpecs.push({
        name: weight.originalName,
        shape: [...tensor.shape],
        dtype: tensor.dtype as WeightSpec['dtype'],
      });
      offsets.push(total);
      total += tensor.shape.reduce((n, d) => n * d, 1) * per;
    }
    const bytesOf = pinned.map((_, i) => (offsets[i + 1] ?? total) - (offsets[i] as number));
    const data = new Map<number, Promise<ArrayBufferView>>();
    const dataOf = (i: number) => {
      let pending = data.get(i);
      if (!pending) {
        pending = (pinned[i] as TensorLike).data();
        data.set(i, pending);
      }
      return pending;
    };
    /** The bytes `from`–`to` of weight `weight`: a view of its data, no copy. */
    const pieceOf = async (s: { weight: number; from: number; to: number }) => {
      const view = await dataOf(s.weight);
      return new Uint8Array(view.buffer, view.byteOffset + s.from, s.to - s.from);
    };
    const sources: ChunkSource[] = [];
    const keys: string[] = [];
    for (let start = 0; start < total; start += chunkBytes) {
      const end = Math.min(start + chunkBytes, total);
      const segments: { weight: number; from: number; to: number; at: number }[] = [];
      for (let i = 0; i < pinned.length; i++) {
        const from = Math.max(start, offsets[i] as number);
        const to = Math.min(end, (offsets[i] as number) + (bytesOf[i] as number));
        if (from < to)
          segments.push({
            weight: i,
            from: from - (offsets[i] as number),
            to: to - (offsets[i] as number),
            at: from - start,
          });
      }
      const key = segments
        .map((s) => `${cache.serial((pinned[s.weight] as TensorLike).dataId)}:${s.from}-${s.to}`)
        .join(',');
      keys.push(key);
      const cached = cache.get(key);
      sources.push({
        bytes: end - start,
        ...(cached === undefined ? { likelyNew: true } : { sha256: cached }),
        owned: segments.length > 1,
        ...(segments.length > 1 ? { parts: () => Promise.all(segments.map(pieceOf)) } : {}),
        read: async () => {
          const only = segments.length === 1 ? segments[0] : undefined;
          // Within one tensor: a view of its data, no copy (the store and WebCrypto copy anyway).
          if (only) return pieceOf(only);
          const out = new Uint8Array(end - start);
          for (const s of segments) out.set(await pieceOf(s), s.at);
          return out;
        },
      });
    }
    return { weightSpecs, bytes: total, sources, keys, release };
  } catch (error) {
    release();
    throw error;
  }
}
