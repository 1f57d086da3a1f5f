import { describe, expect, test } from 'vitest';
import { isEdgeflowError } from '../../../src/errors.ts';
import { countClasses, resolveClassWeights } from '../../../src/train/class-weights.ts';
import { EarlyStoppingTracker, monitoredValue } from '../../../src/train/early-stopping.ts';
import { learningRateAt } from '../../../src/train/schedule.ts';
import type { EpochRecord } from '../../../src/train/types.ts';

function epoch(n: number, loss: number, valLoss: number | null, valAccuracy = 0): EpochRecord {
  return {
    epoch: n,
    loss,
    metrics: { accuracy: 0 },
    valLoss,
    valMetrics: valLoss === null ? null : { accuracy: valAccuracy },
    learningRate: 0.1,
    durationMs: 1,
  };
}

describe('class weights', () => {
  test('counts classes from indices and from one-hot rows', () => {
    expect(countClasses(new Float32Array([0, 1, 1, 2, 1]), 5, 3)).toEqual([1, 3, 1]);
    expect(countClasses(new Float32Array([1, 0, 0, 1, 0, 1]), 3, 2)).toEqual([1, 2]);
  });

  test('rejects labels outside [0, classCount) and malformed one-hot rows', () => {
    const codes: string[] = [];
    for (const run of [
      () => countClasses(new Float32Array([0, 3]), 2, 3),
      () => countClasses(new Float32Array([0.5, 1]), 2, 3),
      () => countClasses(new Float32Array([1, 1, 0, 1]), 2, 2),
      () => countClasses(new Float32Array([1, 1, 0]), 2, 2),
    ]) {
      try {
        run();
      } catch (error) {
        if (isEdgeflowError(error)) codes.push(error.code);
      }
    }
    expect(codes).toEqual(['INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'INVALID_ARGUMENT']);
  });

  test("'balanced' gives n / (k × count), as scikit-learn", () => {
    // 8 examples: 6 of class 0, 2 of class 1 → 8/(2·6) and 8/(2·2).
    expect(resolveClassWeights('balanced', [6, 2])).toEqual(Float32Array.from([8 / 12, 2]));
    // An absent class does not count towards k and keeps weight 1.
    expect(resolveClassWeights('balanced', [3, 0, 1])).toEqual(Float32Array.from([4 / 6, 1, 2]));
  });

  test('a map sets named classes by index or label, others weigh 1', () => {
    expect([...(resolveClassWeights({ '1': 5 }, [1, 1, 1]) ?? [])]).toEqual([1, 5, 1]);
    expect([...(resolveClassWeights({ b: 3 }, [1, 1], ['a', 'b']) ?? [])]).toEqual([1, 3]);
    expect(resolveClassWeights(undefined, [1, 1])).toBeNull();
    try {
      resolveClassWeights({ z: 3 }, [1, 1], ['a', 'b']);
      expect.unreachable();
    } catch (error) {
      expect(isEdgeflowError(error, 'SPEC_INVALID')).toBe(true);
    }
  });
});

describe('learning-rate schedules', () => {
  test('constant, step and exponential', () => {
    expect(learningRateAt({ learningRate: 0.1, schedule: { type: 'constant' } }, 9)).toBe(0.1);
    const step = { learningRate: 0.1, schedule: { type: 'step', factor: 0.5, everyEpochs: 2 } } as const;
    expect([0, 1, 2, 3, 4].map((e) => learningRateAt(step, e))).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    const exp = { learningRate: 1, schedule: { type: 'exponential', rate: 0.5 } } as const;
    expect([0, 1, 2].map((e) => learningRateAt(exp, e))).toEqual([1, 0.5, 0.25]);
  });
});

describe('early stopping', () => {
  const settings = { monitor: 'val_loss', patience: 2, minDelta: 0.01, restoreBestWeights: true } as const;

  test('stops after `patience` epochs without an improvement larger than minDelta', () => {
    const tracker = new EarlyStoppingTracker(settings);
    const verdicts = [1.0, 0.8, 0.795, 0.81, 0.7].map((v, i) => tracker.update(epoch(i, 1, v)));
    expect(verdicts).toEqual([
      { improved: true, stop: false },
      { improved: true, stop: false },
      { improved: false, stop: false },
      { improved: false, stop: true },
      { improved: true, stop: false },
    ]);
    expect(tracker.bestEpoch).toBe(4);
  });

  test('patience 0 stops at the first epoch that does not improve', () => {
    const tracker = new EarlyStoppingTracker({ ...settings, patience: 0 });
    expect(tracker.update(epoch(0, 1, 1)).stop).toBe(false);
    expect(tracker.update(epoch(1, 1, 1)).stop).toBe(true);
  });

  test('accuracy is maximised', () => {
    const tracker = new EarlyStoppingTracker({ ...settings, monitor: 'val_accuracy', minDelta: 0 });
    tracker.update(epoch(0, 1, 1, 0.5));
    expect(tracker.update(epoch(1, 1, 1, 0.6)).improved).toBe(true);
    expect(tracker.update(epoch(2, 1, 1, 0.55)).improved).toBe(false);
    expect(tracker.bestEpoch).toBe(1);
  });

  test('reads training and validation quantities', () => {
    const record = epoch(0, 0.3, 0.4, 0.9);
    expect(monitoredValue(record, 'loss')).toBe(0.3);
    expect(monitoredValue(record, 'val_loss')).toBe(0.4);
    expect(monitoredValue(record, 'val_accuracy')).toBe(0.9);
    expect(monitoredValue(epoch(0, 0.3, null), 'val_loss')).toBeNull();
  });
});
