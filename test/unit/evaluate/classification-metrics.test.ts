import { describe, expect, it } from 'vitest';
import { computeClassificationMetrics } from '../../../src/evaluate/classification-metrics.ts';
import { classificationReportSchema } from '../../../src/schemas/metrics.ts';

/** Row-major Float32Array from probability rows. */
function probs(rows: number[][]): Float32Array {
  return Float32Array.from(rows.flat());
}

// Case A: three classes, two rows each, two misses and tied scores.
//   row  true  p(a) p(b) p(c)  argmax
//   0    a     0.7  0.2  0.1   a  ✓
//   1    a     0.4  0.5  0.1   b  ✗
//   2    b     0.2  0.6  0.2   b  ✓
//   3    b     0.1  0.8  0.1   b  ✓
//   4    c     0.2  0.2  0.6   c  ✓
//   5    c     0.4  0.5  0.1   b  ✗
const caseA = {
  yTrue: Int32Array.of(0, 0, 1, 1, 2, 2),
  probabilities: probs([
    [0.7, 0.2, 0.1],
    [0.4, 0.5, 0.1],
    [0.2, 0.6, 0.2],
    [0.1, 0.8, 0.1],
    [0.2, 0.2, 0.6],
    [0.4, 0.5, 0.1],
  ]),
  classNames: ['a', 'b', 'c'],
};

describe('computeClassificationMetrics — case A (three balanced classes, ties)', () => {
  const r = computeClassificationMetrics(caseA);

  it('matches the report schema', () => {
    expect(classificationReportSchema.parse(r)).toEqual(r);
  });

  it('counts the confusion matrix with true classes as rows', () => {
    // true a → predicted a, b; true b → b, b; true c → c, b.
    expect(r.confusionMatrix).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [0, 1, 1],
    ]);
  });

  it('computes accuracy and balanced accuracy', () => {
    // 4 hits (rows 0, 2, 3, 4) of 6 rows = 2/3.
    expect(r.accuracy).toBeCloseTo(2 / 3, 12);
    // recalls a = 1/2, b = 2/2, c = 1/2; mean = 2/3.
    expect(r.balancedAccuracy).toBeCloseTo(2 / 3, 12);
  });

  it('computes per-class precision, recall and F1', () => {
    // a: TP 1, predicted 1, support 2 → P 1, R 1/2, F1 = 2·1/(2·1 + 0 + 1) = 2/3.
    // b: TP 2, predicted 4, support 2 → P 1/2, R 1, F1 = 4/(4 + 2 + 0) = 2/3.
    // c: TP 1, predicted 1, support 2 → P 1, R 1/2, F1 = 2/3.
    const expected = [
      { className: 'a', support: 2, predicted: 1, precision: 1, recall: 0.5, f1: 2 / 3 },
      { className: 'b', support: 2, predicted: 4, precision: 0.5, recall: 1, f1: 2 / 3 },
      { className: 'c', support: 2, predicted: 1, precision: 1, recall: 0.5, f1: 2 / 3 },
    ];
    expected.forEach((e, c) => {
      const got = r.perClass[c];
      expect(got?.className).toBe(e.className);
      expect(got?.support).toBe(e.support);
      expect(got?.predicted).toBe(e.predicted);
      expect(got?.precision).toBeCloseTo(e.precision, 12);
      expect(got?.recall).toBeCloseTo(e.recall, 12);
      expect(got?.f1).toBeCloseTo(e.f1, 12);
    });
  });

  it('averages macro and weighted scores', () => {
    // macro P = (1 + 1/2 + 1)/3 = 5/6; R = (1/2 + 1 + 1/2)/3 = 2/3; F1 = (2/3·3)/3 = 2/3.
    expect(r.macro.precision).toBeCloseTo(5 / 6, 12);
    expect(r.macro.recall).toBeCloseTo(2 / 3, 12);
    expect(r.macro.f1).toBeCloseTo(2 / 3, 12);
    // Equal supports (2, 2, 2): weighted = macro.
    expect(r.weighted.precision).toBeCloseTo(5 / 6, 12);
    expect(r.weighted.recall).toBeCloseTo(2 / 3, 12);
    expect(r.weighted.f1).toBeCloseTo(2 / 3, 12);
  });

  it('computes one-vs-rest ROC AUC with tied scores counting one half', () => {
    // a: scores 0.7, 0.4 (pos) vs 0.2, 0.1, 0.2, 0.4 (neg).
    //    0.7 beats 4; 0.4 beats 3 and ties 1 → 3.5. (4 + 3.5)/(2·4) = 7.5/8 = 0.9375.
    // b: 0.6, 0.8 (pos) vs 0.2, 0.5, 0.2, 0.5 → each beats all 4 → 8/8 = 1.
    // c: 0.6, 0.1 (pos) vs 0.1, 0.1, 0.2, 0.1 → 0.6 beats 4; 0.1 ties 3 (1.5), loses to 0.2 → 5.5/8 = 0.6875.
    expect(r.perClass.map((c) => c.rocAuc)).toEqual([0.9375, 1, 0.6875]);
    // macro = (0.9375 + 1 + 0.6875)/3 = 2.625/3 = 0.875; equal supports → weighted 0.875.
    expect(r.rocAuc.macro).toBeCloseTo(0.875, 12);
    expect(r.rocAuc.weighted).toBeCloseTo(0.875, 12);
    expect(r.rocAuc.excludedClasses).toEqual([]);
  });

  it('computes log loss from the true-class probabilities', () => {
    // p(true) = 0.7, 0.4, 0.6, 0.8, 0.6, 0.1; −(1/6)·ln(0.7·0.4·0.6·0.8·0.6·0.1) = −ln(0.008064)/6
    //        = 4.8203455677/6 = 0.8033909279.
    expect(r.logLoss).toBeCloseTo(0.8033909279, 6);
    expect(r.logLossEps).toBe(2 ** -23);
  });

  it('computes expected calibration error over 10 equal-width bins', () => {
    // top confidence / hit: 0.7 ✓, 0.5 ✗, 0.6 ✓, 0.8 ✓, 0.6 ✓, 0.5 ✗.
    // (0.4, 0.5]: rows 1, 5: conf 0.5, acc 0 → |0 − 0.5|·2/6 = 1.0/6
    // (0.5, 0.6]: rows 2, 4: conf 0.6, acc 1 → 0.4·2/6 = 0.8/6
    // (0.6, 0.7]: row 0: conf 0.7, acc 1 → 0.3/6
    // (0.7, 0.8]: row 3: conf 0.8, acc 1 → 0.2/6
    // ECE = (1.0 + 0.8 + 0.3 + 0.2)/6 = 2.3/6 = 0.3833333.
    expect(r.expectedCalibrationError).toBeCloseTo(2.3 / 6, 6);
    expect(r.calibrationBins).toHaveLength(10);
    expect(r.calibrationBins.map((b) => b.count)).toEqual([0, 0, 0, 0, 2, 2, 1, 1, 0, 0]);
    expect(r.calibrationBins[4]?.accuracy).toBe(0);
    expect(r.calibrationBins[4]?.confidence).toBeCloseTo(0.5, 6);
    expect(r.calibrationBins[0]?.confidence).toBeNull();
  });
});

describe('computeClassificationMetrics — absent classes', () => {
  // Case B: class c never true but predicted once.
  //   row  true  p(a) p(b) p(c)  argmax
  //   0    a     0.6  0.3  0.1   a ✓
  //   1    b     0.3  0.3  0.4   c ✗
  //   2    a     0.3  0.6  0.1   b ✗
  //   3    b     0.2  0.7  0.1   b ✓
  const r = computeClassificationMetrics({
    yTrue: [0, 1, 0, 1],
    probabilities: probs([
      [0.6, 0.3, 0.1],
      [0.3, 0.3, 0.4],
      [0.3, 0.6, 0.1],
      [0.2, 0.7, 0.1],
    ]),
    classNames: ['a', 'b', 'c'],
  });

  it('scores a predicted-but-absent class 0 (zero_division=0) and keeps it in the macro average', () => {
    // confusion: true a → [1, 1, 0], true b → [0, 1, 1], true c → [0, 0, 0].
    expect(r.confusionMatrix).toEqual([
      [1, 1, 0],
      [0, 1, 1],
      [0, 0, 0],
    ]);
    // a: P 1/1, R 1/2, F1 2/(2+0+1) = 2/3; b: P 1/2, R 1/2, F1 2/(2+1+1) = 1/2;
    // c: P 0/1 = 0, R 0/0 → 0, F1 0/(0+1+0) = 0.
    expect(r.perClass.map((c) => [c.precision, c.recall])).toEqual([
      [1, 0.5],
      [0.5, 0.5],
      [0, 0],
    ]);
    expect(r.perClass[2]?.f1).toBe(0);
    // c is predicted, so it is one of the labels: macro over a, b, c.
    // P = (1 + 0.5 + 0)/3 = 0.5; R = (0.5 + 0.5 + 0)/3 = 1/3; F1 = (2/3 + 1/2 + 0)/3 = 7/18.
    expect(r.macro.precision).toBeCloseTo(0.5, 12);
    expect(r.macro.recall).toBeCloseTo(1 / 3, 12);
    expect(r.macro.f1).toBeCloseTo(7 / 18, 12);
    // weights = supports 2, 2, 0: P = (2·1 + 2·0.5)/4 = 0.75; R = 0.5; F1 = (2·2/3 + 2·1/2)/4 = 7/12.
    expect(r.weighted.precision).toBeCloseTo(0.75, 12);
    expect(r.weighted.recall).toBeCloseTo(0.5, 12);
    expect(r.weighted.f1).toBeCloseTo(7 / 12, 12);
  });

  it('leaves the absent class out of balanced accuracy', () => {
    // accuracy 2/4; balanced = mean recall over a, b only = (0.5 + 0.5)/2.
    expect(r.accuracy).toBe(0.5);
    expect(r.balancedAccuracy).toBe(0.5);
  });

  it('reports the AUC of a class absent from y_true as undefined and excludes it from the averages', () => {
    // a: 0.6, 0.3 (pos) vs 0.3, 0.2 → 0.6 beats 2; 0.3 ties 0.3 (½) and beats 0.2 → 3.5/4 = 0.875.
    // b: 0.3, 0.7 (pos) vs 0.3, 0.6 → 0.3 ties 0.3 (½), loses to 0.6; 0.7 beats 2 → 2.5/4 = 0.625.
    // c: no positive row → undefined.
    expect(r.perClass.map((c) => c.rocAuc)).toEqual([0.875, 0.625, null]);
    expect(r.rocAuc.excludedClasses).toEqual(['c']);
    // macro over a, b = (0.875 + 0.625)/2 = 0.75; weighted (2·0.875 + 2·0.625)/4 = 0.75.
    expect(r.rocAuc.macro).toBe(0.75);
    expect(r.rocAuc.weighted).toBe(0.75);
  });

  it('leaves a class neither true nor predicted out of the macro average', () => {
    // Case C: class c never true, never predicted.
    //   row  true  p(a) p(b) p(c)  argmax
    //   0    a     0.8  0.1  0.1   a ✓
    //   1    b     0.4  0.5  0.1   b ✓
    //   2    b     0.6  0.3  0.1   a ✗
    //   3    a     0.3  0.6  0.1   b ✗
    const c = computeClassificationMetrics({
      yTrue: [0, 1, 1, 0],
      probabilities: probs([
        [0.8, 0.1, 0.1],
        [0.4, 0.5, 0.1],
        [0.6, 0.3, 0.1],
        [0.3, 0.6, 0.1],
      ]),
      classNames: ['a', 'b', 'c'],
    });
    // a: TP 1, predicted 2, support 2 → P = R = F1 = 1/2; b the same; c: 0, 0, 0.
    // Macro over {a, b} = 1/2 each (over {a, b, c} it would be 1/3).
    expect(c.macro).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
    // a: 0.8, 0.3 (pos) vs 0.4, 0.6 → 0.8 beats 2, 0.3 beats 0 → 2/4 = 0.5.
    // b: 0.5, 0.3 (pos) vs 0.1, 0.6 → each beats 0.1 only → 2/4 = 0.5. c: undefined.
    expect(c.perClass.map((x) => x.rocAuc)).toEqual([0.5, 0.5, null]);
    expect(c.rocAuc.excludedClasses).toEqual(['c']);
  });

  it('reports macro AUC as undefined when y_true holds a single class', () => {
    // Every AUC needs positives and negatives; with only class a in y_true, a has no negatives
    // and b has no positives.
    const single = computeClassificationMetrics({
      yTrue: [0, 0],
      probabilities: probs([
        [0.9, 0.1],
        [0.2, 0.8],
      ]),
      classNames: ['a', 'b'],
    });
    expect(single.rocAuc).toEqual({ macro: null, weighted: null, excludedClasses: ['a', 'b'] });
    // 1 hit of 2; balanced = recall of a = 1/2.
    expect(single.accuracy).toBe(0.5);
    expect(single.balancedAccuracy).toBe(0.5);
  });
});

describe('computeClassificationMetrics — argmax ties and options', () => {
  it('predicts the first class on a tie, as numpy.argmax', () => {
    // [0.5, 0.5] → class 0; true 1 → a miss.
    const r = computeClassificationMetrics({
      yTrue: [1],
      probabilities: probs([[0.5, 0.5]]),
      classNames: ['a', 'b'],
    });
    expect(r.confusionMatrix).toEqual([
      [0, 0],
      [1, 0],
    ]);
    expect(r.accuracy).toBe(0);
  });

  it('accepts a custom eps and bin count', () => {
    // p(true) = 0 clipped to 0.01 → −ln 0.01 = 4.605170186.
    // One bin (0, 1]: conf 1 (argmax a), acc 0 → ECE = |0 − 1| = 1.
    const r = computeClassificationMetrics(
      { yTrue: [1], probabilities: probs([[1, 0]]), classNames: ['a', 'b'] },
      { logLossEps: 0.01, calibrationBins: 1 },
    );
    expect(r.logLoss).toBeCloseTo(4.605170186, 8);
    expect(r.expectedCalibrationError).toBe(1);
    expect(r.calibrationBins).toEqual([{ lower: 0, upper: 1, count: 1, confidence: 1, accuracy: 0 }]);
  });

  it.each([
    [{ logLossEps: 0 }, 'logLossEps'],
    [{ logLossEps: 0.5 }, 'logLossEps'],
    [{ calibrationBins: 0 }, 'calibrationBins'],
    [{ calibrationBins: 2.5 }, 'calibrationBins'],
  ])('rejects options %o with INVALID_ARGUMENT naming %s', (options, field) => {
    const call = () =>
      computeClassificationMetrics(
        { yTrue: [0], probabilities: probs([[1, 0]]), classNames: ['a', 'b'] },
        options,
      );
    expect(call).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ field }) }),
    );
  });
});
