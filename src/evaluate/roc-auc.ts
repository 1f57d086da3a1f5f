/**
 * ROC AUC of one binary problem by the Mann–Whitney rank statistic: the share of (positive,
 * negative) pairs the scores order correctly, a tied pair counting one half. Ties get their average
 * rank, which is exactly the area under the trapezoid ROC curve that scikit-learn's `roc_auc_score`
 * integrates. Returns `null` when there is no positive or no negative row: the AUC is undefined then.
 *
 * AUC = (Σ rank(positive) − P·(P+1)/2) / (P·N), ranks 1-based over all rows in ascending score.
 */
export function binaryRocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number | null {
  const n = scores.length;
  let positives = 0;
  for (let i = 0; i < n; i++) if (positive[i]) positives++;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;

  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (scores[a] as number) - (scores[b] as number),
  );
  let positiveRankSum = 0;
  let start = 0;
  while (start < n) {
    // A run [start, end) of equal scores shares the mean of ranks start+1 … end.
    const value = scores[order[start] as number] as number;
    let end = start + 1;
    while (end < n && (scores[order[end] as number] as number) === value) end++;
    const averageRank = (start + 1 + end) / 2;
    for (let j = start; j < end; j++) if (positive[order[j] as number]) positiveRankSum += averageRank;
    start = end;
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * One-vs-rest ROC AUC of every class: class `c`'s probability column scored against "label is c".
 * A class with no row in y_true (or the only class in it) gets `null`.
 */
export function oneVsRestRocAuc(
  labels: Int32Array,
  probabilities: Float32Array,
  k: number,
): (number | null)[] {
  const n = labels.length;
  const column = new Float64Array(n);
  const positive = new Array<boolean>(n);
  const aucs: (number | null)[] = [];
  for (let c = 0; c < k; c++) {
    for (let row = 0; row < n; row++) {
      column[row] = probabilities[row * k + c] as number;
      positive[row] = labels[row] === c;
    }
    aucs.push(binaryRocAuc(column, positive));
  }
  return aucs;
}
