// The durable outbox: OTLP batches in IndexedDB, one database per origin shared by the page and
// every worker. Each append is one readwrite transaction that folds pending drop counts into the
// batch, stores it and evicts the oldest batches past the bounds, so the database is never over
// its bound and a half-written append never becomes visible.
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import { EdgeflowError } from '../errors.ts';
import { addDrops, foldDrops, utf8Length } from './drop-report.ts';
import { DEFAULT_OUTBOX_LIMITS } from './memory-outbox.ts';
import type {
  AppendResult,
  DropCounts,
  ExportMetricsServiceRequestJson,
  Outbox,
  OutboxBatch,
  OutboxLimits,
} from './types.ts';

/** Default database name: one outbox per origin. */
export const DEFAULT_OUTBOX_DB = 'edgeflow-telemetry';

interface MetaRecords {
  drops: DropCounts;
  bytes: number;
  install: { id: string; createdAt: number };
}

interface OutboxDb extends DBSchema {
  batches: { key: number; value: Omit<OutboxBatch, 'seq'> & { seq?: number } };
  meta: { key: keyof MetaRecords; value: MetaRecords[keyof MetaRecords] };
}

/** Options of the IndexedDB outbox. */
export interface IndexedDbOutboxOptions extends Partial<OutboxLimits> {
  /** Database name (default `edgeflow-telemetry`). */
  name?: string;
  /** Clock, for tests. */
  now?: () => number;
}

function isQuotaError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'QuotaExceededError';
}

function storeError(error: unknown, what: string): EdgeflowError {
  if (isQuotaError(error)) {
    return new EdgeflowError(
      'QUOTA_EXCEEDED',
      `IndexedDB refused to ${what}: the origin's storage quota is full. Free space or lower the outbox's maxBytes.`,
      { cause: error },
    );
  }
  return new EdgeflowError('INTERNAL', `The telemetry outbox could not ${what}: ${String(error)}`, {
    cause: error,
  });
}

/** Opens the outbox database (creating it on first use). */
async function openOutboxDb(name: string): Promise<IDBPDatabase<OutboxDb>> {
  return openDB<OutboxDb>(name, 1, {
    upgrade(db) {
      db.createObjectStore('batches', { keyPath: 'seq', autoIncrement: true });
      db.createObjectStore('meta');
    },
  });
}

/**
 * Opens the origin's IndexedDB outbox. Every context that opens the same name shares the batches.
 *
 * @throws QUOTA_EXCEEDED from `append` when IndexedDB is out of quota (callers fall back to memory).
 * @throws INTERNAL when IndexedDB is missing or cannot be opened.
 * @example
 * const outbox = await openIndexedDbOutbox({ maxBatches: 200, maxBytes: 2_000_000 });
 */
export async function openIndexedDbOutbox(options: IndexedDbOutboxOptions = {}): Promise<Outbox> {
  const bounds: OutboxLimits = {
    maxBatches: options.maxBatches ?? DEFAULT_OUTBOX_LIMITS.maxBatches,
    maxBytes: options.maxBytes ?? DEFAULT_OUTBOX_LIMITS.maxBytes,
  };
  const now = options.now ?? Date.now;
  if (typeof indexedDB === 'undefined') {
    throw new EdgeflowError('INTERNAL', 'IndexedDB is not available here; use createMemoryOutbox().');
  }
  let db: IDBPDatabase<OutboxDb>;
  try {
    db = await openOutboxDb(options.name ?? DEFAULT_OUTBOX_DB);
  } catch (error) {
    throw storeError(error, 'open its database');
  }
  return {
    kind: 'indexeddb',
    async append(request: ExportMetricsServiceRequestJson, key: string): Promise<AppendResult> {
      try {
        const tx = db.transaction(['batches', 'meta'], 'readwrite');
        const batches = tx.objectStore('batches');
        const meta = tx.objectStore('meta');
        let drops = ((await meta.get('drops')) as DropCounts | undefined) ?? {};
        const body = JSON.stringify(foldDrops(request, drops, now()));
        const bytes = utf8Length(body);
        if (bytes > bounds.maxBytes) {
          await meta.put(addDrops(drops, 'too-large', 1), 'drops');
          await tx.done;
          return { batch: null, evicted: 0 };
        }
        const record = { key, body, bytes, createdAt: now() };
        const seq = await batches.add(record);
        let total = (((await meta.get('bytes')) as number | undefined) ?? 0) + bytes;
        let count = await batches.count();
        let evicted = 0;
        const over = (): boolean => count > bounds.maxBatches || total > bounds.maxBytes;
        let cursor = over() ? await batches.openCursor() : null;
        while (cursor && over() && cursor.key !== seq) {
          total -= cursor.value.bytes;
          count--;
          evicted++;
          await cursor.delete();
          cursor = await cursor.continue();
        }
        drops = evicted > 0 ? { 'outbox-full': evicted } : {};
        await meta.put(drops, 'drops');
        await meta.put(total, 'bytes');
        await tx.done;
        return { batch: { ...record, seq }, evicted };
      } catch (error) {
        throw storeError(error, 'store a batch');
      }
    },
    async peek(limit: number): Promise<OutboxBatch[]> {
      const out: OutboxBatch[] = [];
      let cursor = await db.transaction('batches').store.openCursor();
      while (cursor && out.length < limit) {
        out.push(cursor.value as OutboxBatch);
        cursor = await cursor.continue();
      }
      return out;
    },
    async remove(seqs: readonly number[]): Promise<void> {
      await removeBatches(db, seqs, null);
    },
    async discard(seqs: readonly number[], reason: string): Promise<void> {
      await removeBatches(db, seqs, reason);
    },
    async pendingDrops(): Promise<DropCounts> {
      return ((await db.get('meta', 'drops')) as DropCounts | undefined) ?? {};
    },
    async size(): Promise<{ batches: number; bytes: number }> {
      const tx = db.transaction(['batches', 'meta']);
      const batches = await tx.objectStore('batches').count();
      const bytes = ((await tx.objectStore('meta').get('bytes')) as number | undefined) ?? 0;
      return { batches, bytes };
    },
    async purge(): Promise<void> {
      const tx = db.transaction(['batches', 'meta'], 'readwrite');
      await tx.objectStore('batches').clear();
      await tx.objectStore('meta').put({}, 'drops');
      await tx.objectStore('meta').put(0, 'bytes');
      await tx.done;
    },
    close(): void {
      db.close();
    },
  };
}

async function removeBatches(
  db: IDBPDatabase<OutboxDb>,
  seqs: readonly number[],
  reason: string | null,
): Promise<void> {
  const tx = db.transaction(['batches', 'meta'], 'readwrite');
  const batches = tx.objectStore('batches');
  const meta = tx.objectStore('meta');
  let freed = 0;
  let removed = 0;
  for (const seq of seqs) {
    const batch = await batches.get(seq);
    if (batch === undefined) continue; // Already removed by another context (acknowledged twice).
    freed += batch.bytes;
    removed++;
    await batches.delete(seq);
  }
  const total = ((await meta.get('bytes')) as number | undefined) ?? 0;
  await meta.put(Math.max(0, total - freed), 'bytes');
  if (reason !== null && removed > 0) {
    const drops = ((await meta.get('drops')) as DropCounts | undefined) ?? {};
    await meta.put(addDrops(drops, reason, removed), 'drops');
  }
  await tx.done;
}

/**
 * Reads the install id from the outbox database, making a new random one when there is none or it
 * is older than `rotateMs`. The id is pseudonymous: random, never derived from the device.
 */
export async function readInstallId(
  name: string,
  rotateMs: number,
  now: () => number = Date.now,
): Promise<string> {
  const db = await openOutboxDb(name);
  try {
    const tx = db.transaction('meta', 'readwrite');
    const current = (await tx.store.get('install')) as MetaRecords['install'] | undefined;
    if (current !== undefined && now() - current.createdAt < rotateMs) {
      await tx.done;
      return current.id;
    }
    const fresh = { id: crypto.randomUUID(), createdAt: now() };
    await tx.store.put(fresh, 'install');
    await tx.done;
    return fresh.id;
  } finally {
    db.close();
  }
}
