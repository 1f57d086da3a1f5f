/**
 * Default clipping bound of the log loss: float32 machine epsilon (2⁻²³ ≈ 1.19e-7). scikit-learn's
 * `log_loss` uses the machine epsilon of the input's dtype, and model probabilities here are float32,
 * so a confident miss (p = 0) costs −ln(2⁻²³) ≈ 15.94 instead of infinity.
 */
export const LOG_LOSS_EPS = 2 ** -23;

/**
 * Mean negative log-likelihood of the true class: −(1/n) Σ ln(clip(p[row][label], eps, 1 − eps)).
 * Only the true-class probability enters; rows are not renormalised (they were checked to sum to 1).
 */
export function logLoss(
  labels: Int32Array,
  probabilities: Float32Array,
  k: number,
  eps = LOG_LOSS_EPS,
): number {
  const n = labels.length;
  let sum = 0;
  for (let row = 0; row < n; row++) {
    const p = probabilities[row * k + (labels[row] as number)] as number;
    sum -= Math.log(Math.min(Math.max(p, eps), 1 - eps));
  }
  return sum / n;
}
