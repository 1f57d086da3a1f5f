// Issue 18, points 1 and 2: a regression run stores a bounded sample of its test predictions that
// spans the whole test split, and the training loop's MAE is reported in the target's units.
import { expect, test } from 'vitest';
import { predictionSample, scaleRegressionMetrics } from '../../../src/lab/worker-training.ts';

test('a large test split is sampled over its whole range, at most 500 rows, without NaN', () => {
  // Test rows in file order, and the file sorted by the target: the first 500 would all be small.
  const n = 1200;
  const actual = Float64Array.from({ length: n }, (_, i) => i);
  const predicted = Float64Array.from({ length: n }, (_, i) => (i === 0 ? Number.NaN : i + 0.5));
  const sample = predictionSample(actual, predicted);
  expect(sample.testRows).toBe(n);
  expect(sample.actual.length).toBe(499);
  expect(sample.predicted.length).toBe(499);
  expect(Math.max(...sample.actual)).toBeGreaterThan(1190);
  expect(Math.min(...sample.actual)).toBeLessThan(5);
  expect(sample.predicted.every(Number.isFinite)).toBe(true);
  expect(sample.predicted).toEqual(sample.actual.map((a) => a + 0.5));
  // A small split is kept whole, in order.
  const small = predictionSample(Float64Array.of(3, 1, 2), Float64Array.of(2.5, 1.5, 2));
  expect(small).toEqual({ actual: [3, 1, 2], predicted: [2.5, 1.5, 2], testRows: 3 });
});

test('MAE scales with the target standard deviation; other metrics are left alone', () => {
  expect(scaleRegressionMetrics({ mae: 0.25 }, 8)).toEqual({ mae: 2 });
  expect(scaleRegressionMetrics({ accuracy: 0.9 }, 8)).toEqual({ accuracy: 0.9 });
});
