import { describe, expect, it } from 'vitest';
import { LOG_LOSS_EPS, logLoss } from '../../../src/evaluate/log-loss.ts';

describe('logLoss', () => {
  it('is the mean negative log of the true-class probability', () => {
    // labels 1, 0; p(true) = 0.8, 0.25 → −(ln 0.8 + ln 0.25)/2 = (0.2231435513 + 1.3862943611)/2 = 0.8047189562.
    const p = Float32Array.of(0.2, 0.8, 0.25, 0.75);
    expect(logLoss(Int32Array.of(1, 0), p, 2)).toBeCloseTo(0.8047189562, 6);
  });

  it('clips a zero probability to float32 epsilon instead of returning infinity', () => {
    // p(true) = 0 → −ln(2⁻²³) = 23·ln 2 = 15.942385153.
    expect(LOG_LOSS_EPS).toBe(2 ** -23);
    expect(logLoss(Int32Array.of(0), Float32Array.of(0, 1), 2)).toBeCloseTo(15.942385153, 8);
  });

  it('clips a certain hit to 1 − eps, so a perfect model scores just above 0', () => {
    // p(true) = 1 → −ln(1 − 2⁻²³) ≈ 2⁻²³ = 1.19209e-7.
    expect(logLoss(Int32Array.of(1), Float32Array.of(0, 1), 2)).toBeCloseTo(1.1920929665620916e-7, 15);
  });
});
