import { EdgeflowError } from '../errors.ts';
import type { CheckedClassificationInput, ClassificationInput } from './types.ts';

/**
 * How far a probability row may sum from 1. Float32 softmax rows land within about 1e-6 of 1;
 * the wider margin accepts rounded exports while still catching logits or unnormalised scores.
 */
export const ROW_SUM_TOLERANCE = 1e-3;

/**
 * Validates a classifier's output against its labels and derives the argmax prediction of each row,
 * so every metric downstream can trust the shapes and values.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` for fewer than two classes, an empty split, a length
 *   mismatch, a label that is not a class index, or a probability row that is not a distribution.
 */
export function checkClassificationInput(input: ClassificationInput): CheckedClassificationInput {
  const { yTrue, probabilities, classNames } = input;
  const k = classNames.length;
  if (k < 2) {
    throw new EdgeflowError('INVALID_ARGUMENT', `Give at least two class names (got ${k}).`, {
      details: { field: 'classNames', count: k },
    });
  }
  const n = yTrue.length;
  if (n === 0) {
    throw new EdgeflowError('INVALID_ARGUMENT', 'The split is empty: give at least one row to evaluate.', {
      details: { field: 'yTrue', count: 0 },
    });
  }
  if (probabilities.length !== n * k) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `probabilities has ${probabilities.length} values; expected ${n} rows × ${k} classes = ${n * k}.`,
      { details: { field: 'probabilities', length: probabilities.length, rows: n, classes: k } },
    );
  }

  const labels = new Int32Array(n);
  const predicted = new Int32Array(n);
  for (let row = 0; row < n; row++) {
    const label = yTrue[row] as number;
    if (!Number.isInteger(label) || label < 0 || label >= k) {
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        `yTrue[${row}] is ${label}; a label must be a class index from 0 to ${k - 1} (${classNames.join(', ')}).`,
        { details: { field: 'yTrue', row, value: label } },
      );
    }
    labels[row] = label;

    let sum = 0;
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      const p = probabilities[row * k + c] as number;
      if (!(p >= 0 && p <= 1)) {
        throw new EdgeflowError(
          'INVALID_ARGUMENT',
          `probabilities[${row}][${c}] is ${p}; probabilities must lie in [0, 1] (apply softmax to logits first).`,
          { details: { field: 'probabilities', row, column: c, value: p } },
        );
      }
      sum += p;
      // Strict `>` keeps the first column on ties, as numpy.argmax and tf.argMax do.
      if (p > bestValue) {
        bestValue = p;
        best = c;
      }
    }
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        `Probability row ${row} sums to ${sum}, not 1; pass softmax outputs (one column per class).`,
        { details: { field: 'probabilities', row, sum } },
      );
    }
    predicted[row] = best;
  }
  return { n, k, labels, predicted, probabilities, classNames };
}
