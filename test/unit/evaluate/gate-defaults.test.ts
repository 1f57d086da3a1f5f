import { describe, expect, it } from 'vitest';
import { evaluateGate } from '../../../src/evaluate/gate.ts';
import { parseGateThresholds } from '../../../src/evaluate/gate-thresholds.ts';
import { computeRegressionMetrics } from '../../../src/evaluate/regression-metrics.ts';

// Lab hardening: a built-in metric's direction is known, so greaterIsBetter may be left out.
describe('gate defaults', () => {
  it('fills greaterIsBetter from the metric for every built-in metric', () => {
    expect(
      parseGateThresholds({
        accuracy: { threshold: 0.9 },
        rmse: { minRelativeChange: 0.05 },
        'recall:fraud': { threshold: 0.5 },
        log_loss: { minAbsoluteChange: 0.01 },
      }),
    ).toEqual({
      accuracy: { threshold: 0.9, greaterIsBetter: true },
      rmse: { minRelativeChange: 0.05, greaterIsBetter: false },
      'recall:fraud': { threshold: 0.5, greaterIsBetter: true },
      log_loss: { minAbsoluteChange: 0.01, greaterIsBetter: false },
    });
  });

  it('a defaulted lower-is-better metric is judged in that direction', () => {
    const baseline = computeRegressionMetrics([1, 2, 3, 4], [1.5, 2.5, 3.5, 4.5]);
    const better = computeRegressionMetrics([1, 2, 3, 4], [1.1, 2.1, 3.1, 4.1]);
    const thresholds = parseGateThresholds({ mae: { minAbsoluteChange: 0.2 } });
    expect(evaluateGate(better, baseline, thresholds).passed).toBe(true);
    expect(evaluateGate(baseline, better, thresholds).passed).toBe(false);
  });

  it('a greaterIsBetter that contradicts the metric is still refused', () => {
    expect(() => parseGateThresholds({ rmse: { threshold: 1, greaterIsBetter: true } })).toThrowError(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        details: expect.objectContaining({ field: 'thresholds.rmse.greaterIsBetter' }),
      }),
    );
  });
});
