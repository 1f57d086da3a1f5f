// Issue 16, point 12: the default spec learns on small classic-style tables as well as a plain
// logistic or least-squares regression does. The data takes the lab's path (ingest, seeded
// stratified split, pipeline fitted on the training rows); the references are fitted in this file
// with methods anyone can check: closed-form least squares, and full-batch gradient descent on the
// multinomial logistic loss run to convergence.
import { beforeAll, describe, expect, test } from 'vitest';
import { ingestDataset } from '../../../src/data/ingest.ts';
import { prepareSplits } from '../../../src/data/prepare.ts';
import { splitDataset } from '../../../src/data/split.ts';
import type { PreparedData } from '../../../src/data/types.ts';
import { activateBackend } from '../../../src/runtime/backends.ts';
import { buildModel } from '../../../src/train/build-model.ts';
import { parseModelSpec } from '../../../src/train/spec.ts';
import { trainModel } from '../../../src/train/train-model.ts';
import { carsCsv, flowersCsv } from '../../fixtures/data/classic-tables.ts';
import { accuracyOf, expectNoLeak, rSquaredOf } from './fixtures.ts';

beforeAll(async () => {
  await activateBackend('cpu');
});

/** The lab's default split of a CSV (validation 15 %, test 15 %, seed 42), pipeline fitted on train. */
async function labSplits(csv: string, target: string) {
  const dataset = await ingestDataset(csv, { target });
  return prepareSplits(dataset, splitDataset(dataset, { seed: 42, validation: 0.15, test: 0.15 }));
}

const asSplit = (data: PreparedData) => ({ x: data.features, y: data.targets, count: data.rowCount });

/**
 * Multinomial logistic regression by full-batch gradient descent (float64, zero start, step 0.5,
 * 4000 steps): on standardised features it converges to the maximum-likelihood fit, the reference
 * any logistic regression (scikit-learn's lbfgs included) reaches on separable-in-practice data.
 */
function logisticReference(
  data: PreparedData,
  classes: number,
): { weights: Float64Array; bias: Float64Array } {
  const { features, targets, rowCount: n, featureCount: d } = data;
  const weights = new Float64Array(d * classes);
  const bias = new Float64Array(classes);
  const scores = new Float64Array(classes);
  for (let step = 0; step < 4000; step++) {
    const gradW = new Float64Array(d * classes);
    const gradB = new Float64Array(classes);
    for (let i = 0; i < n; i++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < classes; c++) {
        let s = bias[c] ?? 0;
        for (let j = 0; j < d; j++) s += (features[i * d + j] ?? 0) * (weights[j * classes + c] ?? 0);
        scores[c] = s;
        max = Math.max(max, s);
      }
      let total = 0;
      for (let c = 0; c < classes; c++) {
        scores[c] = Math.exp((scores[c] ?? 0) - max);
        total += scores[c] ?? 0;
      }
      for (let c = 0; c < classes; c++) {
        const error = (scores[c] ?? 0) / total - (targets[i] === c ? 1 : 0);
        gradB[c] = (gradB[c] ?? 0) + error / n;
        for (let j = 0; j < d; j++) {
          gradW[j * classes + c] = (gradW[j * classes + c] ?? 0) + (error * (features[i * d + j] ?? 0)) / n;
        }
      }
    }
    for (let k = 0; k < weights.length; k++) weights[k] = (weights[k] ?? 0) - 0.5 * (gradW[k] ?? 0);
    for (let c = 0; c < classes; c++) bias[c] = (bias[c] ?? 0) - 0.5 * (gradB[c] ?? 0);
  }
  return { weights, bias };
}

function referenceAccuracy(
  fit: { weights: Float64Array; bias: Float64Array },
  data: PreparedData,
  classes: number,
): number {
  const d = data.featureCount;
  let correct = 0;
  for (let i = 0; i < data.rowCount; i++) {
    let best = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) {
      let s = fit.bias[c] ?? 0;
      for (let j = 0; j < d; j++) s += (data.features[i * d + j] ?? 0) * (fit.weights[j * classes + c] ?? 0);
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    if (best === data.targets[i]) correct++;
  }
  return correct / data.rowCount;
}

/** Solves A x = b (A square, float64) by Gaussian elimination with partial pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] ?? 0]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) {
      if (Math.abs(m[r]?.[col] ?? 0) > Math.abs(m[pivot]?.[col] ?? 0)) pivot = r;
    }
    [m[col], m[pivot]] = [m[pivot] as number[], m[col] as number[]];
    const top = m[col] as number[];
    for (let r = col + 1; r < n; r++) {
      const row = m[r] as number[];
      const factor = (row[col] ?? 0) / (top[col] ?? 1);
      for (let k = col; k <= n; k++) row[k] = (row[k] ?? 0) - factor * (top[k] ?? 0);
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    const row = m[r] as number[];
    let s = row[n] ?? 0;
    for (let k = r + 1; k < n; k++) s -= (row[k] ?? 0) * (x[k] ?? 0);
    x[r] = s / (row[r] ?? 1);
  }
  return x;
}

/** Ordinary least squares with an intercept, by the normal equations (XᵀX) β = Xᵀy. */
function leastSquares(data: PreparedData): number[] {
  const { features, targets, rowCount: n, featureCount: d } = data;
  const p = d + 1;
  const xtx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const xty = new Array<number>(p).fill(0);
  const row = new Array<number>(p).fill(1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j + 1] = features[i * d + j] ?? 0;
    for (let a = 0; a < p; a++) {
      xty[a] = (xty[a] ?? 0) + (row[a] ?? 0) * (targets[i] ?? 0);
      const line = xtx[a] as number[];
      for (let b = 0; b < p; b++) line[b] = (line[b] ?? 0) + (row[a] ?? 0) * (row[b] ?? 0);
    }
  }
  return solve(xtx, xty);
}

function referenceRSquared(beta: number[], data: PreparedData): number {
  const d = data.featureCount;
  let mean = 0;
  for (let i = 0; i < data.rowCount; i++) mean += (data.targets[i] ?? 0) / data.rowCount;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < data.rowCount; i++) {
    let prediction = beta[0] ?? 0;
    for (let j = 0; j < d; j++) prediction += (beta[j + 1] ?? 0) * (data.features[i * d + j] ?? 0);
    sse += (prediction - (data.targets[i] ?? 0)) ** 2;
    sst += ((data.targets[i] ?? 0) - mean) ** 2;
  }
  return 1 - sse / sst;
}

describe('the default spec learns on small tables (issue 16, point 12)', () => {
  test('a linear classifier on 150 flowers (4 features, 3 classes) reaches logistic regression', async () => {
    const { train, test: held } = await labSplits(flowersCsv(), 'species');
    expect(train.rowCount).toBe(102);
    const classes = train.classes?.length ?? 0;
    expect(classes).toBe(3);
    const reference = logisticReference(train, classes);
    const referenceTrain = referenceAccuracy(reference, train, classes);
    const referenceTest = referenceAccuracy(reference, held, classes);
    // The fixture overlaps a little: the reference is near, not at, 1 (so "reaches" means something).
    expect(referenceTrain).toBeGreaterThan(0.94);

    for (const input of [
      { task: 'classification', architecture: { type: 'linear' } },
      // The report of the issue: epochs set by the user, everything else default.
      { task: 'classification', architecture: { type: 'linear' }, epochs: 80 },
    ]) {
      await expectNoLeak(async () => {
        const spec = parseModelSpec(input, { trainRows: train.rowCount });
        const model = buildModel(spec, { featureCount: train.featureCount, classCount: classes });
        await trainModel({ model, spec, train: asSplit(train) });
        expect(spec.learningRate).toBe(0.05);
        // Within one row of the reference on the training rows and on the held-out rows (measured:
        // equal, 0.990 and 0.917; before issue 16 the defaults ended at 0.549, and at 0.745 with 80 epochs).
        expect(await accuracyOf(model, asSplit(train), classes)).toBeGreaterThanOrEqual(
          referenceTrain - 1 / train.rowCount,
        );
        expect(await accuracyOf(model, asSplit(held), classes)).toBeGreaterThanOrEqual(
          referenceTest - 1 / held.rowCount,
        );
        model.dispose();
      });
    }
  });

  test('a linear regressor on 200 cars (5 features) reaches least squares', async () => {
    const { train, test: held } = await labSplits(carsCsv(), 'consumption');
    const beta = leastSquares(train);
    const referenceTrain = referenceRSquared(beta, train);
    const referenceTest = referenceRSquared(beta, held);
    await expectNoLeak(async () => {
      const spec = parseModelSpec(
        { task: 'regression', architecture: { type: 'linear' } },
        { trainRows: train.rowCount },
      );
      const model = buildModel(spec, { featureCount: train.featureCount, classCount: 0 });
      await trainModel({ model, spec, train: asSplit(train) });
      // Measured: R² 0.9497 (train) and 0.926 (test) against least squares' 0.9498 and 0.929; before
      // issue 16 the defaults (Adam 1e-3, 10 epochs) ended at R² −4.1.
      expect(await rSquaredOf(model, asSplit(train))).toBeGreaterThan(referenceTrain - 0.005);
      expect(await rSquaredOf(model, asSplit(held))).toBeGreaterThan(referenceTest - 0.01);
      model.dispose();
    });
  });
});
