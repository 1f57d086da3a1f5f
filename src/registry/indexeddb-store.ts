// The registry in IndexedDB (pages and workers of one origin share it). Each method is one
// IndexedDB transaction. A transaction commits by itself as soon as the event loop finds it with no
// pending request (IndexedDB spec, "transaction lifetime"), so nothing inside one awaits anything but
// IndexedDB requests: hashing and validation happen before the transaction opens.
import { type IDBPDatabase, type IDBPObjectStore, type IDBPTransaction, openDB, type StoreNames } from 'idb';
import { EdgeflowError } from '../errors.ts';
import type {
  Alias,
  AliasMove,
  DatasetRecord,
  Model,
  ModelVersion,
  Run,
  WeightChunkRef,
} from '../schemas/registry.ts';
import { aliasReleaseEntries } from './alias-release.ts';
import {
  REGISTRY_DB_NAME,
  REGISTRY_DB_VERSION,
  type RegistryDbSchema,
  type StoredChunk,
  type StoredDraft,
  type StoredVersion,
  UPGRADE_STEPS,
} from './idb-schema.ts';
import { modelAfterCommit } from './model-record.ts';
import { quotaExceeded } from './quota.ts';
import { runMatches } from './run-filter.ts';
import {
  aliasedVersionConflict,
  aliasMovedMeanwhile,
  aliasTargetMissing,
  chunkVanished,
  datasetNotFound,
  runExists,
  runNotFound,
  versionConflict,
} from './store-errors.ts';
import type {
  AliasMoveRequest,
  ChunkPayload,
  CommitVersionRequest,
  CommitVersionResult,
  DatasetChunk,
  DeleteDraftsResult,
  DeleteVersionsOptions,
  DeleteVersionsResult,
  DraftStats,
  ModelDraft,
  ModelStore,
  PutDraftRequest,
  PutDraftResult,
  RunFilter,
} from './types.ts';

type Db = IDBPDatabase<RegistryDbSchema>;
type Names = StoreNames<RegistryDbSchema>;

/** Options of `IndexedDbModelStore`. */
export interface IndexedDbModelStoreOptions {
  /** Database name; default `edgeflow-registry`. Tests use their own names. */
  name?: string;
}

function stripRefs(stored: StoredVersion): ModelVersion {
  const { chunkRefs: _refs, ...version } = stored;
  return version;
}

function stripDraftRefs(stored: StoredDraft): ModelDraft {
  const { chunkRefs: _refs, ...draft } = stored;
  return draft;
}

/** How many chunk Blobs `readChunks` reads at once. */
const BLOB_READERS = 2;

/** A Blob of the bytes (copied), or the Blob itself. */
function toBlob(data: Uint8Array | Blob): Blob {
  return data instanceof Blob ? data : new Blob([data as Uint8Array<ArrayBuffer>]);
}

/**
 * The bytes of chunk records as they arrive. A Blob stays readable after its transaction ends, and
 * each is read as soon as its record arrives. Blobs are read in order, a few at a time: reading all
 * at once would finish them all together at the end, leaving nothing for the caller's hashing to
 * overlap with.
 */
async function readChunkRecords(
  records: readonly Promise<StoredChunk | undefined>[],
  onChunk?: (index: number, data: ArrayBuffer, total?: number) => void,
): Promise<(ArrayBuffer | undefined)[]> {
  const out: (ArrayBuffer | undefined)[] = new Array(records.length);
  let next = 0;
  const reader = async () => {
    while (next < records.length) {
      const index = next++;
      const record = await records[index];
      if (!record) continue;
      const data = record.data instanceof Blob ? await readBlob(record.data) : record.data;
      out[index] = data;
      if (data) onChunk?.(index, data, records.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(BLOB_READERS, records.length) }, reader));
  return out;
}

/** The bytes of a stored Blob; undefined when the browser lost its backing file (reported as missing). */
async function readBlob(blob: Blob): Promise<ArrayBuffer | undefined> {
  try {
    return await blob.arrayBuffer();
  } catch {
    return undefined;
  }
}

function isQuotaError(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'QuotaExceededError';
}

/** Bytes of the chunks that come with their bytes (the ones a commit may have to write). */
function bytesBrought(chunks: readonly ChunkPayload[]): number {
  return chunks.reduce((sum, c) => sum + (c.data ? c.bytes : 0), 0);
}

/**
 * Counts every chunk of a commit in the store and, in the same batch of requests, writes the ones
 * that come with bytes; resolves to the counts (0: the chunk was not stored before this commit).
 *
 * Why both at once: each wait for IndexedDB is a round trip to the browser process, which on a busy
 * device costs as much as the writing itself, and the bytes should start travelling as early as
 * possible. Requests of a transaction run in the order they are issued, so each count still sees
 * the store as it was before the put after it. A chunk that comes with bytes is almost always new
 * (the registry leaves out the bytes of chunks it believes stored); one that was stored already is
 * written again with the same bytes, which leaves it as it was. A failed check after this aborts
 * the transaction, and the writes with it.
 */
async function lookUpAndWriteChunks(
  chunks: IDBPObjectStore<RegistryDbSchema, Names[], 'chunks', 'readwrite'>,
  unique: ReadonlyMap<string, ChunkPayload>,
): Promise<number[]> {
  const counts: Promise<number>[] = [];
  const writes: Promise<unknown>[] = [];
  try {
    for (const chunk of unique.values()) {
      counts.push(chunks.count(chunk.sha256));
      if (chunk.data) {
        writes.push(chunks.put({ sha256: chunk.sha256, bytes: chunk.bytes, data: toBlob(chunk.data) }));
      }
    }
  } catch (error) {
    // A put can throw synchronously (QuotaExceededError, DataCloneError); the requests already
    // issued then reject with AbortError once the transaction aborts: observe them.
    for (const pending of [...counts, ...writes]) pending.catch(() => undefined);
    throw error;
  }
  // `count`, not `getKey`: Chromium's in-memory (incognito) IndexedDB reads the whole value for
  // `getKey`, which for a 16 MB chunk costs ~15 ms there.
  const [present] = await Promise.all([Promise.all(counts), Promise.all(writes)]);
  return present;
}

/**
 * A `ModelStore` on IndexedDB through `idb`, with versioned upgrades that migrate old records.
 *
 * @example
 * const registry = await createRegistry({ store: new IndexedDbModelStore({ name: 'my-app-models' }) });
 */
export class IndexedDbModelStore implements ModelStore {
  readonly kind = 'indexeddb';
  readonly name: string;
  private db: Db | undefined;
  private outdated = false;

  constructor(options: IndexedDbModelStoreOptions = {}) {
    this.name = options.name ?? REGISTRY_DB_NAME;
  }

  /** @throws STORE_OUTDATED when the database was upgraded by newer code; INTERNAL when IndexedDB is missing. */
  async open(): Promise<void> {
    if (this.db) return;
    if (typeof (globalThis as { indexedDB?: unknown }).indexedDB === 'undefined') {
      throw new EdgeflowError(
        'INTERNAL',
        'IndexedDB is not available in this realm; use new MemoryModelStore() (Node, tests) instead.',
      );
    }
    try {
      this.db = await openDB<RegistryDbSchema>(this.name, REGISTRY_DB_VERSION, {
        upgrade: async (db, oldVersion, _newVersion, tx) => {
          for (let step = oldVersion; step < REGISTRY_DB_VERSION; step++) {
            await UPGRADE_STEPS[step]?.(db, tx);
          }
        },
        // Newer code elsewhere (another tab, a worker) wants to upgrade: let it, and refuse further
        // work here rather than write records in the old layout.
        blocking: () => {
          this.outdated = true;
          this.db?.close();
          this.db = undefined;
        },
        terminated: () => {
          this.db = undefined;
        },
      });
    } catch (error) {
      if ((error as { name?: unknown } | null)?.name === 'VersionError') {
        this.outdated = true;
        throw this.outdatedError(error);
      }
      throw error;
    }
    this.outdated = false;
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = undefined;
  }

  private outdatedError(cause?: unknown): EdgeflowError {
    return new EdgeflowError(
      'STORE_OUTDATED',
      `The registry database "${this.name}" was upgraded by a newer edgeflow (this code writes schema version ${REGISTRY_DB_VERSION}). Reload the page or restart the worker to load the newer code.`,
      { details: { database: this.name, codeSchemaVersion: REGISTRY_DB_VERSION }, cause },
    );
  }

  private async connection(): Promise<Db> {
    if (this.outdated) throw this.outdatedError();
    if (!this.db) await this.open();
    if (!this.db) throw this.outdatedError();
    return this.db;
  }

  /**
   * Runs `body` in one transaction and waits for the commit. Any failure aborts the whole
   * transaction, so none of its writes become visible.
   */
  private async write<T, S extends Names[]>(
    stores: S,
    body: (tx: IDBPTransaction<RegistryDbSchema, S, 'readwrite'>) => Promise<T>,
    quota?: { bytesNeeded: () => number },
  ): Promise<T> {
    const db = await this.connection();
    const tx = db.transaction(stores, 'readwrite');
    const done = tx.done;
    try {
      const result = await body(tx);
      await done;
      return result;
    } catch (error) {
      try {
        tx.abort();
      } catch {
        // Already finished or aborted: nothing to undo.
      }
      await done.catch(() => undefined);
      const reason = tx.error ?? error;
      if (quota && (isQuotaError(reason) || isQuotaError(error))) {
        throw await quotaExceeded(quota.bytesNeeded(), reason);
      }
      throw error;
    }
  }

  async getModel(name: string): Promise<Model | undefined> {
    return (await this.connection()).get('models', name);
  }

  async listModels(): Promise<Model[]> {
    return (await this.connection()).getAll('models');
  }

  async upsertModel(
    name: string,
    patch: { description?: string; tags?: string[] },
    at: number,
  ): Promise<Model> {
    return this.write(['models'], async (tx) => {
      const store = tx.objectStore('models');
      const existing = await store.get(name);
      const next: Model = existing
        ? {
            ...existing,
            ...(patch.description === undefined ? {} : { description: patch.description }),
            ...(patch.tags === undefined ? {} : { tags: [...patch.tags] }),
            updatedAt: at,
          }
        : {
            name,
            description: patch.description ?? '',
            tags: [...(patch.tags ?? [])],
            createdAt: at,
            updatedAt: at,
            lastVersion: 0,
          };
      await store.put(next);
      return next;
    });
  }

  async commitVersion(request: CommitVersionRequest): Promise<CommitVersionResult> {
    // Bytes of the chunks this commit must add: those it brings bytes for until the transaction
    // has looked them up (a write that fails for quota can fail before that).
    let bytesNeeded = bytesBrought(request.chunks);
    return this.write(
      ['models', 'versions', 'chunks'],
      async (tx) => {
        const models = tx.objectStore('models');
        const versions = tx.objectStore('versions');
        const chunks = tx.objectStore('chunks');
        const unique = new Map(request.chunks.map((c) => [c.sha256, c]));
        // One round trip looks everything up, and the new chunks' bytes go out with it (see
        // `lookUpAndWriteChunks`); the checks below abort the transaction, undoing those writes.
        const [existing, explicitKey, present] = await Promise.all([
          models.get(request.model),
          request.version === undefined ? undefined : versions.getKey([request.model, request.version]),
          lookUpAndWriteChunks(chunks, unique),
        ]);
        const lastVersion = existing?.lastVersion ?? 0;
        let version = lastVersion + 1;
        if (request.version !== undefined) {
          version = request.version;
          const exists = explicitKey !== undefined;
          if (exists || version <= lastVersion)
            throw versionConflict(request.model, version, lastVersion, exists);
        }
        const missing = [...unique.values()].filter((_, i) => present[i] === 0);
        const vanished = missing.find((chunk) => !chunk.data);
        if (vanished) throw chunkVanished(request.model, vanished.sha256);
        bytesNeeded = missing.reduce((sum, c) => sum + c.bytes, 0);
        request.onWriting?.();
        const record: StoredVersion = {
          ...request.draft,
          model: request.model,
          version,
          createdAt: request.at,
          chunkRefs: [...unique.keys()],
        };
        await Promise.all([versions.put(record), models.put(modelAfterCommit(existing, request, version))]);
        return { version: stripRefs(record), chunksWritten: missing.length, bytesWritten: bytesNeeded };
      },
      { bytesNeeded: () => bytesNeeded },
    );
  }

  async getVersion(model: string, version: number): Promise<ModelVersion | undefined> {
    const stored = await (await this.connection()).get('versions', [model, version]);
    return stored && stripRefs(stored);
  }

  async listVersions(model: string): Promise<ModelVersion[]> {
    const range = IDBKeyRange.bound([model, 0], [model, Number.MAX_SAFE_INTEGER]);
    return (await (await this.connection()).getAll('versions', range)).map(stripRefs);
  }

  async latestVersion(model: string): Promise<ModelVersion | undefined> {
    const range = IDBKeyRange.bound([model, 0], [model, Number.MAX_SAFE_INTEGER]);
    const tx = (await this.connection()).transaction('versions', 'readonly');
    const [cursor] = await Promise.all([tx.store.openCursor(range, 'prev'), tx.done]);
    return cursor ? stripRefs(cursor.value) : undefined;
  }

  async deleteVersions(
    model: string,
    numbers: readonly number[],
    options: DeleteVersionsOptions = {},
  ): Promise<DeleteVersionsResult> {
    return this.write(['versions', 'chunks', 'aliases', 'aliasLog', 'drafts'], async (tx) => {
      const versions = tx.objectStore('versions');
      const chunks = tx.objectStore('chunks');
      const aliases = await tx.objectStore('aliases').index('by-model').getAll(model);
      const doomed = new Set(numbers);
      const release = options.releaseAliases;
      if (!release) {
        for (const version of numbers) {
          const aliased = aliases.filter((a) => a.version === version).map((a) => a.alias);
          if (aliased.length > 0) throw aliasedVersionConflict(model, version, aliased);
        }
      }
      // Alias removals, their log entries and the deletions share this transaction: all or nothing.
      const aliasMoves: AliasMove[] = [];
      if (release) {
        for (const entry of aliasReleaseEntries(model, aliases, doomed, release)) {
          const seq = await tx.objectStore('aliasLog').add(entry as AliasMove);
          await tx.objectStore('aliases').delete([model, entry.alias]);
          aliasMoves.push({ seq, ...entry });
        }
      }
      const deleted: number[] = [];
      const candidates = new Set<string>();
      for (const version of numbers) {
        const stored = await versions.get([model, version]);
        if (!stored) continue;
        await versions.delete([model, version]);
        deleted.push(version);
        for (const hash of stored.chunkRefs) candidates.add(hash);
      }
      let chunksFreed = 0;
      let bytesFreed = 0;
      for (const hash of candidates) {
        // The versions above are already deleted in this transaction, so the index sees the rest.
        if ((await versions.index('by-chunk').count(hash)) > 0) continue;
        if ((await tx.objectStore('drafts').index('by-chunk').count(hash)) > 0) continue;
        const chunk = await chunks.get(hash);
        if (!chunk) continue;
        await chunks.delete(hash);
        chunksFreed++;
        bytesFreed += chunk.bytes;
      }
      return { deleted, chunksFreed, bytesFreed, ...(release ? { aliasMoves } : {}) };
    });
  }

  async putDraft(request: PutDraftRequest): Promise<PutDraftResult> {
    let bytesNeeded = bytesBrought(request.chunks);
    return this.write(
      ['versions', 'chunks', 'drafts'],
      async (tx) => {
        const chunks = tx.objectStore('chunks');
        const drafts = tx.objectStore('drafts');
        const unique = new Map(request.chunks.map((c) => [c.sha256, c]));
        const [previous, present] = await Promise.all([
          drafts.get(request.runId),
          lookUpAndWriteChunks(chunks, unique),
        ]);
        const missing = [...unique.values()].filter((_, i) => present[i] === 0);
        const vanished = missing.find((chunk) => !chunk.data);
        if (vanished) throw chunkVanished(`run ${request.runId}`, vanished.sha256);
        bytesNeeded = missing.reduce((sum, c) => sum + c.bytes, 0);
        const record: StoredDraft = {
          runId: request.runId,
          createdAt: request.at,
          version: request.draft,
          chunkRefs: [...unique.keys()],
        };
        await drafts.put(record);
        // The draft this one replaced may have been the last user of some chunks.
        if (previous) {
          const stale = previous.chunkRefs.filter((hash) => !unique.has(hash));
          await this.freeUnusedChunks(tx, stale);
        }
        return {
          draft: stripDraftRefs(record),
          chunksWritten: missing.length,
          bytesWritten: bytesNeeded,
        };
      },
      { bytesNeeded: () => bytesNeeded },
    );
  }

  async getDraft(runId: string): Promise<ModelDraft | undefined> {
    const stored = await (await this.connection()).get('drafts', runId);
    return stored && stripDraftRefs(stored);
  }

  async listDrafts(): Promise<ModelDraft[]> {
    const all = await (await this.connection()).getAll('drafts');
    return all
      .map(stripDraftRefs)
      .sort((a, b) => a.createdAt - b.createdAt || a.runId.localeCompare(b.runId));
  }

  async deleteDrafts(runIds: readonly string[]): Promise<DeleteDraftsResult> {
    return this.write(['versions', 'chunks', 'drafts'], async (tx) => {
      const drafts = tx.objectStore('drafts');
      const deleted: string[] = [];
      const candidates = new Set<string>();
      for (const runId of new Set(runIds)) {
        const stored = await drafts.get(runId);
        if (!stored) continue;
        await drafts.delete(runId);
        deleted.push(runId);
        for (const hash of stored.chunkRefs) candidates.add(hash);
      }
      return { deleted, ...(await this.freeUnusedChunks(tx, candidates)) };
    });
  }

  async draftStats(): Promise<DraftStats> {
    const tx = (await this.connection()).transaction(['versions', 'drafts'], 'readonly');
    const all = await tx.objectStore('drafts').getAll();
    const sizes = new Map<string, number>();
    let bytes = 0;
    for (const draft of all) {
      bytes += draft.version.weights.bytes;
      for (const chunk of draft.version.weights.chunks) sizes.set(chunk.sha256, chunk.bytes);
    }
    const used = await Promise.all(
      [...sizes.keys()].map((hash) => tx.objectStore('versions').index('by-chunk').count(hash)),
    );
    await tx.done;
    let exclusiveBytes = 0;
    [...sizes.values()].forEach((size, i) => {
      if (used[i] === 0) exclusiveBytes += size;
    });
    return { count: all.length, bytes, exclusiveBytes };
  }

  /** Deletes those of `hashes` that no version and no draft names any more (inside the caller's transaction). */
  private async freeUnusedChunks(
    tx: IDBPTransaction<RegistryDbSchema, ('versions' | 'chunks' | 'drafts')[], 'readwrite'>,
    hashes: Iterable<string>,
  ): Promise<{ chunksFreed: number; bytesFreed: number }> {
    let chunksFreed = 0;
    let bytesFreed = 0;
    for (const hash of hashes) {
      if ((await tx.objectStore('versions').index('by-chunk').count(hash)) > 0) continue;
      if ((await tx.objectStore('drafts').index('by-chunk').count(hash)) > 0) continue;
      const chunk = await tx.objectStore('chunks').get(hash);
      if (!chunk) continue;
      await tx.objectStore('chunks').delete(hash);
      chunksFreed++;
      bytesFreed += chunk.bytes;
    }
    return { chunksFreed, bytesFreed };
  }

  /** Chunks stored as Blobs are written by the browser's blob machinery, not cloned into the value. */
  prepareChunk(...parts: Uint8Array[]): Blob {
    return new Blob(parts as Uint8Array<ArrayBuffer>[]);
  }

  async readChunks(
    refs: readonly WeightChunkRef[],
    onChunk?: (index: number, data: ArrayBuffer, total?: number) => void,
  ): Promise<(ArrayBuffer | undefined)[]> {
    const tx = (await this.connection()).transaction('chunks', 'readonly');
    const records = refs.map((ref) => tx.store.get(ref.sha256));
    const done = tx.done;
    for (const pending of [...records, done]) pending.catch(() => undefined);
    const [out] = await Promise.all([readChunkRecords(records, onChunk), done]);
    return out;
  }

  async readVersionWithChunks(
    model: string,
    version: number | { alias: string } | 'latest',
    onChunk?: (index: number, data: ArrayBuffer, total?: number) => void,
  ): Promise<{ version: ModelVersion; chunks: (ArrayBuffer | undefined)[] } | undefined> {
    // One transaction: the version is looked up, and its chunks are asked for as soon as it
    // arrives (requests issued from a request's success keep the transaction alive).
    const tx = (await this.connection()).transaction(['versions', 'aliases', 'chunks'], 'readonly');
    const done = tx.done;
    done.catch(() => undefined);
    const versions = tx.objectStore('versions');
    let stored: StoredVersion | undefined;
    if (typeof version === 'number') {
      stored = await versions.get([model, version]);
    } else if (version === 'latest') {
      const range = IDBKeyRange.bound([model, 0], [model, Number.MAX_SAFE_INTEGER]);
      stored = (await versions.openCursor(range, 'prev'))?.value;
    } else {
      const alias = await tx.objectStore('aliases').get([model, version.alias]);
      stored = alias ? await versions.get([model, alias.version]) : undefined;
    }
    if (!stored) {
      await done;
      return undefined;
    }
    const chunks = tx.objectStore('chunks');
    const records = stored.weights.chunks.map((ref) => chunks.get(ref.sha256));
    for (const pending of records) pending.catch(() => undefined);
    const [out] = await Promise.all([readChunkRecords(records, onChunk), done]);
    return { version: stripRefs(stored), chunks: out };
  }

  async chunkStats(): Promise<{ chunks: number; bytes: number }> {
    const db = await this.connection();
    const tx = db.transaction('chunks', 'readonly');
    let bytes = 0;
    let count = 0;
    let cursor = await tx.store.openCursor();
    while (cursor) {
      bytes += cursor.value.bytes;
      count++;
      cursor = await cursor.continue();
    }
    await tx.done;
    return { chunks: count, bytes };
  }

  async getAlias(model: string, alias: string): Promise<Alias | undefined> {
    return (await this.connection()).get('aliases', [model, alias]);
  }

  async listAliases(model: string): Promise<Alias[]> {
    const all = await (await this.connection()).getAllFromIndex('aliases', 'by-model', model);
    return all.sort((a, b) => a.alias.localeCompare(b.alias));
  }

  async moveAlias(request: AliasMoveRequest): Promise<AliasMove> {
    return this.write(['aliases', 'aliasLog', 'versions'], async (tx) => {
      if (
        request.to !== null &&
        (await tx.objectStore('versions').getKey([request.model, request.to])) === undefined
      ) {
        throw aliasTargetMissing(request.model, request.alias, request.to);
      }
      const aliases = tx.objectStore('aliases');
      const from = (await aliases.get([request.model, request.alias]))?.version ?? null;
      if (request.expected !== undefined && request.expected !== from) {
        throw aliasMovedMeanwhile(request.model, request.alias, request.expected, from);
      }
      const entry = {
        model: request.model,
        alias: request.alias,
        from,
        to: request.to,
        at: request.at,
        reason: request.reason,
        gateReport: request.gateReport,
      };
      // `seq` comes from the store's key generator (autoIncrement), so the log order is the commit order.
      const seq = await tx.objectStore('aliasLog').add(entry as AliasMove);
      if (request.to === null) await aliases.delete([request.model, request.alias]);
      else
        await aliases.put({
          model: request.model,
          alias: request.alias,
          version: request.to,
          updatedAt: request.at,
        });
      return { seq, ...entry };
    });
  }

  async aliasLog(model: string, alias?: string): Promise<AliasMove[]> {
    const all = await (await this.connection()).getAllFromIndex('aliasLog', 'by-model', model);
    return all.filter((m) => alias === undefined || m.alias === alias).sort((a, b) => a.seq - b.seq);
  }

  async createRun(run: Run): Promise<Run> {
    return this.write(['runs'], async (tx) => {
      if ((await tx.objectStore('runs').getKey(run.id)) !== undefined) throw runExists(run.id);
      await tx.objectStore('runs').add(run);
      return run;
    });
  }

  async updateRun(id: string, update: (run: Run) => Run): Promise<Run> {
    return this.write(['runs'], async (tx) => {
      const existing = await tx.objectStore('runs').get(id);
      if (!existing) throw runNotFound(id);
      const next = update(existing);
      await tx.objectStore('runs').put(next);
      return next;
    });
  }

  async getRun(id: string): Promise<Run | undefined> {
    return (await this.connection()).get('runs', id);
  }

  async listRuns(filter: RunFilter): Promise<Run[]> {
    const db = await this.connection();
    const all =
      typeof filter.status === 'string'
        ? await db.getAllFromIndex('runs', 'by-status', filter.status)
        : await db.getAll('runs');
    return all
      .filter((run) => runMatches(run, filter))
      .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
  }

  async deleteRun(id: string): Promise<boolean> {
    return this.write(['runs'], async (tx) => {
      if ((await tx.objectStore('runs').getKey(id)) === undefined) return false;
      await tx.objectStore('runs').delete(id);
      return true;
    });
  }

  async markInterruptedRuns(isAlive: (owner: string | null) => boolean, at: number): Promise<string[]> {
    return this.write(['runs'], async (tx) => {
      const running = await tx.objectStore('runs').index('by-status').getAll('running');
      const marked: string[] = [];
      for (const run of running) {
        if (isAlive(run.owner)) continue;
        await tx.objectStore('runs').put({ ...run, status: 'interrupted', updatedAt: at });
        marked.push(run.id);
      }
      return marked;
    });
  }

  async putDataset(record: DatasetRecord, chunks: readonly DatasetChunk[]): Promise<{ stored: boolean }> {
    return this.write(
      ['datasets', 'datasetChunks'],
      async (tx) => {
        const datasets = tx.objectStore('datasets');
        if ((await datasets.getKey(record.fingerprint)) !== undefined) return { stored: false };
        const store = tx.objectStore('datasetChunks');
        await Promise.all([
          datasets.add(record),
          ...chunks.map((columns, index) => store.add({ fingerprint: record.fingerprint, index, columns })),
        ]);
        return { stored: true };
      },
      { bytesNeeded: () => record.bytes },
    );
  }

  async getDataset(fingerprint: string): Promise<DatasetRecord | undefined> {
    return (await this.connection()).get('datasets', fingerprint);
  }

  async listDatasets(): Promise<DatasetRecord[]> {
    return (await (await this.connection()).getAll('datasets')).sort((a, b) => b.createdAt - a.createdAt);
  }

  async readDatasetChunks(fingerprint: string): Promise<DatasetChunk[]> {
    const db = await this.connection();
    const tx = db.transaction(['datasets', 'datasetChunks'], 'readonly');
    const record = await tx.objectStore('datasets').get(fingerprint);
    const range = IDBKeyRange.bound([fingerprint, 0], [fingerprint, Number.MAX_SAFE_INTEGER]);
    const chunks = await tx.objectStore('datasetChunks').getAll(range);
    await tx.done;
    if (!record) throw datasetNotFound(fingerprint);
    return chunks.sort((a, b) => a.index - b.index).map((c) => c.columns);
  }

  async deleteDataset(fingerprint: string): Promise<boolean> {
    return this.write(['datasets', 'datasetChunks'], async (tx) => {
      const datasets = tx.objectStore('datasets');
      if ((await datasets.getKey(fingerprint)) === undefined) return false;
      await datasets.delete(fingerprint);
      await tx
        .objectStore('datasetChunks')
        .delete(IDBKeyRange.bound([fingerprint, 0], [fingerprint, Number.MAX_SAFE_INTEGER]));
      return true;
    });
  }
}
