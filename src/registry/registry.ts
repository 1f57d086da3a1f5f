// The registry facade: the public `Registry` class and `createRegistry`. Each compound operation
// lives once, written against the `ModelStore` interface, in the module of its concern (versions
// saved, loaded, queried, deleted, exported, imported; aliases; runs; datasets; drafts); this file
// only wires them to one shared context, so IndexedDB and memory behave alike.
import type { io } from '@tensorflow/tfjs';
import type { AliasMove, DatasetRecord, Model, ModelVersion, Run } from '../schemas/registry.ts';
import { aliasLog, listAliases, type MoveAliasOptions, removeAlias, writeAlias } from './alias-moves.ts';
import { getDataset, type PutDatasetInput, putDataset } from './datasets.ts';
import { deleteDrafts, getDraft, listDrafts, pruneDrafts, registerDraft, saveDraft } from './drafts.ts';
import type { ImportFiles } from './import-files.ts';
import { IndexedDbModelStore } from './indexeddb-store.ts';
import {
  createLoadHandler,
  createSaveHandler,
  type RegistryLoadHandler,
  type RegistrySaveHandler,
} from './io-handlers.ts';
import { MemoryModelStore } from './memory-store.ts';
import { getModel, upsertModel } from './models.ts';
import { estimateStorage, type PersistenceResult, requestPersistence } from './quota.ts';
import { checkModelName } from './registry-checks.ts';
import { createRegistryContext, type RegistryContext } from './registry-context.ts';
import {
  type CreateRunInput,
  createRun,
  deleteRun,
  getRun,
  listRuns,
  markInterruptedRuns,
  type RunPatch,
  updateRun,
} from './runs.ts';
import { type RegistrySession, startSession } from './session.ts';
import { type StorageReport, storageReport } from './storage-report.ts';
import type { LayersModelLike } from './tensor-weights.ts';
import type {
  DatasetChunk,
  DeleteDraftsResult,
  DeleteVersionsResult,
  ExportedFile,
  Lineage,
  ListRunsOptions,
  ListVersionsOptions,
  ModelDraft,
  ModelStore,
  RegistryChangeListener,
  RunPage,
  StorageEstimate,
  VersionPage,
} from './types.ts';
import { deleteVersions, type PruneOptions, prune } from './version-delete.ts';
import { downloadVersionZip, exportVersion, exportVersionBlob, exportVersionZip } from './version-export.ts';
import {
  type ImportVersionOptions,
  importTfjsIndexedDb,
  importVersion,
  importVersionZip,
} from './version-import.ts';
import { loadArtifacts, loadWeights } from './version-load.ts';
import type { RegisterVersionInput, VersionMetadataInput } from './version-metadata.ts';
import { getVersion, lineage, listVersions } from './version-queries.ts';
import { copyVersion, registerArtifacts, saveModel } from './version-save.ts';

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

/**
 * The model registry: immutable versions, aliases with an audit log, runs, datasets, lineage,
 * tfjs IOHandlers and export/import. Create it with `createRegistry()`.
 */
export class Registry {
  /** The storage medium. */
  readonly store: ModelStore;
  private readonly context: RegistryContext;

  /** Use `createRegistry()`: it opens the store and marks interrupted runs. */
  constructor(store: ModelStore, session: RegistrySession, options: RegistryOptions) {
    this.store = store;
    this.context = createRegistryContext(store, session, options);
  }

  /** This registry's session id: the `owner` of runs it creates. */
  get sessionId(): string {
    return this.context.session.id;
  }

  /** Listens to changes made here and in other tabs and workers; returns the unsubscribe function. */
  subscribe(listener: RegistryChangeListener): () => void {
    return this.context.changes.subscribe(listener);
  }

  /** Ends the session (its running runs count as interrupted from now on) and closes the store. */
  async close(): Promise<void> {
    this.context.changes.close();
    this.context.hasher.close();
    this.context.session.end();
    await this.store.close();
  }

  // ── models ────────────────────────────────────────────────────────────────────────────────

  /** Every model, by name. */
  listModels(): Promise<Model[]> {
    return this.store.listModels();
  }

  /** One model. @throws MODEL_NOT_FOUND listing close names */
  getModel(name: string): Promise<Model> {
    return getModel(this.context, name);
  }

  /** Creates a model or updates its description and tags. @throws INVALID_ARGUMENT */
  upsertModel(name: string, patch: { description?: string; tags?: string[] } = {}): Promise<Model> {
    return upsertModel(this.context, name, patch);
  }

  // ── versions ──────────────────────────────────────────────────────────────────────────────

  /**
   * Resolves a version number, `'latest'` or an alias to the stored version.
   * @throws MODEL_NOT_FOUND (unknown model or alias, with close names); VERSION_NOT_FOUND
   */
  getVersion(model: string, versionOrAlias: number | string = 'latest'): Promise<ModelVersion> {
    return getVersion(this.context, model, versionOrAlias);
  }

  /**
   * Versions of a model, filtered by tag or alias, ordered by number, creation time or a metric, paged.
   * Versions without a numeric value of the ordering metric come last.
   * @throws MODEL_NOT_FOUND; INVALID_ARGUMENT (bad paging)
   */
  listVersions(model: string, options: ListVersionsOptions = {}): Promise<VersionPage> {
    return listVersions(this.context, model, options);
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
    return registerArtifacts(this.context, input, { kind: 'register', from: null });
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
  saveModel(
    model: string,
    tfModel: LayersModelLike,
    options: VersionMetadataInput = {},
  ): Promise<ModelVersion> {
    return saveModel(this.context, model, tfModel, options);
  }

  /**
   * Reads and verifies a version's weight bytes chunk by chunk; corrupted weights are never returned.
   * @throws INTEGRITY_FAILED
   */
  loadWeights(version: ModelVersion): Promise<ArrayBuffer[]> {
    return loadWeights(this.context, version);
  }

  /**
   * The tfjs artifacts of a version (weights verified): what `tf.loadLayersModel(handler)` consumes.
   * `weightData` is one ArrayBuffer for a single chunk, tfjs's list of buffers otherwise.
   * @throws MODEL_NOT_FOUND; VERSION_NOT_FOUND; INTEGRITY_FAILED
   */
  loadArtifacts(model: string, versionOrAlias: number | string = 'latest'): Promise<io.ModelArtifacts> {
    return loadArtifacts(this.context, model, versionOrAlias);
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
  copyVersion(
    fromModel: string,
    versionOrAlias: number | string,
    toModel: string,
    options: { tags?: string[]; description?: string } = {},
  ): Promise<ModelVersion> {
    return copyVersion(this.context, fromModel, versionOrAlias, toModel, options);
  }

  /**
   * Deletes versions and the weight chunks no remaining version uses. Numbers are never reused.
   * @throws MODEL_NOT_FOUND; VERSION_CONFLICT (an alias points at one)
   */
  deleteVersions(model: string, versions: readonly number[]): Promise<DeleteVersionsResult> {
    return deleteVersions(this.context, model, versions);
  }

  /**
   * Removes old versions: keeps the newest `keepLast` and (by default) every aliased one.
   * @throws MODEL_NOT_FOUND; INVALID_ARGUMENT
   */
  prune(model: string, options: PruneOptions): Promise<DeleteVersionsResult & { aliasesRemoved: string[] }> {
    return prune(this.context, model, options);
  }

  // ── drafts ──────────────────────────────────────────────────────────────────────────────

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
  saveDraft(
    runId: string,
    tfModel: LayersModelLike,
    options: VersionMetadataInput = {},
  ): Promise<ModelDraft> {
    return saveDraft(this.context, runId, tfModel, options);
  }

  /** The draft of run `runId`, or undefined (never saved, registered, or pruned). */
  getDraft(runId: string): Promise<ModelDraft | undefined> {
    return getDraft(this.context, runId);
  }

  /** Every draft, oldest first. */
  listDrafts(): Promise<ModelDraft[]> {
    return listDrafts(this.context);
  }

  /**
   * Registers the draft of run `runId` as the next version of `model`: no weight bytes are written
   * (the version names the draft's chunks), then the draft is removed.
   * @throws RUN_NOT_FOUND (no draft: never kept, already registered, or pruned); INVALID_ARGUMENT
   */
  registerDraft(
    runId: string,
    model: string,
    options: { description?: string; tags?: string[] } = {},
  ): Promise<ModelVersion> {
    return registerDraft(this.context, runId, model, options);
  }

  /** Deletes drafts and the chunks no version and no other draft uses. */
  deleteDrafts(runIds: readonly string[]): Promise<DeleteDraftsResult> {
    return deleteDrafts(this.context, runIds);
  }

  /**
   * Deletes the oldest drafts until the bytes only drafts use are at most `maxBytes` (runs whose id
   * is in `keep` are spared). Returns what was deleted and freed.
   * @throws INVALID_ARGUMENT (a negative or non-integer budget)
   */
  pruneDrafts(options: { maxBytes: number; keep?: readonly string[] }): Promise<DeleteDraftsResult> {
    return pruneDrafts(this.context, options);
  }

  /**
   * What the registry keeps and what it costs: the origin's usage and quota (null where unknown),
   * every stored weight chunk, and the drafts (null for a store without drafts), whose
   * `exclusiveBytes` is what deleting them all would free.
   */
  storage(): Promise<StorageReport> {
    return storageReport(this.context);
  }

  // ── aliases ───────────────────────────────────────────────────────────────────────────────

  /**
   * Points an alias at a version and appends the move (from, to, when, reason, gate report) to the log.
   * @throws MODEL_NOT_FOUND; VERSION_NOT_FOUND; INVALID_ARGUMENT (alias name, empty reason)
   */
  moveAlias(model: string, alias: string, version: number, options: MoveAliasOptions): Promise<AliasMove> {
    return writeAlias(this.context, model, alias, version, options);
  }

  /** Promotes a version: `moveAlias` with the alias defaulting to `champion`. */
  promote(
    model: string,
    version: number,
    options: MoveAliasOptions & { alias?: string },
  ): Promise<AliasMove> {
    return writeAlias(this.context, model, options.alias ?? 'champion', version, options);
  }

  /** Removes an alias, logging the move to `null`. @throws MODEL_NOT_FOUND (unknown alias too) */
  removeAlias(model: string, alias: string, options: MoveAliasOptions): Promise<AliasMove> {
    return removeAlias(this.context, model, alias, options);
  }

  /** Where each alias of a model points. @throws MODEL_NOT_FOUND */
  listAliases(model: string) {
    return listAliases(this.context, model);
  }

  /** The append-only log of alias moves, oldest first. @throws MODEL_NOT_FOUND */
  aliasLog(model: string, alias?: string): Promise<AliasMove[]> {
    return aliasLog(this.context, model, alias);
  }

  /** Where a version came from: run → dataset fingerprint → pipeline. @throws MODEL_NOT_FOUND; VERSION_NOT_FOUND */
  lineage(model: string, versionOrAlias: number | string = 'latest'): Promise<Lineage> {
    return lineage(this.context, model, versionOrAlias);
  }

  // ── export / import ───────────────────────────────────────────────────────────────────────

  /**
   * Exports a version as files: tfjs Layers `model.json` + weight shards (plain `tf.loadLayersModel`
   * loads them over HTTP) and `edgeflow.json` with the size and SHA-256 of every file.
   * @throws MODEL_NOT_FOUND; VERSION_NOT_FOUND; INTEGRITY_FAILED
   */
  exportVersion(
    model: string,
    versionOrAlias: number | string = 'latest',
    options: { shardBytes?: number } = {},
  ): Promise<ExportedFile[]> {
    return exportVersion(this.context, model, versionOrAlias, options);
  }

  /** The export as one `.zip` (weights stored, JSON deflated). */
  exportVersionZip(model: string, versionOrAlias: number | string = 'latest'): Promise<Uint8Array> {
    return exportVersionZip(this.context, model, versionOrAlias);
  }

  /**
   * The export as a `.zip` Blob, streamed (fflate's streaming Zip) into Blob parts: no second copy
   * of the archive in memory. In a worker (`lab.exportVersion`) the page never does this work, and
   * the Blob reaches the page without a copy.
   * @throws MODEL_NOT_FOUND; VERSION_NOT_FOUND; INTEGRITY_FAILED
   */
  exportVersionBlob(model: string, versionOrAlias: number | string = 'latest'): Promise<Blob> {
    return exportVersionBlob(this.context, model, versionOrAlias);
  }

  /**
   * Offers the version's `.zip` as a download (a page only: workers have no document).
   * `blob` is the archive when it was built elsewhere (`lab.exportVersion` builds it in a worker).
   * @returns the file name
   * @throws INVALID_ARGUMENT outside a page
   */
  downloadVersionZip(
    model: string,
    versionOrAlias: number | string = 'latest',
    blob?: Blob,
  ): Promise<string> {
    return downloadVersionZip(this.context, model, versionOrAlias, blob);
  }

  /**
   * Imports exported files after verifying every hash; nothing is stored unless all match.
   * @throws INVALID_ARGUMENT (manifest missing or failing its schema); INTEGRITY_FAILED (size, hash,
   * weights length); VERSION_CONFLICT (the number exists or was used, with `version: 'keep'`)
   */
  importVersion(files: ImportFiles, options: ImportVersionOptions = {}): Promise<ModelVersion> {
    return importVersion(this.context, files, options);
  }

  /** Imports a `.zip` made by `exportVersionZip`. @throws INVALID_ARGUMENT (not a zip) and `importVersion`'s codes */
  importVersionZip(zip: Uint8Array | ArrayBuffer, options: ImportVersionOptions = {}): Promise<ModelVersion> {
    return importVersionZip(this.context, zip, options);
  }

  /**
   * Imports a model plain tfjs saved with `model.save('indexeddb://path')` as a new version.
   * @throws MODEL_NOT_FOUND (no such path, with close ones); INVALID_ARGUMENT; QUOTA_EXCEEDED
   */
  importTfjsIndexedDb(url: string, input: VersionMetadataInput & { model: string }): Promise<ModelVersion> {
    return importTfjsIndexedDb(this.context, url, input);
  }

  // ── runs ──────────────────────────────────────────────────────────────────────────────────

  /** Starts a run record owned by this session. @throws INVALID_ARGUMENT (bad field, id taken) */
  createRun(input: CreateRunInput): Promise<Run> {
    return createRun(this.context, input);
  }

  /** Updates a run atomically (fields replace; `appendHistory` appends). @throws RUN_NOT_FOUND; INVALID_ARGUMENT */
  updateRun(id: string, patch: RunPatch): Promise<Run> {
    return updateRun(this.context, id, patch);
  }

  /** One run. @throws RUN_NOT_FOUND */
  getRun(id: string): Promise<Run> {
    return getRun(this.context, id);
  }

  /** Runs, newest first, filtered by status, dataset or tag, paged. @throws INVALID_ARGUMENT */
  listRuns(options: ListRunsOptions = {}): Promise<RunPage> {
    return listRuns(this.context, options);
  }

  /**
   * Deletes a run record (its registered versions stay; their lineage then has no run). A run still
   * `running` is refused: cancel it first.
   * @throws RUN_NOT_FOUND; INVALID_ARGUMENT (the run is running)
   */
  deleteRun(id: string): Promise<void> {
    return deleteRun(this.context, id);
  }

  /**
   * Marks `running` runs whose owning session is gone (closed tab, terminated worker) as
   * `interrupted`. `createRegistry` calls it on open.
   */
  markInterruptedRuns(): Promise<string[]> {
    return markInterruptedRuns(this.context);
  }

  // ── datasets ──────────────────────────────────────────────────────────────────────────────

  /**
   * Stores a dataset by fingerprint (once: a known fingerprint is not written again).
   * @throws INVALID_ARGUMENT naming the chunk and column; QUOTA_EXCEEDED
   */
  putDataset(input: PutDatasetInput): Promise<{ record: DatasetRecord; stored: boolean }> {
    return putDataset(this.context, input);
  }

  /** A dataset's metadata. @throws DATASET_NOT_FOUND */
  getDataset(fingerprint: string): Promise<DatasetRecord> {
    return getDataset(this.context, fingerprint);
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
