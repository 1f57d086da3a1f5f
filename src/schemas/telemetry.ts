// The telemetry contract between edge devices and the collector: the metric names, units and
// attribute keys edgeflow sends over OTLP, and the header that makes a batch idempotent. The
// telemetry module's egress allow-list is built from these lists, and the collector's fleet queries
// read these names, so both sides change together here.

/** Metric names edgeflow records (all in the documented `edgeflow.*` namespace; no OTel semantic convention covers on-device model serving). */
export const METRIC = {
  /** Histogram (exponential buckets), seconds: time of one predict call, by `edgeflow.stage`. */
  predictDuration: 'edgeflow.predict.duration',
  /** Counter, rows: rows predicted. */
  predictRows: 'edgeflow.predict.rows',
  /** Counter, rows: rows refused, by `error.type` (an EdgeflowError code). */
  predictErrors: 'edgeflow.predict.errors',
  /** Gauge, seconds: the first predict call of a predictor (weights upload, shader compilation). */
  warmupDuration: 'edgeflow.predict.warmup',
  /** Gauge: the drift statistic of one feature and test in the last window. */
  driftStatistic: 'edgeflow.drift.statistic',
  /** Gauge, 0 or 1: whether that feature drifted (p-value below, or distance above, the threshold). */
  driftDetected: 'edgeflow.drift.detected',
  /** Gauge, 0–1: the share of features that drifted in the last window (dataset drift when ≥ 0.5). */
  driftShare: 'edgeflow.drift.share',
  /** Gauge: the drift statistic of the model's output (class mix or output quantiles). */
  predictionDrift: 'edgeflow.prediction.drift',
  /** Gauge, 0–1: the share of missing values of one feature in the last window. */
  missingRate: 'edgeflow.feature.missing_rate',
  /** Gauge, 0–1: the share of values of one categorical feature not seen in training. */
  unseenRate: 'edgeflow.feature.unseen_rate',
  /** Gauge: accuracy (classification) or MAE (regression) from delayed labels, by `edgeflow.metric`. */
  fieldAccuracy: 'edgeflow.accuracy.field',
  /** Gauge, 0–1: accuracy estimated from calibrated confidences, without labels. */
  estimatedAccuracy: 'edgeflow.accuracy.estimated',
  /** Gauge, samples/s: training throughput of a lab run. */
  trainThroughput: 'edgeflow.train.throughput',
  /** Counter: release events of an edge client, by `edgeflow.event`. */
  releaseEvents: 'edgeflow.release.events',
  /** Counter: telemetry batches or points the outbox dropped, by `edgeflow.reason`. */
  telemetryDropped: 'edgeflow.telemetry.dropped',
} as const;

/** A metric name edgeflow sends. */
export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** Every metric name, for allow-lists. */
export const METRIC_NAMES: readonly MetricName[] = Object.values(METRIC);

/** Resource attribute keys: who sends (never a user agent, an IP or a feature value). */
export const RESOURCE_ATTRIBUTE = {
  serviceName: 'service.name',
  /** Random, rotating install id (pseudonymous); absent when switched off. */
  instanceId: 'service.instance.id',
  model: 'edgeflow.model',
  modelVersion: 'edgeflow.model.version',
  release: 'edgeflow.release',
  backend: 'edgeflow.backend',
  /** Coarse device class, e.g. `gpu=nvidia;mem=8;os=linux`. */
  deviceClass: 'edgeflow.device.class',
  osType: 'os.type',
  sdkName: 'telemetry.sdk.name',
  sdkLanguage: 'telemetry.sdk.language',
  sdkVersion: 'telemetry.sdk.version',
} as const;

/** Data point attribute keys. `edgeflow.model` and `edgeflow.model.version` may also appear here (they win over the resource's). */
export const POINT_ATTRIBUTE = {
  model: 'edgeflow.model',
  modelVersion: 'edgeflow.model.version',
  stage: 'edgeflow.stage',
  feature: 'edgeflow.feature',
  test: 'edgeflow.drift.test',
  errorType: 'error.type',
  metric: 'edgeflow.metric',
  event: 'edgeflow.event',
  reason: 'edgeflow.reason',
  backend: 'edgeflow.backend',
} as const;

/** Values of `edgeflow.stage`. */
export const PREDICT_STAGES = ['pipeline', 'model', 'total'] as const;

/** Values of `edgeflow.drift.test`. */
export const DRIFT_TESTS = ['ks', 'chi2', 'wasserstein', 'jensenshannon', 'psi'] as const;

/** Values of `edgeflow.event`. */
export const RELEASE_EVENTS = ['update-available', 'activated', 'rolled-back', 'rejected'] as const;

/** The request header that names a batch; the collector acknowledges a replayed key without storing it twice. */
export const BATCH_KEY_HEADER = 'idempotency-key';
