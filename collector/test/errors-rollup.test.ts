// Issue 13 follow-up: the errors query reads per-minute and per-hour rollups (plus the raw points of
// the sub-minute edges) and must answer exactly what a scan of the raw points answers, for any
// range; migration 3 backfills the rollup from points stored by an older collector.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { METRIC } from 'edgeflow/schemas';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MIGRATIONS } from '../src/storage/migrations.ts';
import { openSqliteStore } from '../src/storage/sqlite-store.ts';
import type { ErrorCount, MetricStore } from '../src/storage/types.ts';
import type { IngestPoint, ResourceInfo } from '../src/types.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 30, 10, 0, 0);
const dir = mkdtempSync(join(tmpdir(), 'edgeflow-errors-rollup-'));

function resource(instance: string, model: string | null, version: number | null): ResourceInfo {
  return { model, version, release: null, backend: 'wasm', deviceClass: 'x', instance, service: null };
}

function errorPoint(
  r: ResourceInfo,
  timeMs: number,
  value: number,
  errorType: string | null,
  cumulative = false,
  startMs = 0,
): IngestPoint {
  return {
    metric: METRIC.predictErrors,
    kind: 'sum',
    cumulative,
    timeMs,
    startMs,
    resource: r,
    model: r.model,
    version: r.version,
    feature: null,
    test: null,
    stage: null,
    errorType,
    attrs: '{}',
    value,
    count: null,
    hist: null,
  };
}

/** The query the collector answered before the rollup: a scan of the raw points. */
function rawErrors(path: string, model: string, from: number, to: number): ErrorCount[] {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT s.version, coalesce(s.error_type, 'unknown') AS code, sum(p.value) AS count
         FROM series s CROSS JOIN points p ON p.series_id = s.id
         WHERE s.model = ? AND s.metric = ? AND p.time_ms >= ? AND p.time_ms < ?
         GROUP BY s.version, code ORDER BY s.version, count DESC, code`,
      )
      .all(model, METRIC.predictErrors, from, to) as ErrorCount[];
  } finally {
    db.close();
  }
}

// Three hours of points at odd milliseconds from devices of two models, three versions (one
// unknown), three codes (one unknown), plus a drift gauge that must not count.
const points: IngestPoint[] = [];
const devices = [
  resource('a', 'iris', 1),
  resource('b', 'iris', 2),
  resource('c', 'iris', null),
  resource('d', 'wine', 1),
];
const codes = ['UNSEEN_CATEGORY', 'MISSING_VALUE', null];
for (let i = 0; i < 600; i++) {
  const r = devices[i % devices.length] as ResourceInfo;
  // A stride coprime with the hour keeps points on minute and hour edges and inside them.
  const t = T0 + ((i * 18_007) % (3 * HOUR)) + (i % 3 === 0 ? 0 : 1 + (i % 997));
  points.push(errorPoint(r, t, 1 + (i % 7), codes[i % 3] ?? null));
}
points.push({
  ...errorPoint(devices[0] as ResourceInfo, T0 + 5 * MINUTE, 0.5, null),
  metric: METRIC.driftShare,
  kind: 'gauge',
});

let store: MetricStore;
const path = join(dir, 'collector.db');

beforeAll(() => {
  store = openSqliteStore({ path });
  // Two transactions, so rollup rows are updated as well as inserted.
  store.writeBatches([{ key: null, points: points.slice(0, 300), forward: null }]);
  store.writeBatches([{ key: null, points: points.slice(300), forward: null }]);
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('errors rollup', () => {
  test('a range of whole hours, minutes and ragged edges answers exact counts from the rollup', () => {
    // Counted by hand from the fixture: everything of iris, the whole three hours.
    const expected = new Map<string, number>();
    for (const p of points)
      if (p.model === 'iris' && p.metric === METRIC.predictErrors) {
        const k = `${p.version}|${p.errorType ?? 'unknown'}`;
        expected.set(k, (expected.get(k) ?? 0) + p.value);
      }
    const got = store.errors('iris', { from: T0 - 1, to: T0 + 3 * HOUR + 1 });
    expect(got).toHaveLength(9);
    expect(new Map(got.map((e) => [`${e.version}|${e.code}`, e.count]))).toEqual(expected);
    expect(got.map((e) => e.version)).toEqual([null, null, null, 1, 1, 1, 2, 2, 2]);
    // Within a version, larger counts first.
    for (let i = 1; i < got.length; i++)
      if (got[i]?.version === got[i - 1]?.version)
        expect(got[i - 1]?.count).toBeGreaterThanOrEqual(got[i]?.count ?? 0);
  });

  test('the rollup path and the raw scan agree exactly for any range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2 * MINUTE, max: 3 * HOUR + 2 * MINUTE }),
        fc.integer({ min: 1, max: 3 * HOUR + 4 * MINUTE }),
        fc.constantFrom(0, MINUTE, HOUR),
        fc.constantFrom('iris', 'wine', 'nothing'),
        (start, length, align, model) => {
          // Aligned starts hit the minute/hour boundaries exactly; unaligned ones cut rollup rows.
          const from = T0 + (align > 0 ? start - (start % align) : start);
          const to = from + (align > 0 ? Math.max(align, length - (length % align)) : length);
          expect(store.errors(model, { from, to })).toEqual(rawErrors(path, model, from, to));
        },
      ),
      { numRuns: 300, seed: 13 },
    );
  });

  test('cumulative counters are rolled up as the deltas the raw points hold', () => {
    const cumulativePath = join(dir, 'cumulative.db');
    const s = openSqliteStore({ path: cumulativePath });
    try {
      const r = resource('e', 'iris', 3);
      const start = T0 - HOUR;
      s.writeBatches([
        {
          key: null,
          points: [
            errorPoint(r, T0 + 10_000, 5, 'MISSING_VALUE', true, start),
            errorPoint(r, T0 + 70_000, 12, 'MISSING_VALUE', true, start),
            errorPoint(r, T0 + 70_000, 12, 'MISSING_VALUE', true, start), // a replay: skipped
            errorPoint(r, T0 + HOUR + 5_000, 20, 'MISSING_VALUE', true, start),
          ],
          forward: null,
        },
      ]);
      // 5, then +7, then +8.
      expect(s.errors('iris', { from: T0, to: T0 + MINUTE })).toEqual([
        { version: 3, code: 'MISSING_VALUE', count: 5 },
      ]);
      expect(s.errors('iris', { from: T0 + MINUTE, to: T0 + 2 * HOUR })).toEqual([
        { version: 3, code: 'MISSING_VALUE', count: 15 },
      ]);
      expect(s.errors('iris', { from: T0, to: T0 + 2 * HOUR })).toEqual(
        rawErrors(cumulativePath, 'iris', T0, T0 + 2 * HOUR),
      );
    } finally {
      s.close();
    }
  });

  test('migration 3 backfills the rollup from points an older collector stored', () => {
    const oldPath = join(dir, 'old.db');
    const s = openSqliteStore({ path: oldPath });
    s.writeBatches([{ key: null, points, forward: null }]);
    s.close();
    // Turn the file back into schema 2: no error rollup.
    const db = new Database(oldPath);
    db.exec('DROP TABLE error_rollup');
    db.pragma('user_version = 2');
    db.close();
    expect(MIGRATIONS).toHaveLength(3);
    const upgraded = openSqliteStore({ path: oldPath });
    try {
      for (const [from, to] of [
        [T0 - 1, T0 + 3 * HOUR + 1],
        [T0 + 17 * MINUTE + 3, T0 + 2 * HOUR + 41 * MINUTE],
        [T0 + HOUR, T0 + 2 * HOUR],
      ] as const) {
        const answer = upgraded.errors('iris', { from, to });
        expect(answer.length).toBeGreaterThan(0);
        expect(answer).toEqual(rawErrors(oldPath, 'iris', from, to));
        expect(answer).toEqual(store.errors('iris', { from, to }));
      }
      // The backfilled rows are the rows live ingest wrote, to the last count.
      const rows = (p: string): unknown[] => {
        const d = new Database(p, { readonly: true });
        try {
          return d.prepare('SELECT * FROM error_rollup ORDER BY model, width, minute, version, code').all();
        } finally {
          d.close();
        }
      };
      expect(rows(oldPath)).toEqual(rows(path));
    } finally {
      upgraded.close();
    }
  });

  test('retention deletes error rollup rows with the points', () => {
    const prunePath = join(dir, 'prune.db');
    const s = openSqliteStore({ path: prunePath });
    try {
      s.writeBatches([{ key: null, points, forward: null }]);
      s.pruneOlderThan(T0 + 2 * HOUR);
      expect(s.errors('iris', { from: T0, to: T0 + 3 * HOUR })).toEqual(
        rawErrors(prunePath, 'iris', T0, T0 + 3 * HOUR),
      );
      expect(s.errors('iris', { from: T0, to: T0 + 2 * HOUR })).toEqual([]);
    } finally {
      s.close();
    }
  });
});
