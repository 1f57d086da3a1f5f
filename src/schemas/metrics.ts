import { z } from 'zod';

/** A metric value, or `null` where the metric is undefined for the data (e.g. AUC of a class absent from y_true). */
const maybeNumber = z.number().nullable();

/** Precision, recall and F1 of one class (one-vs-rest), with the counts they come from. */
export const classMetricsSchema = z.strictObject({
  className: z.string(),
  /** Rows whose true class is this one. */
  support: z.number().int().nonnegative(),
  /** Rows predicted as this class (the argmax of the probabilities). */
  predicted: z.number().int().nonnegative(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  /** One-vs-rest ROC AUC; `null` when the class has no positive or no negative row in y_true. */
  rocAuc: maybeNumber,
});

/** An average of precision, recall and F1 over classes. */
export const averagedScoresSchema = z.strictObject({
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
});

/** One equal-width confidence bin of the expected calibration error. */
export const calibrationBinSchema = z.strictObject({
  lower: z.number(),
  upper: z.number(),
  count: z.number().int().nonnegative(),
  /** Mean top-class confidence in the bin; `null` for an empty bin. */
  confidence: maybeNumber,
  /** Share of the bin's rows whose argmax is the true class; `null` for an empty bin. */
  accuracy: maybeNumber,
});

/** Every classification metric computed on one held-out split (see `computeClassificationMetrics`). */
export const classificationReportSchema = z.strictObject({
  task: z.literal('classification'),
  count: z.number().int().positive(),
  classNames: z.array(z.string()),
  accuracy: z.number(),
  balancedAccuracy: z.number(),
  perClass: z.array(classMetricsSchema),
  /** Unweighted mean over the classes present in y_true or in the predictions. */
  macro: averagedScoresSchema,
  /** Mean weighted by support (true rows per class). */
  weighted: averagedScoresSchema,
  /** `confusionMatrix[t][p]`: rows of true class `t` predicted as `p`. */
  confusionMatrix: z.array(z.array(z.number().int().nonnegative())),
  rocAuc: z.strictObject({
    macro: maybeNumber,
    weighted: maybeNumber,
    /** Classes whose AUC is undefined (absent from y_true, or the only class in it), left out of both averages. */
    excludedClasses: z.array(z.string()),
  }),
  logLoss: z.number(),
  /** The clipping bound used for log loss: probabilities are clipped to [eps, 1 - eps]. */
  logLossEps: z.number(),
  expectedCalibrationError: z.number(),
  calibrationBins: z.array(calibrationBinSchema),
});

/** Every regression metric computed on one held-out split (see `computeRegressionMetrics`). */
export const regressionReportSchema = z.strictObject({
  task: z.literal('regression'),
  count: z.number().int().positive(),
  mae: z.number(),
  rmse: z.number(),
  /** Coefficient of determination; `null` with fewer than two rows. */
  r2: maybeNumber,
  /** Mean absolute percentage error as a fraction (0.1 = 10 %), over rows with a non-zero target; `null` when every target is zero. */
  mape: maybeNumber,
  /** Rows left out of MAPE because their target is exactly zero. */
  mapeZeroTargets: z.number().int().nonnegative(),
});

/** A classification or regression report, told apart by `task`. */
export const metricReportSchema = z.discriminatedUnion('task', [
  classificationReportSchema,
  regressionReportSchema,
]);

/**
 * One metric's promotion criteria, with MLflow `MetricThreshold` semantics: `threshold` bounds the
 * candidate's value; `minAbsoluteChange` (> 0) and `minRelativeChange` (0…1) require an improvement
 * over the baseline. At least one criterion is required.
 */
export const metricThresholdSchema = z
  .strictObject({
    threshold: z.number().optional(),
    minAbsoluteChange: z
      .number()
      .positive({ error: 'must be a positive number (the improvement required over the baseline)' })
      .optional(),
    minRelativeChange: z
      .number()
      .min(0, { error: 'must be between 0 and 1 (0.05 = 5 % better than the baseline)' })
      .max(1, { error: 'must be between 0 and 1 (0.05 = 5 % better than the baseline)' })
      .optional(),
    /** Optional: every metric edgeflow computes has a known direction, which is the default. */
    greaterIsBetter: z.boolean().optional(),
  })
  .refine(
    (t) =>
      t.threshold !== undefined || t.minAbsoluteChange !== undefined || t.minRelativeChange !== undefined,
    { message: 'set at least one of threshold, minAbsoluteChange, minRelativeChange' },
  );

/** Gate thresholds keyed by metric name (`accuracy`, `f1_macro`, `rmse`, `recall:fraud`, …); at least one. */
export const gateThresholdsSchema = z
  .record(z.string().min(1), metricThresholdSchema)
  .refine((t) => Object.keys(t).length > 0, { message: 'give at least one metric threshold' });

/** The outcome of one criterion: `no_baseline` means there was no baseline model to compare with (not a failure). */
export const gateCriterionStatusSchema = z.enum(['pass', 'fail', 'no_baseline']);

/** One criterion of one metric, with the numbers it was judged on. */
export const gateCriterionSchema = z.strictObject({
  criterion: z.enum(['threshold', 'minAbsoluteChange', 'minRelativeChange']),
  status: gateCriterionStatusSchema,
  /** The configured value (the threshold, or the required change). */
  required: z.number(),
  /** The value the candidate had to reach (`>=` when greater is better, else `<=`); `null` when not computable. */
  bound: maybeNumber,
  /** What was measured: the candidate value, its absolute improvement, or its relative improvement. */
  observed: maybeNumber,
  detail: z.string(),
});

/** The gate's verdict on one metric. */
export const gateMetricResultSchema = z.strictObject({
  metric: z.string(),
  greaterIsBetter: z.boolean(),
  candidate: maybeNumber,
  baseline: maybeNumber,
  passed: z.boolean(),
  criteria: z.array(gateCriterionSchema),
});

/** The full gate report, stored with the alias move it allowed or refused. */
export const gateReportSchema = z.strictObject({
  passed: z.boolean(),
  hasBaseline: z.boolean(),
  metrics: z.array(gateMetricResultSchema),
  /** One line per failed criterion, naming the metric and the numbers. */
  failures: z.array(z.string()),
});

/** Precision, recall, F1 and AUC of one class. */
export type ClassMetrics = z.infer<typeof classMetricsSchema>;
/** An average of precision, recall and F1. */
export type AveragedScores = z.infer<typeof averagedScoresSchema>;
/** One calibration bin. */
export type CalibrationBin = z.infer<typeof calibrationBinSchema>;
/** Every classification metric of one split. */
export type ClassificationReport = z.infer<typeof classificationReportSchema>;
/** Every regression metric of one split. */
export type RegressionReport = z.infer<typeof regressionReportSchema>;
/** A classification or regression report. */
export type MetricReport = z.infer<typeof metricReportSchema>;
/** One metric's gate criteria (input form: optional fields may be absent). */
export type MetricThreshold = z.input<typeof metricThresholdSchema>;
/** Gate thresholds keyed by metric name. */
export type GateThresholds = Readonly<Record<string, MetricThreshold>>;
/** The outcome of one criterion. */
export type GateCriterionStatus = z.infer<typeof gateCriterionStatusSchema>;
/** One criterion's verdict. */
export type GateCriterion = z.infer<typeof gateCriterionSchema>;
/** One metric's verdict. */
export type GateMetricResult = z.infer<typeof gateMetricResultSchema>;
/** The gate report. */
export type GateReport = z.infer<typeof gateReportSchema>;
