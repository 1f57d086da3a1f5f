// Types of edgeflow/telemetry: the OTLP/HTTP JSON shapes it writes, the outbox and transport
// interfaces, and the results telemetry returns instead of throwing into the app.
import type { EdgeflowError } from '../errors.ts';

/** An OTLP `AnyValue` in its JSON mapping (int64 as a decimal string). */
export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: OtlpAnyValue[] } };

/** An OTLP `KeyValue`. */
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

/** A `NumberDataPoint` (gauge or sum). Timestamps and `asInt` are int64 → decimal strings. */
export interface OtlpNumberDataPoint {
  attributes: OtlpKeyValue[];
  startTimeUnixNano: string;
  timeUnixNano: string;
  asDouble?: number;
  asInt?: string;
}

/** A `HistogramDataPoint` (explicit buckets). fixed64 counts are decimal strings. */
export interface OtlpHistogramDataPoint {
  attributes: OtlpKeyValue[];
  startTimeUnixNano: string;
  timeUnixNano: string;
  count: string;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts: string[];
  explicitBounds: number[];
}

/** An `ExponentialHistogramDataPoint`. */
export interface OtlpExponentialHistogramDataPoint {
  attributes: OtlpKeyValue[];
  startTimeUnixNano: string;
  timeUnixNano: string;
  count: string;
  sum?: number;
  min?: number;
  max?: number;
  scale: number;
  zeroCount: string;
  positive: { offset: number; bucketCounts: string[] };
  negative: { offset: number; bucketCounts: string[] };
}

/** OTLP `AggregationTemporality`: 1 delta, 2 cumulative (enums are integers in OTLP JSON). */
export type OtlpTemporality = 1 | 2;

/** One OTLP `Metric` with exactly one of its data fields. */
export interface OtlpMetric {
  name: string;
  description?: string;
  unit?: string;
  gauge?: { dataPoints: OtlpNumberDataPoint[] };
  sum?: { dataPoints: OtlpNumberDataPoint[]; aggregationTemporality: OtlpTemporality; isMonotonic: boolean };
  histogram?: { dataPoints: OtlpHistogramDataPoint[]; aggregationTemporality: OtlpTemporality };
  exponentialHistogram?: {
    dataPoints: OtlpExponentialHistogramDataPoint[];
    aggregationTemporality: OtlpTemporality;
  };
}

/** An OTLP `ExportMetricsServiceRequest` in its JSON mapping: what one batch carries. */
export interface ExportMetricsServiceRequestJson {
  resourceMetrics: {
    resource: { attributes: OtlpKeyValue[] };
    scopeMetrics: { scope: { name: string; version?: string }; metrics: OtlpMetric[] }[];
  }[];
}

/** One stored batch, waiting to be acknowledged by the collector. */
export interface OutboxBatch {
  /** Ascending order of arrival; batches are sent in this order. */
  seq: number;
  /** Idempotency key sent in the `idempotency-key` header; the same on every retry. */
  key: string;
  /** The exact request body (OTLP JSON), before compression. */
  body: string;
  /** UTF-8 size of `body`. */
  bytes: number;
  /** Epoch ms when it was appended. */
  createdAt: number;
}

/** Counts of what telemetry gave up on, by reason (`outbox-full`, `rejected-400`, …). */
export type DropCounts = Record<string, number>;

/** What `Outbox.append` did. */
export interface AppendResult {
  /** The stored batch (with the drop counts of earlier losses folded in); null if it could not be stored. */
  batch: OutboxBatch | null;
  /** Batches evicted (oldest first) to make room for this one. */
  evicted: number;
}

/** Outbox bounds. */
export interface OutboxLimits {
  /** Most batches kept (default 500). */
  maxBatches: number;
  /** Most body bytes kept (default 5 MiB). */
  maxBytes: number;
}

/**
 * A durable queue of OTLP batches: appended before anything is sent, removed only when the
 * collector acknowledges (or refuses for good). One per origin in a browser (IndexedDB).
 */
export interface Outbox {
  /** Which medium holds the batches. */
  readonly kind: 'indexeddb' | 'memory';
  /**
   * Stores `request` as a new batch under `key`, first folding the pending drop counts into it as
   * `edgeflow.telemetry.dropped` points, then evicting the oldest batches while over the bounds.
   */
  append(request: ExportMetricsServiceRequestJson, key: string): Promise<AppendResult>;
  /** The oldest `limit` batches, in order. */
  peek(limit: number): Promise<OutboxBatch[]>;
  /** Removes acknowledged batches. */
  remove(seqs: readonly number[]): Promise<void>;
  /** Removes batches refused for good and counts them under `reason` for the next batch. */
  discard(seqs: readonly number[], reason: string): Promise<void>;
  /** Drop counts not yet reported in a batch. */
  pendingDrops(): Promise<DropCounts>;
  /** Number of batches and bytes held. */
  size(): Promise<{ batches: number; bytes: number }>;
  /** Empties the outbox (batches and pending drop counts). */
  purge(): Promise<void>;
  /** Releases the database connection. */
  close(): void;
}

/** What one send attempt ended in, as OpenTelemetry exporters report it: never thrown. */
export type SendResult =
  | { kind: 'success'; status: number; rejectedDataPoints: number }
  | { kind: 'retryable'; status: number | null; retryAfterMs: number | null; error: EdgeflowError }
  | { kind: 'failure'; status: number | null; reason: string; error: EdgeflowError };

/** Options of one send. */
export interface SendOptions {
  /** Use `fetch(…, { keepalive: true })` (page hide); bodies must then fit 64 KiB in all. */
  keepalive?: boolean;
}

/** Sends one batch to the collector. */
export interface Transport {
  send(batch: Pick<OutboxBatch, 'key' | 'body'>, options?: SendOptions): Promise<SendResult>;
}

/** Receives what telemetry could not do; never thrown into the app. Replaceable. */
export type TelemetryErrorHandler = (error: EdgeflowError) => void;

/** Retry and backoff settings (defaults: ×1.5 from 1 s to 5 s, ±20 % jitter). */
export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  /** Fraction of jitter either way (0.2 = ±20 %). */
  jitter: number;
  /** Upper bound on a server's `Retry-After` (default 10 min). */
  maxRetryAfterMs: number;
}
