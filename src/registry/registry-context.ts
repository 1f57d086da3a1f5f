// What every registry operation works with: the store, the change channel, the clock, the session
// and the caches a save and a load share. The facade builds one; each concern's functions take it.
import { closestNames, EdgeflowError } from '../errors.ts';
import { ChangeChannel, REGISTRY_CHANNEL } from './change-channel.ts';
import { DEFAULT_CHUNK_BYTES } from './content-hash.ts';
import { type ChunkHasher, createChunkHasher } from './hasher.ts';
import type { RegistrySession } from './session.ts';
import { TensorDigestCache } from './tensor-weights.ts';
import type { ModelStore } from './types.ts';

/** The shared state of one registry. */
export interface RegistryContext {
  readonly store: ModelStore;
  readonly changes: ChangeChannel;
  /** Weight chunk size in bytes. */
  readonly chunkBytes: number;
  readonly now: () => number;
  readonly session: RegistrySession;
  /**
   * Digests of chunks this registry wrote or verified, so a save does not copy bytes the store
   * already holds. Only a hint: the commit checks, and a save retries with every chunk's bytes
   * when a chunk believed stored was deleted meanwhile (by a prune in another tab, say).
   */
  readonly knownChunks: Set<string>;
  readonly tensorDigests: TensorDigestCache;
  /** SHA-256 on a worker of its own (in place where workers are missing). */
  readonly hasher: ChunkHasher;
}

/** The settings a context is built from (a subset of `RegistryOptions`). */
export interface RegistryContextOptions {
  channel?: string | null;
  chunkBytes?: number;
  now?: () => number;
}

/** Builds a registry's context; a deletion announced anywhere clears the known-chunk hint. */
export function createRegistryContext(
  store: ModelStore,
  session: RegistrySession,
  options: RegistryContextOptions,
): RegistryContext {
  const context: RegistryContext = {
    store,
    session,
    changes: new ChangeChannel(options.channel === undefined ? REGISTRY_CHANNEL : options.channel),
    chunkBytes: options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
    now: options.now ?? Date.now,
    knownChunks: new Set<string>(),
    tensorDigests: new TensorDigestCache(),
    hasher: createChunkHasher(),
  };
  context.changes.subscribe((change) => {
    if (change.type === 'versions-deleted') context.knownChunks.clear();
  });
  return context;
}

/** MODEL_NOT_FOUND for `name`, listing the close and the known model names. */
export async function modelNotFound(context: RegistryContext, name: string): Promise<EdgeflowError> {
  const known = (await context.store.listModels()).map((m) => m.name);
  const close = closestNames(name, known);
  return new EdgeflowError(
    'MODEL_NOT_FOUND',
    `No model named "${name}".${close.length ? ` Did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : ''} Known models: ${known.length ? known.join(', ') : 'none yet'}.`,
    { details: { model: name, closest: close, known } },
  );
}

/** Resolves when `model` exists. @throws MODEL_NOT_FOUND */
export async function requireModel(context: RegistryContext, model: string): Promise<void> {
  if (!(await context.store.getModel(model))) throw await modelNotFound(context, model);
}
