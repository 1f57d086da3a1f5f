import { EdgeflowError } from '../errors.ts';
import type { ClassificationReport } from '../schemas/metrics.ts';
import { CALIBRATION_BINS, expectedCalibrationError } from './calibration.ts';
import { summariseScores } from './class-scores.ts';
import { checkClassificationInput } from './classification-input.ts';
import { confusionMatrix } from './confusion-matrix.ts';
import { LOG_LOSS_EPS, logLoss } from './log-loss.ts';
import { oneVsRestRocAuc } from './roc-auc.ts';
import type { ClassificationInput, ClassificationOptions } from './types.ts';

/**
 * Computes every classification metric of a held-out split from the true labels and the predicted
 * probabilities: accuracy, balanced accuracy, per-class and macro/weighted precision, recall and F1,
 * the confusion matrix, one-vs-rest ROC AUC, log loss and expected calibration error. The predicted
 * class of a row is its argmax. Conventions (zero division, absent classes, ties, clipping, bins)
 * are documented on `summariseScores`, `binaryRocAuc`, `logLoss` and `expectedCalibrationError`.
 *
 * ROC AUC averages (macro and support-weighted) leave out classes whose AUC is undefined — absent
 * from y_true, or the only class in it — and name them in `rocAuc.excludedClasses`; both averages
 * are `null` when no class has an AUC.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` for malformed input (see `checkClassificationInput`) or
 *   options out of range.
 * @example
 * const report = computeClassificationMetrics({
 *   yTrue: Int32Array.of(0, 1),
 *   probabilities: Float32Array.of(0.9, 0.1, 0.2, 0.8),
 *   classNames: ['cat', 'dog'],
 * });
 * report.accuracy; // 1
 */
export function computeClassificationMetrics(
  input: ClassificationInput,
  options: ClassificationOptions = {},
): ClassificationReport {
  const eps = options.logLossEps ?? LOG_LOSS_EPS;
  if (!(eps > 0 && eps < 0.5)) {
    throw new EdgeflowError('INVALID_ARGUMENT', `logLossEps must be in (0, 0.5); got ${eps}.`, {
      details: { field: 'logLossEps', value: eps },
    });
  }
  const binCount = options.calibrationBins ?? CALIBRATION_BINS;
  if (!Number.isInteger(binCount) || binCount < 1) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `calibrationBins must be a positive integer; got ${binCount}.`,
      {
        details: { field: 'calibrationBins', value: binCount },
      },
    );
  }

  const checked = checkClassificationInput(input);
  const { n, k, labels, predicted, probabilities, classNames } = checked;
  const matrix = confusionMatrix(labels, predicted, k);
  const scores = summariseScores(matrix);
  const aucs = oneVsRestRocAuc(labels, probabilities, k);

  let aucSum = 0;
  let aucDefined = 0;
  let aucWeightedSum = 0;
  let aucSupport = 0;
  const excludedClasses: string[] = [];
  aucs.forEach((auc, c) => {
    if (auc === null) {
      excludedClasses.push(classNames[c] as string);
      return;
    }
    const support = scores.perClass[c]?.support ?? 0;
    aucSum += auc;
    aucDefined++;
    aucWeightedSum += support * auc;
    aucSupport += support;
  });

  const calibration = expectedCalibrationError(labels, predicted, probabilities, k, binCount);
  return {
    task: 'classification',
    count: n,
    classNames: [...classNames],
    accuracy: scores.accuracy,
    balancedAccuracy: scores.balancedAccuracy,
    perClass: scores.perClass.map((s, c) => ({
      className: classNames[c] as string,
      support: s.support,
      predicted: s.predicted,
      precision: s.precision,
      recall: s.recall,
      f1: s.f1,
      rocAuc: aucs[c] ?? null,
    })),
    macro: scores.macro,
    weighted: scores.weighted,
    confusionMatrix: matrix,
    rocAuc: {
      macro: aucDefined === 0 ? null : aucSum / aucDefined,
      weighted: aucSupport === 0 ? null : aucWeightedSum / aucSupport,
      excludedClasses,
    },
    logLoss: logLoss(labels, probabilities, k, eps),
    logLossEps: eps,
    expectedCalibrationError: calibration.expectedCalibrationError,
    calibrationBins: calibration.bins,
  };
}
