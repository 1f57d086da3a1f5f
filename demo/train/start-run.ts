// Starts one candidate's training through the lab and folds its progress events into the live
// run state (curves, figures, phase), then refreshes the stored runs when it ends.
import type { Lab, TrainRunOptions, TrainRunProgress } from 'edgeflow';
import type { DatasetSummary } from 'edgeflow/data';
import { errorText } from '../format.ts';
import {
  type LiveRun,
  liveRunsState,
  queueLiveRunUpdate,
  RUN_NAME_TAG,
  refreshStoredRuns,
  updateLiveRun,
} from '../lab-state.ts';
import { type Candidate, specFromForm } from './presets.ts';

/** At most this many curve points per run; older ones are thinned by half when it fills. */
const MAX_POINTS = 1500;

function adapterText(progress: TrainRunProgress): string | null {
  const adapter = progress.runtime?.adapter;
  if (!adapter) return null;
  return [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' ') || null;
}

/** How a loss is named on a card, the unit its shown values are in, and the factor from the reported value. */
export interface LossDisplay {
  label: string;
  units: string;
  factor: number;
}

/**
 * The loss of a run as a card shows it. A regression loss is reported on the standardised target;
 * MSE and MAE convert exactly to the target's units (× scale², × scale), so the card shows those, next
 * to the MAE the runs table shows. Huber does not convert (it is not linear), so it says so.
 */
export function lossDisplay(lossName: string | undefined, targetScale: number | undefined): LossDisplay {
  const scale = targetScale ?? 1;
  switch (lossName) {
    case 'meanSquaredError':
      return { label: 'MSE', units: 'target units²', factor: scale * scale };
    case 'meanAbsoluteError':
      return { label: 'MAE', units: 'target units', factor: scale };
    case 'huber':
      return { label: 'Huber', units: 'standardised target', factor: 1 };
    case 'categoricalCrossentropy':
      return { label: 'cross-entropy', units: 'nats', factor: 1 };
    default:
      return { label: 'loss', units: '', factor: 1 };
  }
}

/** A live run after one progress event: figures, phase and a new curve point at each report. */
export function applyProgress(run: LiveRun, progress: TrainRunProgress): LiveRun {
  const next: LiveRun = { ...run };
  // A finished, failed or cancelled run keeps its state: a progress message may arrive after the
  // run's result (they travel on different message ports).
  if (run.phase === 'done' || run.phase === 'cancelled' || run.phase === 'failed') return run;
  next.phase = progress.phase;
  const loss = lossDisplay(progress.lossName, progress.targetScale);
  if (progress.lossName !== undefined) next.loss = { label: loss.label, units: loss.units };
  if (progress.runtime) {
    next.backend = progress.runtime.backend;
    next.adapter = adapterText(progress) ?? run.adapter;
  } else if (progress.backend) {
    next.backend = progress.backend;
  }
  if (progress.epochs !== undefined) next.epochs = progress.epochs;
  if (progress.epoch !== undefined) next.epoch = progress.epoch;
  if (progress.samplesPerSecond !== undefined) next.samplesPerSecond = progress.samplesPerSecond;
  if (progress.etaMs !== undefined) next.etaMs = progress.etaMs;
  if (progress.loss !== undefined && progress.epoch !== undefined && Number.isFinite(progress.loss)) {
    const fraction =
      progress.batch !== undefined && progress.batchesPerEpoch
        ? (progress.batch + 1) / progress.batchesPerEpoch
        : 1;
    const metric = progress.metrics?.[run.metricName];
    let points = [
      ...run.points,
      { x: progress.epoch + fraction, loss: progress.loss * loss.factor, metric: metric ?? null },
    ];
    if (points.length > MAX_POINTS) points = points.filter((_, i) => i % 2 === 0);
    next.points = points;
  }
  return next;
}

/** How the experiment setup trains one run of a candidate (issue 18, point 14). */
export interface StartRunOptions {
  /** Held-out shares, or one fold of a k-fold cross-validation. */
  split?: TrainRunOptions['split'];
  /** Tags besides the name tag (a cross-validation's `cv:` and `fold:` tags). */
  tags?: string[];
  /** Display name (default: the candidate's). */
  name?: string;
}

/** Trains a candidate on the dataset; returns at once (the run goes on in a worker). */
export function startRun(
  lab: Lab,
  dataset: DatasetSummary,
  candidate: Candidate,
  options: StartRunOptions = {},
): LiveRun {
  const spec = specFromForm(candidate.form, dataset);
  const metricName = dataset.schema.target?.task === 'regression' ? 'mae' : 'accuracy';
  const name = options.name ?? candidate.name;
  const handle = lab.train(dataset.id, spec, {
    tags: [`${RUN_NAME_TAG}${name}`, ...(options.tags ?? [])],
    ...(options.split ? { split: options.split } : {}),
    onProgress: (progress) => queueLiveRunUpdate(handle.runId, (run) => applyProgress(run, progress)),
  });
  const run: LiveRun = {
    runId: handle.runId,
    name,
    handle,
    phase: 'preparing',
    metricName,
    points: [],
    epoch: 0,
    epochs: 0,
    samplesPerSecond: null,
    etaMs: null,
    backend: null,
    adapter: null,
    error: null,
    startedAt: Date.now(),
  };
  liveRunsState.value = [...liveRunsState.value, run];
  void handle.done
    .then(
      (finished) =>
        // The stored history is the final word on how many epochs ran (early stopping may end sooner).
        updateLiveRun(handle.runId, (r) => ({
          ...r,
          phase: 'done',
          etaMs: 0,
          epoch: finished.history.length > 0 ? finished.history.length - 1 : r.epoch,
        })),
      (error: unknown) => {
        const cancelled = (error as { code?: unknown }).code === 'CANCELLED';
        updateLiveRun(handle.runId, (r) => ({
          ...r,
          phase: cancelled ? 'cancelled' : 'failed',
          error: cancelled ? null : errorText(error),
        }));
      },
    )
    .finally(() => refreshStoredRuns(lab).catch(() => undefined));
  return run;
}

/**
 * Trains every candidate at once; the lab spreads them over its workers (a worker that does not
 * hold the dataset reads it from the registry, where the lab stores it first).
 */
export function startRuns(lab: Lab, dataset: DatasetSummary, candidates: readonly Candidate[]): void {
  for (const candidate of candidates) startRun(lab, dataset, candidate);
}
