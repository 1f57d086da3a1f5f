// Class weights: how much each class's examples count in the training loss. Pure functions, so
// the same numbers can be shown to the user before training starts.
import { EdgeflowError } from '../errors.ts';
import type { ClassWeightsSpec } from '../schemas/model-spec.ts';

/**
 * Counts the examples of each class. `y` holds one class index per row (`y.length === count`) or
 * one-hot rows (`y.length === count × classCount`).
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` when `y` has neither layout or a label is not a class
 *   index in [0, classCount).
 */
export function countClasses(y: Float32Array, count: number, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0);
  if (y.length === count) {
    for (let row = 0; row < count; row++) {
      const label = y[row] as number;
      if (!Number.isInteger(label) || label < 0 || label >= classCount) {
        throw new EdgeflowError(
          'INVALID_ARGUMENT',
          `Row ${row} has label ${label}; class labels must be integers in [0, ${classCount - 1}]. Encode the target with the data pipeline first.`,
          { details: { row, label, classCount } },
        );
      }
      counts[label] = (counts[label] ?? 0) + 1;
    }
    return counts;
  }
  if (y.length === count * classCount) {
    for (let row = 0; row < count; row++) {
      let hot = -1;
      for (let c = 0; c < classCount; c++) {
        const v = y[row * classCount + c] as number;
        if (v === 1 && hot === -1) hot = c;
        else if (v !== 0) hot = -2;
      }
      if (hot < 0) {
        throw new EdgeflowError(
          'INVALID_ARGUMENT',
          `Row ${row} of the one-hot labels is not one-hot (exactly one 1, the rest 0).`,
          { details: { row, classCount } },
        );
      }
      counts[hot] = (counts[hot] ?? 0) + 1;
    }
    return counts;
  }
  throw new EdgeflowError(
    'INVALID_ARGUMENT',
    `Labels hold ${y.length} values for ${count} rows; expected ${count} class indices or ${count * classCount} one-hot values.`,
    { details: { length: y.length, count, classCount } },
  );
}

/**
 * Resolves a spec's `classWeights` to one weight per class, or null when the spec sets none.
 * `'balanced'` gives n / (k × nᶜ) as scikit-learn does (k = classes present; a class with no
 * examples gets 1, it never contributes); a map names classes by index or by label, and classes
 * it leaves out weigh 1.
 *
 * @throws EdgeflowError `SPEC_INVALID` when a map key names no class.
 */
export function resolveClassWeights(
  spec: ClassWeightsSpec | undefined,
  counts: readonly number[],
  classLabels: readonly string[] = [],
): Float32Array | null {
  if (spec === undefined) return null;
  const classCount = counts.length;
  const weights = new Float32Array(classCount).fill(1);
  if (spec === 'balanced') {
    const total = counts.reduce((a, b) => a + b, 0);
    const present = counts.filter((c) => c > 0).length;
    counts.forEach((n, c) => {
      if (n > 0) weights[c] = total / (present * n);
    });
    return weights;
  }
  for (const [key, weight] of Object.entries(spec)) {
    const index = Number(key);
    const byIndex = Number.isInteger(index) && String(index) === key && index >= 0 && index < classCount;
    const target = byIndex ? index : classLabels.indexOf(key);
    if (target < 0) {
      throw new EdgeflowError(
        'SPEC_INVALID',
        `classWeights.${key}: no such class. Name a class by index (0–${classCount - 1})${classLabels.length ? ` or label (${classLabels.join(', ')})` : ''}.`,
        { details: { path: `classWeights.${key}`, classCount, classLabels } },
      );
    }
    weights[target] = weight;
  }
  return weights;
}
