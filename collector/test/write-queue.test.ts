// Issue 13: group commit. Batches waiting together are written in one transaction and each
// request learns its own outcome; past the pending-point bound the queue refuses with OVERLOADED
// (the HTTP layer answers 503 with Retry-After) instead of growing without limit.
import { expect, test } from 'vitest';
import { STATUS_BY_CODE } from '../src/http-errors.ts';
import { openSqliteStore } from '../src/storage/sqlite-store.ts';
import type { MetricStore, WriteBatch } from '../src/storage/types.ts';
import type { IngestPoint } from '../src/types.ts';
import { createWriteQueue } from '../src/write-queue.ts';

const resource = {
  model: 'm',
  version: 1,
  release: null,
  backend: 'cpu',
  deviceClass: 'c',
  instance: 'i',
  service: null,
};
function points(n: number, t0: number): IngestPoint[] {
  return Array.from({ length: n }, (_, i) => ({
    metric: 'edgeflow.drift.share',
    kind: 'gauge' as const,
    cumulative: false,
    timeMs: t0 + i,
    startMs: 0,
    resource,
    model: 'm',
    version: 1,
    feature: null,
    test: null,
    stage: null,
    errorType: null,
    attrs: '{}',
    value: i,
    count: null,
    hist: null,
  }));
}

test('batches submitted in one tick share one transaction; a duplicate key inside it is stored once', async () => {
  const store = openSqliteStore({ path: ':memory:' });
  const calls: number[] = [];
  const counting: MetricStore = Object.assign(Object.create(store) as MetricStore, {
    writeBatches(batches: readonly WriteBatch[]) {
      calls.push(batches.length);
      return store.writeBatches(batches);
    },
  });
  const queue = createWriteQueue(counting);
  const results = await Promise.all([
    queue.submit({ key: 'a', points: points(10, 1000), forward: null }),
    queue.submit({ key: 'b', points: points(5, 2000), forward: null }),
    queue.submit({ key: 'a', points: points(10, 1000), forward: null }),
  ]);
  expect(calls).toEqual([3]);
  expect(results).toEqual([
    { stored: 10, duplicate: false },
    { stored: 5, duplicate: false },
    { stored: 0, duplicate: true },
  ]);
  expect(store.pointCount()).toBe(15);
  store.close();
});

test('past maxPendingPoints the queue refuses with OVERLOADED, which the HTTP table maps to 503', async () => {
  const store = openSqliteStore({ path: ':memory:' });
  const queue = createWriteQueue(store, { maxPendingPoints: 100 });
  const first = queue.submit({ key: null, points: points(80, 0), forward: null });
  await expect(queue.submit({ key: null, points: points(30, 500), forward: null })).rejects.toMatchObject({
    code: 'OVERLOADED',
  });
  expect(queue.pendingPoints()).toBe(80);
  await first;
  expect(queue.pendingPoints()).toBe(0);
  // Once drained, the same batch is taken.
  await expect(queue.submit({ key: null, points: points(30, 500), forward: null })).resolves.toEqual({
    stored: 30,
    duplicate: false,
  });
  expect(STATUS_BY_CODE.OVERLOADED).toBe(503);
  expect(STATUS_BY_CODE.RATE_LIMITED).toBe(429);
  store.close();
});
