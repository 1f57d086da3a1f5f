// Public barrel of edgeflow-collector (Node only).
export { apiKeyFileSchema, createApiKeyRing, hashSecret, newApiKey } from './auth.ts';
export { type CliCommand, parseCommandLine, USAGE } from './config.ts';
export { downscale, histogramQuantile, mergeHistograms, subtractHistogram } from './exp-histogram.ts';
export { POINT_LIMITS, parseOtlpMetricsJson } from './otlp-json.ts';
export {
  MAX_ENROLLED_KEYS,
  openReleaseKeyring,
  type ReleaseKeyring,
  type ReleaseKeySource,
} from './release-keys.ts';
export { openReleaseStore, type ReleaseStore, type ReleaseSummary } from './releases.ts';
export { type CollectorOptions, type RunningCollector, startCollector } from './server.ts';
export { openSqliteStore, type SqliteStoreOptions } from './storage/sqlite-store.ts';
export type {
  DriftResult,
  ErrorCount,
  FleetResult,
  LatencyResult,
  MetricStore,
  TimeRange,
  WriteBatch,
  WriteResult,
} from './storage/types.ts';
export type { ExpHistogram, IngestPoint, ParsedBatch } from './types.ts';
