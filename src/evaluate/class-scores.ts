import type { AveragedScores } from '../schemas/metrics.ts';

/** Precision, recall and F1 of one class with the counts behind them. */
export interface ClassScores {
  readonly support: number;
  readonly predicted: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** Per-class scores and their averages, derived from a confusion matrix. */
export interface ScoreSummary {
  readonly perClass: ClassScores[];
  readonly macro: AveragedScores;
  readonly weighted: AveragedScores;
  readonly accuracy: number;
  readonly balancedAccuracy: number;
}

/**
 * Derives precision, recall and F1 per class (one-vs-rest) and their averages from a confusion matrix.
 *
 * Conventions, as scikit-learn with `zero_division=0`:
 * - precision = TP / (TP + FP), 0 when the class is never predicted;
 * - recall = TP / (TP + FN), 0 when the class is absent from y_true;
 * - F1 = 2·TP / (2·TP + FP + FN), 0 when that denominator is 0;
 * - macro averages are unweighted means over the classes present in y_true **or** the predictions
 *   (scikit-learn's default `labels`): a class seen in neither says nothing and is left out, while a
 *   class that is predicted but never true counts with precision 0, recall 0;
 * - weighted averages weight each class by its support, so absent classes weigh 0;
 * - balanced accuracy is the mean recall over the classes present in y_true (scikit-learn's
 *   `balanced_accuracy_score`, which ignores classes only predicted).
 */
export function summariseScores(matrix: readonly (readonly number[])[]): ScoreSummary {
  const k = matrix.length;
  const perClass: ClassScores[] = [];
  let total = 0;
  let hits = 0;
  for (let c = 0; c < k; c++) {
    let support = 0;
    let predicted = 0;
    for (let other = 0; other < k; other++) {
      support += matrix[c]?.[other] ?? 0;
      predicted += matrix[other]?.[c] ?? 0;
    }
    const tp = matrix[c]?.[c] ?? 0;
    const fp = predicted - tp;
    const fn = support - tp;
    total += support;
    hits += tp;
    perClass.push({
      support,
      predicted,
      precision: safeDivide(tp, predicted),
      recall: safeDivide(tp, support),
      f1: safeDivide(2 * tp, 2 * tp + fp + fn),
    });
  }

  const seen = perClass.filter((s) => s.support > 0 || s.predicted > 0);
  const present = perClass.filter((s) => s.support > 0);
  const mean = (scores: readonly ClassScores[], pick: (s: ClassScores) => number): number =>
    safeDivide(
      scores.reduce((sum, s) => sum + pick(s), 0),
      scores.length,
    );
  const weightedMean = (pick: (s: ClassScores) => number): number =>
    safeDivide(
      perClass.reduce((sum, s) => sum + s.support * pick(s), 0),
      total,
    );

  return {
    perClass,
    macro: {
      precision: mean(seen, (s) => s.precision),
      recall: mean(seen, (s) => s.recall),
      f1: mean(seen, (s) => s.f1),
    },
    weighted: {
      precision: weightedMean((s) => s.precision),
      recall: weightedMean((s) => s.recall),
      f1: weightedMean((s) => s.f1),
    },
    accuracy: safeDivide(hits, total),
    balancedAccuracy: mean(present, (s) => s.recall),
  };
}

/** `a / b`, or 0 when `b` is 0: scikit-learn's `zero_division=0`. */
function safeDivide(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}
