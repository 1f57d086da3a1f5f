// Issue 13 follow-up: the store guesses a point's series from the order the device sent its series
// last time (checked field by field) before it builds a key. A device that reorders, adds or drops
// series, or a point that differs from the guess in one field only, must still land in its own
// series, in the same transaction and across transactions and restarts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { METRIC } from 'edgeflow/schemas';
import { afterAll, expect, test } from 'vitest';
import { openSqliteStore } from '../src/storage/sqlite-store.ts';
import type { IngestPoint, ResourceInfo } from '../src/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgeflow-series-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 10, 30, 10, 0, 0);

/** A fresh resource object each call, as each parsed request has. */
function device(instance: string): ResourceInfo {
  return {
    model: 'iris',
    version: 1,
    release: 2,
    backend: 'wasm',
    deviceClass: 'x',
    instance,
    service: null,
  };
}

function stat(r: ResourceInfo, t: number, feature: string, value: number, test = 'ks'): IngestPoint {
  return {
    metric: METRIC.driftStatistic,
    kind: 'gauge',
    cumulative: false,
    timeMs: t,
    startMs: 0,
    resource: r,
    model: r.model,
    version: r.version,
    feature,
    test,
    stage: null,
    errorType: null,
    attrs: '{}',
    value,
    count: null,
    hist: null,
  };
}

test('reordered, added, dropped and one-field-different series each keep their own points', () => {
  const path = join(dir, 'collector.db');
  let store = openSqliteStore({ path });
  const write = (points: IngestPoint[]): void => {
    store.writeBatches([{ key: null, points, forward: null }]);
  };
  const a1 = device('a');
  // First export: f1, f2, f3 twice in one batch (the order repeats, as in a 512-point batch).
  write([
    stat(a1, T0, 'f1', 0.1),
    stat(a1, T0, 'f2', 0.2),
    stat(a1, T0, 'f3', 0.3),
    stat(a1, T0 + 1000, 'f1', 0.11),
    stat(a1, T0 + 1000, 'f2', 0.21),
    stat(a1, T0 + 1000, 'f3', 0.31),
  ]);
  // Second export, from another device in between, then `a` reordered, with a new series and one
  // that differs from the guess only in its test.
  const b = device('b');
  const a2 = device('a');
  write([
    stat(b, T0 + 2000, 'f1', 0.9),
    // The guess for `a`'s first point is (f1, ks): this one differs from it in the test only.
    stat(a2, T0 + 2000, 'f1', 0.5, 'psi'),
    stat(a2, T0 + 2000, 'f3', 0.32),
    stat(a2, T0 + 2000, 'f4', 0.4),
    stat(a2, T0 + 2000, 'f1', 0.12),
  ]);
  store.close();
  // After a restart the cache is empty: the same series come from the file.
  store = openSqliteStore({ path });
  const a3 = device('a');
  write([stat(a3, T0 + 3000, 'f2', 0.23), stat(a3, T0 + 3000, 'f1', 0.13)]);
  store.close();

  const db = new Database(path, { readonly: true });
  const rows = db
    .prepare(
      `SELECT instance, feature, test, group_concat(value, ' ') AS v FROM (
         SELECT s.id, s.instance, s.feature, s.test, p.value FROM series s JOIN points p ON p.series_id = s.id
         ORDER BY s.id, p.time_ms
       ) GROUP BY id ORDER BY instance, feature, test`,
    )
    .all();
  const seriesCount = (db.prepare('SELECT count(*) AS n FROM series').get() as { n: number }).n;
  db.close();
  expect(seriesCount).toBe(6);
  expect(rows).toEqual([
    { instance: 'a', feature: 'f1', test: 'ks', v: '0.1 0.11 0.12 0.13' },
    { instance: 'a', feature: 'f1', test: 'psi', v: '0.5' },
    { instance: 'a', feature: 'f2', test: 'ks', v: '0.2 0.21 0.23' },
    { instance: 'a', feature: 'f3', test: 'ks', v: '0.3 0.31 0.32' },
    { instance: 'a', feature: 'f4', test: 'ks', v: '0.4' },
    { instance: 'b', feature: 'f1', test: 'ks', v: '0.9' },
  ]);
});
