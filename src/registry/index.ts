// Public barrel of edgeflow/registry: the registry facade, its stores, tfjs interop and types.
// Named exports only (no `export *`).
export {
  type Alias,
  type AliasMove,
  type ColumnData,
  type ColumnDtype,
  type DatasetColumnInfo,
  type DatasetRecord,
  type ExportManifest,
  exportManifestSchema,
  type ManifestFile,
  type Model,
  type ModelVersion,
  type Run,
  type RunHistoryEntry,
  type RunStatus,
  type VersionSource,
  type VersionWeights,
  type WeightChunkRef,
  type WeightSpec,
} from '../schemas/registry.ts';
export type { MoveAliasOptions } from './alias-moves.ts';
export { REGISTRY_CHANNEL } from './change-channel.ts';
export { DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES } from './content-hash.ts';
export type { PutDatasetInput } from './datasets.ts';
export { DEFAULT_SHARD_BYTES, MANIFEST_FILE, MODEL_FILE } from './export-files.ts';
export { REGISTRY_DB_NAME, REGISTRY_DB_VERSION } from './idb-schema.ts';
export type { ImportFiles } from './import-files.ts';
export { IndexedDbModelStore, type IndexedDbModelStoreOptions } from './indexeddb-store.ts';
export {
  parseEdgeflowUrl,
  type RegistryLoadHandler,
  type RegistrySaveHandler,
  registerEdgeflowRouter,
  type TfIoRouters,
} from './io-handlers.ts';
export { MemoryModelStore } from './memory-store.ts';
export type { PersistenceResult } from './quota.ts';
export { createRegistry, Registry, type RegistryOptions } from './registry.ts';
export type { CreateRunInput, RunPatch } from './runs.ts';
export type { LayersModelLike, TensorLike } from './tensor-weights.ts';
export type {
  AliasMoveRequest,
  ChunkPayload,
  CommitVersionRequest,
  CommitVersionResult,
  DatasetChunk,
  DeleteVersionsResult,
  ExportedFile,
  Lineage,
  ListRunsOptions,
  ListVersionsOptions,
  ModelDraft,
  ModelStore,
  RegistryChange,
  RegistryChangeListener,
  RunFilter,
  RunPage,
  StorageEstimate,
  VersionDraft,
  VersionOrder,
  VersionPage,
} from './types.ts';
export type { PruneOptions } from './version-delete.ts';
export type { ImportVersionOptions } from './version-import.ts';
export type { RegisterVersionInput, VersionMetadataInput } from './version-metadata.ts';
