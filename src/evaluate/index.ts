// Internal barrel of src/evaluate: metrics and the promotion gate. Named exports only.
export { CALIBRATION_BINS, type CalibrationResult, expectedCalibrationError } from './calibration.ts';
export { type ClassScores, type ScoreSummary, summariseScores } from './class-scores.ts';
export { checkClassificationInput, ROW_SUM_TOLERANCE } from './classification-input.ts';
export { computeClassificationMetrics } from './classification-metrics.ts';
export { confusionMatrix } from './confusion-matrix.ts';
export { assertGatePassed, evaluateGate, type GateMetricSource, ZERO_BASELINE_STEP } from './gate.ts';
export { type ParsedMetricThreshold, parseGateThresholds } from './gate-thresholds.ts';
export { LOG_LOSS_EPS, logLoss } from './log-loss.ts';
export {
  CLASSIFICATION_METRIC_NAMES,
  flattenMetrics,
  isMetricReport,
  knownMetricNames,
  metricGreaterIsBetter,
  metricNames,
  PER_CLASS_METRIC_PREFIXES,
  pickMetric,
  REGRESSION_METRIC_NAMES,
  readMetric,
} from './metric-names.ts';
export { computeRegressionMetrics } from './regression-metrics.ts';
export { binaryRocAuc, oneVsRestRocAuc } from './roc-auc.ts';
export type {
  CheckedClassificationInput,
  ClassificationInput,
  ClassificationOptions,
  MetricValue,
} from './types.ts';
