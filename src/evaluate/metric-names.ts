import { closestNames, EdgeflowError } from '../errors.ts';
import type { ClassificationReport, MetricReport, RegressionReport } from '../schemas/metrics.ts';
import type { MetricValue } from './types.ts';

/** Names of the aggregate classification metrics, as the gate and the registry spell them. */
export const CLASSIFICATION_METRIC_NAMES = [
  'accuracy',
  'balanced_accuracy',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'precision_weighted',
  'recall_weighted',
  'f1_weighted',
  'roc_auc_macro',
  'roc_auc_weighted',
  'log_loss',
  'expected_calibration_error',
] as const;

/** Names of the regression metrics. */
export const REGRESSION_METRIC_NAMES = ['mae', 'rmse', 'r2', 'mape'] as const;

/**
 * Prefixes of the per-class classification metrics: `recall:fraud` is the recall of class `fraud`
 * (the class name is everything after the first colon).
 */
export const PER_CLASS_METRIC_PREFIXES = ['precision', 'recall', 'f1', 'roc_auc'] as const;

const LOWER_IS_BETTER: ReadonlySet<string> = new Set([
  'log_loss',
  'expected_calibration_error',
  'mae',
  'rmse',
  'mape',
]);
const STATIC_NAMES: ReadonlySet<string> = new Set([
  ...CLASSIFICATION_METRIC_NAMES,
  ...REGRESSION_METRIC_NAMES,
]);

/** A per-class metric name split into its prefix and class, or `null` when `name` is not one. */
function splitPerClassName(name: string): { prefix: string; className: string } | null {
  const colon = name.indexOf(':');
  if (colon <= 0 || colon === name.length - 1) return null;
  const prefix = name.slice(0, colon);
  if (!(PER_CLASS_METRIC_PREFIXES as readonly string[]).includes(prefix)) return null;
  return { prefix, className: name.slice(colon + 1) };
}

/**
 * Whether greater values of a metric are better (`true` for accuracy, AUC, R²; `false` for log
 * loss, ECE, MAE, RMSE, MAPE), or `undefined` for a name edgeflow does not compute.
 */
export function metricGreaterIsBetter(name: string): boolean | undefined {
  if (STATIC_NAMES.has(name)) return !LOWER_IS_BETTER.has(name);
  return splitPerClassName(name) === null ? undefined : true;
}

/** Every metric name edgeflow knows, for "use one of" messages (per-class names as `prefix:<class>`). */
export function knownMetricNames(): string[] {
  return [
    ...CLASSIFICATION_METRIC_NAMES,
    ...PER_CLASS_METRIC_PREFIXES.map((p) => `${p}:<class>`),
    ...REGRESSION_METRIC_NAMES,
  ];
}

/**
 * The valid metric names of one report: the aggregate names of its task and, for classification,
 * the per-class names of each of its classes.
 */
export function metricNames(report: MetricReport): string[] {
  if (report.task === 'regression') return [...REGRESSION_METRIC_NAMES];
  return [
    ...CLASSIFICATION_METRIC_NAMES,
    ...PER_CLASS_METRIC_PREFIXES.flatMap((p) => report.classNames.map((c) => `${p}:${c}`)),
  ];
}

/**
 * Every metric of a report as a flat `name → value` record (`null` where undefined), the form the
 * registry stores on a run or version and the gate reads.
 */
export function flattenMetrics(report: MetricReport): Record<string, MetricValue> {
  return report.task === 'regression' ? flattenRegression(report) : flattenClassification(report);
}

function flattenRegression(r: RegressionReport): Record<string, MetricValue> {
  return { mae: r.mae, rmse: r.rmse, r2: r.r2, mape: r.mape };
}

function flattenClassification(r: ClassificationReport): Record<string, MetricValue> {
  const flat: Record<string, MetricValue> = {
    accuracy: r.accuracy,
    balanced_accuracy: r.balancedAccuracy,
    precision_macro: r.macro.precision,
    recall_macro: r.macro.recall,
    f1_macro: r.macro.f1,
    precision_weighted: r.weighted.precision,
    recall_weighted: r.weighted.recall,
    f1_weighted: r.weighted.f1,
    roc_auc_macro: r.rocAuc.macro,
    roc_auc_weighted: r.rocAuc.weighted,
    log_loss: r.logLoss,
    expected_calibration_error: r.expectedCalibrationError,
  };
  for (const c of r.perClass) {
    flat[`precision:${c.className}`] = c.precision;
    flat[`recall:${c.className}`] = c.recall;
    flat[`f1:${c.className}`] = c.f1;
    flat[`roc_auc:${c.className}`] = c.rocAuc;
  }
  return flat;
}

/**
 * Reads one metric by name from a report, or from a flat record of stored metrics (a value that is
 * not a finite number reads as `null`). `null` means the metric is undefined for this data (e.g.
 * `roc_auc_macro` when y_true holds a single class).
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` when the name is not a metric of that report's task (or,
 *   for a flat record, not a metric edgeflow computes), listing the valid names.
 * @example
 * pickMetric(report, 'f1_macro'); // 0.83
 * pickMetric(report, 'recall:fraud'); // 0.9
 */
export function pickMetric(
  source: MetricReport | Readonly<Record<string, unknown>>,
  name: string,
): MetricValue {
  if (isMetricReport(source)) {
    const flat = flattenMetrics(source);
    if (!Object.hasOwn(flat, name)) throw unknownMetric(name, metricNames(source), `a ${source.task} report`);
    return flat[name] ?? null;
  }
  if (metricGreaterIsBetter(name) === undefined) throw unknownMetric(name, knownMetricNames(), 'edgeflow');
  const value = Object.hasOwn(source, name) ? source[name] : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * Like `pickMetric`, but a name that the source does not have reads as `null` instead of throwing:
 * the gate reports such a metric as missing rather than refusing to run.
 */
export function readMetric(
  source: MetricReport | Readonly<Record<string, unknown>>,
  name: string,
): MetricValue {
  if (isMetricReport(source)) return flattenMetrics(source)[name] ?? null;
  const value = Object.hasOwn(source, name) ? source[name] : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** True for a metric report (it carries its `task`), false for a flat record of stored values. */
export function isMetricReport(
  source: MetricReport | Readonly<Record<string, unknown>>,
): source is MetricReport {
  const task = (source as { task?: unknown }).task;
  return task === 'classification' || task === 'regression';
}

function unknownMetric(name: string, valid: readonly string[], where: string): EdgeflowError {
  const near = closestNames(name, valid);
  const hint = near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : '';
  return new EdgeflowError(
    'INVALID_ARGUMENT',
    `Unknown metric "${name}" for ${where}.${hint} Use one of: ${valid.join(', ')}.`,
    { details: { field: 'metric', value: name, valid: [...valid] } },
  );
}
