// A ModelStore on the file system, for Node edge devices that keep versions across restarts.
//
// Layout under the directory: `journal.ndjson` (one JSON line per change, appended and fsynced),
// `chunks/<sha256>` (weight chunks, content-addressed) and `datasets/<id>.bin` (dataset chunks,
// v8-serialised). The records live in an in-memory `MemoryModelStore` that the journal is replayed
// into on open, so every rule of the interface (numbers never reused, alias checks, run filters) is
// the memory store's own, and each change becomes durable as one appended line: a line torn by a
// crash is ignored on the next open, so a change is either wholly there or not at all. Weight bytes
// are written (temp file + rename) before the line that names them.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { EdgeflowError } from '../../errors.ts';
import { MemoryModelStore } from '../../registry/memory-store.ts';
import type {
  AliasMoveRequest,
  ChunkPayload,
  CommitVersionRequest,
  CommitVersionResult,
  DatasetChunk,
  DeleteVersionsOptions,
  DeleteVersionsResult,
  ModelStore,
  RunFilter,
} from '../../registry/types.ts';
import type {
  Alias,
  AliasMove,
  DatasetRecord,
  Model,
  ModelVersion,
  Run,
  WeightChunkRef,
} from '../../schemas/registry.ts';

type JournalEntry =
  | { op: 'upsert-model'; name: string; patch: { description?: string; tags?: string[] }; at: number }
  | {
      op: 'commit';
      request: Omit<CommitVersionRequest, 'chunks' | 'onWriting'> & {
        chunks: { sha256: string; bytes: number }[];
      };
    }
  | {
      op: 'delete-versions';
      model: string;
      versions: number[];
      release?: { at: number; reasons: Record<string, string> };
    }
  | { op: 'move-alias'; request: Omit<AliasMoveRequest, 'expected'> }
  | { op: 'create-run'; run: Run }
  | { op: 'put-run'; run: Run }
  | { op: 'delete-run'; id: string }
  | { op: 'put-dataset'; record: DatasetRecord; file: string }
  | { op: 'delete-dataset'; fingerprint: string };

/** Options of `FileSystemModelStore`. */
export interface FileSystemModelStoreOptions {
  /** The folder to keep everything in (created when missing). One process at a time may open it. */
  readonly directory: string;
}

const JOURNAL = 'journal.ndjson';

/**
 * A `ModelStore` in a folder, for Node: versions, aliases, runs and datasets survive restarts; each
 * change is atomic (one fsynced journal line) and weights are content-addressed files.
 *
 * @example
 * const client = await createEdgeClient({ ..., store: new FileSystemModelStore({ directory: './models' }) });
 */
export class FileSystemModelStore implements ModelStore {
  readonly kind = 'file-system';
  readonly directory: string;
  private inner = new MemoryModelStore();
  private queue: Promise<unknown> = Promise.resolve();
  private broken: unknown = null;

  constructor(options: FileSystemModelStoreOptions) {
    if (typeof options?.directory !== 'string' || options.directory.length === 0) {
      throw new EdgeflowError('INVALID_ARGUMENT', 'FileSystemModelStore needs a directory.', {
        details: { field: 'directory' },
      });
    }
    this.directory = options.directory;
  }

  private path(...parts: string[]): string {
    return join(this.directory, ...parts);
  }

  async open(): Promise<void> {
    await mkdir(this.path('chunks'), { recursive: true });
    await mkdir(this.path('datasets'), { recursive: true });
    const inner = new MemoryModelStore();
    await inner.open();
    let text = '';
    try {
      text = await readFile(this.path(JOURNAL), 'utf8');
    } catch {
      text = '';
    }
    let good = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', good)) {
      let entry: JournalEntry;
      try {
        entry = JSON.parse(text.slice(good, newline)) as JournalEntry;
      } catch {
        break;
      }
      // An entry that cannot apply (a dataset file deleted by hand) is skipped, as a failed write would be.
      await this.replay(inner, entry).catch(() => undefined);
      good = newline + 1;
    }
    if (good < text.length) {
      // A torn last line (crash mid-append): drop it so later appends start on a clean line.
      await truncate(this.path(JOURNAL), Buffer.byteLength(text.slice(0, good)));
    }
    this.inner = inner;
    this.broken = null;
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.inner.close();
  }

  private async replay(inner: MemoryModelStore, entry: JournalEntry): Promise<void> {
    switch (entry.op) {
      case 'upsert-model':
        await inner.upsertModel(entry.name, entry.patch, entry.at);
        return;
      case 'commit': {
        // A chunk file a later entry deleted is gone: replay with no bytes (the later delete removes
        // the version again). One lost any other way makes that version fail its hash check on load
        // (INTEGRITY_FAILED), which is how a client notices storage it lost.
        const chunks: ChunkPayload[] = await Promise.all(
          entry.request.chunks.map(async (c) => ({
            ...c,
            data: await readFile(this.path('chunks', c.sha256)).then(
              (bytes) => new Uint8Array(bytes),
              () => new Uint8Array(0),
            ),
          })),
        );
        await inner.commitVersion({ ...entry.request, chunks });
        return;
      }
      case 'delete-versions': {
        const release = entry.release;
        await inner.deleteVersions(
          entry.model,
          entry.versions,
          release === undefined
            ? {}
            : { releaseAliases: { at: release.at, reasonFor: (v) => release.reasons[String(v)] ?? '' } },
        );
        return;
      }
      case 'move-alias':
        await inner.moveAlias(entry.request);
        return;
      case 'create-run':
        await inner.createRun(entry.run);
        return;
      case 'put-run':
        await inner.updateRun(entry.run.id, () => entry.run);
        return;
      case 'delete-run':
        await inner.deleteRun(entry.id);
        return;
      case 'put-dataset': {
        const chunks = deserialize(await readFile(this.path('datasets', entry.file))) as DatasetChunk[];
        await inner.putDataset(entry.record, chunks);
        return;
      }
      case 'delete-dataset':
        await inner.deleteDataset(entry.fingerprint);
        return;
    }
  }

  /** Runs changes one at a time; a journal that could not be written stops further changes. */
  private change<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      if (this.broken !== null) {
        throw new EdgeflowError(
          'INTERNAL',
          `The store at ${this.directory} could not write its journal earlier; reopen it.`,
          { cause: this.broken },
        );
      }
      return work();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async append(entry: JournalEntry): Promise<void> {
    try {
      const handle = await open(this.path(JOURNAL), 'a');
      try {
        await handle.appendFile(`${JSON.stringify(entry)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (cause) {
      // Memory moved ahead of the disk: refuse further changes until a reopen re-reads the journal.
      this.broken = cause;
      throw writeFailed(this.directory, cause);
    }
  }

  private async writeAtomically(target: string, data: Uint8Array): Promise<void> {
    const temp = `${target}.${randomUUID()}.tmp`;
    try {
      await writeFile(temp, data);
      await rename(temp, target);
    } catch (cause) {
      await rm(temp, { force: true });
      throw writeFailed(this.directory, cause);
    }
  }

  getModel(name: string): Promise<Model | undefined> {
    return this.inner.getModel(name);
  }

  listModels(): Promise<Model[]> {
    return this.inner.listModels();
  }

  upsertModel(name: string, patch: { description?: string; tags?: string[] }, at: number): Promise<Model> {
    return this.change(async () => {
      const model = await this.inner.upsertModel(name, patch, at);
      await this.append({ op: 'upsert-model', name, patch, at });
      return model;
    });
  }

  commitVersion(request: CommitVersionRequest): Promise<CommitVersionResult> {
    return this.change(async () => {
      // Weight bytes first (content-addressed, each renamed into place), then the record.
      for (const chunk of request.chunks) {
        if (chunk.data === undefined) continue;
        const bytes =
          chunk.data instanceof Blob ? new Uint8Array(await chunk.data.arrayBuffer()) : chunk.data;
        await this.writeAtomically(this.path('chunks', chunk.sha256), bytes);
      }
      const result = await this.inner.commitVersion(request);
      const { chunks, onWriting: _onWriting, ...rest } = request;
      await this.append({
        op: 'commit',
        request: {
          ...rest,
          version: result.version.version,
          chunks: chunks.map((c) => ({ sha256: c.sha256, bytes: c.bytes })),
        },
      });
      return result;
    });
  }

  getVersion(model: string, version: number): Promise<ModelVersion | undefined> {
    return this.inner.getVersion(model, version);
  }

  listVersions(model: string): Promise<ModelVersion[]> {
    return this.inner.listVersions(model);
  }

  latestVersion(model: string): Promise<ModelVersion | undefined> {
    return this.inner.latestVersion(model);
  }

  deleteVersions(
    model: string,
    versions: readonly number[],
    options: DeleteVersionsOptions = {},
  ): Promise<DeleteVersionsResult> {
    return this.change(async () => {
      const before = new Set((await this.allChunkDigests()).values());
      const reasons: Record<string, string> = {};
      if (options.releaseAliases)
        for (const v of versions) reasons[String(v)] = options.releaseAliases.reasonFor(v);
      const result = await this.inner.deleteVersions(model, versions, options);
      await this.append({
        op: 'delete-versions',
        model,
        versions: [...versions],
        ...(options.releaseAliases ? { release: { at: options.releaseAliases.at, reasons } } : {}),
      });
      // Files of chunks no version uses any more go after the journal says so.
      const after = await this.allChunkDigests();
      for (const digest of before)
        if (!after.has(digest)) await rm(this.path('chunks', digest), { force: true });
      return result;
    });
  }

  private async allChunkDigests(): Promise<Set<string>> {
    const digests = new Set<string>();
    for (const model of await this.inner.listModels()) {
      for (const version of await this.inner.listVersions(model.name))
        for (const c of version.weights.chunks) digests.add(c.sha256);
    }
    return digests;
  }

  readChunks(
    refs: readonly WeightChunkRef[],
    onChunk?: (index: number, data: ArrayBuffer, total?: number) => void,
  ): Promise<(ArrayBuffer | undefined)[]> {
    return this.inner.readChunks(refs, onChunk);
  }

  chunkStats(): Promise<{ chunks: number; bytes: number }> {
    return this.inner.chunkStats();
  }

  /** Flips a byte of a stored chunk, in memory and on disk, as disk corruption would (contract tests). */
  async corruptChunkForTesting(sha256: string): Promise<boolean> {
    const file = this.path('chunks', sha256);
    const bytes = new Uint8Array(await readFile(file));
    if (bytes.byteLength === 0) return false;
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    await writeFile(file, bytes);
    return this.inner.corruptChunkForTesting(sha256);
  }

  getAlias(model: string, alias: string): Promise<Alias | undefined> {
    return this.inner.getAlias(model, alias);
  }

  listAliases(model: string): Promise<Alias[]> {
    return this.inner.listAliases(model);
  }

  moveAlias(request: AliasMoveRequest): Promise<AliasMove> {
    return this.change(async () => {
      const move = await this.inner.moveAlias(request);
      const { expected: _expected, ...rest } = request;
      await this.append({ op: 'move-alias', request: rest });
      return move;
    });
  }

  aliasLog(model: string, alias?: string): Promise<AliasMove[]> {
    return this.inner.aliasLog(model, alias);
  }

  createRun(run: Run): Promise<Run> {
    return this.change(async () => {
      const created = await this.inner.createRun(run);
      await this.append({ op: 'create-run', run: created });
      return created;
    });
  }

  updateRun(id: string, update: (run: Run) => Run): Promise<Run> {
    return this.change(async () => {
      const updated = await this.inner.updateRun(id, update);
      await this.append({ op: 'put-run', run: updated });
      return updated;
    });
  }

  getRun(id: string): Promise<Run | undefined> {
    return this.inner.getRun(id);
  }

  listRuns(filter: RunFilter): Promise<Run[]> {
    return this.inner.listRuns(filter);
  }

  deleteRun(id: string): Promise<boolean> {
    return this.change(async () => {
      const deleted = await this.inner.deleteRun(id);
      if (deleted) await this.append({ op: 'delete-run', id });
      return deleted;
    });
  }

  markInterruptedRuns(isAlive: (owner: string | null) => boolean, at: number): Promise<string[]> {
    return this.change(async () => {
      const marked = await this.inner.markInterruptedRuns(isAlive, at);
      for (const id of marked) {
        const run = await this.inner.getRun(id);
        if (run) await this.append({ op: 'put-run', run });
      }
      return marked;
    });
  }

  putDataset(record: DatasetRecord, chunks: readonly DatasetChunk[]): Promise<{ stored: boolean }> {
    return this.change(async () => {
      if (await this.inner.getDataset(record.fingerprint)) return { stored: false };
      const file = `${createHash('sha256').update(record.fingerprint).digest('hex')}.bin`;
      await this.writeAtomically(this.path('datasets', file), serialize(chunks));
      const result = await this.inner.putDataset(record, chunks);
      await this.append({ op: 'put-dataset', record, file });
      return result;
    });
  }

  getDataset(fingerprint: string): Promise<DatasetRecord | undefined> {
    return this.inner.getDataset(fingerprint);
  }

  listDatasets(): Promise<DatasetRecord[]> {
    return this.inner.listDatasets();
  }

  readDatasetChunks(fingerprint: string): Promise<DatasetChunk[]> {
    return this.inner.readDatasetChunks(fingerprint);
  }

  deleteDataset(fingerprint: string): Promise<boolean> {
    return this.change(async () => {
      const deleted = await this.inner.deleteDataset(fingerprint);
      if (deleted) {
        await this.append({ op: 'delete-dataset', fingerprint });
        await rm(this.path('datasets', `${createHash('sha256').update(fingerprint).digest('hex')}.bin`), {
          force: true,
        });
      }
      return deleted;
    });
  }
}

function writeFailed(directory: string, cause: unknown): EdgeflowError {
  const code = (cause as { code?: string })?.code;
  return new EdgeflowError(
    code === 'ENOSPC' || code === 'EDQUOT' ? 'QUOTA_EXCEEDED' : 'INTERNAL',
    `Could not write to ${directory}: ${cause instanceof Error ? cause.message : String(cause)}.${code === 'ENOSPC' ? ' The disk is full; free space or prune old versions.' : ''}`,
    { cause, details: { directory, ...(code === undefined ? {} : { errno: code }) } },
  );
}
