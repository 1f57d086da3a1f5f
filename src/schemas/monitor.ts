// What the monitor reports: drift reports, latency histograms and the events a Predictor emits. Plain
// JSON of aggregates only (no raw value, no row, no identifier), shared by the monitor (producer),
// telemetry (which turns them into OpenTelemetry metrics without importing the monitor) and the edge
// client. Fields may be added; renaming or removing one is a change of contract.
import { z } from 'zod';
import { DRIFT_TESTS } from './telemetry.ts';

/** A drift test: two-sample KS, chi-squared, normalised Wasserstein, Jensen–Shannon distance, PSI. */
export const driftTestSchema = z.enum(DRIFT_TESTS);

/** PSI's conventional reading: < 0.1 no change, 0.1–0.25 warn, ≥ 0.25 alert. */
export const psiLevelSchema = z.enum(['ok', 'warn', 'alert']);

/** The drift of one feature (or of the model's output) in one window against the reference profile. */
export const featureDriftSchema = z.strictObject({
  name: z.string(),
  kind: z.enum(['numeric', 'categorical']),
  /** The test that decides `drifted` (chosen by reference size unless configured). */
  test: driftTestSchema,
  /** The test's statistic (KS D, chi-squared, distance…). */
  statistic: z.number(),
  /** For KS and chi-squared: the p-value; null for distances. */
  pValue: z.number().nullable(),
  /** p-value below this (tests) or statistic at or above it (distances) means drift. */
  threshold: z.number(),
  drifted: z.boolean(),
  /** Population stability index over the reference bins; null when it cannot be computed. */
  psi: z.number().nullable(),
  psiLevel: psiLevelSchema.nullable(),
  /** Values observed in the window (present, not missing). */
  count: z.number().int().nonnegative(),
  /** Share of missing values in the window, and in the reference. */
  missingRate: z.number().min(0).max(1),
  referenceMissingRate: z.number().min(0).max(1),
  /** Categorical: share of values not seen in the reference; null for numeric. */
  unseenRate: z.number().min(0).max(1).nullable(),
});

/** The window a report covers. */
export const driftWindowSchema = z.strictObject({
  /** Epoch ms of the first and last observation. */
  start: z.number(),
  end: z.number(),
  rows: z.number().int().nonnegative(),
});

/** A drift report: per feature, dataset drift, and prediction drift. */
export const driftReportSchema = z.strictObject({
  model: z.string(),
  version: z.number().int(),
  window: driftWindowSchema,
  /** Reference rows the profile was built from (decides the default tests: ≤ 1000 → KS/chi², else distances). */
  referenceRows: z.number().int().nonnegative(),
  features: z.array(featureDriftSchema),
  datasetDrift: z.strictObject({
    /** Share of features that drifted. */
    share: z.number().min(0).max(1),
    /** Dataset drift when `share` ≥ `threshold` (default 0.5). */
    threshold: z.number().min(0).max(1),
    drifted: z.boolean(),
  }),
  /** Drift of the model's output (class mix or output quantiles); null before any prediction. */
  prediction: featureDriftSchema.nullable(),
});

/**
 * An exponential histogram in the OpenTelemetry sense: bucket index i covers (base^i, base^(i+1)]
 * with base = 2^(2^-scale), so histograms of the same scale merge by adding counts.
 */
export const exponentialHistogramSchema = z.strictObject({
  scale: z.number().int(),
  count: z.number().int().nonnegative(),
  sum: z.number(),
  zeroCount: z.number().int().nonnegative(),
  positive: z.strictObject({
    offset: z.number().int(),
    bucketCounts: z.array(z.number().int().nonnegative()),
  }),
});

/** Latency percentiles (seconds) read from a histogram. */
export const latencySummarySchema = z.strictObject({
  count: z.number().int().nonnegative(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  histogram: exponentialHistogramSchema,
});

/** One predict call as a Predictor reports it to its listeners (telemetry records these). */
export const predictEventSchema = z.strictObject({
  type: z.literal('predict'),
  model: z.string(),
  version: z.number().int(),
  backend: z.string(),
  rows: z.number().int().nonnegative(),
  /** Rows refused, by error code. */
  errors: z.record(z.string(), z.number().int().nonnegative()),
  /** Seconds spent in the pipeline, the model, and in total. */
  seconds: z.strictObject({ pipeline: z.number(), model: z.number(), total: z.number() }),
  /** True for the predictor's first call (warm-up: weight upload, shader compilation). */
  warmup: z.boolean(),
});

/** A drift report was produced (a window closed). */
export const driftEventSchema = z.strictObject({
  type: z.literal('drift'),
  report: driftReportSchema,
});

/** Field accuracy from delayed labels, and the label-free estimate. */
export const accuracyEventSchema = z.strictObject({
  type: z.literal('accuracy'),
  model: z.string(),
  version: z.number().int(),
  /** Metric name → value from labelled outcomes in the window (accuracy, f1, mae, rmse…). */
  field: z.record(z.string(), z.number()),
  /** Confidence-based estimate of accuracy (classification); null when not available. */
  estimated: z.number().nullable(),
  labelled: z.number().int().nonnegative(),
});

/** Everything a Predictor emits. */
export const monitorEventSchema = z.discriminatedUnion('type', [
  predictEventSchema,
  driftEventSchema,
  accuracyEventSchema,
]);

/**
 * Drift thresholds stored with a model version (under `metrics.driftThresholds`) or passed per call;
 * every field optional, defaults are Evidently's (p < 0.05, distance ≥ 0.1, PSI 0.1/0.25, 50 %, 1000 rows).
 */
export const driftThresholdsSchema = z.strictObject({
  pValue: z.number().gt(0).lt(1).optional(),
  distance: z.number().positive().optional(),
  psiWarn: z.number().positive().optional(),
  psiAlert: z.number().positive().optional(),
  datasetShare: z.number().gt(0).max(1).optional(),
  smallReference: z.number().int().nonnegative().optional(),
  tests: z.record(z.string(), driftTestSchema).optional(),
});

/** A drift test. */
export type DriftTest = z.infer<typeof driftTestSchema>;
/** PSI level. */
export type PsiLevel = z.infer<typeof psiLevelSchema>;
/** One feature's drift. */
export type FeatureDrift = z.infer<typeof featureDriftSchema>;
/** A report's window. */
export type DriftWindow = z.infer<typeof driftWindowSchema>;
/** A drift report. */
export type DriftReport = z.infer<typeof driftReportSchema>;
/** An exponential histogram. */
export type ExponentialHistogram = z.infer<typeof exponentialHistogramSchema>;
/** Latency percentiles. */
export type LatencySummary = z.infer<typeof latencySummarySchema>;
/** A predict event. */
export type PredictEvent = z.infer<typeof predictEventSchema>;
/** A drift event. */
export type DriftEvent = z.infer<typeof driftEventSchema>;
/** An accuracy event. */
export type AccuracyEvent = z.infer<typeof accuracyEventSchema>;
/** Any monitor event. */
export type MonitorEvent = z.infer<typeof monitorEventSchema>;
/** Stored drift thresholds. */
export type StoredDriftThresholds = z.infer<typeof driftThresholdsSchema>;

/** Something that emits monitor events (a Predictor): what telemetry subscribes to. */
export interface MonitorEventSource {
  subscribe(listener: (event: MonitorEvent) => void): () => void;
}
