// The durable exporter: a PushMetricExporter that turns each collection into an OTLP/HTTP JSON
// request, keeps only what the egress allow-list permits, and writes it to the outbox under a fresh
// idempotency key before anything is sent. An app with its own MeterProvider adds it to a
// PeriodicExportingMetricReader; startTelemetry does that for apps without one.
import {
  type AggregationOption,
  AggregationTemporality,
  AggregationType,
  InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { EdgeflowError, isEdgeflowError, toEdgeflowError } from '../errors.ts';
import { filterEgress } from './egress.ts';
import { createMemoryOutbox } from './memory-outbox.ts';
import { countDataPoints, toExportRequest } from './otlp-json.ts';
import type {
  ExportMetricsServiceRequestJson,
  Outbox,
  OutboxBatch,
  OutboxLimits,
  TelemetryErrorHandler,
} from './types.ts';

type ExportCallback = Parameters<PushMetricExporter['export']>[1];

// ExportResultCode of @opentelemetry/core (SUCCESS = 0, FAILED = 1); the enum's values are part of
// the SDK's exporter contract.
const SUCCESS = 0;
const FAILED = 1;

/** Exponential buckets for histograms (latency): OpenTelemetry's default of 160 buckets, auto-scaled. */
export const EXPONENTIAL_HISTOGRAM: AggregationOption = {
  type: AggregationType.EXPONENTIAL_HISTOGRAM,
  options: { maxSize: 160, recordMinMax: true },
};

/** Options of the outbox exporter. */
export interface OutboxExporterOptions {
  /** Where batches go first (IndexedDB in a browser). */
  outbox: Outbox;
  /** Told after every append, so the sender (here or in another context) wakes up. */
  onAppended?: (batch: OutboxBatch) => void;
  /** Consulted on every export: when false, collected data is dropped, nothing is stored. */
  isEnabled?: () => boolean;
  onError?: TelemetryErrorHandler;
  /** Bounds of the in-memory outbox used if IndexedDB runs out of quota. */
  fallbackLimits?: Partial<OutboxLimits>;
  /** Called once when the exporter degrades to memory (IndexedDB quota). */
  onDegraded?: (memory: Outbox) => void;
  /** Makes idempotency keys (default `crypto.randomUUID()`). */
  newKey?: () => string;
}

/** The exporter, with what startTelemetry needs to see of it. */
export interface OutboxExporter extends PushMetricExporter {
  /** The outbox batches currently go to (switches to memory after a quota error). */
  readonly outbox: Outbox;
  /** Stores an already encoded request (page hide); `key` defaults to a fresh one. Returns the stored batch. */
  append(request: ExportMetricsServiceRequestJson, key?: string): Promise<OutboxBatch | null>;
  /** The batches appended since the last `takeRecent()`. */
  takeRecent(): OutboxBatch[];
}

/**
 * Creates the outbox exporter. Delta temporality (a replayed batch never double-counts a cumulative
 * total, and unchanged gauges are not re-sent) and exponential histograms.
 *
 * @example
 * const provider = new MeterProvider({
 *   readers: [new PeriodicExportingMetricReader({ exporter: createOutboxExporter({ outbox }), exportIntervalMillis: 60_000 })],
 * });
 */
export function createOutboxExporter(options: OutboxExporterOptions): OutboxExporter {
  const onError = options.onError ?? (() => undefined);
  const isEnabled = options.isEnabled ?? (() => true);
  const newKey = options.newKey ?? (() => crypto.randomUUID());
  let outbox = options.outbox;
  let pending: Promise<unknown> = Promise.resolve();
  let recent: OutboxBatch[] = [];
  let shutDown = false;

  async function append(
    request: ExportMetricsServiceRequestJson,
    givenKey?: string,
  ): Promise<OutboxBatch | null> {
    const { request: allowed, refused } = filterEgress(request);
    if (refused.length > 0) {
      onError(
        new EdgeflowError(
          'EGRESS_REFUSED',
          `Left out of the batch (not on the telemetry allow-list): ${refused.join(', ')}.`,
          {
            details: { refused },
          },
        ),
      );
    }
    if (countDataPoints(allowed) === 0 && Object.keys(await outbox.pendingDrops()).length === 0) return null;
    const key = givenKey ?? newKey();
    let result: Awaited<ReturnType<Outbox['append']>>;
    try {
      result = await outbox.append(allowed, key);
    } catch (error) {
      if (!isEdgeflowError(error, 'QUOTA_EXCEEDED') || outbox.kind === 'memory') throw error;
      // Storage is full: keep the app working and keep the data in memory from now on.
      const memory = createMemoryOutbox(options.fallbackLimits);
      outbox = memory;
      onError(
        new EdgeflowError(
          'QUOTA_EXCEEDED',
          'IndexedDB is out of quota: telemetry now keeps its outbox in memory (lost on reload). Free storage to make it durable again.',
          { cause: error },
        ),
      );
      options.onDegraded?.(memory);
      result = await memory.append(allowed, key);
    }
    if (result.batch !== null) {
      recent.push(result.batch);
      options.onAppended?.(result.batch);
    }
    return result.batch;
  }

  return {
    get outbox() {
      return outbox;
    },
    append,
    takeRecent() {
      const out = recent;
      recent = [];
      return out;
    },
    export(metrics: ResourceMetrics, resultCallback: ExportCallback): void {
      if (shutDown || !isEnabled()) {
        resultCallback({ code: SUCCESS });
        return;
      }
      const request = toExportRequest(metrics);
      // One append at a time, in collection order: batch order is send order.
      const work = pending
        .then(() => append(request))
        .then(
          () => resultCallback({ code: SUCCESS }),
          (error: unknown) => {
            const wrapped = toEdgeflowError(error);
            onError(wrapped);
            resultCallback({ code: FAILED, error: wrapped });
          },
        );
      pending = work;
    },
    async forceFlush(): Promise<void> {
      await pending;
    },
    selectAggregationTemporality(): AggregationTemporality {
      return AggregationTemporality.DELTA;
    },
    selectAggregation(instrumentType: InstrumentType): AggregationOption {
      return instrumentType === InstrumentType.HISTOGRAM
        ? EXPONENTIAL_HISTOGRAM
        : { type: AggregationType.DEFAULT };
    },
    async shutdown(): Promise<void> {
      shutDown = true;
      await pending;
    },
  };
}
