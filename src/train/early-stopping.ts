import type { EarlyStoppingSpec, MonitorName } from '../schemas/model-spec.ts';
import type { EpochRecord } from './types.ts';

/** Whether a larger value of the monitored quantity is better (accuracy) or a smaller one (losses, MAE). */
export function monitorMode(monitor: MonitorName): 'min' | 'max' {
  return monitor.endsWith('accuracy') ? 'max' : 'min';
}

/** The monitored value of one epoch, or null when the epoch lacks it (no validation split). */
export function monitoredValue(record: EpochRecord, monitor: MonitorName): number | null {
  const validation = monitor.startsWith('val_');
  const name = validation ? monitor.slice(4) : monitor;
  const source = validation ? { loss: record.valLoss, metrics: record.valMetrics } : record;
  if (name === 'loss') return source.loss;
  return source.metrics?.[name] ?? null;
}

/** The tracker's verdict after an epoch. */
export interface EarlyStoppingVerdict {
  /** This epoch beat the best so far (by more than minDelta). */
  improved: boolean;
  /** Training should stop after this epoch. */
  stop: boolean;
}

/**
 * Keras's EarlyStopping rule: an epoch improves when it beats the best value by more than
 * `minDelta` (the first epoch always does); after `patience` epochs in a row without improvement,
 * stop (patience 0 stops at the first epoch that does not improve). Pure state, no tensors.
 */
export class EarlyStoppingTracker {
  readonly mode: 'min' | 'max';
  best: number;
  bestEpoch = -1;
  private wait = 0;

  constructor(private readonly settings: EarlyStoppingSpec) {
    this.mode = monitorMode(settings.monitor);
    this.best = this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /** Feeds one epoch's record and says whether it improved and whether to stop. */
  update(record: EpochRecord): EarlyStoppingVerdict {
    const value = monitoredValue(record, this.settings.monitor);
    const delta = this.settings.minDelta;
    const improved =
      value !== null &&
      (this.bestEpoch < 0 || (this.mode === 'min' ? value < this.best - delta : value > this.best + delta));
    if (improved) {
      this.best = value;
      this.bestEpoch = record.epoch;
      this.wait = 0;
      return { improved: true, stop: false };
    }
    this.wait += 1;
    return { improved: false, stop: this.wait >= this.settings.patience };
  }
}
