// The storage interface the collector's ingest and queries are written against, and its results.
import type { ExpHistogram, IngestPoint } from '../types.ts';

/** One acknowledged-only-when-durable unit: the points of one OTLP request. */
export interface WriteBatch {
  /** The request's `idempotency-key`; a key already stored makes the batch a duplicate. */
  key: string | null;
  points: IngestPoint[];
  /** The decompressed request body to forward upstream (null when no upstream is configured). */
  forward: Uint8Array | null;
}

/** What became of one batch. */
export interface WriteResult {
  stored: number;
  duplicate: boolean;
}

/** A time range with buckets, in epoch ms (`from` inclusive, `to` exclusive). */
export interface TimeRange {
  from: number;
  to: number;
  bucketMs: number;
}

/** `GET /api/fleet`. */
export interface FleetResult {
  from: number;
  to: number;
  models: FleetModel[];
}

/** One model in the fleet view. */
export interface FleetModel {
  model: string;
  activeDevices: number;
  versions: FleetVersion[];
}

/** One model version in the fleet view. */
export interface FleetVersion {
  version: number | null;
  /** Devices that sent anything for this version in the window. */
  activeDevices: number;
  /** Releases those devices run, with device counts. */
  releases: Record<string, number>;
  /** Backend mix (webgpu, webgl, wasm, cpu) by device count. */
  backends: Record<string, number>;
  deviceClasses: Record<string, number>;
  /** Epoch ms of the last point received for this version. */
  lastSeen: number;
}

/** A mean/max/count aggregate of a gauge in one time bucket. */
export interface GaugeBucket {
  t: number;
  mean: number;
  max: number;
  /** Reports (points) in the bucket. */
  n: number;
}

/** `GET /api/models/:model/drift`. */
export interface DriftResult {
  model: string;
  from: number;
  to: number;
  bucketMs: number;
  versions: DriftVersion[];
}

/** Drift of one version. */
export interface DriftVersion {
  version: number | null;
  features: DriftFeatureSeries[];
  /** Share of drifted features per report (`edgeflow.drift.share`), and the share of reports at or over 0.5 (dataset drift). */
  datasetDrift: (GaugeBucket & { driftedReports: number })[];
  prediction: DriftFeatureSeries[];
}

/** One feature and test over time. */
export interface DriftFeatureSeries {
  feature: string;
  test: string;
  /** The statistic per bucket, and the share of reports that flagged drift (`edgeflow.drift.detected`). */
  buckets: (GaugeBucket & { driftedShare: number | null })[];
}

/** Latency percentiles (seconds) from merged exponential histograms. */
export interface Percentiles {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** `GET /api/models/:model/latency`. */
export interface LatencyResult {
  model: string;
  stage: string;
  from: number;
  to: number;
  bucketMs: number;
  /** Per version over the whole range (all device classes). */
  versions: (Percentiles & { version: number | null; buckets: (Percentiles & { t: number })[] })[];
  /** Per version and device class over the whole range. */
  deviceClasses: (Percentiles & { version: number | null; deviceClass: string | null })[];
}

/** Rows refused, by version and error code. */
export interface ErrorCount {
  version: number | null;
  code: string;
  count: number;
}

/** A row of the upstream forwarding queue. */
export interface ForwardItem {
  id: number;
  body: Uint8Array;
  attempts: number;
}

/** Where the collector keeps points: SQLite (the default, durable) or memory (tests, throwaway runs). */
export interface MetricStore {
  /** Stores batches in one transaction; returns only when that transaction is durable. */
  writeBatches(batches: readonly WriteBatch[]): WriteResult[];
  fleet(range: { from: number; to: number }): FleetResult;
  drift(model: string, range: TimeRange): DriftResult;
  latency(model: string, stage: string, range: TimeRange): LatencyResult;
  errors(model: string, range: { from: number; to: number }): ErrorCount[];
  /** Deletes points (and idempotency keys) older than `cutoff`; returns the points deleted. */
  pruneOlderThan(cutoff: number): number;
  /** Up to `limit` forwarding-queue items due at `now`. */
  dueForwards(now: number, limit: number): ForwardItem[];
  /** Removes a forwarded (or given-up) item. */
  removeForward(id: number): void;
  /** Schedules a failed item's next attempt. */
  deferForward(id: number, nextAt: number): void;
  /** Items waiting in the forwarding queue. */
  forwardBacklog(): number;
  /** Points stored (for health and tests). */
  pointCount(): number;
  close(): void;
}

/** A cumulative series' previous point, kept to turn cumulative points into deltas. */
export interface CumulativeState {
  timeMs: number;
  startMs: number;
  value: number;
  count: number | null;
  hist: ExpHistogram | null;
}
