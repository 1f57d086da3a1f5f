import { describe, expect, it } from 'vitest';
import { assertGatePassed, evaluateGate } from '../../../src/evaluate/gate.ts';
import { computeRegressionMetrics } from '../../../src/evaluate/regression-metrics.ts';
import { type GateThresholds, gateReportSchema } from '../../../src/schemas/metrics.ts';

const accuracyGate = (t: Omit<GateThresholds[string], 'greaterIsBetter'>): GateThresholds => ({
  accuracy: { ...t, greaterIsBetter: true },
});

describe('evaluateGate — threshold', () => {
  it('passes at or above the threshold when greater is better, with the numbers', () => {
    const report = evaluateGate({ accuracy: 0.9 }, null, accuracyGate({ threshold: 0.9 }));
    expect(gateReportSchema.parse(report)).toEqual(report);
    expect(report.passed).toBe(true);
    expect(report.metrics[0]?.criteria[0]).toMatchObject({
      criterion: 'threshold',
      status: 'pass',
      required: 0.9,
      bound: 0.9,
      observed: 0.9,
    });
  });

  it('fails below the threshold and names metric and numbers', () => {
    const report = evaluateGate({ accuracy: 0.85 }, null, accuracyGate({ threshold: 0.9 }));
    expect(report.passed).toBe(false);
    expect(report.failures).toEqual([
      'accuracy threshold: candidate accuracy = 0.85 does not meet the threshold >= 0.9',
    ]);
  });

  it('requires ≤ threshold when lower is better', () => {
    const gate: GateThresholds = { rmse: { threshold: 2, greaterIsBetter: false } };
    expect(evaluateGate({ rmse: 2 }, null, gate).passed).toBe(true);
    expect(evaluateGate({ rmse: 2.01 }, null, gate).passed).toBe(false);
  });
});

describe('evaluateGate — minAbsoluteChange', () => {
  it('requires candidate ≥ baseline + change (greater is better), a decimal tie passing', () => {
    // 0.80 + 0.05 = 0.8500000000000001 in float64; 0.85 is meant to tie and pass.
    const gate = accuracyGate({ minAbsoluteChange: 0.05 });
    const tie = evaluateGate({ accuracy: 0.85 }, { accuracy: 0.8 }, gate);
    expect(tie.passed).toBe(true);
    expect(tie.metrics[0]?.criteria[0]).toMatchObject({ status: 'pass', bound: 0.8 + 0.05 });
    expect(tie.metrics[0]?.criteria[0]?.observed).toBeCloseTo(0.05, 12);
    expect(evaluateGate({ accuracy: 0.849 }, { accuracy: 0.8 }, gate).passed).toBe(false);
  });

  it('requires candidate ≤ baseline − change when lower is better', () => {
    // baseline 1.0, change 0.1 → bound 0.9.
    const gate: GateThresholds = { mae: { minAbsoluteChange: 0.1, greaterIsBetter: false } };
    const pass = evaluateGate({ mae: 0.9 }, { mae: 1 }, gate);
    expect(pass.passed).toBe(true);
    expect(pass.metrics[0]?.criteria[0]).toMatchObject({ bound: 0.9, required: 0.1 });
    expect(pass.metrics[0]?.criteria[0]?.observed).toBeCloseTo(0.1, 12);
    expect(evaluateGate({ mae: 0.95 }, { mae: 1 }, gate).passed).toBe(false);
  });
});

describe('evaluateGate — minRelativeChange (MLflow formula)', () => {
  it('greater is better: (candidate − baseline)/baseline ≥ change', () => {
    // baseline 0.8, change 0.05 → bound 0.8·1.05 = 0.84; candidate 0.84 → (0.04)/0.8 = 0.05 passes.
    const gate = accuracyGate({ minRelativeChange: 0.05 });
    const pass = evaluateGate({ accuracy: 0.84 }, { accuracy: 0.8 }, gate);
    expect(pass.passed).toBe(true);
    expect(pass.metrics[0]?.criteria[0]?.bound).toBeCloseTo(0.84, 12);
    expect(pass.metrics[0]?.criteria[0]?.observed).toBeCloseTo(0.05, 12);
    // 0.83 → 0.03/0.8 = 0.0375 < 0.05.
    expect(evaluateGate({ accuracy: 0.83 }, { accuracy: 0.8 }, gate).passed).toBe(false);
  });

  it('lower is better: (baseline − candidate)/baseline ≥ change', () => {
    // baseline RMSE 2.0, change 0.1 → bound 2·(1 − 0.1) = 1.8.
    // 1.8 → (2 − 1.8)/2 = 0.1 passes (0.09999999999999998 in float64: a decimal tie);
    // 1.85 → 0.15/2 = 0.075 fails.
    const gate: GateThresholds = { rmse: { minRelativeChange: 0.1, greaterIsBetter: false } };
    const pass = evaluateGate({ rmse: 1.8 }, { rmse: 2 }, gate);
    expect(pass.passed).toBe(true);
    expect(pass.metrics[0]?.criteria[0]?.bound).toBeCloseTo(1.8, 12);
    const fail = evaluateGate({ rmse: 1.85 }, { rmse: 2 }, gate);
    expect(fail.passed).toBe(false);
    expect(fail.metrics[0]?.criteria[0]?.observed).toBeCloseTo(0.075, 12);
  });

  it('falls back to "strictly better by 1e-10" when the baseline is 0, as MLflow does', () => {
    // baseline log loss 0 (lower is better): candidate must be ≤ −1e-10, so 0 fails.
    const lower: GateThresholds = { log_loss: { minRelativeChange: 0.1, greaterIsBetter: false } };
    const fail = evaluateGate({ log_loss: 0 }, { log_loss: 0 }, lower);
    expect(fail.passed).toBe(false);
    expect(fail.metrics[0]?.criteria[0]).toMatchObject({ bound: -1e-10, observed: 0 });
    // baseline R² 0 (greater is better): 0.01 ≥ 1e-10 passes.
    const higher: GateThresholds = { r2: { minRelativeChange: 0.5, greaterIsBetter: true } };
    expect(evaluateGate({ r2: 0.01 }, { r2: 0 }, higher).passed).toBe(true);
  });

  it('divides by |baseline|, so an improvement on a negative R² is not read as a regression', () => {
    // baseline −0.5, candidate 0.2: improvement 0.7, relative 0.7/|−0.5| = 1.4 ≥ 0.1 → pass
    // (MLflow's 0.7/−0.5 = −1.4 would fail it). Bound = −0.5 + 0.1·0.5 = −0.45.
    const gate: GateThresholds = { r2: { minRelativeChange: 0.1, greaterIsBetter: true } };
    const report = evaluateGate({ r2: 0.2 }, { r2: -0.5 }, gate);
    expect(report.passed).toBe(true);
    expect(report.metrics[0]?.criteria[0]?.observed).toBeCloseTo(1.4, 12);
    expect(report.metrics[0]?.criteria[0]?.bound).toBeCloseTo(-0.45, 12);
  });
});

describe('evaluateGate — baselines and missing metrics', () => {
  const gate: GateThresholds = {
    accuracy: { threshold: 0.8, minAbsoluteChange: 0.01, minRelativeChange: 0.01, greaterIsBetter: true },
  };

  it('with no baseline reports the change criteria as no_baseline and still applies threshold', () => {
    const pass = evaluateGate({ accuracy: 0.85 }, null, gate);
    expect(pass.passed).toBe(true);
    expect(pass.hasBaseline).toBe(false);
    expect(pass.metrics[0]?.baseline).toBeNull();
    expect(pass.metrics[0]?.criteria.map((c) => c.status)).toEqual(['pass', 'no_baseline', 'no_baseline']);
    expect(pass.metrics[0]?.criteria[1]).toMatchObject({ bound: null, observed: null });

    const fail = evaluateGate({ accuracy: 0.75 }, null, gate);
    expect(fail.passed).toBe(false);
    expect(fail.failures).toHaveLength(1);
  });

  it('with no baseline and only change criteria, passes without guessing', () => {
    const report = evaluateGate({ accuracy: 0.5 }, null, accuracyGate({ minAbsoluteChange: 0.1 }));
    expect(report.passed).toBe(true);
    expect(report.metrics[0]?.criteria[0]?.status).toBe('no_baseline');
  });

  it('fails a metric missing from the candidate, naming it', () => {
    const regression = computeRegressionMetrics([1, 2], [1, 2]);
    const report = evaluateGate(regression, null, gate);
    expect(report.passed).toBe(false);
    expect(report.metrics[0]?.candidate).toBeNull();
    expect(report.metrics[0]?.criteria.every((c) => c.status === 'fail')).toBe(true);
    expect(report.failures[0]).toMatch(/^accuracy threshold: the candidate has no value for accuracy/);
  });

  it('fails the change criteria when the baseline lacks the metric (MLflow missing_baseline)', () => {
    const report = evaluateGate({ accuracy: 0.9 }, { f1_macro: 0.5 }, gate);
    expect(report.passed).toBe(false);
    expect(report.metrics[0]?.criteria.map((c) => c.status)).toEqual(['pass', 'fail', 'fail']);
    expect(report.failures[0]).toMatch(/baseline has no value for accuracy/);
  });

  it('judges every metric and passes only when all pass', () => {
    const thresholds: GateThresholds = {
      accuracy: { threshold: 0.8, greaterIsBetter: true },
      log_loss: { minAbsoluteChange: 0.05, greaterIsBetter: false },
    };
    const candidate = { accuracy: 0.9, log_loss: 0.4 };
    // log loss 0.4 vs baseline 0.5: bound 0.45 → pass; vs 0.42: bound 0.37 → fail.
    expect(evaluateGate(candidate, { accuracy: 0.7, log_loss: 0.5 }, thresholds).passed).toBe(true);
    const report = evaluateGate(candidate, { accuracy: 0.7, log_loss: 0.42 }, thresholds);
    expect(report.passed).toBe(false);
    expect(report.metrics.map((m) => [m.metric, m.passed])).toEqual([
      ['accuracy', true],
      ['log_loss', false],
    ]);
  });
});

describe('evaluateGate — threshold validation', () => {
  it.each([
    [
      { accuracy: { minRelativeChange: 1.5, greaterIsBetter: true } },
      'thresholds.accuracy.minRelativeChange',
    ],
    [
      { accuracy: { minRelativeChange: -0.1, greaterIsBetter: true } },
      'thresholds.accuracy.minRelativeChange',
    ],
    [{ accuracy: { minAbsoluteChange: 0, greaterIsBetter: true } }, 'thresholds.accuracy.minAbsoluteChange'],
    [{ accuracy: { threshold: Number.NaN, greaterIsBetter: true } }, 'thresholds.accuracy.threshold'],
    // Lab hardening: greaterIsBetter may be omitted (defaulted per metric), but not be a non-boolean.
    [{ accuracy: { threshold: 0.9, greaterIsBetter: 'yes' } }, 'thresholds.accuracy.greaterIsBetter'],
    [{ accuracy: { greaterIsBetter: true } }, 'thresholds.accuracy'],
    [
      { accuracy: { threshold: 0.9, greaterIsBetter: true, minRelativeChnage: 0.1 } },
      'thresholds.accuracy.minRelativeChnage',
    ],
    [{}, 'thresholds'],
    [{ acuracy: { threshold: 0.9, greaterIsBetter: true } }, 'thresholds.acuracy'],
    [{ rmse: { threshold: 1, greaterIsBetter: true } }, 'thresholds.rmse.greaterIsBetter'],
  ])('rejects %o with INVALID_ARGUMENT naming %s', (thresholds, field) => {
    const call = () => evaluateGate({ accuracy: 1 }, null, thresholds as GateThresholds);
    expect(call).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ field }) }),
    );
    expect(call).toThrowError(field);
  });

  it('lists the valid metric names for an unknown one', () => {
    expect(() => evaluateGate({}, null, { auc: { threshold: 0.9, greaterIsBetter: true } })).toThrowError(
      /Use one of: accuracy, .*roc_auc_macro.*recall:<class>.*rmse/,
    );
  });
});

describe('assertGatePassed', () => {
  it('returns quietly for a passed report', () => {
    expect(() =>
      assertGatePassed(evaluateGate({ accuracy: 1 }, null, accuracyGate({ threshold: 0.5 }))),
    ).not.toThrow();
  });

  it('throws GATE_FAILED listing the failures, with the report', () => {
    const report = evaluateGate({ accuracy: 0.4 }, null, accuracyGate({ threshold: 0.5 }));
    expect(() => assertGatePassed(report)).toThrowError(
      expect.objectContaining({ code: 'GATE_FAILED', details: { report } }),
    );
    expect(() => assertGatePassed(report)).toThrowError(/accuracy threshold: candidate accuracy = 0.4/);
  });
});
