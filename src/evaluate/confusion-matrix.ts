/**
 * Counts rows by (true class, predicted class): `matrix[t][p]`, the scikit-learn layout, so the
 * diagonal holds the hits and row sums are the supports.
 */
export function confusionMatrix(labels: Int32Array, predicted: Int32Array, k: number): number[][] {
  const matrix: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let row = 0; row < labels.length; row++) {
    const t = labels[row] as number;
    const p = predicted[row] as number;
    const counts = matrix[t] as number[];
    counts[p] = (counts[p] as number) + 1;
  }
  return matrix;
}
