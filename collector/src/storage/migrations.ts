// Versioned schema migrations for the SQLite store. `PRAGMA user_version` holds the last applied
// step; each step runs in its own transaction, so a crash mid-upgrade leaves the previous version.
import type Database from 'better-sqlite3';
import { EdgeflowError } from 'edgeflow/errors';

/** The schema, one entry per version (index 0 brings an empty file to version 1). Append only. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE series (
     id INTEGER PRIMARY KEY,
     key TEXT NOT NULL UNIQUE,
     metric TEXT NOT NULL,
     kind TEXT NOT NULL,
     model TEXT,
     version INTEGER,
     release INTEGER,
     backend TEXT,
     device_class TEXT,
     instance TEXT,
     feature TEXT,
     test TEXT,
     stage TEXT,
     error_type TEXT,
     attrs TEXT NOT NULL,
     last_time_ms INTEGER,
     last_start_ms INTEGER,
     last_value REAL,
     last_count INTEGER,
     last_hist TEXT
   );
   CREATE INDEX series_model_metric ON series (model, metric);
   CREATE TABLE points (
     series_id INTEGER NOT NULL,
     time_ms INTEGER NOT NULL,
     value REAL NOT NULL,
     count INTEGER,
     hist TEXT
   );
   CREATE INDEX points_series_time ON points (series_id, time_ms);
   CREATE TABLE batches (key TEXT PRIMARY KEY, received_ms INTEGER NOT NULL, points INTEGER NOT NULL) WITHOUT ROWID;
   CREATE TABLE devices (
     instance TEXT NOT NULL,
     model TEXT NOT NULL,
     version INTEGER NOT NULL,
     release INTEGER,
     backend TEXT,
     device_class TEXT,
     last_seen_ms INTEGER NOT NULL,
     PRIMARY KEY (instance, model, version)
   ) WITHOUT ROWID;
   CREATE INDEX devices_last_seen ON devices (last_seen_ms);
   CREATE TABLE forward_queue (id INTEGER PRIMARY KEY, body BLOB NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_ms INTEGER NOT NULL);`,
  // Version 2: per-minute and per-hour rollups across devices (`width` in ms), so drift and latency
  // charts read thousands of rows instead of millions. NULL keys are stored as -1 / '' because UNIQUE treats NULLs as distinct.
  `CREATE TABLE gauge_rollup (
     model TEXT NOT NULL, metric TEXT NOT NULL, width INTEGER NOT NULL, minute INTEGER NOT NULL, version INTEGER NOT NULL,
     feature TEXT NOT NULL, test TEXT NOT NULL,
     n INTEGER NOT NULL, sum REAL NOT NULL, max REAL NOT NULL, over INTEGER NOT NULL,
     PRIMARY KEY (model, metric, width, minute, version, feature, test)
   ) WITHOUT ROWID;
   CREATE TABLE latency_rollup (
     model TEXT NOT NULL, stage TEXT NOT NULL, width INTEGER NOT NULL, minute INTEGER NOT NULL, version INTEGER NOT NULL,
     device_class TEXT NOT NULL, count INTEGER NOT NULL, sum REAL NOT NULL, hist TEXT NOT NULL,
     PRIMARY KEY (model, stage, width, minute, version, device_class)
   ) WITHOUT ROWID;`,
  // Version 3: error counts rolled up per minute and per hour by version and code, so the errors
  // query over days reads a few thousand rows. Backfilled from the points already stored (the metric
  // name is spelled out: a migration must not change when a constant does). NULL version is -1 and a
  // missing error type is 'unknown', as the query reports it.
  `CREATE TABLE error_rollup (
     model TEXT NOT NULL, width INTEGER NOT NULL, minute INTEGER NOT NULL, version INTEGER NOT NULL,
     code TEXT NOT NULL, count REAL NOT NULL,
     PRIMARY KEY (model, width, minute, version, code)
   ) WITHOUT ROWID;
   INSERT INTO error_rollup (model, width, minute, version, code, count)
     SELECT s.model, w.width, p.time_ms - p.time_ms % w.width, coalesce(s.version, -1),
            coalesce(s.error_type, 'unknown'), sum(p.value)
     FROM series s CROSS JOIN points p ON p.series_id = s.id
       CROSS JOIN (SELECT 60000 AS width UNION ALL SELECT 3600000) w
     WHERE s.metric = 'edgeflow.predict.errors' AND s.model IS NOT NULL
     GROUP BY s.model, w.width, p.time_ms - p.time_ms % w.width, coalesce(s.version, -1),
              coalesce(s.error_type, 'unknown');`,
];

/**
 * Brings a database to the newest schema version.
 *
 * @throws EdgeflowError `STORE_OUTDATED` when the file was written by a newer collector.
 */
export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length)
    throw new EdgeflowError(
      'STORE_OUTDATED',
      `The database has schema version ${current}, newer than this collector knows (${MIGRATIONS.length}). Upgrade edgeflow-collector.`,
    );
  for (let v = current; v < MIGRATIONS.length; v++) {
    const step = MIGRATIONS[v] ?? '';
    db.transaction(() => {
      db.exec(step);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return MIGRATIONS.length;
}
