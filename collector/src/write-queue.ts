// Group commit: requests hand their parsed batches to this queue and wait; one flush a tick writes
// every waiting batch in a single SQLite transaction and then answers them all. Requests are
// acknowledged only after their transaction committed, and the transaction cost is shared.
import { EdgeflowError } from 'edgeflow/errors';
import type { MetricStore, WriteBatch, WriteResult } from './storage/types.ts';

interface Waiting {
  batch: WriteBatch;
  resolve: (result: WriteResult) => void;
  reject: (error: unknown) => void;
}

/** A group-commit queue in front of a store. */
export interface WriteQueue {
  /**
   * Queues a batch; resolves once it is durable.
   *
   * @throws EdgeflowError `OVERLOADED` when more than `maxPendingPoints` wait already.
   */
  submit(batch: WriteBatch): Promise<WriteResult>;
  /** Points waiting for the next flush. */
  pendingPoints(): number;
  /** Resolves when everything queued so far is written (graceful shutdown). */
  drain(): Promise<void>;
}

/**
 * Creates the queue. `maxPendingPoints` bounds memory: past it, ingest answers 503 with
 * Retry-After and the client's retry queue keeps the points.
 */
export function createWriteQueue(
  store: MetricStore,
  options: { maxPendingPoints?: number; maxPointsPerTransaction?: number } = {},
): WriteQueue {
  const maxPending = options.maxPendingPoints ?? 200_000;
  const perTransaction = options.maxPointsPerTransaction ?? 20_000;
  let waiting: Waiting[] = [];
  let pending = 0;
  let scheduled = false;
  let drained: (() => void)[] = [];

  const flush = (): void => {
    scheduled = false;
    while (waiting.length > 0) {
      let take = 0;
      let points = 0;
      while (
        take < waiting.length &&
        (take === 0 || points + (waiting[take]?.batch.points.length ?? 0) <= perTransaction)
      ) {
        points += waiting[take]?.batch.points.length ?? 0;
        take++;
      }
      const group = waiting.slice(0, take);
      waiting = waiting.slice(take);
      pending -= points;
      try {
        const results = store.writeBatches(group.map((w) => w.batch));
        group.forEach((w, i) => {
          w.resolve(results[i] ?? { stored: 0, duplicate: false });
        });
      } catch (cause) {
        const error = new EdgeflowError(
          'OVERLOADED',
          'The collector could not store the batch; retry later.',
          { cause },
        );
        for (const w of group) w.reject(error);
      }
    }
    const done = drained;
    drained = [];
    for (const d of done) d();
  };

  return {
    submit(batch) {
      if (pending > 0 && pending + batch.points.length > maxPending)
        return Promise.reject(
          new EdgeflowError(
            'OVERLOADED',
            `The collector has ${pending} points waiting to be written; retry after the Retry-After delay.`,
          ),
        );
      pending += batch.points.length;
      return new Promise((resolve, reject) => {
        waiting.push({ batch, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    pendingPoints: () => pending,
    drain() {
      if (waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => drained.push(resolve));
    },
  };
}
