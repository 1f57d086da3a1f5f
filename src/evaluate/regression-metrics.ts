import { EdgeflowError } from '../errors.ts';
import type { RegressionReport } from '../schemas/metrics.ts';

/**
 * Computes the regression metrics of a held-out split, in the target's original units: MAE, RMSE,
 * R² and MAPE.
 *
 * - R² = 1 − SS_res / SS_tot. With a constant target (SS_tot = 0) it is 1 for a perfect prediction
 *   and 0 otherwise (scikit-learn's `force_finite=True`); with fewer than two rows it is `null`
 *   (undefined, where scikit-learn returns NaN).
 * - MAPE = mean |y − ŷ| / |y| as a fraction (0.1 = 10 %), like scikit-learn, but over the rows whose
 *   target is non-zero: a zero target has no percentage error, and scikit-learn's division by
 *   machine epsilon would make the whole mean meaningless (~1e15). The rows left out are counted in
 *   `mapeZeroTargets`; MAPE is `null` when every target is zero.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` for an empty split, a length mismatch or a non-finite value.
 * @example
 * computeRegressionMetrics([3, 5], [2.5, 5]).mae; // 0.25
 */
export function computeRegressionMetrics(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
): RegressionReport {
  const n = yTrue.length;
  if (n === 0) {
    throw new EdgeflowError('INVALID_ARGUMENT', 'The split is empty: give at least one row to evaluate.', {
      details: { field: 'yTrue', count: 0 },
    });
  }
  if (yPred.length !== n) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `yPred has ${yPred.length} values but yTrue has ${n}; give one prediction per row.`,
      { details: { field: 'yPred', length: yPred.length, expected: n } },
    );
  }

  let mean = 0;
  for (let row = 0; row < n; row++) {
    const y = yTrue[row] as number;
    const p = yPred[row] as number;
    if (!Number.isFinite(y)) throw nonFinite('yTrue', row, y);
    if (!Number.isFinite(p)) throw nonFinite('yPred', row, p);
    mean += y;
  }
  mean /= n;

  let absoluteSum = 0;
  let squaredSum = 0;
  let totalSquares = 0;
  let percentageSum = 0;
  let zeroTargets = 0;
  for (let row = 0; row < n; row++) {
    const y = yTrue[row] as number;
    const error = y - (yPred[row] as number);
    absoluteSum += Math.abs(error);
    squaredSum += error * error;
    totalSquares += (y - mean) * (y - mean);
    if (y === 0) zeroTargets++;
    else percentageSum += Math.abs(error) / Math.abs(y);
  }

  let r2: number | null;
  if (n < 2) r2 = null;
  else if (totalSquares === 0) r2 = squaredSum === 0 ? 1 : 0;
  else r2 = 1 - squaredSum / totalSquares;

  return {
    task: 'regression',
    count: n,
    mae: absoluteSum / n,
    rmse: Math.sqrt(squaredSum / n),
    r2,
    mape: zeroTargets === n ? null : percentageSum / (n - zeroTargets),
    mapeZeroTargets: zeroTargets,
  };
}

function nonFinite(field: string, row: number, value: number): EdgeflowError {
  return new EdgeflowError(
    'INVALID_ARGUMENT',
    `${field}[${row}] is ${value}; every value must be a finite number.`,
    {
      details: { field, row, value },
    },
  );
}
