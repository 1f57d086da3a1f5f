// Types of the registry: the storage interface every medium implements, and the shapes the
// `Registry` facade takes and returns. Only types live here.
import type {
  Alias,
  AliasMove,
  ColumnData,
  DatasetRecord,
  Model,
  ModelVersion,
  Run,
  RunStatus,
  WeightChunkRef,
} from '../schemas/registry.ts';

/** One weight chunk handed to a store: its digest and its bytes (a view; the store copies what it keeps). */
export interface ChunkPayload {
  sha256: string;
  bytes: number;
  /**
   * The bytes (a view, or a Blob from the store's `prepareChunk`); absent when the chunk is believed
   * to be stored already (copies, resaves). A store that then finds it missing fails with
   * INTEGRITY_FAILED (`details.missingChunk`) instead of writing a version without weights.
   */
  data?: Uint8Array | Blob;
}

/** The version fields a caller provides; the store adds `model`, `version` and `createdAt`. */
export type VersionDraft = Omit<ModelVersion, 'model' | 'version' | 'createdAt'>;

/** Everything one atomic version commit needs. */
export interface CommitVersionRequest {
  model: string;
  /** An explicit number (imports); absent → the next number of the model's counter. */
  version?: number;
  /** Used only if the model does not exist yet. */
  modelDefaults: { description: string; tags: string[] };
  draft: VersionDraft;
  /** Chunk bytes, in `draft.weights.chunks` order; chunks the store already holds are not written again. */
  chunks: readonly ChunkPayload[];
  /** Creation time (ms since the epoch). */
  at: number;
  /**
   * Called once every input is checked, before the version record is written (progress reporting).
   * A store may have started sending new chunk bytes already; a failed check still writes nothing.
   */
  onWriting?: () => void;
}

/** What a version commit did. */
export interface CommitVersionResult {
  version: ModelVersion;
  /** Chunks written by this commit (the rest were already stored: deduplicated). */
  chunksWritten: number;
  bytesWritten: number;
}

/**
 * A finished run's model kept as a draft until it is registered or pruned, so a run can be
 * registered after a reload or from another lab: the version it becomes, less its model name.
 */
export interface ModelDraft {
  runId: string;
  createdAt: number;
  /** The version fields; `description` and `tags` are given when it is registered. */
  version: VersionDraft;
}

/** Everything one draft write needs. */
export interface PutDraftRequest {
  runId: string;
  draft: VersionDraft;
  /** Chunk bytes, in `draft.weights.chunks` order; chunks the store already holds are not written again. */
  chunks: readonly ChunkPayload[];
  at: number;
}

/** What a draft write did. */
export interface PutDraftResult {
  draft: ModelDraft;
  chunksWritten: number;
  bytesWritten: number;
}

/** What deleting drafts freed. */
export interface DeleteDraftsResult {
  deleted: string[];
  chunksFreed: number;
  bytesFreed: number;
}

/** What drafts cost. */
export interface DraftStats {
  count: number;
  /** Weight bytes the drafts name (chunks shared with versions or other drafts count for each). */
  bytes: number;
  /** Bytes of chunks only drafts use: what deleting every draft would free on disk. */
  exclusiveBytes: number;
}

/** What deleting versions freed. */
export interface DeleteVersionsResult {
  deleted: number[];
  /** Weight chunks no remaining version used, removed in the same transaction. */
  chunksFreed: number;
  bytesFreed: number;
  /** The alias removals made under `releaseAliases`, as logged. */
  aliasMoves?: AliasMove[];
}

/** An alias move as requested; the store fills in `from` and `seq`. */
export interface AliasMoveRequest {
  model: string;
  alias: string;
  /** Target version; null removes the alias. */
  to: number | null;
  at: number;
  reason: string;
  gateReport: AliasMove['gateReport'];
  /**
   * Compare-and-set: when present, the move happens only if the alias points at this version now
   * (null: the alias must not exist), else `VERSION_CONFLICT` and nothing is written.
   */
  expected?: number | null;
}

/** Options of `ModelStore.deleteVersions`. */
export interface DeleteVersionsOptions {
  /**
   * Remove the aliases that point at the deleted versions in the same transaction, logging each
   * move (ordered by version, then alias name). Without it an aliased version is a conflict.
   */
  releaseAliases?: { at: number; reasonFor(version: number): string };
}

/** Run fields a store filters by. */
export interface RunFilter {
  status?: RunStatus | readonly RunStatus[];
  datasetFingerprint?: string;
  tag?: string;
}

/** One chunk of a dataset's columnar data: the same columns, a slice of the rows. */
export type DatasetChunk = ColumnData[];

/**
 * One storage medium for the registry: IndexedDB in browsers and workers, memory in Node and tests.
 * Each method is atomic on its own; compound operations (promote, copy, export, prune) live in the
 * `Registry` facade and are written against this interface only.
 */
export interface ModelStore {
  /** `indexeddb` or `memory`: for messages and capability checks. */
  readonly kind: string;
  /** Opens the medium (creating or migrating it). @throws STORE_OUTDATED when the data is newer than this code. */
  open(): Promise<void>;
  /** Releases the medium; further calls fail. */
  close(): Promise<void>;

  getModel(name: string): Promise<Model | undefined>;
  listModels(): Promise<Model[]>;
  /** Creates the model or updates its description and tags; keeps its version counter. */
  upsertModel(name: string, patch: { description?: string; tags?: string[] }, at: number): Promise<Model>;

  /**
   * Writes a version's metadata and its new weight chunks in one transaction, allocating the
   * number from the model's counter (never reused) unless `version` is given.
   * @throws VERSION_CONFLICT when an explicit number exists or was used before; QUOTA_EXCEEDED.
   */
  commitVersion(request: CommitVersionRequest): Promise<CommitVersionResult>;
  getVersion(model: string, version: number): Promise<ModelVersion | undefined>;
  /** Every version of the model, ascending by number. */
  listVersions(model: string): Promise<ModelVersion[]>;
  /** The model's highest-numbered version (one record read, not the whole list). */
  latestVersion(model: string): Promise<ModelVersion | undefined>;
  /**
   * Deletes versions and, in the same transaction, every weight chunk no other version uses.
   * @throws VERSION_CONFLICT when an alias points at one of them.
   */
  deleteVersions(
    model: string,
    versions: readonly number[],
    options?: DeleteVersionsOptions,
  ): Promise<DeleteVersionsResult>;
  /**
   * Reads chunk bytes in order; undefined where a chunk is missing. The caller verifies hashes;
   * `onChunk` hears of each chunk as soon as its bytes are in memory (and how many chunks the read
   * has in all), so hashing can start early.
   */
  readChunks(
    refs: readonly WeightChunkRef[],
    onChunk?: (index: number, data: ArrayBuffer, total?: number) => void,
  ): Promise<(ArrayBuffer | undefined)[]>;
  /**
   * Optional: a version and its chunks' bytes in one read (IndexedDB: one transaction instead of
   * a lookup and then a read). `version` is a number, an alias or `'latest'`; undefined when there
   * is no such version (the caller then asks again the usual way, for the error it reports).
   */
  readVersionWithChunks?(
    model: string,
    version: number | { alias: string } | 'latest',
    onChunk?: (index: number, data: ArrayBuffer, total?: number) => void,
  ): Promise<{ version: ModelVersion; chunks: (ArrayBuffer | undefined)[] } | undefined>;
  /**
   * Optional: turns chunk bytes (whole, or as pieces to join in order) into a Blob of their own,
   * ahead of the commit (IndexedDB: Chromium writes a Blob value faster than an ArrayBuffer one, and
   * the copy lets the bytes be hashed elsewhere meanwhile). Without it, chunks are stored as views.
   */
  prepareChunk?(...parts: Uint8Array[]): Blob;
  /** How many weight chunks and bytes are stored (for tests, diagnostics and GC checks). */
  chunkStats(): Promise<{ chunks: number; bytes: number }>;

  /**
   * Optional (IndexedDB and memory keep drafts): stores a finished run's model as a draft, its new
   * chunks in the same chunk store versions use (deduplicated), in one transaction; replaces an
   * older draft of the run, freeing chunks only it used. @throws QUOTA_EXCEEDED; INTEGRITY_FAILED
   * (`details.missingChunk`) like `commitVersion`.
   */
  putDraft?(request: PutDraftRequest): Promise<PutDraftResult>;
  getDraft?(runId: string): Promise<ModelDraft | undefined>;
  /** Every draft, oldest first. */
  listDrafts?(): Promise<ModelDraft[]>;
  /** Deletes drafts and, in the same transaction, the chunks no version and no other draft uses. */
  deleteDrafts?(runIds: readonly string[]): Promise<DeleteDraftsResult>;
  /** How many drafts there are and what they cost (see `DraftStats`). */
  draftStats?(): Promise<DraftStats>;

  getAlias(model: string, alias: string): Promise<Alias | undefined>;
  listAliases(model: string): Promise<Alias[]>;
  /**
   * Moves (or removes) an alias and appends the log entry atomically.
   * @throws VERSION_NOT_FOUND; VERSION_CONFLICT when `expected` is given and does not hold.
   */
  moveAlias(request: AliasMoveRequest): Promise<AliasMove>;
  /** The alias log of a model (optionally one alias), oldest first. */
  aliasLog(model: string, alias?: string): Promise<AliasMove[]>;

  /** @throws INVALID_ARGUMENT when the id exists. */
  createRun(run: Run): Promise<Run>;
  /** Applies `update` to the stored run atomically. @throws RUN_NOT_FOUND */
  updateRun(id: string, update: (run: Run) => Run): Promise<Run>;
  getRun(id: string): Promise<Run | undefined>;
  /** Runs matching the filter, newest first. */
  listRuns(filter: RunFilter): Promise<Run[]>;
  /** Removes a run; false when it was not there. */
  deleteRun(id: string): Promise<boolean>;
  /** Marks every `running` run whose owner is not alive as `interrupted`; returns their ids. */
  markInterruptedRuns(isAlive: (owner: string | null) => boolean, at: number): Promise<string[]>;

  /** Stores a dataset and its chunks unless the fingerprint is already stored. */
  putDataset(record: DatasetRecord, chunks: readonly DatasetChunk[]): Promise<{ stored: boolean }>;
  getDataset(fingerprint: string): Promise<DatasetRecord | undefined>;
  listDatasets(): Promise<DatasetRecord[]>;
  /** @throws DATASET_NOT_FOUND */
  readDatasetChunks(fingerprint: string): Promise<DatasetChunk[]>;
  /** Removes a dataset and its chunks; false when it was not there. */
  deleteDataset(fingerprint: string): Promise<boolean>;
}

/** A change announced on the `edgeflow-registry` BroadcastChannel (and to local listeners). */
export type RegistryChange =
  | { type: 'model-updated'; model: string }
  | { type: 'version-registered'; model: string; version: number }
  | { type: 'versions-deleted'; model: string; versions: number[] }
  | { type: 'alias-moved'; model: string; alias: string; from: number | null; to: number | null }
  | { type: 'run-updated'; runId: string; status: RunStatus }
  | { type: 'runs-interrupted'; runIds: string[] }
  | { type: 'runs-deleted'; runIds: string[] }
  | { type: 'drafts-changed'; runIds: string[] }
  | { type: 'dataset-stored'; fingerprint: string };

/** Listens to registry changes; returns nothing. */
export type RegistryChangeListener = (change: RegistryChange) => void;

/** A file of an exported version. */
export interface ExportedFile {
  /** A plain file name: `model.json`, `group1-shard1of2.bin`, `edgeflow.json`. */
  path: string;
  data: Uint8Array;
}

/** How `listVersions` orders. */
export type VersionOrder =
  | { by: 'createdAt' | 'version'; direction?: 'asc' | 'desc' }
  | { by: 'metric'; metric: string; direction?: 'asc' | 'desc' };

/** Paging and filters for `listVersions`. */
export interface ListVersionsOptions {
  /** Only versions carrying this tag. */
  tag?: string;
  /** Only the version this alias points at. */
  alias?: string;
  /** Default: newest first (`{ by: 'version', direction: 'desc' }`). */
  order?: VersionOrder;
  /** Default 0. */
  offset?: number;
  /** Default 50, at most 1000. */
  limit?: number;
}

/** One page of versions. */
export interface VersionPage {
  items: ModelVersion[];
  total: number;
  /** Offset of the next page, or null on the last one. */
  nextOffset: number | null;
}

/** Paging and filters for `listRuns`. */
export interface ListRunsOptions extends RunFilter {
  offset?: number;
  limit?: number;
}

/** One page of runs (newest first). */
export interface RunPage {
  items: Run[];
  total: number;
  nextOffset: number | null;
}

/** The chain that produced a version: run → dataset fingerprint → pipeline. */
export interface Lineage {
  model: string;
  version: number;
  runId: string | null;
  run: Run | null;
  datasetFingerprint: string | null;
  dataset: DatasetRecord | null;
  pipeline: ModelVersion['pipeline'];
  source: ModelVersion['source'];
}

/** Storage figures from `navigator.storage.estimate()`. */
export interface StorageEstimate {
  usage: number;
  quota: number;
  available: number;
}
