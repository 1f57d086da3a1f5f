import { describe, expect, it } from 'vitest';
import { computeClassificationMetrics } from '../../../src/evaluate/classification-metrics.ts';
import {
  flattenMetrics,
  metricGreaterIsBetter,
  metricNames,
  pickMetric,
  readMetric,
} from '../../../src/evaluate/metric-names.ts';
import { computeRegressionMetrics } from '../../../src/evaluate/regression-metrics.ts';

// Two rows, both right: accuracy 1; class b's recall 1/1; log loss −(ln 0.9 + ln 0.8)/2.
const classification = computeClassificationMetrics({
  yTrue: [0, 1],
  probabilities: Float32Array.of(0.9, 0.1, 0.2, 0.8),
  classNames: ['a', 'fraud:card'],
});
// y = 1, 3; ŷ = 2, 3 → MAE 0.5, RMSE √(1/2), R² = 1 − 1/2 = 0.5.
const regression = computeRegressionMetrics([1, 3], [2, 3]);

describe('pickMetric', () => {
  it('reads aggregate classification metrics by name', () => {
    expect(pickMetric(classification, 'accuracy')).toBe(1);
    expect(pickMetric(classification, 'f1_macro')).toBe(1);
    expect(pickMetric(classification, 'roc_auc_macro')).toBe(1);
    expect(pickMetric(classification, 'log_loss')).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 6);
  });

  it('reads per-class metrics as prefix:class (class names may contain colons)', () => {
    expect(pickMetric(classification, 'recall:fraud:card')).toBe(1);
    expect(pickMetric(classification, 'roc_auc:a')).toBe(1);
  });

  it('reads regression metrics by name', () => {
    expect(pickMetric(regression, 'mae')).toBe(0.5);
    expect(pickMetric(regression, 'rmse')).toBeCloseTo(Math.SQRT1_2, 12);
    expect(pickMetric(regression, 'r2')).toBe(0.5);
  });

  it('reads a flat record of stored metrics, non-numbers as null', () => {
    expect(pickMetric({ accuracy: 0.9, rmse: 'x' }, 'accuracy')).toBe(0.9);
    expect(pickMetric({ accuracy: 0.9, rmse: 'x' }, 'rmse')).toBeNull();
    expect(pickMetric({}, 'r2')).toBeNull();
  });

  it('rejects a name the report does not have, listing the valid names and a suggestion', () => {
    expect(() => pickMetric(regression, 'accuracy')).toThrowError(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        details: expect.objectContaining({ valid: ['mae', 'rmse', 'r2', 'mape'] }),
      }),
    );
    expect(() => pickMetric(classification, 'f1_marco')).toThrowError(/Did you mean "f1_macro"/);
    expect(() => pickMetric(classification, 'f1_marco')).toThrowError(
      /Use one of: accuracy, balanced_accuracy/,
    );
    expect(() => pickMetric({}, 'auc')).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('metric names', () => {
  it('lists the names of each report', () => {
    expect(metricNames(regression)).toEqual(['mae', 'rmse', 'r2', 'mape']);
    const names = metricNames(classification);
    expect(names).toContain('balanced_accuracy');
    expect(names).toContain('precision:fraud:card');
    expect(names).toHaveLength(12 + 4 * 2);
  });

  it('flattens a report into exactly its names', () => {
    expect(Object.keys(flattenMetrics(classification)).sort()).toEqual(metricNames(classification).sort());
    expect(flattenMetrics(regression)).toEqual({ mae: 0.5, rmse: Math.sqrt(0.5), r2: 0.5, mape: 0.5 });
    // MAPE = (|1 − 2|/1 + |3 − 3|/3)/2 = 0.5.
  });

  it('knows which way each metric improves', () => {
    expect(metricGreaterIsBetter('accuracy')).toBe(true);
    expect(metricGreaterIsBetter('r2')).toBe(true);
    expect(metricGreaterIsBetter('recall:x')).toBe(true);
    expect(metricGreaterIsBetter('rmse')).toBe(false);
    expect(metricGreaterIsBetter('log_loss')).toBe(false);
    expect(metricGreaterIsBetter('expected_calibration_error')).toBe(false);
    expect(metricGreaterIsBetter('nope')).toBeUndefined();
    expect(metricGreaterIsBetter('recall:')).toBeUndefined();
  });

  it('reads a missing name as null without throwing (for the gate)', () => {
    expect(readMetric(regression, 'accuracy')).toBeNull();
    expect(readMetric(classification, 'recall:zebra')).toBeNull();
  });
});
