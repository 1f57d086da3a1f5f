// The SQLite metric store (better-sqlite3, WAL). Points are normalised into `series` (one row per
// metric + who sent it + attributes) and `points` (series id, time, value), so queries scan only
// the series of one model and metric through the (series_id, time_ms) index. Cumulative points are
// turned into deltas here, against the series' previous point kept on its row, so every query
// just sums (the OpenTelemetry Collector's cumulativetodelta processor does the same).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { EdgeflowError } from 'edgeflow/errors';
import { METRIC } from 'edgeflow/schemas';
import { histogramQuantile, mergeHistograms, subtractHistogram } from '../exp-histogram.ts';
import type { ExpHistogram, IngestPoint } from '../types.ts';
import { migrate } from './migrations.ts';
import type {
  CumulativeState,
  DriftFeatureSeries,
  DriftResult,
  DriftVersion,
  ErrorCount,
  FleetModel,
  FleetResult,
  ForwardItem,
  LatencyResult,
  MetricStore,
  Percentiles,
  TimeRange,
  WriteBatch,
  WriteResult,
} from './types.ts';

/** Options for `openSqliteStore`. */
export interface SqliteStoreOptions {
  /** File path (folders are created). */
  path: string;
  /**
   * `normal` (default): WAL with synchronous=NORMAL, an acknowledged batch survives a crash of the
   * process but the last transactions before a power cut may be lost. `full`: fsync on every commit.
   */
  synchronous?: 'normal' | 'full';
  /** Most forwarding-queue items kept; the oldest are dropped past it. Default 10,000. */
  maxForwardQueue?: number;
}

/** Gauges rolled up per minute across devices (what the drift chart reads). */
const ROLLUP_GAUGES = new Set<string>([
  METRIC.driftStatistic,
  METRIC.driftDetected,
  METRIC.driftShare,
  METRIC.predictionDrift,
]);
const MINUTE = 60_000;
const HOUR = 3_600_000;
/** Rollup widths kept: a minute (charts of an hour or so) and an hour (charts of days). */
const ROLLUP_WIDTHS = [MINUTE, HOUR] as const;

/** The widest rollup whose width divides the bucket (0: none, read the raw points). */
function rollupWidth(bucketMs: number): number {
  return bucketMs % HOUR === 0 ? HOUR : bucketMs % MINUTE === 0 ? MINUTE : 0;
}

/** A range widened to whole rollup widths. */
function widenRange(range: TimeRange, width: number): TimeRange {
  return {
    from: range.from - (range.from % width),
    to: Math.ceil(range.to / width) * width,
    bucketMs: range.bucketMs,
  };
}

function nullable<T>(value: T, sentinel: T): T | null {
  return value === sentinel ? null : value;
}

/** The fields of a point that, with its resource, name its series. */
type SeriesFields = Pick<
  IngestPoint,
  'metric' | 'kind' | 'model' | 'version' | 'feature' | 'test' | 'stage' | 'errorType' | 'attrs'
>;

interface SeriesEntry {
  id: number;
  state: CumulativeState | null;
  /** The drift-gauge rollup group (metric, model, version, feature, test), or null when not rolled up. */
  gaugeGroup: string | null;
  fields: SeriesFields;
  /** The series that followed this one from the same resource last time (a guess, checked). */
  next: SeriesEntry | null;
}

/** The series of one resource: by point key, and the first one its last request sent. */
interface ResourceSeries {
  byKey: Map<string, SeriesEntry>;
  first: SeriesEntry | null;
}

function sameSeries(f: SeriesFields, p: IngestPoint): boolean {
  return (
    f.metric === p.metric &&
    f.feature === p.feature &&
    f.test === p.test &&
    f.kind === p.kind &&
    f.version === p.version &&
    f.model === p.model &&
    f.stage === p.stage &&
    f.errorType === p.errorType &&
    f.attrs === p.attrs
  );
}

/** The part of a series key a resource contributes (who sent it). */
function resourceKey(r: IngestPoint['resource']): string {
  return `${r.release}\u0000${r.backend}\u0000${r.deviceClass}\u0000${r.instance}`;
}

/** The part of a series key a point contributes (what it measures). */
function pointKey(p: IngestPoint): string {
  return `${p.metric}\u0000${p.kind}\u0000${p.model}\u0000${p.version}\u0000${p.feature}\u0000${p.test}\u0000${p.stage}\u0000${p.errorType}\u0000${p.attrs}`;
}

function encodeHist(h: ExpHistogram): string {
  return JSON.stringify([h.scale, h.zeroCount, h.offset, h.counts]);
}

function decodeHist(text: string, count: number, sum: number): ExpHistogram {
  const [scale, zeroCount, offset, counts] = JSON.parse(text) as [number, number, number, number[]];
  return { scale, zeroCount, offset, counts, count, sum };
}

function seriesKey(p: IngestPoint): string {
  const r = p.resource;
  return `${p.metric}\u0000${p.kind}\u0000${p.model}\u0000${p.version}\u0000${r.release}\u0000${r.backend}\u0000${r.deviceClass}\u0000${r.instance}\u0000${p.feature}\u0000${p.test}\u0000${p.stage}\u0000${p.errorType}\u0000${p.attrs}`;
}

function percentiles(h: ExpHistogram | null): Percentiles {
  if (!h) return { count: 0, p50: null, p95: null, p99: null };
  return {
    count: h.count,
    p50: histogramQuantile(h, 0.5),
    p95: histogramQuantile(h, 0.95),
    p99: histogramQuantile(h, 0.99),
  };
}

/**
 * Opens (creating and migrating) a SQLite store.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` when the file cannot be created or opened (names the
 *   path), `STORE_OUTDATED` when a newer collector wrote it.
 * @example
 * const store = openSqliteStore({ path: 'edgeflow-data/collector.db' });
 */
export function openSqliteStore(options: SqliteStoreOptions): MetricStore {
  let db: Database.Database;
  try {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    db = new Database(options.path);
    // auto_vacuum must be chosen before the first table exists; incremental lets retention give
    // pages back a few at a time instead of a VACUUM that rewrites the whole file.
    db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('busy_timeout = 5000');
  } catch (cause) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Cannot open the database "${options.path}": ${(cause as Error).message}. Pass --db with a writable path.`,
      { cause, details: { path: options.path } },
    );
  }
  migrate(db);
  return new SqliteStore(db, options.maxForwardQueue ?? 10_000);
}

class SqliteStore implements MetricStore {
  readonly #db: Database.Database;
  /**
   * Series by resource key, then point key. Two levels because a request's points share one
   * resource object: its key is built and hashed once a request, and the per-point key stays short
   * (hashing long fresh strings per point was a measured ingest cost).
   */
  readonly #series = new Map<string, ResourceSeries>();
  readonly #maxForward: number;
  #forwardCount: number;
  readonly #s;

  constructor(db: Database.Database, maxForward: number) {
    this.#db = db;
    this.#maxForward = maxForward;
    this.#s = {
      findSeries: db.prepare(
        'SELECT id, last_time_ms, last_start_ms, last_value, last_count, last_hist FROM series WHERE key = ?',
      ),
      insertSeries: db.prepare(
        `INSERT INTO series (key, metric, kind, model, version, release, backend, device_class, instance, feature, test, stage, error_type, attrs)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      updateState: db.prepare(
        'UPDATE series SET last_time_ms = ?, last_start_ms = ?, last_value = ?, last_count = ?, last_hist = ? WHERE id = ?',
      ),
      insertPoint: db.prepare(
        'INSERT INTO points (series_id, time_ms, value, count, hist) VALUES (?, ?, ?, ?, ?)',
      ),
      insertBatch: db.prepare('INSERT OR IGNORE INTO batches (key, received_ms, points) VALUES (?, ?, ?)'),
      upsertDevice: db.prepare(
        `INSERT INTO devices (instance, model, version, release, backend, device_class, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (instance, model, version) DO UPDATE SET release = excluded.release, backend = excluded.backend,
           device_class = excluded.device_class, last_seen_ms = max(last_seen_ms, excluded.last_seen_ms)`,
      ),
      insertForward: db.prepare('INSERT INTO forward_queue (body, next_ms) VALUES (?, ?)'),
      dropOldestForward: db.prepare(
        'DELETE FROM forward_queue WHERE id = (SELECT min(id) FROM forward_queue)',
      ),
      countForward: db.prepare('SELECT count(*) AS n FROM forward_queue'),
      upsertGauge: db.prepare(
        `INSERT INTO gauge_rollup (model, metric, width, minute, version, feature, test, n, sum, max, over) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (model, metric, width, minute, version, feature, test) DO UPDATE SET
           n = n + excluded.n, sum = sum + excluded.sum, max = max(max, excluded.max), over = over + excluded.over`,
      ),
      findLatency: db.prepare(
        'SELECT count, sum, hist FROM latency_rollup WHERE model = ? AND stage = ? AND width = ? AND minute = ? AND version = ? AND device_class = ?',
      ),
      upsertError: db.prepare(
        `INSERT INTO error_rollup (model, width, minute, version, code, count) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (model, width, minute, version, code) DO UPDATE SET count = count + excluded.count`,
      ),
      // Raw edges, then minute and hour rollups (see `errors`); each part is one index range.
      errors: db.prepare(
        `SELECT version, code, sum(n) AS count FROM (
           SELECT s.version AS version, coalesce(s.error_type, 'unknown') AS code, p.value AS n
           FROM series s CROSS JOIN points p ON p.series_id = s.id
           WHERE s.model = ? AND s.metric = ? AND p.time_ms >= ? AND p.time_ms < ?
           UNION ALL
           SELECT s.version, coalesce(s.error_type, 'unknown'), p.value
           FROM series s CROSS JOIN points p ON p.series_id = s.id
           WHERE s.model = ? AND s.metric = ? AND p.time_ms >= ? AND p.time_ms < ?
           UNION ALL
           SELECT nullif(version, -1), code, count FROM error_rollup
           WHERE model = ? AND width = ${MINUTE} AND minute >= ? AND minute < ?
           UNION ALL
           SELECT nullif(version, -1), code, count FROM error_rollup
           WHERE model = ? AND width = ${MINUTE} AND minute >= ? AND minute < ?
           UNION ALL
           SELECT nullif(version, -1), code, count FROM error_rollup
           WHERE model = ? AND width = ${HOUR} AND minute >= ? AND minute < ?
         ) GROUP BY version, code ORDER BY version, count DESC, code`,
      ),
      putLatency: db.prepare(
        'INSERT OR REPLACE INTO latency_rollup (model, stage, width, minute, version, device_class, count, sum, hist) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
    };
    this.#forwardCount = (this.#s.countForward.get() as { n: number }).n;
  }

  #seriesFor(p: IngestPoint, bySeries: Map<string, SeriesEntry>): SeriesEntry {
    const pk = pointKey(p);
    let entry = bySeries.get(pk);
    if (entry) return entry;
    const key = seriesKey(p);
    const row = this.#s.findSeries.get(key) as
      | {
          id: number;
          last_time_ms: number | null;
          last_start_ms: number;
          last_value: number;
          last_count: number | null;
          last_hist: string | null;
        }
      | undefined;
    const gaugeGroup =
      p.model !== null && p.kind === 'gauge' && ROLLUP_GAUGES.has(p.metric)
        ? `${p.metric}\u0000${p.model}\u0000${p.version}\u0000${p.feature}\u0000${p.test}`
        : null;
    const fields: SeriesFields = {
      metric: p.metric,
      kind: p.kind,
      model: p.model,
      version: p.version,
      feature: p.feature,
      test: p.test,
      stage: p.stage,
      errorType: p.errorType,
      attrs: p.attrs,
    };
    if (row) {
      entry = {
        id: row.id,
        gaugeGroup,
        fields,
        next: null,
        state:
          row.last_time_ms === null
            ? null
            : {
                timeMs: row.last_time_ms,
                startMs: row.last_start_ms,
                value: row.last_value,
                count: row.last_count,
                hist:
                  row.last_hist === null
                    ? null
                    : decodeHist(row.last_hist, row.last_count ?? 0, row.last_value),
              },
      };
    } else {
      const r = p.resource;
      const info = this.#s.insertSeries.run(
        key,
        p.metric,
        p.kind,
        p.model,
        p.version,
        r.release,
        r.backend,
        r.deviceClass,
        r.instance,
        p.feature,
        p.test,
        p.stage,
        p.errorType,
        p.attrs,
      );
      entry = { id: Number(info.lastInsertRowid), state: null, gaugeGroup, fields, next: null };
    }
    bySeries.set(pk, entry);
    return entry;
  }

  writeBatches(batches: readonly WriteBatch[]): WriteResult[] {
    const now = Date.now();
    const run = this.#db.transaction((): WriteResult[] => {
      const results: WriteResult[] = [];
      const dirty = new Set<SeriesEntry>();
      type DeviceRow = [string, string, number, number | null, string | null, string | null, number];
      const devices = new Map<string, DeviceRow>();
      let device: DeviceRow | undefined;
      let lastResource: IngestPoint['resource'] | null = null;
      let lastModel: string | null = null;
      let lastVersion: number | null = null;
      type GaugeRow = [
        string,
        string,
        number,
        number,
        number,
        string,
        string,
        number,
        number,
        number,
        number,
      ];
      // By the series' rollup group (one string object per series, so its hash is computed once),
      // then by bucket start (+1 for the hour width): no key string is built per point.
      const gauges = new Map<string, Map<number, GaugeRow>>();
      let seriesResource: IngestPoint['resource'] | null = null;
      let resourceSeries: ResourceSeries = { byKey: new Map(), first: null };
      let previous: SeriesEntry | null = null;
      const latencies = new Map<
        string,
        { key: [string, string, number, number, number, string]; list: ExpHistogram[] }
      >();
      const errorCounts = new Map<string, [string, number, number, number, string, number]>();
      for (const batch of batches) {
        if (
          batch.key !== null &&
          this.#s.insertBatch.run(batch.key, now, batch.points.length).changes === 0
        ) {
          results.push({ stored: 0, duplicate: true });
          continue;
        }
        let stored = 0;
        for (const p of batch.points) {
          const r = p.resource;
          if (r !== seriesResource) {
            const rk = resourceKey(r);
            const known = this.#series.get(rk);
            if (known) resourceSeries = known;
            else {
              resourceSeries = { byKey: new Map(), first: null };
              this.#series.set(rk, resourceSeries);
            }
            seriesResource = r;
            previous = null;
          }
          // Devices send the same series in the same order every export: try the series that
          // followed the previous one last time before building and hashing a key.
          const guess: SeriesEntry | null = previous ? previous.next : resourceSeries.first;
          const entry: SeriesEntry =
            guess !== null && sameSeries(guess.fields, p) ? guess : this.#seriesFor(p, resourceSeries.byKey);
          if (previous) previous.next = entry;
          else resourceSeries.first = entry;
          previous = entry;
          let value = p.value;
          let count = p.count;
          let hist = p.hist;
          if (p.cumulative) {
            const prev = entry.state;
            if (prev && prev.startMs === p.startMs && p.timeMs <= prev.timeMs) continue; // a replay or out of order
            if (prev && prev.startMs === p.startMs) {
              const dHist = hist && prev.hist ? subtractHistogram(hist, prev.hist) : null;
              const dCount = count !== null && prev.count !== null ? count - prev.count : null;
              // A negative delta of a histogram means a reset the start time did not show: keep it whole.
              if (!(p.kind === 'exphistogram' && dHist === null) && !(dCount !== null && dCount < 0)) {
                value = p.value - prev.value;
                count = dCount;
                hist = dHist;
              }
            }
            entry.state = {
              timeMs: p.timeMs,
              startMs: p.startMs,
              value: p.value,
              count: p.count,
              hist: p.hist,
            };
            dirty.add(entry);
          }
          this.#s.insertPoint.run(entry.id, p.timeMs, value, count, hist ? encodeHist(hist) : null);
          stored++;
          if (p.model !== null && p.metric === METRIC.predictErrors) {
            const code = p.errorType ?? 'unknown';
            for (const width of ROLLUP_WIDTHS) {
              const start = p.timeMs - (p.timeMs % width);
              const ek = `${width}\u0000${start}\u0000${p.model}\u0000${p.version}\u0000${code}`;
              const e = errorCounts.get(ek);
              if (e) e[5] += value;
              else errorCounts.set(ek, [p.model, width, start, p.version ?? -1, code, value]);
            }
          } else if (p.model !== null && (hist !== null || p.kind === 'gauge')) {
            for (const width of ROLLUP_WIDTHS) {
              const start = p.timeMs - (p.timeMs % width);
              const group = entry.gaugeGroup;
              if (group !== null) {
                let rows = gauges.get(group);
                if (!rows) {
                  rows = new Map();
                  gauges.set(group, rows);
                }
                const slot = width === HOUR ? start + 1 : start;
                const g = rows.get(slot);
                if (g) {
                  g[7]++;
                  g[8] += value;
                  if (value > g[9]) g[9] = value;
                  if (value >= 0.5) g[10]++;
                } else
                  rows.set(slot, [
                    p.model,
                    p.metric,
                    width,
                    start,
                    p.version ?? -1,
                    p.feature ?? '',
                    p.test ?? '',
                    1,
                    value,
                    value,
                    value >= 0.5 ? 1 : 0,
                  ]);
              } else if (hist && p.metric === METRIC.predictDuration) {
                const lk = `${width}\u0000${start}\u0000${p.model}\u0000${p.stage}\u0000${p.version}\u0000${r.deviceClass}`;
                const l = latencies.get(lk);
                if (l) l.list.push(hist);
                else
                  latencies.set(lk, {
                    key: [p.model, p.stage ?? '', width, start, p.version ?? -1, r.deviceClass ?? ''],
                    list: [hist],
                  });
              }
            }
          }
          // Points of one resource share its object: look the device up only when it changes.
          if (r.instance !== null && p.model !== null && p.version !== null) {
            if (r !== lastResource || p.model !== lastModel || p.version !== lastVersion) {
              const dk = `${r.instance}\u0000${p.model}\u0000${p.version}`;
              device = devices.get(dk);
              if (!device) {
                device = [r.instance, p.model, p.version, r.release, r.backend, r.deviceClass, p.timeMs];
                devices.set(dk, device);
              }
              lastResource = r;
              lastModel = p.model;
              lastVersion = p.version;
            }
            if (device && device[6] < p.timeMs) device[6] = p.timeMs;
          }
        }
        if (batch.forward) {
          this.#s.insertForward.run(batch.forward, now);
          this.#forwardCount++;
          while (this.#forwardCount > this.#maxForward) {
            this.#s.dropOldestForward.run();
            this.#forwardCount--;
          }
        }
        results.push({ stored, duplicate: false });
      }
      for (const entry of dirty) {
        const s = entry.state;
        if (s)
          this.#s.updateState.run(
            s.timeMs,
            s.startMs,
            s.value,
            s.count,
            s.hist ? encodeHist(s.hist) : null,
            entry.id,
          );
      }
      for (const d of devices.values()) this.#s.upsertDevice.run(...d);
      for (const rows of gauges.values()) for (const g of rows.values()) this.#s.upsertGauge.run(...g);
      for (const e of errorCounts.values()) this.#s.upsertError.run(...e);
      for (const { key, list } of latencies.values()) {
        const existing = this.#s.findLatency.get(...key) as
          | { count: number; sum: number; hist: string }
          | undefined;
        if (existing) list.push(decodeHist(existing.hist, existing.count, existing.sum));
        const merged = mergeHistograms(list);
        if (merged) this.#s.putLatency.run(...key, merged.count, merged.sum, encodeHist(merged));
      }
      return results;
    });
    try {
      return run();
    } catch (error) {
      // The transaction rolled back; cached cumulative states may be ahead of the file now.
      this.#series.clear();
      throw error;
    }
  }

  fleet(range: { from: number; to: number }): FleetResult {
    const rows = this.#db
      .prepare(
        `SELECT model, version, release, backend, device_class AS deviceClass, count(*) AS n, max(last_seen_ms) AS lastSeen
         FROM devices WHERE last_seen_ms >= ? AND last_seen_ms < ?
         GROUP BY model, version, release, backend, device_class ORDER BY model, version`,
      )
      .all(range.from, range.to) as {
      model: string;
      version: number;
      release: number | null;
      backend: string | null;
      deviceClass: string | null;
      n: number;
      lastSeen: number;
    }[];
    const models = new Map<string, FleetModel>();
    for (const row of rows) {
      let model = models.get(row.model);
      if (!model) {
        model = { model: row.model, activeDevices: 0, versions: [] };
        models.set(row.model, model);
      }
      let version = model.versions.find((v) => v.version === row.version);
      if (!version) {
        version = {
          version: row.version,
          activeDevices: 0,
          releases: {},
          backends: {},
          deviceClasses: {},
          lastSeen: 0,
        };
        model.versions.push(version);
      }
      const add = (map: Record<string, number>, key: string | number | null): void => {
        const k = key === null ? 'unknown' : String(key);
        map[k] = (map[k] ?? 0) + row.n;
      };
      version.activeDevices += row.n;
      model.activeDevices += row.n;
      add(version.releases, row.release);
      add(version.backends, row.backend);
      add(version.deviceClasses, row.deviceClass);
      version.lastSeen = Math.max(version.lastSeen, row.lastSeen);
    }
    return { from: range.from, to: range.to, models: [...models.values()] };
  }

  drift(model: string, requested: TimeRange): DriftResult {
    type Row = {
      metric: string;
      version: number | null;
      feature: string | null;
      test: string | null;
      t: number;
      mean: number;
      max: number;
      n: number;
      over: number;
    };
    const metrics = [METRIC.driftStatistic, METRIC.driftDetected, METRIC.driftShare, METRIC.predictionDrift];
    let range = requested;
    let rows: Row[];
    const width = rollupWidth(requested.bucketMs);
    if (width > 0) {
      // Buckets of whole minutes or hours: read that rollup (the range widens to whole widths).
      range = widenRange(requested, width);
      // When a bucket is one rollup row, skip the GROUP BY (SQLite would sort every row for it).
      const sql =
        range.bucketMs === width
          ? `SELECT metric, version, feature, test, minute AS t, sum / n AS mean, max, n, CAST(over AS REAL) / n AS over
             FROM gauge_rollup WHERE model = ? AND metric IN (?, ?, ?, ?) AND width = ? AND minute >= ? AND minute < ?`
          : `SELECT metric, version, feature, test, minute - minute % ${range.bucketMs} AS t,
                    sum(sum) / sum(n) AS mean, max(max) AS max, sum(n) AS n, CAST(sum(over) AS REAL) / sum(n) AS over
             FROM gauge_rollup WHERE model = ? AND metric IN (?, ?, ?, ?) AND width = ? AND minute >= ? AND minute < ?
             GROUP BY metric, version, feature, test, t`;
      rows = (this.#db.prepare(sql).all(model, ...metrics, width, range.from, range.to) as Row[]).map(
        (row) => ({
          ...row,
          version: nullable(row.version, -1),
          feature: nullable(row.feature, ''),
          test: nullable(row.test, ''),
        }),
      );
    } else {
      rows = this.#db
        .prepare(
          `SELECT s.metric, s.version, s.feature, s.test, p.time_ms - p.time_ms % ? AS t,
                  avg(p.value) AS mean, max(p.value) AS max, count(*) AS n, avg(p.value >= 0.5) AS over
           FROM series s CROSS JOIN points p ON p.series_id = s.id
           WHERE s.model = ? AND s.metric IN (?, ?, ?, ?) AND p.time_ms >= ? AND p.time_ms < ?
           GROUP BY s.metric, s.version, s.feature, s.test, t`,
        )
        .all(range.bucketMs, model, ...metrics, range.from, range.to) as Row[];
    }
    const versions = new Map<number | null, DriftVersion & { index: Map<string, DriftFeatureSeries> }>();
    const detected = new Map<string, number>();
    for (const row of rows)
      if (row.metric === METRIC.driftDetected)
        detected.set(`${row.version}\u0000${row.feature}\u0000${row.test}\u0000${row.t}`, row.mean);
    for (const row of rows) {
      let v = versions.get(row.version);
      if (!v) {
        v = { version: row.version, features: [], datasetDrift: [], prediction: [], index: new Map() };
        versions.set(row.version, v);
      }
      if (row.metric === METRIC.driftShare) {
        v.datasetDrift.push({ t: row.t, mean: row.mean, max: row.max, n: row.n, driftedReports: row.over });
        continue;
      }
      if (row.metric === METRIC.driftDetected) continue;
      const prediction = row.metric === METRIC.predictionDrift;
      const feature = row.feature ?? (prediction ? '(prediction)' : '(unnamed)');
      const test = row.test ?? 'unknown';
      const key = `${row.metric}\u0000${feature}\u0000${test}`;
      let series = v.index.get(key);
      if (!series) {
        series = { feature, test, buckets: [] };
        v.index.set(key, series);
        (prediction ? v.prediction : v.features).push(series);
      }
      series.buckets.push({
        t: row.t,
        mean: row.mean,
        max: row.max,
        n: row.n,
        driftedShare:
          detected.get(`${row.version}\u0000${row.feature}\u0000${row.test}\u0000${row.t}`) ?? null,
      });
    }
    // Rows come in storage order; charts want versions, features and buckets sorted.
    const byTime = (x: { t: number }, y: { t: number }): number => x.t - y.t;
    const bySeries = (x: DriftFeatureSeries, y: DriftFeatureSeries): number =>
      x.feature < y.feature ? -1 : x.feature > y.feature ? 1 : x.test < y.test ? -1 : x.test > y.test ? 1 : 0;
    return {
      model,
      from: range.from,
      to: range.to,
      bucketMs: range.bucketMs,
      versions: [...versions.values()]
        .sort((x, y) => (x.version ?? -1) - (y.version ?? -1))
        .map(({ index: _index, ...v }) => {
          for (const f of [...v.features, ...v.prediction]) f.buckets.sort(byTime);
          v.features.sort(bySeries);
          v.prediction.sort(bySeries);
          v.datasetDrift.sort(byTime);
          return v;
        }),
    };
  }

  latency(model: string, stage: string, requested: TimeRange): LatencyResult {
    type Row = {
      version: number | null;
      deviceClass: string | null;
      t: number;
      sum: number;
      count: number;
      hist: string;
    };
    let range = requested;
    let rows: Row[];
    const width = rollupWidth(requested.bucketMs);
    if (width > 0) {
      range = widenRange(requested, width);
      rows = (
        this.#db
          .prepare(
            `SELECT version, device_class AS deviceClass, minute - minute % ? AS t, sum, count, hist
             FROM latency_rollup WHERE model = ? AND stage IN (?, '') AND width = ? AND minute >= ? AND minute < ?`,
          )
          .all(range.bucketMs, model, stage, width, range.from, range.to) as Row[]
      ).map((row) => ({
        ...row,
        version: nullable(row.version, -1),
        deviceClass: nullable(row.deviceClass, ''),
      }));
    } else {
      rows = this.#db
        .prepare(
          `SELECT s.version, s.device_class AS deviceClass, p.time_ms - p.time_ms % ? AS t, p.value AS sum, p.count, p.hist
           FROM series s CROSS JOIN points p ON p.series_id = s.id
           WHERE s.model = ? AND s.metric = ? AND s.kind = 'exphistogram' AND (s.stage = ? OR s.stage IS NULL)
             AND p.time_ms >= ? AND p.time_ms < ?`,
        )
        .all(range.bucketMs, model, METRIC.predictDuration, stage, range.from, range.to) as Row[];
    }
    const byVersion = new Map<number | null, { all: ExpHistogram[]; buckets: Map<number, ExpHistogram[]> }>();
    const byClass = new Map<
      string,
      { version: number | null; deviceClass: string | null; list: ExpHistogram[] }
    >();
    for (const row of rows) {
      const h = decodeHist(row.hist, row.count, row.sum);
      let v = byVersion.get(row.version);
      if (!v) {
        v = { all: [], buckets: new Map() };
        byVersion.set(row.version, v);
      }
      v.all.push(h);
      const bucket = v.buckets.get(row.t);
      if (bucket) bucket.push(h);
      else v.buckets.set(row.t, [h]);
      const ck = `${row.version}\u0000${row.deviceClass}`;
      let c = byClass.get(ck);
      if (!c) {
        c = { version: row.version, deviceClass: row.deviceClass, list: [] };
        byClass.set(ck, c);
      }
      c.list.push(h);
    }
    const order = (a: number | null, b: number | null): number => (a ?? -1) - (b ?? -1);
    return {
      model,
      stage,
      from: range.from,
      to: range.to,
      bucketMs: range.bucketMs,
      versions: [...byVersion.entries()]
        .sort((a, b) => order(a[0], b[0]))
        .map(([version, v]) => ({
          version,
          ...percentiles(mergeHistograms(v.all)),
          buckets: [...v.buckets.entries()]
            .sort((a, b) => a[0] - b[0])
            .map(([t, list]) => ({ t, ...percentiles(mergeHistograms(list)) })),
        })),
      deviceClasses: [...byClass.values()]
        .sort(
          (a, b) => order(a.version, b.version) || String(a.deviceClass).localeCompare(String(b.deviceClass)),
        )
        .map((c) => ({
          version: c.version,
          deviceClass: c.deviceClass,
          ...percentiles(mergeHistograms(c.list)),
        })),
    };
  }

  errors(model: string, range: { from: number; to: number }): ErrorCount[] {
    // The range is cut into raw edges (under a minute each), whole minutes and whole hours; each
    // part reads the finest source that covers it exactly, so the answer equals a scan of the raw
    // points for any from/to while a week reads ~170 hour rows per version and code.
    const m1 = Math.min(Math.ceil(range.from / MINUTE) * MINUTE, range.to);
    const m2 = Math.max(Math.floor(range.to / MINUTE) * MINUTE, m1);
    const h1 = Math.min(Math.ceil(m1 / HOUR) * HOUR, m2);
    const h2 = Math.max(Math.floor(m2 / HOUR) * HOUR, h1);
    return this.#s.errors.all(
      model,
      METRIC.predictErrors,
      range.from,
      m1,
      model,
      METRIC.predictErrors,
      m2,
      range.to,
      model,
      m1,
      h1,
      model,
      h2,
      m2,
      model,
      h1,
      h2,
    ) as ErrorCount[];
  }

  pruneOlderThan(cutoff: number): number {
    const ids = this.#db.prepare('SELECT id FROM series').pluck().all() as number[];
    const del = this.#db.prepare('DELETE FROM points WHERE series_id = ? AND time_ms < ?');
    let deleted = 0;
    // One short transaction per series keeps ingest flowing between them.
    for (const id of ids) deleted += this.#db.transaction(() => del.run(id, cutoff).changes)();
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM batches WHERE received_ms < ?').run(cutoff);
      this.#db.prepare('DELETE FROM devices WHERE last_seen_ms < ?').run(cutoff);
      this.#db.prepare('DELETE FROM gauge_rollup WHERE minute < ?').run(cutoff - (cutoff % MINUTE));
      this.#db.prepare('DELETE FROM latency_rollup WHERE minute < ?').run(cutoff - (cutoff % MINUTE));
      this.#db.prepare('DELETE FROM error_rollup WHERE minute < ?').run(cutoff - (cutoff % MINUTE));
    })();
    this.#db.pragma('incremental_vacuum');
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
    return deleted;
  }

  dueForwards(now: number, limit: number): ForwardItem[] {
    return (
      this.#db
        .prepare('SELECT id, body, attempts FROM forward_queue WHERE next_ms <= ? ORDER BY id LIMIT ?')
        .all(now, limit) as { id: number; body: Buffer; attempts: number }[]
    ).map((r) => ({ id: r.id, body: new Uint8Array(r.body), attempts: r.attempts }));
  }

  removeForward(id: number): void {
    if (this.#db.prepare('DELETE FROM forward_queue WHERE id = ?').run(id).changes > 0) this.#forwardCount--;
  }

  deferForward(id: number, nextAt: number): void {
    this.#db
      .prepare('UPDATE forward_queue SET attempts = attempts + 1, next_ms = ? WHERE id = ?')
      .run(nextAt, id);
  }

  forwardBacklog(): number {
    return this.#forwardCount;
  }

  pointCount(): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM points').get() as { n: number }).n;
  }

  close(): void {
    if (this.#db.open) {
      this.#db.pragma('wal_checkpoint(TRUNCATE)');
      this.#db.close();
    }
  }
}
