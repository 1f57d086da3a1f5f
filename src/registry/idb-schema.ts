// The registry's IndexedDB layout, as an `idb` DBSchema, and the upgrade steps that build and
// migrate it. Step N turns a version N-1 database into version N; a fresh database runs all steps.
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { Alias, AliasMove, DatasetRecord, Model, ModelVersion, Run } from '../schemas/registry.ts';
import type { DatasetChunk, ModelDraft } from './types.ts';

/** A version as stored: the record plus its chunk digests at top level, for the multi-entry index. */
export interface StoredVersion extends ModelVersion {
  chunkRefs: string[];
}

/** A draft as stored: the record plus its chunk digests at top level, for the multi-entry index. */
export interface StoredDraft extends ModelDraft {
  chunkRefs: string[];
}

/** One stored weight chunk, keyed by its SHA-256: a Blob since schema v3, an ArrayBuffer before. */
export interface StoredChunk {
  sha256: string;
  bytes: number;
  data: Blob | ArrayBuffer;
}

/** One stored dataset chunk. */
export interface StoredDatasetChunk {
  fingerprint: string;
  index: number;
  columns: DatasetChunk;
}

/** The typed layout of the `edgeflow-registry` database. */
export interface RegistryDbSchema extends DBSchema {
  models: { key: string; value: Model };
  versions: { key: [string, number]; value: StoredVersion; indexes: { 'by-chunk': string } };
  chunks: { key: string; value: StoredChunk };
  aliases: { key: [string, string]; value: Alias; indexes: { 'by-model': string } };
  aliasLog: { key: number; value: AliasMove; indexes: { 'by-model': string } };
  runs: { key: string; value: Run; indexes: { 'by-status': string } };
  datasets: { key: string; value: DatasetRecord };
  datasetChunks: { key: [string, number]; value: StoredDatasetChunk };
  drafts: { key: string; value: StoredDraft; indexes: { 'by-chunk': string } };
}

/** The default database name. */
export const REGISTRY_DB_NAME = 'edgeflow-registry';

type UpgradeTransaction = IDBPTransaction<
  RegistryDbSchema,
  ArrayLike<StoreNames<RegistryDbSchema>>,
  'versionchange'
>;

/** One schema step; it may read and rewrite records through the upgrade transaction. */
export type UpgradeStep = (db: IDBPDatabase<RegistryDbSchema>, tx: UpgradeTransaction) => Promise<void>;

/**
 * The upgrade steps, in order: index i produces schema version i + 1.
 * - v1: every store.
 * - v2: runs gain a `by-status` index (so opening the registry finds running runs without a full
 *   scan) and the `owner` and `tags` fields; v1 runs are rewritten with `owner: null`, `tags: []`.
 * - v3: new weight chunks are stored as Blobs (Chromium writes and reads them 1.5–2× faster than
 *   ArrayBuffer values). Older chunks stay ArrayBuffers and remain readable; the bump keeps code that
 *   only knows ArrayBuffer chunks (an older tab) away from the new ones, with STORE_OUTDATED.
 * - v4: `drafts` (finished runs' models kept until registered), keyed by run id, with a `by-chunk`
 *   index: a chunk is garbage only when no version and no draft names it.
 */
export const UPGRADE_STEPS: readonly UpgradeStep[] = [
  async (db) => {
    db.createObjectStore('models', { keyPath: 'name' });
    const versions = db.createObjectStore('versions', { keyPath: ['model', 'version'] });
    versions.createIndex('by-chunk', 'chunkRefs', { multiEntry: true });
    db.createObjectStore('chunks', { keyPath: 'sha256' });
    const aliases = db.createObjectStore('aliases', { keyPath: ['model', 'alias'] });
    aliases.createIndex('by-model', 'model');
    const log = db.createObjectStore('aliasLog', { keyPath: 'seq', autoIncrement: true });
    log.createIndex('by-model', 'model');
    db.createObjectStore('runs', { keyPath: 'id' });
    db.createObjectStore('datasets', { keyPath: 'fingerprint' });
    db.createObjectStore('datasetChunks', { keyPath: ['fingerprint', 'index'] });
  },
  async (_db, tx) => {
    const runs = tx.objectStore('runs');
    runs.createIndex('by-status', 'status');
    let cursor = await runs.openCursor();
    while (cursor) {
      const old = cursor.value as Partial<Run> & { id: string };
      await cursor.update({ ...old, owner: old.owner ?? null, tags: old.tags ?? [] } as Run);
      cursor = await cursor.continue();
    }
  },
  async () => {
    // Nothing to migrate: readers accept both chunk forms.
  },
  async (db) => {
    const drafts = db.createObjectStore('drafts', { keyPath: 'runId' });
    drafts.createIndex('by-chunk', 'chunkRefs', { multiEntry: true });
  },
];

/** The schema version this code writes. A database above it was written by newer code. */
export const REGISTRY_DB_VERSION = UPGRADE_STEPS.length;
