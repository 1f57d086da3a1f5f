// The in-memory outbox: for Node, tests, and the fallback when IndexedDB refuses to store (quota).
// Same bounds and drop accounting as the IndexedDB outbox; lost when the context ends.
import { addDrops, foldDrops, utf8Length } from './drop-report.ts';
import type {
  AppendResult,
  DropCounts,
  ExportMetricsServiceRequestJson,
  Outbox,
  OutboxBatch,
  OutboxLimits,
} from './types.ts';

/** Default outbox bounds: 500 batches, 5 MiB of bodies. */
export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = { maxBatches: 500, maxBytes: 5 * 1024 * 1024 };

/**
 * Creates an outbox held in memory (one per call; nothing shared).
 *
 * @example
 * const outbox = createMemoryOutbox({ maxBatches: 10 });
 */
export function createMemoryOutbox(limits: Partial<OutboxLimits> = {}, now: () => number = Date.now): Outbox {
  const bounds = { ...DEFAULT_OUTBOX_LIMITS, ...limits };
  let batches: OutboxBatch[] = [];
  let drops: DropCounts = {};
  let nextSeq = 1;
  const total = (): number => batches.reduce((sum, b) => sum + b.bytes, 0);
  return {
    kind: 'memory',
    async append(request: ExportMetricsServiceRequestJson, key: string): Promise<AppendResult> {
      const body = JSON.stringify(foldDrops(request, drops, now()));
      const bytes = utf8Length(body);
      if (bytes > bounds.maxBytes) {
        drops = addDrops(drops, 'too-large', 1);
        return { batch: null, evicted: 0 };
      }
      const batch: OutboxBatch = { seq: nextSeq++, key, body, bytes, createdAt: now() };
      batches.push(batch);
      drops = {};
      let evicted = 0;
      while (batches.length > bounds.maxBatches || total() > bounds.maxBytes) {
        batches.shift();
        evicted++;
      }
      if (evicted > 0) drops = addDrops(drops, 'outbox-full', evicted);
      return { batch, evicted };
    },
    async peek(limit: number): Promise<OutboxBatch[]> {
      return batches.slice(0, limit);
    },
    async remove(seqs: readonly number[]): Promise<void> {
      const gone = new Set(seqs);
      batches = batches.filter((b) => !gone.has(b.seq));
    },
    async discard(seqs: readonly number[], reason: string): Promise<void> {
      const gone = new Set(seqs);
      const before = batches.length;
      batches = batches.filter((b) => !gone.has(b.seq));
      if (before > batches.length) drops = addDrops(drops, reason, before - batches.length);
    },
    async pendingDrops(): Promise<DropCounts> {
      return { ...drops };
    },
    async size(): Promise<{ batches: number; bytes: number }> {
      return { batches: batches.length, bytes: total() };
    },
    async purge(): Promise<void> {
      batches = [];
      drops = {};
    },
    close(): void {},
  };
}
