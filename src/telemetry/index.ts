// Public barrel of edgeflow/telemetry: OpenTelemetry metrics from every page and worker, a durable
// IndexedDB outbox, one elected sender, and an egress allow-list. No `export *`.
export {
  type DeviceClass,
  detectDeviceClass,
  formatDeviceClass,
  gpuFamily,
  memoryBucket,
  osFamily,
} from './device-class.ts';
export { foldDrops } from './drop-report.ts';
export {
  checkEgress,
  checkResourceEgress,
  filterEgress,
  metricNameSchema,
  type PointAttributes,
  pointAttributesSchema,
  resourceAttributesSchema,
} from './egress.ts';
export {
  createFetchTransport,
  type FetchTransportOptions,
  gzipText,
  KEEPALIVE_BUDGET_BYTES,
  metricsUrl,
} from './fetch-transport.ts';
export { DEFAULT_OUTBOX_DB, type IndexedDbOutboxOptions, openIndexedDbOutbox } from './indexeddb-outbox.ts';
export {
  createEdgeflowInstruments,
  type EdgeflowInstruments,
  type EdgeflowInstrumentsOptions,
  instrumentMonitor,
  type ModelAttributes,
  type RecordResult,
  type ReleaseEvent,
} from './instruments.ts';
export { createMemoryOutbox, DEFAULT_OUTBOX_LIMITS } from './memory-outbox.ts';
export { toExportRequest } from './otlp-json.ts';
export {
  createOutboxExporter,
  EXPONENTIAL_HISTOGRAM,
  type OutboxExporter,
  type OutboxExporterOptions,
} from './outbox-exporter.ts';
export {
  createOutboxSender,
  type OutboxSender,
  type OutboxSenderOptions,
  type SenderStats,
} from './outbox-sender.ts';
export { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter } from './retry-policy.ts';
export {
  DAY_MS,
  startTelemetry,
  type Telemetry,
  type TelemetryOptions,
  type TelemetryPreview,
  type TelemetryStatus,
} from './start-telemetry.ts';
export type {
  AppendResult,
  DropCounts,
  ExportMetricsServiceRequestJson,
  Outbox,
  OutboxBatch,
  OutboxLimits,
  RetryPolicy,
  SendOptions,
  SendResult,
  TelemetryErrorHandler,
  Transport,
} from './types.ts';
