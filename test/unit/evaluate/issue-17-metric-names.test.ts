import { describe, expect, it } from 'vitest';
import { computeClassificationMetrics } from '../../../src/evaluate/classification-metrics.ts';
import { flattenMetrics, metricNames, pickMetric } from '../../../src/evaluate/metric-names.ts';

// Issue 17 (weak tests): the old fixture had two correct rows, so 18 of 20 metrics were exactly 1 and
// swapped names went unnoticed. Here every per-class and aggregate figure differs, except the two
// identities that hold by definition (balanced accuracy = macro recall, weighted recall = accuracy).
// Confusion matrix (rows true, columns predicted): a [1, 4, 0], b [1, 3, 0], c [1, 0, 2].
const classNames = ['a', 'b', 'c'];
const rows: Array<[number, [number, number, number]]> = [
  [0, [0.6, 0.3, 0.1]],
  [0, [0.3, 0.5, 0.2]],
  [0, [0.2, 0.7, 0.1]],
  [0, [0.35, 0.45, 0.2]],
  [0, [0.1, 0.48, 0.42]],
  [1, [0.5, 0.4, 0.1]],
  [1, [0.15, 0.8, 0.05]],
  [1, [0.3, 0.65, 0.05]],
  [1, [0.25, 0.55, 0.2]],
  [2, [0.45, 0.15, 0.4]],
  [2, [0.1, 0.2, 0.7]],
  [2, [0.15, 0.1, 0.75]],
];
const report = computeClassificationMetrics({
  yTrue: rows.map(([y]) => y),
  probabilities: Float32Array.from(rows.flatMap(([, p]) => p)),
  classNames,
});

/** One-vs-rest ROC AUC by counting pairs (Mann–Whitney), independent of the implementation's sweep. */
function pairwiseAuc(k: number): number {
  const scores = Float32Array.from(rows.map(([, p]) => p[k] as number));
  let wins = 0;
  let pairs = 0;
  rows.forEach(([yi], i) => {
    if (yi !== k) return;
    rows.forEach(([yj], j) => {
      if (yj === k) return;
      pairs++;
      const si = scores[i] as number;
      const sj = scores[j] as number;
      wins += si > sj ? 1 : si === sj ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

const support = [5, 4, 3];
const perClass = {
  precision: [1 / 3, 3 / 7, 1],
  recall: [1 / 5, 3 / 4, 2 / 3],
  f1: [1 / 4, 6 / 11, 4 / 5],
  roc_auc: [0, 1, 2].map(pairwiseAuc),
};
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const weighted = (values: number[]) => values.reduce((sum, v, k) => sum + v * (support[k] as number), 0) / 12;
const logLoss = -mean(rows.map(([y, p]) => Math.log(Math.fround(p[y] as number))));

describe('metric names on a fixture where the metrics differ', () => {
  it('every name reads its own figure', () => {
    const expected: Record<string, number> = {
      accuracy: 6 / 12,
      balanced_accuracy: mean(perClass.recall),
      precision_macro: mean(perClass.precision),
      recall_macro: mean(perClass.recall),
      f1_macro: mean(perClass.f1),
      precision_weighted: weighted(perClass.precision),
      recall_weighted: weighted(perClass.recall),
      f1_weighted: weighted(perClass.f1),
      roc_auc_macro: mean(perClass.roc_auc),
      roc_auc_weighted: weighted(perClass.roc_auc),
      log_loss: logLoss,
    };
    for (const prefix of ['precision', 'recall', 'f1', 'roc_auc'] as const) {
      classNames.forEach((name, k) => {
        expected[`${prefix}:${name}`] = perClass[prefix][k] as number;
      });
    }
    const flat = flattenMetrics(report);
    for (const [name, value] of Object.entries(expected)) {
      expect({ name, value: pickMetric(report, name) }).toEqual({ name, value: expect.closeTo(value, 6) });
      expect({ name, value: flat[name] }).toEqual({ name, value: expect.closeTo(value, 6) });
    }
    expect(metricNames(report).sort()).toEqual(
      [...Object.keys(expected), 'expected_calibration_error'].sort(),
    );
  });

  it('the figures are distinct, so a swapped name cannot pass', () => {
    const flat = flattenMetrics(report);
    const identities = new Set(['balanced_accuracy', 'recall_weighted']);
    const values = Object.entries(flat)
      .filter(([name]) => !identities.has(name))
      .map(([, v]) => (v as number).toFixed(9));
    expect(new Set(values).size).toBe(values.length);
    expect(flat.expected_calibration_error).toBeGreaterThan(0);
  });
});
