// Starts one candidate's training through the lab and folds its progress events into the live
// run state (curves, figures, phase), then refreshes the stored runs when it ends.
import type { Lab, TrainRunProgress } from 'edgeflow';
import type { DatasetSummary } from 'edgeflow/data';
import { errorText } from '../format.ts';
import { type LiveRun, liveRunsState, RUN_NAME_TAG, refreshStoredRuns, updateLiveRun } from '../lab-state.ts';
import { type Candidate, specFromForm } from './presets.ts';

/** At most this many curve points per run; older ones are thinned by half when it fills. */
const MAX_POINTS = 1500;

function adapterText(progress: TrainRunProgress): string | null {
  const adapter = progress.runtime?.adapter;
  if (!adapter) return null;
  return [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' ') || null;
}

function applyProgress(run: LiveRun, progress: TrainRunProgress): LiveRun {
  const next: LiveRun = { ...run };
  if (run.phase !== 'cancelled' && run.phase !== 'failed') next.phase = progress.phase;
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
      { x: progress.epoch + fraction, loss: progress.loss, metric: metric ?? null },
    ];
    if (points.length > MAX_POINTS) points = points.filter((_, i) => i % 2 === 0);
    next.points = points;
  }
  return next;
}

/** Trains a candidate on the dataset; returns at once (the run goes on in a worker). */
export function startRun(lab: Lab, dataset: DatasetSummary, candidate: Candidate): LiveRun {
  const spec = specFromForm(candidate.form, dataset);
  const metricName = dataset.schema.target?.task === 'regression' ? 'mae' : 'accuracy';
  const handle = lab.train(dataset.id, spec, {
    tags: [`${RUN_NAME_TAG}${candidate.name}`],
    onProgress: (progress) => updateLiveRun(handle.runId, (run) => applyProgress(run, progress)),
  });
  const run: LiveRun = {
    runId: handle.runId,
    name: candidate.name,
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
      () => updateLiveRun(handle.runId, (r) => ({ ...r, phase: 'done', etaMs: 0 })),
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
