import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeClassificationMetrics } from '../../../src/evaluate/classification-metrics.ts';
import type { ClassificationInput } from '../../../src/evaluate/types.ts';

/** A random classifier output: k classes, n rows of normalised weights, labels in range. */
const classifierOutput: fc.Arbitrary<ClassificationInput> = fc.integer({ min: 2, max: 4 }).chain((k) =>
  fc
    .array(
      fc.record({
        label: fc.integer({ min: 0, max: k - 1 }),
        weights: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: k, maxLength: k }),
      }),
      { minLength: 1, maxLength: 30 },
    )
    .map((rows) => ({
      yTrue: rows.map((r) => r.label),
      probabilities: Float32Array.from(
        rows.flatMap((r) => {
          const total = r.weights.reduce((a, b) => a + b, 0);
          return total === 0 ? r.weights.map(() => 1 / k) : r.weights.map((w) => w / total);
        }),
      ),
      classNames: Array.from({ length: k }, (_, c) => `class-${c}`),
    })),
);

const unit = (x: number | null) => {
  if (x === null) return;
  expect(x).toBeGreaterThanOrEqual(0);
  expect(x).toBeLessThanOrEqual(1);
};

describe('computeClassificationMetrics (properties)', () => {
  it('keeps every rate in [0, 1] and the counts consistent', () => {
    fc.assert(
      fc.property(classifierOutput, (input) => {
        const r = computeClassificationMetrics(input);
        for (const x of [
          r.accuracy,
          r.balancedAccuracy,
          r.expectedCalibrationError,
          r.rocAuc.macro,
          r.rocAuc.weighted,
        ])
          unit(x);
        for (const avg of [r.macro, r.weighted]) for (const x of Object.values(avg)) unit(x);
        for (const c of r.perClass) for (const x of [c.precision, c.recall, c.f1, c.rocAuc]) unit(x);
        expect(r.logLoss).toBeGreaterThan(0);
        const n = input.yTrue.length;
        expect(r.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(n);
        expect(r.perClass.reduce((a, c) => a + c.support, 0)).toBe(n);
        expect(r.perClass.reduce((a, c) => a + c.predicted, 0)).toBe(n);
        expect(r.calibrationBins.reduce((a, b) => a + b.count, 0)).toBe(n);
        // Weighted recall is accuracy: Σ support·(TP/support)/n = Σ TP/n.
        expect(r.weighted.recall).toBeCloseTo(r.accuracy, 12);
      }),
    );
  });

  it('does not depend on the order of rows', () => {
    fc.assert(
      fc.property(classifierOutput, fc.nat(), (input, seed) => {
        const n = input.yTrue.length;
        const k = input.classNames.length;
        const order = Array.from({ length: n }, (_, i) => i).sort(
          (a, b) => ((a * 7919 + seed) % 97) - ((b * 7919 + seed) % 97) || a - b,
        );
        const shuffled: ClassificationInput = {
          yTrue: order.map((i) => input.yTrue[i] as number),
          probabilities: Float32Array.from(
            order.flatMap((i) => [...input.probabilities.subarray(i * k, i * k + k)]),
          ),
          classNames: input.classNames,
        };
        const a = computeClassificationMetrics(input);
        const b = computeClassificationMetrics(shuffled);
        expect(b.confusionMatrix).toEqual(a.confusionMatrix);
        expect(b.accuracy).toBe(a.accuracy);
        expect(b.perClass.map((c) => c.rocAuc)).toEqual(a.perClass.map((c) => c.rocAuc));
        expect(b.logLoss).toBeCloseTo(a.logLoss, 10);
        expect(b.expectedCalibrationError).toBeCloseTo(a.expectedCalibrationError, 10);
      }),
    );
  });

  it('scores a confident, correct classifier perfectly', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 5 })
          .chain((k) =>
            fc
              .array(fc.integer({ min: 0, max: k - 1 }), { minLength: 1, maxLength: 30 })
              .map((y) => ({ k, y })),
          ),
        ({ k, y }) => {
          const probabilities = new Float32Array(y.length * k);
          y.forEach((label, row) => {
            probabilities[row * k + label] = 1;
          });
          const r = computeClassificationMetrics({
            yTrue: y,
            probabilities,
            classNames: Array.from({ length: k }, (_, c) => String(c)),
          });
          expect(r.accuracy).toBe(1);
          expect(r.balancedAccuracy).toBe(1);
          expect(r.macro).toEqual({ precision: 1, recall: 1, f1: 1 });
          // A perfect ranking's AUC is 1 for every class that has positives and negatives; a class
          // absent from y (or the only one present) has no AUC.
          const present = new Set(y);
          expect(r.perClass.map((c) => c.rocAuc)).toEqual(
            r.perClass.map((_, c) => (present.has(c) && present.size > 1 ? 1 : null)),
          );
          expect(r.expectedCalibrationError).toBe(0);
        },
      ),
    );
  });
});
