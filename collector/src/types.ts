// Types shared by the collector's ingest, storage and query modules.

/** An exponential histogram's positive side (negative buckets are not kept: latencies are ≥ 0). */
export interface ExpHistogram {
  scale: number;
  count: number;
  sum: number;
  zeroCount: number;
  offset: number;
  counts: number[];
}

/** Who sent a batch, read once from an OTLP resource's attributes. */
export interface ResourceInfo {
  model: string | null;
  version: number | null;
  release: number | null;
  backend: string | null;
  deviceClass: string | null;
  instance: string | null;
  service: string | null;
}

/** What kind of OTLP metric a point came from. */
export type PointKind = 'gauge' | 'sum' | 'histogram' | 'exphistogram';

/** One data point, flattened and ready to store. */
export interface IngestPoint {
  metric: string;
  kind: PointKind;
  /** True when the point is cumulative (the store turns it into a delta against the series' previous point). */
  cumulative: boolean;
  timeMs: number;
  startMs: number;
  resource: ResourceInfo;
  /** A point attribute `edgeflow.model`/`edgeflow.model.version` wins over the resource's. */
  model: string | null;
  version: number | null;
  feature: string | null;
  test: string | null;
  stage: string | null;
  errorType: string | null;
  /** Every other point attribute, as canonical JSON (sorted keys). */
  attrs: string;
  /** Gauge/sum value; for histograms the sum. */
  value: number;
  /** Histogram count (null for gauges and sums). */
  count: number | null;
  /** Exponential histogram buckets (null otherwise). */
  hist: ExpHistogram | null;
}

/** An accepted OTLP request, parsed. */
export interface ParsedBatch {
  points: IngestPoint[];
  rejected: number;
  /** Why points were rejected (first few reasons), for `partialSuccess.errorMessage`. */
  rejectionReasons: string[];
}
