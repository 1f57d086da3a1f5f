// Public barrel of edgeflow/monitor: the Predictor, drift from sketches, latency histograms and the
// release profile. Named exports only (no `export *`); nothing here imports training code.
export {
  computeDriftReport,
  DEFAULT_DRIFT_THRESHOLDS,
  type DriftReportInput,
  PREDICTION_FEATURE,
  type ResolvedThresholds,
  resolveThresholds,
} from './drift-report.ts';
export {
  alignSketches,
  binSketch,
  chiSquaredSurvival,
  chiSquaredTest,
  EMPTY_BIN_SHARE,
  jensenShannonDistance,
  kolmogorovSurvival,
  ksPValue,
  ksStatistic,
  populationStabilityIndex,
  wassersteinDistance,
} from './drift-statistics.ts';
export { DRIFT_THRESHOLDS_KEY, parseDriftThresholds, storedDriftThresholds } from './drift-thresholds.ts';
export {
  DriftWindow,
  type WindowFeature,
  type WindowFeatureSpec,
  type WindowSnapshot,
} from './drift-window.ts';
export {
  bucketBounds as histogramBucketBounds,
  bucketIndex as histogramBucketIndex,
  DEFAULT_HISTOGRAM_SCALE,
  ExponentialHistogramBuilder,
  histogramQuantile,
  mergeHistograms,
  summarizeLatency,
} from './exponential-histogram.ts';
export { macroF1, OutcomeTracker } from './outcomes.ts';
export { createPredictor, DEFAULT_OUTCOME_CAPACITY, DEFAULT_WINDOW_ROWS } from './predictor.ts';
export {
  DEFAULT_MIN_COUNT,
  foldSketch,
  type ReleaseProfileOptions,
  toReleaseProfile,
} from './release-profile.ts';
export type {
  AccuracySummary,
  BatchPrediction,
  ColumnarRows,
  DriftOptions,
  DriftThresholds,
  DriftWindowOptions,
  LoadedPredictorOptions,
  MonitorListener,
  MonitorState,
  OutcomeResult,
  PredictInput,
  Prediction,
  Predictor,
  PredictorCommonOptions,
  PredictorOptions,
  PredictorRegistry,
  PredictorRow,
  PredictorStats,
  RegistryPredictorOptions,
  RowError,
  RowErrorCode,
  RowResult,
  TensorMemory,
} from './types.ts';
