// The registry facade: every compound operation (register, promote, copy, export, import, prune,
// queries) written once against the `ModelStore` interface, so IndexedDB and memory behave alike.
import type { io } from '@tensorflow/tfjs';
import { unzipSync, zipSync } from 'fflate';
import { closestNames, EdgeflowError, isEdgeflowError } from '../errors.ts';
import {
  type AliasMove,
  aliasNameSchema,
  type ColumnDtype,
  type DatasetColumnInfo,
  type DatasetRecord,
  datasetRecordSchema,
  type Model,
  type ModelVersion,
  modelNameSchema,
  modelVersionSchema,
  type Run,
  type RunHistoryEntry,
  type RunStatus,
  runSchema,
  type VersionSource,
  type WeightChunkRef,
} from '../schemas/registry.ts';
import { checkArtifacts, toModelArtifacts } from './artifacts.ts';
import { ChangeChannel, REGISTRY_CHANNEL } from './change-channel.ts';
import { type ChunkSource, gatherChunks, viewSources } from './chunk-pipeline.ts';
import { DEFAULT_CHUNK_BYTES, sha256Hex, splitIntoChunks, weightsDigest } from './content-hash.ts';
import { buildExportFiles } from './export-files.ts';
import { zipFilesToBlob } from './export-zip.ts';
import { type ChunkHasher, createChunkHasher } from './hasher.ts';
import { type ImportFiles, verifyImportFiles } from './import-files.ts';
import { IndexedDbModelStore } from './indexeddb-store.ts';
import {
  createLoadHandler,
  createSaveHandler,
  type RegistryLoadHandler,
  type RegistrySaveHandler,
} from './io-handlers.ts';
import { MemoryModelStore } from './memory-store.ts';
import { estimateStorage, type PersistenceResult, requestPersistence } from './quota.ts';
import { type RegistrySession, startSession } from './session.ts';
import { type LayersModelLike, type PinnedWeights, pinWeights, TensorDigestCache } from './tensor-weights.ts';
import { readTfjsIndexedDbModel } from './tfjs-indexeddb.ts';
import type {
  ChunkPayload,
  DatasetChunk,
  DeleteDraftsResult,
  DeleteVersionsResult,
  DraftStats,
  ExportedFile,
  Lineage,
  ListRunsOptions,
  ListVersionsOptions,
  ModelDraft,
  ModelStore,
  RegistryChangeListener,
  RunPage,
  StorageEstimate,
  VersionDraft,
  VersionPage,
} from './types.ts';

type Json = ModelVersion['pipeline'];

/** Options of `createRegistry`. */
export interface RegistryOptions {
  /** Where to keep everything. Default: IndexedDB where the realm has it, memory otherwise. */
  store?: ModelStore;
  /** BroadcastChannel name for change announcements; null turns announcing off. Default `edgeflow-registry`. */
  channel?: string | null;
  /** Weight chunk size in bytes (≤ 64 MiB). Default 16 MiB. */
  chunkBytes?: number;
  /** Clock (ms since the epoch); tests pass a fake one. */
  now?: () => number;
}

/** Metadata stored with a version besides its artifacts. */
export interface VersionMetadataInput {
  /** The fitted pipeline (opaque JSON). */
  pipeline?: Json;
  /** The reference profile for drift (opaque JSON). */
  profile?: Json;
  /** The input signature: columns and types (opaque JSON). */
  signature?: Json;
  metrics?: Record<string, Json>;
  runId?: string | null;
  datasetFingerprint?: string | null;
  tags?: string[];
  description?: string;
  /** Progress of a save: `hashing` first, then `writing` right before the transaction starts. */
  onProgress?: (progress: { stage: 'hashing' | 'writing'; bytes: number }) => void;
}

/** Input of `registerVersion`. */
export interface RegisterVersionInput extends VersionMetadataInput {
  model: string;
  /** tfjs artifacts, e.g. from a save handler or `tf.io.withSaveHandler`. */
  artifacts: io.ModelArtifacts;
}

/** Options of an alias move. */
export interface MoveAliasOptions {
  /** Why: kept in the append-only log. Required. */
  reason: string;
  /** The promotion gate's report, if a gate decided (opaque JSON). */
  gateReport?: Json;
  /**
   * Compare-and-set: move only if the alias still points at this version (null: only if the alias
   * does not exist yet), checked in the same transaction as the move. A promotion passes the
   * version its gate scored, so a champion changed meanwhile is never silently replaced.
   */
  expectedVersion?: number | null;
}

/** Options of `prune`. */
export interface PruneOptions {
  /** How many of the newest versions to keep (≥ 0). */
  keepLast: number;
  /** Keep versions an alias points at (default true). With false, their aliases are removed (and logged). */
  keepAliased?: boolean;
}

/** Input of `createRun`. */
export interface CreateRunInput {
  /** Default: a random UUID. */
  id?: string;
  spec: Json;
  datasetFingerprint?: string | null;
  pipeline?: Json;
  backend?: string | null;
  adapter?: Json;
  seed?: number | null;
  /** Default `running`. */
  status?: RunStatus;
  tags?: string[];
}

/** Fields `updateRun` may change; `appendHistory` adds epochs after the stored ones. */
export type RunPatch = Partial<
  Pick<
    Run,
    | 'spec'
    | 'datasetFingerprint'
    | 'pipeline'
    | 'backend'
    | 'adapter'
    | 'seed'
    | 'status'
    | 'history'
    | 'metrics'
    | 'timings'
    | 'error'
    | 'parity'
    | 'tags'
    | 'notes'
  >
> & { appendHistory?: RunHistoryEntry[] };

/** Input of `putDataset`. */
export interface PutDatasetInput {
  fingerprint: string;
  name: string;
  /** The dataset schema (opaque JSON, defined by `edgeflow/data`). */
  schema: Json;
  profile?: Json;
  rowCount: number;
  /** Columnar data: each chunk holds the same columns for a slice of the rows. */
  chunks: readonly DatasetChunk[];
}

/** Options of `importVersion`. */
export interface ImportVersionOptions {
  /** Store under another model name. */
  model?: string;
  /** `keep` (default) keeps the exported number (VERSION_CONFLICT if used); `next` allocates a new one. */
  version?: 'keep' | 'next';
}

const DTYPE_SIZE: Record<ColumnDtype, number> = { float32: 4, float64: 8, int32: 4, uint32: 4, uint8: 1 };

function invalid(message: string, details: Record<string, unknown>): EdgeflowError {
  return new EdgeflowError('INVALID_ARGUMENT', message, { details });
}

function checkModelName(name: unknown): string {
  const parsed = modelNameSchema.safeParse(name);
  if (!parsed.success) {
    throw invalid(`Model name ${JSON.stringify(name)} is invalid: ${parsed.error.issues[0]?.message ?? ''}`, {
      field: 'model',
      value: String(name),
    });
  }
  return parsed.data;
}

function checkAliasName(name: unknown): string {
  const parsed = aliasNameSchema.safeParse(name);
  if (!parsed.success) {
    throw invalid(`Alias ${JSON.stringify(name)} is invalid: ${parsed.error.issues[0]?.message ?? ''}`, {
      field: 'alias',
      value: String(name),
    });
  }
  return parsed.data;
}

function page<T>(
  items: readonly T[],
  offset = 0,
  limit = 50,
): { items: T[]; total: number; nextOffset: number | null } {
  if (!Number.isInteger(offset) || offset < 0)
    throw invalid(`offset must be an integer ≥ 0; got ${offset}.`, { field: 'offset', value: offset });
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw invalid(`limit must be an integer from 1 to 1000; got ${limit}.`, { field: 'limit', value: limit });
  }
  const slice = items.slice(offset, offset + limit);
  return {
    items: slice,
    total: items.length,
    nextOffset: offset + slice.length < items.length ? offset + slice.length : null,
  };
}

/**
 * The model registry: immutable versions, aliases with an audit log, runs, datasets, lineage,
 * tfjs IOHandlers and export/import. Create it with `createRegistry()`.
 */
export class Registry {
  /** The storage medium. */
  readonly store: ModelStore;
  private readonly changes: ChangeChannel;
  private readonly chunkBytes: number;
  private readonly now: () => number;
  private readonly session: RegistrySession;
  /**
   * Digests of chunks this registry wrote or verified, so a save does not copy bytes the store
   * already holds. Only a hint: the commit checks, and a save retries with every chunk's bytes
   * when a chunk believed stored was deleted meanwhile (by a prune in another tab, say).
   */
  private readonly knownChunks = new Set<string>();
  private readonly tensorDigests = new TensorDigestCache();
  /** SHA-256 on a worker of its own (in place where workers are missing). */
  private readonly hasher: ChunkHasher = createChunkHasher();

  /** Use `createRegistry()`: it opens the store and marks interrupted runs. */
  constructor(store: ModelStore, session: RegistrySession, options: RegistryOptions) {
    this.store = store;
    this.session = session;
    this.changes = new ChangeChannel(options.channel === undefined ? REGISTRY_CHANNEL : options.channel);
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.now = options.now ?? Date.now;
    this.changes.subscribe((change) => {
      if (change.type === 'versions-deleted') this.knownChunks.clear();
    });
  }

  /** This registry's session id: the `owner` of runs it creates. */
  get sessionId(): string {
    return this.session.id;
  }

  /** Listens to changes made here and in other tabs and workers; returns the unsubscribe function. */
  subscribe(listener: RegistryChangeListener): () => void {
    return this.changes.subscribe(listener);
  }

  /** Ends the session (its running runs count as interrupted from now on) and closes the store. */
  async close(): Promise<void> {
    this.changes.close();
    this.hasher.close();
    this.session.end();
    await this.store.close();
  }

  // ── models ────────────────────────────────────────────────────────────────────────────────

  /** Every model, by name. */
  listModels(): Promise<Model[]> {
    return this.store.listModels();
  }

  /** One model. @throws MODEL_NOT_FOUND listing close names */
  async getModel(name: string): Promise<Model> {
    const model = await this.store.getModel(name);
    if (!model) throw await this.modelNotFound(name);
    return model;
  }

  /** Creates a model or updates its description and tags. @throws INVALID_ARGUMENT */
  async upsertModel(name: string, patch: { description?: string; tags?: string[] } = {}): Promise<Model> {
    const model = await this.store.upsertModel(checkModelName(name), patch, this.now());
    this.changes.announce({ type: 'model-updated', model: model.name });
    return model;
  }

  private async modelNotFound(name: string): Promise<EdgeflowError> {
    const known = (await this.store.listModels()).map((m) => m.name);
    const close = closestNames(name, known);
    return new EdgeflowError(
      'MODEL_NOT_FOUND',
      `No model named "${name}".${close.length ? ` Did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : ''} Known models: ${known.length ? known.join(', ') : 'none yet'}.`,
      { details: { model: name, closest: close, known } },
    );
  }

  // ── versions ──────────────────────────────────────────────────────────────────────────────

  /**
   * Resolves a version number, `'latest'` or an alias to the stored version.
   * @throws MODEL_NOT_FOUND (unknown model or alias, with close names); VERSION_NOT_FOUND
   */
  async getVersion(model: string, versionOrAlias: number | string = 'latest'): Promise<ModelVersion> {
    // The model check and the first lookup run together: a load pays one round trip, not two.
    const exists = this.store.getModel(model).then((m) => m !== undefined);
    const ensureModel = async () => {
      if (!(await exists)) throw await this.modelNotFound(model);
    };
    let number: number;
    let found: ModelVersion | undefined;
    if (typeof versionOrAlias === 'number' || /^\d+$/.test(versionOrAlias)) {
      number = Number(versionOrAlias);
      [, found] = await Promise.all([ensureModel(), this.store.getVersion(model, number)]);
    } else if (versionOrAlias === 'latest') {
      const [, last] = await Promise.all([ensureModel(), this.store.latestVersion(model)]);
      if (!last) {
        throw new EdgeflowError(
          'VERSION_NOT_FOUND',
          `Model "${model}" has no versions yet; register one first.`,
          {
            details: { model, version: 'latest' },
          },
        );
      }
      return last;
    } else {
      const [, alias] = await Promise.all([ensureModel(), this.store.getAlias(model, versionOrAlias)]);
      if (!alias) {
        const known = (await this.store.listAliases(model)).map((a) => a.alias);
        const close = closestNames(versionOrAlias, known);
        throw new EdgeflowError(
          'MODEL_NOT_FOUND',
          `"${model}" has no alias "${versionOrAlias}".${close.length ? ` Did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : ''} Its aliases: ${known.length ? known.join(', ') : 'none'}.`,
          { details: { model, alias: versionOrAlias, closest: close, known } },
        );
      }
      number = alias.version;
      found = await this.store.getVersion(model, number);
    }
    if (!found) {
      const existing = (await this.store.listVersions(model)).map((v) => v.version);
      throw new EdgeflowError(
        'VERSION_NOT_FOUND',
        `"${model}" has no version ${number}. Existing versions: ${existing.length ? existing.slice(-20).join(', ') : 'none'}.`,
        { details: { model, version: number, existing: existing.slice(-20) } },
      );
    }
    return found;
  }

  /**
   * Versions of a model, filtered by tag or alias, ordered by number, creation time or a metric, paged.
   * Versions without a numeric value of the ordering metric come last.
   * @throws MODEL_NOT_FOUND; INVALID_ARGUMENT (bad paging)
   */
  async listVersions(model: string, options: ListVersionsOptions = {}): Promise<VersionPage> {
    if (!(await this.store.getModel(model))) throw await this.modelNotFound(model);
    let versions = await this.store.listVersions(model);
    if (options.tag !== undefined) versions = versions.filter((v) => v.tags.includes(options.tag as string));
    if (options.alias !== undefined) {
      const alias = await this.store.getAlias(model, options.alias);
      versions = versions.filter((v) => v.version === alias?.version);
    }
    const order = options.order ?? { by: 'version', direction: 'desc' };
    const sign = (order.direction ?? 'desc') === 'asc' ? 1 : -1;
    const sorted = [...versions];
    if (order.by === 'metric') {
      const value = (v: ModelVersion): number | null => {
        const m = v.metrics[order.metric];
        return typeof m === 'number' && Number.isFinite(m) ? m : null;
      };
      sorted.sort((a, b) => {
        const x = value(a);
        const y = value(b);
        if (x === null || y === null) return x === y ? b.version - a.version : x === null ? 1 : -1;
        return sign * (x - y) || b.version - a.version;
      });
    } else {
      const key = order.by;
      sorted.sort((a, b) => sign * (a[key] - b[key]) || sign * (a.version - b.version));
    }
    return page(sorted, options.offset, options.limit);
  }

  /**
   * Registers tfjs artifacts as a new, immutable version. Weights are hashed first, then the
   * version and its new weight chunks are written in one transaction: all or nothing.
   *
   * @example
   * const v = await registry.registerVersion({ model: 'iris', artifacts, metrics: { accuracy: 0.97 }, runId });
   * @throws INVALID_ARGUMENT (name, artifacts, wrong weights length, non-JSON metadata); QUOTA_EXCEEDED
   */
  registerVersion(input: RegisterVersionInput): Promise<ModelVersion> {
    return this.registerArtifacts(input, { kind: 'register', from: null });
  }

  private async registerArtifacts(input: RegisterVersionInput, source: VersionSource): Promise<ModelVersion> {
    const model = checkModelName(input.model);
    const checked = checkArtifacts(model, input.artifacts);
    const views = splitIntoChunks(checked.weightData, this.chunkBytes);
    const total = views.reduce((sum, v) => sum + v.byteLength, 0);
    input.onProgress?.({ stage: 'hashing', bytes: total });
    const draft: Omit<VersionDraft, 'weights'> = {
      ...this.metadata(input),
      format: checked.format,
      generatedBy: checked.generatedBy,
      convertedBy: checked.convertedBy,
      topology: checked.topology,
      trainingConfig: checked.trainingConfig,
      weightSpecs: checked.weightSpecs,
      source,
    };
    return (
      await this.storeVersion(model, draft, viewSources(views), {
        onWriting: () => input.onProgress?.({ stage: 'writing', bytes: total }),
      })
    ).version;
  }

  /**
   * Registers a live tfjs `LayersModel` as a new version, reading weights straight from its tensors.
   * Faster than `tfModel.save(registry.saveHandler(name))`: no concatenated copy of all weights, and
   * chunks cut from tensors that did not change since this registry last saved them are neither
   * read nor hashed again (tfjs gives a changed variable new data, so identity is a safe test).
   * Optimizer state is not saved; use the save handler with `{ includeOptimizer: true }` for it.
   *
   * @example
   * const v1 = await registry.saveModel('iris', model, { metrics: { accuracy: 0.97 } });
   * const v2 = await registry.saveModel('iris', model); // unchanged weights: metadata only
   * @throws INVALID_ARGUMENT (name, string/complex weights, non-JSON metadata); QUOTA_EXCEEDED
   */
  async saveModel(
    model: string,
    tfModel: LayersModelLike,
    options: VersionMetadataInput = {},
  ): Promise<ModelVersion> {
    const name = checkModelName(model);
    const pinned = pinWeights(name, tfModel, this.chunkBytes, this.tensorDigests);
    try {
      const draft = this.liveModelDraft(name, tfModel, pinned, options);
      const { result: version, chunks } = await this.writeWithChunks(pinned.sources, (chunks, weights) =>
        this.commit(name, { ...draft, weights }, chunks, {
          onWriting: () => options.onProgress?.({ stage: 'writing', bytes: pinned.bytes }),
        }),
      );
      this.rememberDigests(pinned.keys, chunks);
      return version;
    } finally {
      pinned.release();
    }
  }

  /** The version fields of a live model's save (weights aside), checked; reports `hashing`. */
  private liveModelDraft(
    name: string,
    tfModel: LayersModelLike,
    pinned: PinnedWeights,
    options: VersionMetadataInput,
  ): Omit<VersionDraft, 'weights'> {
    const topology = tfModel.toJSON(null, false);
    const checked = checkArtifacts(
      name,
      { modelTopology: topology as object, weightSpecs: pinned.weightSpecs as io.WeightsManifestEntry[] },
      pinned.bytes,
    );
    options.onProgress?.({ stage: 'hashing', bytes: pinned.bytes });
    return {
      ...this.metadata(options),
      format: 'layers-model',
      generatedBy: 'edgeflow registry.saveModel',
      convertedBy: null,
      topology: checked.topology,
      trainingConfig: null,
      weightSpecs: checked.weightSpecs,
      source: { kind: 'register', from: null },
    };
  }

  private rememberDigests(keys: readonly string[], chunks: readonly ChunkPayload[]): void {
    for (const [i, key] of keys.entries()) this.tensorDigests.set(key, (chunks[i] as ChunkPayload).sha256);
  }

  /**
   * Gathers chunks (hashing and preparing them in a pipeline), commits the version, and retries once
   * with every chunk's bytes if a chunk this registry believed stored was deleted meanwhile.
   */
  private async storeVersion(
    model: string,
    draft: Omit<VersionDraft, 'weights'>,
    sources: readonly ChunkSource[],
    options: { version?: number; onWriting?: () => void },
  ): Promise<{ version: ModelVersion; chunks: ChunkPayload[] }> {
    const { result: version, chunks } = await this.writeWithChunks(sources, (chunks, weights) =>
      this.commit(model, { ...draft, weights }, chunks, options),
    );
    return { version, chunks };
  }

  /** `storeVersion` for any write of chunks plus a record (a version commit, a draft). */
  private async writeWithChunks<T>(
    sources: readonly ChunkSource[],
    write: (chunks: readonly ChunkPayload[], weights: VersionDraft['weights']) => Promise<T>,
  ): Promise<{ result: T; chunks: ChunkPayload[] }> {
    const prepare = (view: Uint8Array) => this.store.prepareChunk?.(view) ?? view;
    let chunks = await gatherChunks(sources, { known: this.knownChunks, prepare, hasher: this.hasher });
    const weights = await this.weightsOf(chunks);
    let result: T;
    try {
      result = await write(chunks, weights);
    } catch (error) {
      const omitted = chunks.some((c) => c.data === undefined);
      const details = isEdgeflowError(error, 'INTEGRITY_FAILED') ? error.details : undefined;
      if (!omitted || (details as { missingChunk?: unknown } | undefined)?.missingChunk !== true) throw error;
      this.knownChunks.clear();
      const withDigests = sources.map((s, i) => ({ ...s, sha256: (chunks[i] as ChunkPayload).sha256 }));
      chunks = await gatherChunks(withDigests, {
        known: this.knownChunks,
        prepare,
        hasher: this.hasher,
        all: true,
      });
      result = await write(chunks, weights);
    }
    for (const chunk of chunks) this.knownChunks.add(chunk.sha256);
    return { result, chunks };
  }

  private metadata(
    input: VersionMetadataInput,
  ): Pick<
    VersionDraft,
    'description' | 'runId' | 'datasetFingerprint' | 'pipeline' | 'profile' | 'signature' | 'metrics' | 'tags'
  > {
    return {
      description: input.description ?? '',
      runId: input.runId ?? null,
      datasetFingerprint: input.datasetFingerprint ?? null,
      pipeline: input.pipeline ?? null,
      profile: input.profile ?? null,
      signature: input.signature ?? null,
      metrics: input.metrics ?? {},
      tags: input.tags ?? [],
    };
  }

  private async weightsOf(chunks: readonly ChunkPayload[]): Promise<VersionDraft['weights']> {
    return {
      sha256: await weightsDigest(chunks.map((c) => c.sha256)),
      bytes: chunks.reduce((sum, c) => sum + c.bytes, 0),
      chunks: chunks.map((c) => ({ sha256: c.sha256, bytes: c.bytes })),
    };
  }

  private async commit(
    model: string,
    draft: VersionDraft,
    chunks: readonly ChunkPayload[],
    options: { version?: number; onWriting?: () => void },
  ): Promise<ModelVersion> {
    const at = this.now();
    checkVersionRecord(model, draft, options.version ?? 1, at);
    const result = await this.store.commitVersion({
      model,
      ...(options.version === undefined ? {} : { version: options.version }),
      modelDefaults: { description: '', tags: [] },
      draft,
      chunks,
      at,
      ...(options.onWriting ? { onWriting: options.onWriting } : {}),
    });
    this.changes.announce({ type: 'version-registered', model, version: result.version.version });
    return result.version;
  }

  /**
   * Reads and verifies a version's weight bytes chunk by chunk; corrupted weights are never returned.
   * @throws INTEGRITY_FAILED
   */
  async loadWeights(version: ModelVersion): Promise<ArrayBuffer[]> {
    const refs = version.weights.chunks;
    // Each chunk is hashed as soon as its bytes arrive, while later chunks are still being read.
    // The buffer travels to the hashing worker and back; the one read is detached meanwhile.
    const hashed: Promise<{ sha256: string | null; buffer: ArrayBuffer }>[] = [];
    const data = await this.store.readChunks(refs, (i, buffer) => {
      const pending =
        buffer.byteLength === refs[i]?.bytes
          ? this.hasher.digestOwned(buffer)
          : Promise.resolve({ sha256: null, buffer });
      pending.catch(() => undefined);
      hashed[i] = pending;
    });
    const verified = await Promise.all(
      data.map(async (read, i) => {
        const result = await hashed[i];
        const buffer = result?.buffer ?? read;
        await this.verifyChunk(version, refs[i] as WeightChunkRef, buffer, result?.sha256);
        return buffer as ArrayBuffer;
      }),
    );
    for (const ref of refs) this.knownChunks.add(ref.sha256);
    return verified;
  }

  private async verifyChunk(
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
   * The tfjs artifacts of a version (weights verified): what `tf.loadLayersModel(handler)` consumes.
   * `weightData` is one ArrayBuffer for a single chunk, tfjs's list of buffers otherwise.
   * @throws MODEL_NOT_FOUND; VERSION_NOT_FOUND; INTEGRITY_FAILED
   */
  async loadArtifacts(model: string, versionOrAlias: number | string = 'latest'): Promise<io.ModelArtifacts> {
    const version = await this.getVersion(model, versionOrAlias);
    const weights = await this.loadWeights(version);
    return toModelArtifacts(version, weights.length === 1 ? (weights[0] as ArrayBuffer) : weights);
  }

  /** A tfjs IOHandler whose `save` registers a new version: `await tfModel.save(registry.saveHandler('iris'))`. */
  saveHandler(model: string, options: VersionMetadataInput = {}): RegistrySaveHandler {
    return createSaveHandler(this, checkModelName(model), options);
  }

  /** A tfjs IOHandler that loads a version: `await tf.loadLayersModel(registry.loadHandler('iris', 'champion'))`. */
  loadHandler(model: string, versionOrAlias: number | string = 'latest'): RegistryLoadHandler {
    return createLoadHandler(this, model, versionOrAlias);
  }

  /**
   * Copies a version into a model (the same or another) as a new version that shares the weight
   * chunks: nothing is rewritten.
   * @throws MODEL_NOT_FOUND; VERSION_NOT_FOUND; INVALID_ARGUMENT
   */
  async copyVersion(
    fromModel: string,
    versionOrAlias: number | string,
    toModel: string,
    options: { tags?: string[]; description?: string } = {},
  ): Promise<ModelVersion> {
    const target = checkModelName(toModel);
    const source = await this.getVersion(fromModel, versionOrAlias);
    const { model: _m, version: _v, createdAt: _c, ...rest } = source;
    const draft: VersionDraft = {
      ...rest,
      tags: options.tags ?? source.tags,
      description: options.description ?? source.description,
      source: { kind: 'copy', from: `${source.model}@${source.version}` },
    };
    const chunks: ChunkPayload[] = source.weights.chunks.map((c) => ({ sha256: c.sha256, bytes: c.bytes }));
    return this.commit(target, draft, chunks, {});
  }

  /**
   * Deletes versions and the weight chunks no remaining version uses. Numbers are never reused.
   * @throws MODEL_NOT_FOUND; VERSION_CONFLICT (an alias points at one)
   */
  async deleteVersions(model: string, versions: readonly number[]): Promise<DeleteVersionsResult> {
    if (!(await this.store.getModel(model))) throw await this.modelNotFound(model);
    const result = await this.store.deleteVersions(model, versions);
    if (result.chunksFreed > 0) this.knownChunks.clear();
    if (result.deleted.length > 0)
      this.changes.announce({ type: 'versions-deleted', model, versions: result.deleted });
    return result;
  }

  /**
   * Removes old versions: keeps the newest `keepLast` and (by default) every aliased one.
   * @throws MODEL_NOT_FOUND; INVALID_ARGUMENT
   */
  async prune(
    model: string,
    options: PruneOptions,
  ): Promise<DeleteVersionsResult & { aliasesRemoved: string[] }> {
    if (!Number.isInteger(options.keepLast) || options.keepLast < 0) {
      throw invalid(`keepLast must be an integer ≥ 0; got ${options.keepLast}.`, {
        field: 'keepLast',
        value: options.keepLast,
      });
    }
    if (!(await this.store.getModel(model))) throw await this.modelNotFound(model);
    const keepAliased = options.keepAliased ?? true;
    const versions = (await this.store.listVersions(model)).map((v) => v.version).sort((a, b) => b - a);
    const aliases = await this.store.listAliases(model);
    const aliased = new Set(aliases.map((a) => a.version));
    const doomed = versions.slice(options.keepLast).filter((v) => !(keepAliased && aliased.has(v)));
    if (doomed.length === 0) return { deleted: [], chunksFreed: 0, bytesFreed: 0, aliasesRemoved: [] };
    // One store transaction removes the aliases of doomed versions (logged) and the versions: a failed
    // delete leaves every alias and version as it was.
    const result = await this.store.deleteVersions(model, doomed, {
      ...(keepAliased
        ? {}
        : {
            releaseAliases: {
              at: this.now(),
              reasonFor: (version: number) =>
                `prune: version ${version} removed (keepLast ${options.keepLast})`,
            },
          }),
    });
    const moves = result.aliasMoves ?? [];
    if (result.chunksFreed > 0) this.knownChunks.clear();
    for (const move of moves)
      this.changes.announce({ type: 'alias-moved', model, alias: move.alias, from: move.from, to: move.to });
    if (result.deleted.length > 0)
      this.changes.announce({ type: 'versions-deleted', model, versions: result.deleted });
    return {
      deleted: result.deleted,
      chunksFreed: result.chunksFreed,
      bytesFreed: result.bytesFreed,
      aliasesRemoved: moves.map((m) => m.alias),
    };
  }

  // ── drafts ──────────────────────────────────────────────────────────────────────────────

  private draftStore(): Required<
    Pick<ModelStore, 'putDraft' | 'getDraft' | 'listDrafts' | 'deleteDrafts' | 'draftStats'>
  > {
    const { putDraft, getDraft, listDrafts, deleteDrafts, draftStats } = this.store;
    if (!putDraft || !getDraft || !listDrafts || !deleteDrafts || !draftStats) {
      throw invalid(
        `This registry's ${this.store.kind} store keeps no drafts; use IndexedDbModelStore or MemoryModelStore.`,
        { store: this.store.kind },
      );
    }
    return {
      putDraft: putDraft.bind(this.store),
      getDraft: getDraft.bind(this.store),
      listDrafts: listDrafts.bind(this.store),
      deleteDrafts: deleteDrafts.bind(this.store),
      draftStats: draftStats.bind(this.store),
    };
  }

  /**
   * Keeps a live tfjs model as the draft of run `runId` until it is registered (`registerDraft`) or
   * pruned: the weights go into the same deduplicated chunk store versions use, the metadata (pipeline,
   * metrics, lineage) into the draft, so the run can be registered after a reload or from another
   * worker. A second draft of the same run replaces the first.
   *
   * @example
   * await registry.saveDraft(run.id, model, { pipeline, metrics, runId: run.id });
   * const v = await registry.registerDraft(run.id, 'iris'); // later, even after a reload
   * @throws INVALID_ARGUMENT (string/complex weights, non-JSON metadata, a store without drafts); QUOTA_EXCEEDED
   */
  async saveDraft(
    runId: string,
    tfModel: LayersModelLike,
    options: VersionMetadataInput = {},
  ): Promise<ModelDraft> {
    const store = this.draftStore();
    const label = `draft of run ${runId}`;
    const pinned = pinWeights(label, tfModel, this.chunkBytes, this.tensorDigests);
    try {
      const draft = this.liveModelDraft(label, tfModel, pinned, { runId, ...options });
      const { result, chunks } = await this.writeWithChunks(pinned.sources, (chunks, weights) => {
        const at = this.now();
        // Checked as the version it becomes (under a placeholder name), so registering it cannot fail on it.
        checkVersionRecord('draft', { ...draft, weights }, 1, at, `keep the ${label}`);
        options.onProgress?.({ stage: 'writing', bytes: pinned.bytes });
        return store.putDraft({ runId, draft: { ...draft, weights }, chunks, at });
      });
      this.rememberDigests(pinned.keys, chunks);
      this.changes.announce({ type: 'drafts-changed', runIds: [runId] });
      return result.draft;
    } finally {
      pinned.release();
    }
  }

  /** The draft of run `runId`, or undefined (never saved, registered, or pruned). */
  getDraft(runId: string): Promise<ModelDraft | undefined> {
    return this.draftStore().getDraft(runId);
  }

  /** Every draft, oldest first. */
  listDrafts(): Promise<ModelDraft[]> {
    return this.draftStore().listDrafts();
  }

  /**
   * Registers the draft of run `runId` as the next version of `model`: no weight bytes are written
   * (the version names the draft's chunks), then the draft is removed.
   * @throws RUN_NOT_FOUND (no draft: never kept, already registered, or pruned); INVALID_ARGUMENT
   */
  async registerDraft(
    runId: string,
    model: string,
    options: { description?: string; tags?: string[] } = {},
  ): Promise<ModelVersion> {
    const target = checkModelName(model);
    const store = this.draftStore();
    const draft = await store.getDraft(runId);
    if (!draft) {
      throw new EdgeflowError(
        'RUN_NOT_FOUND',
        `Run ${runId} has no draft model (it did not finish, was registered already, or its draft was pruned). Train it again, then register.`,
        { details: { runId } },
      );
    }
    const chunks: ChunkPayload[] = draft.version.weights.chunks.map((c) => ({
      sha256: c.sha256,
      bytes: c.bytes,
    }));
    const version = await this.commit(
      target,
      {
        ...draft.version,
        description: options.description ?? draft.version.description,
        tags: options.tags ?? draft.version.tags,
      },
      chunks,
      {},
    );
    // The version names the chunks now, so removing the draft frees nothing.
    await store.deleteDrafts([runId]);
    this.changes.announce({ type: 'drafts-changed', runIds: [runId] });
    return version;
  }

  /** Deletes drafts and the chunks no version and no other draft uses. */
  async deleteDrafts(runIds: readonly string[]): Promise<DeleteDraftsResult> {
    const result = await this.draftStore().deleteDrafts(runIds);
    if (result.chunksFreed > 0) this.knownChunks.clear();
    if (result.deleted.length > 0) this.changes.announce({ type: 'drafts-changed', runIds: result.deleted });
    return result;
  }

  /**
   * Deletes the oldest drafts until the bytes only drafts use are at most `maxBytes` (runs whose id
   * is in `keep` are spared). Returns what was deleted and freed.
   * @throws INVALID_ARGUMENT (a negative or non-integer budget)
   */
  async pruneDrafts(options: { maxBytes: number; keep?: readonly string[] }): Promise<DeleteDraftsResult> {
    if (!Number.isInteger(options.maxBytes) || options.maxBytes < 0) {
      throw invalid(`maxBytes must be an integer ≥ 0; got ${options.maxBytes}.`, {
        field: 'maxBytes',
        value: options.maxBytes,
      });
    }
    const store = this.draftStore();
    const keep = new Set(options.keep ?? []);
    const total: DeleteDraftsResult = { deleted: [], chunksFreed: 0, bytesFreed: 0 };
    let stats = await store.draftStats();
    if (stats.exclusiveBytes <= options.maxBytes) return total;
    for (const draft of await store.listDrafts()) {
      if (keep.has(draft.runId)) continue;
      const result = await this.deleteDrafts([draft.runId]);
      total.deleted.push(...result.deleted);
      total.chunksFreed += result.chunksFreed;
      total.bytesFreed += result.bytesFreed;
      stats = await store.draftStats();
      if (stats.exclusiveBytes <= options.maxBytes) break;
    }
    return total;
  }

  /**
   * What the registry keeps and what it costs: the origin's usage and quota (null where unknown),
   * every stored weight chunk, and the drafts (null for a store without drafts), whose
   * `exclusiveBytes` is what deleting them all would free.
   */
  async storage(): Promise<{
    estimate: StorageEstimate | null;
    weights: { chunks: number; bytes: number };
    drafts: DraftStats | null;
  }> {
    const [estimate, weights, drafts] = await Promise.all([
      estimateStorage().catch(() => null),
      this.store.chunkStats(),
      this.store.draftStats ? this.store.draftStats() : Promise.resolve(null),
    ]);
    return { estimate, weights, drafts };
  }

  // ── aliases ───────────────────────────────────────────────────────────────────────────────

  /**
   * Points an alias at a version and appends the move (from, to, when, reason, gate report) to the log.
   * @throws MODEL_NOT_FOUND; VERSION_NOT_FOUND; INVALID_ARGUMENT (alias name, empty reason)
   */
  async moveAlias(
    model: string,
    alias: string,
    version: number,
    options: MoveAliasOptions,
  ): Promise<AliasMove> {
    return this.writeAlias(model, alias, version, options);
  }

  /** Promotes a version: `moveAlias` with the alias defaulting to `champion`. */
  promote(
    model: string,
    version: number,
    options: MoveAliasOptions & { alias?: string },
  ): Promise<AliasMove> {
    return this.writeAlias(model, options.alias ?? 'champion', version, options);
  }

  /** Removes an alias, logging the move to `null`. @throws MODEL_NOT_FOUND (unknown alias too) */
  async removeAlias(model: string, alias: string, options: MoveAliasOptions): Promise<AliasMove> {
    if (!(await this.store.getAlias(model, alias))) await this.getVersion(model, alias);
    return this.writeAlias(model, alias, null, options);
  }

  private async writeAlias(
    model: string,
    alias: string,
    to: number | null,
    options: MoveAliasOptions,
  ): Promise<AliasMove> {
    const name = checkAliasName(alias);
    if (name === 'latest')
      throw invalid('"latest" is reserved (it always means the newest version); pick another alias.', {
        field: 'alias',
        value: alias,
      });
    if (typeof options.reason !== 'string' || options.reason.trim() === '') {
      throw invalid(`Moving alias "${alias}" needs a reason (it goes into the audit log).`, {
        field: 'reason',
      });
    }
    if (to !== null && (!Number.isInteger(to) || to < 1)) {
      throw invalid(`Version must be an integer ≥ 1; got ${to}.`, { field: 'version', value: to });
    }
    if (!(await this.store.getModel(model))) throw await this.modelNotFound(model);
    const move = await this.store.moveAlias({
      model,
      alias: name,
      to,
      at: this.now(),
      reason: options.reason,
      gateReport: options.gateReport ?? null,
      ...(options.expectedVersion === undefined ? {} : { expected: options.expectedVersion }),
    });
    this.changes.announce({ type: 'alias-moved', model, alias: name, from: move.from, to: move.to });
    return move;
  }

  /** Where each alias of a model points. @throws MODEL_NOT_FOUND */
  async listAliases(model: string) {
    if (!(await this.store.getModel(model))) throw await this.modelNotFound(model);
    return this.store.listAliases(model);
  }

  /** The append-only log of alias moves, oldest first. @throws MODEL_NOT_FOUND */
  async aliasLog(model: string, alias?: string): Promise<AliasMove[]> {
    if (!(await this.store.getModel(model))) throw await this.modelNotFound(model);
    return this.store.aliasLog(model, alias);
  }

  /** Where a version came from: run → dataset fingerprint → pipeline. @throws MODEL_NOT_FOUND; VERSION_NOT_FOUND */
  async lineage(model: string, versionOrAlias: number | string = 'latest'): Promise<Lineage> {
    const version = await this.getVersion(model, versionOrAlias);
    const [run, dataset] = await Promise.all([
      version.runId === null ? undefined : this.store.getRun(version.runId),
      version.datasetFingerprint === null ? undefined : this.store.getDataset(version.datasetFingerprint),
    ]);
    return {
      model: version.model,
      version: version.version,
      runId: version.runId,
      run: run ?? null,
      datasetFingerprint: version.datasetFingerprint,
      dataset: dataset ?? null,
      pipeline: version.pipeline,
      source: version.source,
    };
  }

  // ── export / import ───────────────────────────────────────────────────────────────────────

  /**
   * Exports a version as files: tfjs Layers `model.json` + weight shards (plain `tf.loadLayersModel`
   * loads them over HTTP) and `edgeflow.json` with the size and SHA-256 of every file.
   * @throws MODEL_NOT_FOUND; VERSION_NOT_FOUND; INTEGRITY_FAILED
   */
  async exportVersion(
    model: string,
    versionOrAlias: number | string = 'latest',
    options: { shardBytes?: number } = {},
  ): Promise<ExportedFile[]> {
    const version = await this.getVersion(model, versionOrAlias);
    const weights = await this.loadWeights(version);
    const run = version.runId === null ? undefined : await this.store.getRun(version.runId);
    return buildExportFiles({
      version,
      weights,
      run: (run ?? null) as Json,
      exportedAt: this.now(),
      ...(options.shardBytes === undefined ? {} : { shardBytes: options.shardBytes }),
    });
  }

  /** The export as one `.zip` (weights stored, JSON deflated). */
  async exportVersionZip(model: string, versionOrAlias: number | string = 'latest'): Promise<Uint8Array> {
    const files = await this.exportVersion(model, versionOrAlias);
    return zipSync(
      Object.fromEntries(files.map((f) => [f.path, [f.data, { level: f.path.endsWith('.json') ? 6 : 0 }]])),
    );
  }

  /**
   * The export as a `.zip` Blob, streamed (fflate's streaming Zip) into Blob parts: no second copy
   * of the archive in memory. In a worker (`lab.exportVersion`) the page never does this work, and
   * the Blob reaches the page without a copy.
   * @throws MODEL_NOT_FOUND; VERSION_NOT_FOUND; INTEGRITY_FAILED
   */
  async exportVersionBlob(model: string, versionOrAlias: number | string = 'latest'): Promise<Blob> {
    return zipFilesToBlob(await this.exportVersion(model, versionOrAlias));
  }

  /**
   * Offers the version's `.zip` as a download (a page only: workers have no document).
   * `blob` is the archive when it was built elsewhere (`lab.exportVersion` builds it in a worker).
   * @returns the file name
   * @throws INVALID_ARGUMENT outside a page
   */
  async downloadVersionZip(
    model: string,
    versionOrAlias: number | string = 'latest',
    blob?: Blob,
  ): Promise<string> {
    const doc = (globalThis as { document?: Document }).document;
    if (!doc) {
      throw invalid(
        'downloadVersionZip needs a page; in a worker call exportVersionZip() and post the bytes to the page.',
        {},
      );
    }
    const version = await this.getVersion(model, versionOrAlias);
    const zip = blob ?? (await this.exportVersionBlob(model, version.version));
    const name = `${version.model}-v${version.version}.zip`;
    const url = URL.createObjectURL(zip);
    const link = doc.createElement('a');
    link.href = url;
    link.download = name;
    link.click();
    // Revoke after the click has been handled; revoking synchronously can cancel the download.
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    return name;
  }

  /**
   * Imports exported files after verifying every hash; nothing is stored unless all match.
   * @throws INVALID_ARGUMENT (manifest missing or failing its schema); INTEGRITY_FAILED (size, hash,
   * weights length); VERSION_CONFLICT (the number exists or was used, with `version: 'keep'`)
   */
  async importVersion(files: ImportFiles, options: ImportVersionOptions = {}): Promise<ModelVersion> {
    const verified = await verifyImportFiles(files);
    const { manifest } = verified;
    const model = checkModelName(options.model ?? manifest.model);
    const views = splitIntoChunks(
      verified.weights.map(
        (w) =>
          (w.byteOffset === 0 && w.byteLength === w.buffer.byteLength
            ? w.buffer
            : w.slice().buffer) as ArrayBuffer,
      ),
      this.chunkBytes,
    );
    const draft: Omit<VersionDraft, 'weights'> = {
      description: manifest.description,
      runId: manifest.lineage.runId,
      datasetFingerprint: manifest.lineage.datasetFingerprint,
      pipeline: manifest.pipeline,
      profile: manifest.profile,
      signature: manifest.signature,
      metrics: manifest.metrics,
      tags: manifest.tags,
      format: verified.format,
      generatedBy: verified.generatedBy,
      convertedBy: verified.convertedBy,
      topology: verified.topology as Json,
      trainingConfig: (verified.trainingConfig ?? null) as Json,
      weightSpecs: verified.weightSpecs,
      source: { kind: 'import', from: `${manifest.model}@${manifest.version}` } satisfies VersionSource,
    };
    const stored = await this.storeVersion(
      model,
      draft,
      viewSources(views),
      (options.version ?? 'keep') === 'keep' ? { version: manifest.version } : {},
    );
    return stored.version;
  }

  /** Imports a `.zip` made by `exportVersionZip`. @throws INVALID_ARGUMENT (not a zip) and `importVersion`'s codes */
  async importVersionZip(
    zip: Uint8Array | ArrayBuffer,
    options: ImportVersionOptions = {},
  ): Promise<ModelVersion> {
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(zip instanceof Uint8Array ? zip : new Uint8Array(zip));
    } catch (error) {
      throw new EdgeflowError('INVALID_ARGUMENT', `The file is not a readable .zip (${String(error)}).`, {
        cause: error,
      });
    }
    return this.importVersion(files, options);
  }

  /**
   * Imports a model plain tfjs saved with `model.save('indexeddb://path')` as a new version.
   * @throws MODEL_NOT_FOUND (no such path, with close ones); INVALID_ARGUMENT; QUOTA_EXCEEDED
   */
  async importTfjsIndexedDb(
    url: string,
    input: VersionMetadataInput & { model: string },
  ): Promise<ModelVersion> {
    const { path, artifacts } = await readTfjsIndexedDbModel(url);
    return this.registerArtifacts(
      { ...input, artifacts },
      { kind: 'tfjs-indexeddb', from: `indexeddb://${path}` },
    );
  }

  // ── runs ──────────────────────────────────────────────────────────────────────────────────

  /** Starts a run record owned by this session. @throws INVALID_ARGUMENT (bad field, id taken) */
  async createRun(input: CreateRunInput): Promise<Run> {
    const at = this.now();
    const parsed = runSchema.safeParse({
      id: input.id ?? crypto.randomUUID(),
      spec: input.spec,
      datasetFingerprint: input.datasetFingerprint ?? null,
      pipeline: input.pipeline ?? null,
      backend: input.backend ?? null,
      adapter: input.adapter ?? null,
      seed: input.seed ?? null,
      status: input.status ?? 'running',
      history: [],
      metrics: {},
      timings: {},
      error: null,
      parity: null,
      tags: input.tags ?? [],
      owner: this.session.id,
      createdAt: at,
      updatedAt: at,
    });
    if (!parsed.success) throw this.runInvalid(input.id ?? '(new)', parsed.error.issues);
    const run = await this.store.createRun(parsed.data);
    this.changes.announce({ type: 'run-updated', runId: run.id, status: run.status });
    return run;
  }

  private runInvalid(id: string, issues: readonly { path: PropertyKey[]; message: string }[]): EdgeflowError {
    const field = issues[0]?.path.map(String).join('.') ?? '';
    return invalid(`Run "${id}": field "${field}" ${issues[0]?.message ?? 'is invalid'}.`, {
      runId: id,
      field,
    });
  }

  /** Updates a run atomically (fields replace; `appendHistory` appends). @throws RUN_NOT_FOUND; INVALID_ARGUMENT */
  async updateRun(id: string, patch: RunPatch): Promise<Run> {
    const { appendHistory, ...fields } = patch;
    const at = this.now();
    const run = await this.store.updateRun(id, (current) => {
      const next = {
        ...current,
        ...fields,
        history: [...(fields.history ?? current.history), ...(appendHistory ?? [])],
        updatedAt: Math.max(at, current.updatedAt),
      };
      const parsed = runSchema.safeParse(next);
      if (!parsed.success) throw this.runInvalid(id, parsed.error.issues);
      return parsed.data;
    });
    this.changes.announce({ type: 'run-updated', runId: run.id, status: run.status });
    return run;
  }

  /** One run. @throws RUN_NOT_FOUND */
  async getRun(id: string): Promise<Run> {
    const run = await this.store.getRun(id);
    if (!run)
      throw new EdgeflowError(
        'RUN_NOT_FOUND',
        `No run with id "${id}". List runs with registry.listRuns().`,
        { details: { runId: id } },
      );
    return run;
  }

  /** Runs, newest first, filtered by status, dataset or tag, paged. @throws INVALID_ARGUMENT */
  async listRuns(options: ListRunsOptions = {}): Promise<RunPage> {
    const { offset, limit, ...filter } = options;
    return page(await this.store.listRuns(filter), offset, limit);
  }

  /**
   * Deletes a run record (its registered versions stay; their lineage then has no run). A run still
   * `running` is refused: cancel it first.
   * @throws RUN_NOT_FOUND; INVALID_ARGUMENT (the run is running)
   */
  async deleteRun(id: string): Promise<void> {
    const run = await this.getRun(id);
    if (run.status === 'running') {
      throw invalid(`Run "${id}" is still running: cancel it (or wait for it to end), then delete it.`, {
        runId: id,
        status: run.status,
      });
    }
    // Gone since the read above (another tab deleted it): report it as not found.
    if (!(await this.store.deleteRun(id))) await this.getRun(id);
    this.changes.announce({ type: 'runs-deleted', runIds: [id] });
    // The run's draft goes with it (and the chunks only it used).
    if (this.store.deleteDrafts) await this.deleteDrafts([id]);
  }

  /**
   * Marks `running` runs whose owning session is gone (closed tab, terminated worker) as
   * `interrupted`. `createRegistry` calls it on open.
   */
  async markInterruptedRuns(): Promise<string[]> {
    const alive = await this.session.liveness();
    const ids = await this.store.markInterruptedRuns(alive, this.now());
    if (ids.length > 0) this.changes.announce({ type: 'runs-interrupted', runIds: ids });
    return ids;
  }

  // ── datasets ──────────────────────────────────────────────────────────────────────────────

  /**
   * Stores a dataset by fingerprint (once: a known fingerprint is not written again).
   * @throws INVALID_ARGUMENT naming the chunk and column; QUOTA_EXCEEDED
   */
  async putDataset(input: PutDatasetInput): Promise<{ record: DatasetRecord; stored: boolean }> {
    const existing = await this.store.getDataset(input.fingerprint);
    if (existing) return { record: existing, stored: false };
    const columns = checkDatasetChunks(input);
    const bytes = input.chunks.reduce(
      (sum, chunk) => sum + chunk.reduce((s, c) => s + c.data.byteLength + (c.mask?.byteLength ?? 0), 0),
      0,
    );
    const parsed = datasetRecordSchema.safeParse({
      fingerprint: input.fingerprint,
      name: input.name,
      schema: input.schema,
      profile: input.profile ?? null,
      rowCount: input.rowCount,
      columns,
      chunkCount: input.chunks.length,
      bytes,
      createdAt: this.now(),
    });
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path.map(String).join('.') ?? '';
      throw invalid(
        `Dataset "${input.name}": field "${field}" ${parsed.error.issues[0]?.message ?? 'is invalid'}.`,
        { field },
      );
    }
    const { stored } = await this.store.putDataset(parsed.data, input.chunks);
    if (stored) this.changes.announce({ type: 'dataset-stored', fingerprint: input.fingerprint });
    return {
      record: stored ? parsed.data : ((await this.store.getDataset(input.fingerprint)) ?? parsed.data),
      stored,
    };
  }

  /** A dataset's metadata. @throws DATASET_NOT_FOUND */
  async getDataset(fingerprint: string): Promise<DatasetRecord> {
    const record = await this.store.getDataset(fingerprint);
    if (!record) {
      throw new EdgeflowError(
        'DATASET_NOT_FOUND',
        `No dataset with fingerprint "${fingerprint}" is stored.`,
        { details: { fingerprint } },
      );
    }
    return record;
  }

  /** Every stored dataset, newest first. */
  listDatasets(): Promise<DatasetRecord[]> {
    return this.store.listDatasets();
  }

  /** A dataset's columnar chunks. @throws DATASET_NOT_FOUND */
  readDatasetChunks(fingerprint: string): Promise<DatasetChunk[]> {
    return this.store.readDatasetChunks(fingerprint);
  }

  /** Removes a dataset; false when it was not stored. */
  deleteDataset(fingerprint: string): Promise<boolean> {
    return this.store.deleteDataset(fingerprint);
  }

  // ── storage ───────────────────────────────────────────────────────────────────────────────

  /** Asks for persistent storage (page main thread only; elsewhere the result says why not). */
  requestPersistence(): Promise<PersistenceResult> {
    return requestPersistence();
  }

  /** Usage, quota and available bytes of this origin (null where unknown, e.g. Node). */
  estimateStorage(): Promise<StorageEstimate | null> {
    return estimateStorage();
  }
}

/** Validates a full version record before any transaction, naming the field that is wrong. */
function checkVersionRecord(
  model: string,
  draft: VersionDraft,
  version: number,
  at: number,
  what = `register "${model}"`,
): void {
  const check = modelVersionSchema.safeParse({ ...draft, model, version, createdAt: at });
  if (!check.success) {
    const issue = check.error.issues[0];
    const field = issue?.path.map(String).join('.') ?? '';
    throw invalid(
      `Cannot ${what}: field "${field}" ${issue?.message ?? 'is invalid'}. Metadata must be plain JSON.`,
      { model, field },
    );
  }
}

function checkDatasetChunks(input: PutDatasetInput): DatasetColumnInfo[] {
  const first = input.chunks[0] ?? [];
  const columns: DatasetColumnInfo[] = first.map((c) => ({
    name: c.name,
    dtype: c.dtype,
    masked: c.mask !== undefined,
  }));
  let rows = 0;
  input.chunks.forEach((chunk, index) => {
    if (
      chunk.length !== columns.length ||
      chunk.some((c, i) => c.name !== columns[i]?.name || c.dtype !== columns[i]?.dtype)
    ) {
      throw invalid(
        `Dataset "${input.name}" chunk ${index} has columns ${chunk.map((c) => `${c.name}:${c.dtype}`).join(', ')}; every chunk needs ${columns.map((c) => `${c.name}:${c.dtype}`).join(', ')}.`,
        { chunk: index },
      );
    }
    let chunkRows: number | null = null;
    for (const column of chunk) {
      if (!(column.data instanceof ArrayBuffer)) {
        throw invalid(
          `Dataset "${input.name}" chunk ${index} column "${column.name}": data must be an ArrayBuffer.`,
          { chunk: index, column: column.name },
        );
      }
      const size = DTYPE_SIZE[column.dtype];
      if (size === undefined || column.data.byteLength % size !== 0) {
        throw invalid(
          `Dataset "${input.name}" chunk ${index} column "${column.name}": ${column.data.byteLength} bytes is not a whole number of ${column.dtype} values.`,
          { chunk: index, column: column.name, dtype: column.dtype, bytes: column.data.byteLength },
        );
      }
      const length = column.data.byteLength / size;
      if (chunkRows !== null && length !== chunkRows) {
        throw invalid(
          `Dataset "${input.name}" chunk ${index} column "${column.name}" has ${length} rows; the other columns have ${chunkRows}.`,
          {
            chunk: index,
            column: column.name,
            rows: length,
            expectedRows: chunkRows,
          },
        );
      }
      chunkRows = length;
    }
    rows += chunkRows ?? 0;
  });
  if (rows !== input.rowCount) {
    throw invalid(
      `Dataset "${input.name}": the chunks hold ${rows} rows but rowCount says ${input.rowCount}.`,
      {
        field: 'rowCount',
        rowCount: input.rowCount,
        rows,
      },
    );
  }
  return columns;
}

/**
 * Opens a registry: the store (IndexedDB by default where available, else memory), a session, and
 * marks runs left `running` by sessions that are gone as `interrupted`.
 *
 * @example
 * const registry = await createRegistry();
 * const v = await registry.registerVersion({ model: 'iris', artifacts });
 * await registry.moveAlias('iris', 'champion', v.version, { reason: 'beats v3 on accuracy' });
 * @throws STORE_OUTDATED when the database was upgraded by newer code
 */
export async function createRegistry(options: RegistryOptions = {}): Promise<Registry> {
  const store =
    options.store ??
    (typeof (globalThis as { indexedDB?: unknown }).indexedDB === 'undefined'
      ? new MemoryModelStore()
      : new IndexedDbModelStore());
  await store.open();
  const session = await startSession();
  const registry = new Registry(store, session, options);
  await registry.markInterruptedRuns();
  return registry;
}
