import { describe, expect, it } from 'vitest';
import { expectedCalibrationError } from '../../../src/evaluate/calibration.ts';

function ece(labels: number[], predicted: number[], rows: number[][]) {
  return expectedCalibrationError(
    Int32Array.from(labels),
    Int32Array.from(predicted),
    Float32Array.from(rows.flat()),
    rows[0]?.length ?? 0,
  );
}

describe('expectedCalibrationError', () => {
  it('is 0 for a perfectly calibrated bin', () => {
    // Four rows at confidence 0.75, three right: bin (0.7, 0.8] has acc 0.75 = conf 0.75 → ECE 0.
    const r = ece(
      [0, 0, 0, 1],
      [0, 0, 0, 0],
      [
        [0.75, 0.25],
        [0.75, 0.25],
        [0.75, 0.25],
        [0.75, 0.25],
      ],
    );
    expect(r.expectedCalibrationError).toBe(0);
    expect(r.bins[7]).toEqual({ lower: 0.7, upper: 0.8, count: 4, confidence: 0.75, accuracy: 0.75 });
  });

  it('puts a confidence on an edge in the bin that ends there (right-closed bins)', () => {
    // Confidence exactly 0.5 (float32 exact) → (0.4, 0.5], not (0.5, 0.6].
    // Confidence float32(0.6) = 0.6000000238 > 0.6 in float64, still → (0.5, 0.6]: edges compare in float32.
    // Confidence 1 → (0.9, 1].
    const r = ece(
      [0, 0, 0],
      [0, 0, 0],
      [
        [0.5, 0.5],
        [0.6, 0.4],
        [1, 0],
      ],
    );
    expect(r.bins.map((b) => b.count)).toEqual([0, 0, 0, 0, 1, 1, 0, 0, 0, 1]);
    // All hits: ECE = ((1 − 0.5) + (1 − 0.6) + (1 − 1))/3 = 0.9/3 = 0.3.
    expect(r.expectedCalibrationError).toBeCloseTo(0.3, 6);
  });

  it('weights each bin by its share of rows', () => {
    // 3 rows at 0.9 all right (gap 0.1), 1 row at 0.55 wrong (gap 0.55).
    // ECE = 3/4·0.1 + 1/4·0.55 = 0.075 + 0.1375 = 0.2125.
    const r = ece(
      [0, 0, 0, 0],
      [0, 0, 0, 1],
      [
        [0.9, 0.1],
        [0.9, 0.1],
        [0.9, 0.1],
        [0.45, 0.55],
      ],
    );
    expect(r.expectedCalibrationError).toBeCloseTo(0.2125, 6);
  });
});
