import type { CalibrationBin } from '../schemas/metrics.ts';

/** Default number of confidence bins of the expected calibration error (Guo et al., 2017). */
export const CALIBRATION_BINS = 10;

/** The expected calibration error with the bins it was computed from (for a reliability diagram). */
export interface CalibrationResult {
  readonly expectedCalibrationError: number;
  readonly bins: CalibrationBin[];
}

/**
 * Expected calibration error on the top-class confidence (Guo et al., 2017, "On Calibration of
 * Modern Neural Networks"): rows are grouped by their largest probability into `binCount`
 * equal-width bins `((m−1)/M, m/M]` (a confidence of exactly 0 goes to the first bin), and
 * ECE = Σ_m (|B_m| / n) · |accuracy(B_m) − mean confidence(B_m)|, where accuracy is the share of
 * rows whose argmax is the true class.
 *
 * Bin edges are compared in float32, the precision of the probabilities: the float32 nearest to 0.6
 * lies slightly above the double 0.6, yet belongs to the bin that ends at 0.6.
 */
export function expectedCalibrationError(
  labels: Int32Array,
  predicted: Int32Array,
  probabilities: Float32Array,
  k: number,
  binCount = CALIBRATION_BINS,
): CalibrationResult {
  const n = labels.length;
  const edges = Array.from({ length: binCount + 1 }, (_, m) => Math.fround(m / binCount));
  const counts = new Float64Array(binCount);
  const confidenceSums = new Float64Array(binCount);
  const hitSums = new Float64Array(binCount);
  for (let row = 0; row < n; row++) {
    const top = predicted[row] as number;
    const confidence = probabilities[row * k + top] as number;
    let bin = Math.min(binCount - 1, Math.max(0, Math.ceil(confidence * binCount) - 1));
    // Settle the edge cases of the estimate against the float32 edges: (edges[bin], edges[bin + 1]].
    while (bin > 0 && confidence <= (edges[bin] as number)) bin--;
    while (bin < binCount - 1 && confidence > (edges[bin + 1] as number)) bin++;
    counts[bin] = (counts[bin] as number) + 1;
    confidenceSums[bin] = (confidenceSums[bin] as number) + confidence;
    if (top === labels[row]) hitSums[bin] = (hitSums[bin] as number) + 1;
  }

  let ece = 0;
  const bins: CalibrationBin[] = [];
  for (let m = 0; m < binCount; m++) {
    const count = counts[m] as number;
    const confidence = count === 0 ? null : (confidenceSums[m] as number) / count;
    const accuracy = count === 0 ? null : (hitSums[m] as number) / count;
    if (confidence !== null && accuracy !== null) ece += (count / n) * Math.abs(accuracy - confidence);
    bins.push({ lower: m / binCount, upper: (m + 1) / binCount, count, confidence, accuracy });
  }
  return { expectedCalibrationError: ece, bins };
}
