// The registry in memory: for Node, tests and pages without IndexedDB. Every record is cloned on the
// way in and out, so callers can no more mutate a stored version than they could in IndexedDB, and
// every method runs to completion without awaiting anything in between (atomic by construction).
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
import { modelAfterCommit } from './model-record.ts';
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

const versionKey = (model: string, version: number): string => `${model}\u0000${version}`;
const aliasKey = (model: string, alias: string): string => `${model}\u0000${alias}`;

/**
 * A `ModelStore` that keeps everything in this realm's memory; gone when the realm ends.
 *
 * @example
 * const registry = await createRegistry({ store: new MemoryModelStore() });
 */
export class MemoryModelStore implements ModelStore {
  readonly kind = 'memory';
  private readonly models = new Map<string, Model>();
  private readonly versions = new Map<string, ModelVersion>();
  private readonly chunks = new Map<string, ArrayBuffer>();
  private readonly aliases = new Map<string, Alias>();
  private readonly log: AliasMove[] = [];
  private readonly runs = new Map<string, Run>();
  private readonly datasets = new Map<string, { record: DatasetRecord; chunks: DatasetChunk[] }>();
  private readonly drafts = new Map<string, ModelDraft>();
  private closed = false;

  async open(): Promise<void> {
    this.closed = false;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private check(): void {
    if (this.closed) {
      throw new EdgeflowError('DISPOSED', 'This memory store was closed; create a new registry to continue.');
    }
  }

  async getModel(name: string): Promise<Model | undefined> {
    this.check();
    const model = this.models.get(name);
    return model && structuredClone(model);
  }

  async listModels(): Promise<Model[]> {
    this.check();
    return [...this.models.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((m) => structuredClone(m));
  }

  async upsertModel(
    name: string,
    patch: { description?: string; tags?: string[] },
    at: number,
  ): Promise<Model> {
    this.check();
    const existing = this.models.get(name);
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
    this.models.set(name, next);
    return structuredClone(next);
  }

  async commitVersion(request: CommitVersionRequest): Promise<CommitVersionResult> {
    // Blob bytes are read first; everything after is synchronous, so commits never interleave.
    const bytes = await Promise.all(
      request.chunks.map((chunk) =>
        chunk.data instanceof Blob ? chunk.data.arrayBuffer() : (chunk.data ?? null),
      ),
    );
    this.check();
    const existing = this.models.get(request.model);
    const lastVersion = existing?.lastVersion ?? 0;
    let version: number;
    if (request.version === undefined) {
      version = lastVersion + 1;
    } else {
      version = request.version;
      const exists = this.versions.has(versionKey(request.model, version));
      if (exists || version <= lastVersion)
        throw versionConflict(request.model, version, lastVersion, exists);
    }
    const record: ModelVersion = structuredClone({
      ...request.draft,
      model: request.model,
      version,
      createdAt: request.at,
    });
    let chunksWritten = 0;
    let bytesWritten = 0;
    for (const chunk of request.chunks) {
      if (!chunk.data && !this.chunks.has(chunk.sha256)) throw chunkVanished(request.model, chunk.sha256);
    }
    request.onWriting?.();
    for (const [i, chunk] of request.chunks.entries()) {
      const data = bytes[i];
      if (this.chunks.has(chunk.sha256) || !data) continue;
      this.chunks.set(chunk.sha256, data instanceof ArrayBuffer ? data : data.slice().buffer);
      chunksWritten++;
      bytesWritten += chunk.bytes;
    }
    this.versions.set(versionKey(request.model, version), record);
    this.models.set(request.model, modelAfterCommit(existing, request, version));
    return { version: structuredClone(record), chunksWritten, bytesWritten };
  }

  async getVersion(model: string, version: number): Promise<ModelVersion | undefined> {
    this.check();
    const found = this.versions.get(versionKey(model, version));
    return found && structuredClone(found);
  }

  async listVersions(model: string): Promise<ModelVersion[]> {
    this.check();
    return [...this.versions.values()]
      .filter((v) => v.model === model)
      .sort((a, b) => a.version - b.version)
      .map((v) => structuredClone(v));
  }

  async latestVersion(model: string): Promise<ModelVersion | undefined> {
    const all = await this.listVersions(model);
    return all[all.length - 1];
  }

  async deleteVersions(
    model: string,
    versions: readonly number[],
    options: DeleteVersionsOptions = {},
  ): Promise<DeleteVersionsResult> {
    this.check();
    const doomed = new Set(versions);
    const releasing = [...this.aliases.values()]
      .filter((a) => a.model === model && doomed.has(a.version))
      .sort((a, b) => a.version - b.version || (a.alias < b.alias ? -1 : 1));
    if (!options.releaseAliases) {
      for (const version of versions) {
        const aliased = releasing.filter((a) => a.version === version).map((a) => a.alias);
        if (aliased.length > 0) throw aliasedVersionConflict(model, version, aliased);
      }
    }
    // Every check is done: from here on nothing throws, so the alias removals, the log entries and
    // the deletions happen together (the memory store's "transaction").
    const aliasMoves: AliasMove[] = [];
    const release = options.releaseAliases;
    if (release) {
      for (const entry of aliasReleaseEntries(model, releasing, doomed, release)) {
        const move: AliasMove = { seq: this.log.length + 1, ...entry };
        this.aliases.delete(aliasKey(model, entry.alias));
        this.log.push(move);
        aliasMoves.push(structuredClone(move));
      }
    }
    const deleted: number[] = [];
    const candidates = new Set<string>();
    for (const version of versions) {
      const key = versionKey(model, version);
      const record = this.versions.get(key);
      if (!record) continue;
      this.versions.delete(key);
      deleted.push(version);
      for (const chunk of record.weights.chunks) candidates.add(chunk.sha256);
    }
    return { deleted, ...this.freeUnusedChunks(candidates), ...(release ? { aliasMoves } : {}) };
  }

  /** Deletes those of `candidates` that no version and no draft names any more. */
  private freeUnusedChunks(candidates: Set<string>): { chunksFreed: number; bytesFreed: number } {
    for (const remaining of [...this.versions.values(), ...[...this.drafts.values()].map((d) => d.version)]) {
      for (const chunk of remaining.weights.chunks) candidates.delete(chunk.sha256);
    }
    let chunksFreed = 0;
    let bytesFreed = 0;
    for (const hash of candidates) {
      const data = this.chunks.get(hash);
      if (!data) continue;
      bytesFreed += data.byteLength;
      chunksFreed++;
      this.chunks.delete(hash);
    }
    return { chunksFreed, bytesFreed };
  }

  async putDraft(request: PutDraftRequest): Promise<PutDraftResult> {
    // Blob bytes are read first; everything after is synchronous (atomic by construction).
    const bytes = await Promise.all(
      request.chunks.map((chunk) =>
        chunk.data instanceof Blob ? chunk.data.arrayBuffer() : (chunk.data ?? null),
      ),
    );
    this.check();
    for (const chunk of request.chunks) {
      if (!chunk.data && !this.chunks.has(chunk.sha256))
        throw chunkVanished(`run ${request.runId}`, chunk.sha256);
    }
    let chunksWritten = 0;
    let bytesWritten = 0;
    for (const [i, chunk] of request.chunks.entries()) {
      const data = bytes[i];
      if (this.chunks.has(chunk.sha256) || !data) continue;
      this.chunks.set(chunk.sha256, data instanceof ArrayBuffer ? data : data.slice().buffer);
      chunksWritten++;
      bytesWritten += chunk.bytes;
    }
    const previous = this.drafts.get(request.runId);
    const record: ModelDraft = structuredClone({
      runId: request.runId,
      createdAt: request.at,
      version: request.draft,
    });
    this.drafts.set(request.runId, record);
    if (previous) this.freeUnusedChunks(new Set(previous.version.weights.chunks.map((c) => c.sha256)));
    return { draft: structuredClone(record), chunksWritten, bytesWritten };
  }

  async getDraft(runId: string): Promise<ModelDraft | undefined> {
    this.check();
    const draft = this.drafts.get(runId);
    return draft && structuredClone(draft);
  }

  async listDrafts(): Promise<ModelDraft[]> {
    this.check();
    return [...this.drafts.values()]
      .sort((a, b) => a.createdAt - b.createdAt || a.runId.localeCompare(b.runId))
      .map((d) => structuredClone(d));
  }

  async deleteDrafts(runIds: readonly string[]): Promise<DeleteDraftsResult> {
    this.check();
    const deleted: string[] = [];
    const candidates = new Set<string>();
    for (const runId of new Set(runIds)) {
      const draft = this.drafts.get(runId);
      if (!draft) continue;
      this.drafts.delete(runId);
      deleted.push(runId);
      for (const chunk of draft.version.weights.chunks) candidates.add(chunk.sha256);
    }
    return { deleted, ...this.freeUnusedChunks(candidates) };
  }

  async draftStats(): Promise<DraftStats> {
    this.check();
    const inVersions = new Set<string>();
    for (const version of this.versions.values()) {
      for (const chunk of version.weights.chunks) inVersions.add(chunk.sha256);
    }
    const exclusive = new Map<string, number>();
    let bytes = 0;
    for (const draft of this.drafts.values()) {
      bytes += draft.version.weights.bytes;
      for (const chunk of draft.version.weights.chunks) {
        if (!inVersions.has(chunk.sha256)) exclusive.set(chunk.sha256, chunk.bytes);
      }
    }
    let exclusiveBytes = 0;
    for (const size of exclusive.values()) exclusiveBytes += size;
    return { count: this.drafts.size, bytes, exclusiveBytes };
  }

  async readChunks(
    refs: readonly WeightChunkRef[],
    onChunk?: (index: number, data: ArrayBuffer, total?: number) => void,
  ): Promise<(ArrayBuffer | undefined)[]> {
    this.check();
    return refs.map((ref, index) => {
      const data = this.chunks.get(ref.sha256)?.slice(0);
      if (data) onChunk?.(index, data, refs.length);
      return data;
    });
  }

  async chunkStats(): Promise<{ chunks: number; bytes: number }> {
    this.check();
    let bytes = 0;
    for (const data of this.chunks.values()) bytes += data.byteLength;
    return { chunks: this.chunks.size, bytes };
  }

  /** Overwrites a stored chunk's bytes in place: lets the contract tests simulate disk corruption. */
  corruptChunkForTesting(sha256: string): boolean {
    const data = this.chunks.get(sha256);
    if (!data || data.byteLength === 0) return false;
    const bytes = new Uint8Array(data);
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    return true;
  }

  async getAlias(model: string, alias: string): Promise<Alias | undefined> {
    this.check();
    const found = this.aliases.get(aliasKey(model, alias));
    return found && structuredClone(found);
  }

  async listAliases(model: string): Promise<Alias[]> {
    this.check();
    return [...this.aliases.values()]
      .filter((a) => a.model === model)
      .sort((a, b) => a.alias.localeCompare(b.alias))
      .map((a) => structuredClone(a));
  }

  async moveAlias(request: AliasMoveRequest): Promise<AliasMove> {
    this.check();
    if (request.to !== null && !this.versions.has(versionKey(request.model, request.to))) {
      throw aliasTargetMissing(request.model, request.alias, request.to);
    }
    const key = aliasKey(request.model, request.alias);
    const from = this.aliases.get(key)?.version ?? null;
    if (request.expected !== undefined && request.expected !== from) {
      throw aliasMovedMeanwhile(request.model, request.alias, request.expected, from);
    }
    const move: AliasMove = structuredClone({
      seq: this.log.length + 1,
      model: request.model,
      alias: request.alias,
      from,
      to: request.to,
      at: request.at,
      reason: request.reason,
      gateReport: request.gateReport,
    });
    if (request.to === null) this.aliases.delete(key);
    else
      this.aliases.set(key, {
        model: request.model,
        alias: request.alias,
        version: request.to,
        updatedAt: request.at,
      });
    this.log.push(move);
    return structuredClone(move);
  }

  async aliasLog(model: string, alias?: string): Promise<AliasMove[]> {
    this.check();
    return this.log
      .filter((m) => m.model === model && (alias === undefined || m.alias === alias))
      .map((m) => structuredClone(m));
  }

  async createRun(run: Run): Promise<Run> {
    this.check();
    if (this.runs.has(run.id)) throw runExists(run.id);
    this.runs.set(run.id, structuredClone(run));
    return structuredClone(run);
  }

  async updateRun(id: string, update: (run: Run) => Run): Promise<Run> {
    this.check();
    const existing = this.runs.get(id);
    if (!existing) throw runNotFound(id);
    const next = structuredClone(update(structuredClone(existing)));
    this.runs.set(id, next);
    return structuredClone(next);
  }

  async getRun(id: string): Promise<Run | undefined> {
    this.check();
    const run = this.runs.get(id);
    return run && structuredClone(run);
  }

  async listRuns(filter: RunFilter): Promise<Run[]> {
    this.check();
    return [...this.runs.values()]
      .filter((run) => runMatches(run, filter))
      .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id))
      .map((r) => structuredClone(r));
  }

  async deleteRun(id: string): Promise<boolean> {
    this.check();
    return this.runs.delete(id);
  }

  async markInterruptedRuns(isAlive: (owner: string | null) => boolean, at: number): Promise<string[]> {
    this.check();
    const marked: string[] = [];
    for (const run of this.runs.values()) {
      if (run.status !== 'running' || isAlive(run.owner)) continue;
      this.runs.set(run.id, { ...run, status: 'interrupted', updatedAt: at });
      marked.push(run.id);
    }
    return marked;
  }

  async putDataset(record: DatasetRecord, chunks: readonly DatasetChunk[]): Promise<{ stored: boolean }> {
    this.check();
    if (this.datasets.has(record.fingerprint)) return { stored: false };
    this.datasets.set(record.fingerprint, {
      record: structuredClone(record),
      chunks: structuredClone([...chunks]),
    });
    return { stored: true };
  }

  async getDataset(fingerprint: string): Promise<DatasetRecord | undefined> {
    this.check();
    const found = this.datasets.get(fingerprint);
    return found && structuredClone(found.record);
  }

  async listDatasets(): Promise<DatasetRecord[]> {
    this.check();
    return [...this.datasets.values()]
      .map((d) => structuredClone(d.record))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  async readDatasetChunks(fingerprint: string): Promise<DatasetChunk[]> {
    this.check();
    const found = this.datasets.get(fingerprint);
    if (!found) throw datasetNotFound(fingerprint);
    return structuredClone(found.chunks);
  }

  async deleteDataset(fingerprint: string): Promise<boolean> {
    this.check();
    return this.datasets.delete(fingerprint);
  }
}
