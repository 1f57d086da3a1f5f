// The page's shared state, as signals: the lab, the loaded dataset, the candidates being edited,
// the runs training now (with their live curves) and the runs and versions stored in IndexedDB.
import { computed, signal } from '@preact/signals';
import type { Lab, TrainHandle } from 'edgeflow';
import type { DatasetSummary } from 'edgeflow/data';
import type { Run } from 'edgeflow/registry';
import type { Candidate } from './train/presets.ts';

/** One point of a live curve: fractional epoch and the value then. */
export interface CurvePoint {
  x: number;
  loss: number;
  metric: number | null;
}

/** A run started in this tab, with what its progress events said so far. */
export interface LiveRun {
  runId: string;
  name: string;
  handle: TrainHandle;
  phase: 'queued' | 'preparing' | 'training' | 'evaluating' | 'done' | 'failed' | 'cancelled';
  /** The task's training metric name (`accuracy` or `mae`). */
  metricName: string;
  /** How the card names the loss and what its values are in (from the progress events; issue 18). */
  loss?: { label: string; units: string };
  points: CurvePoint[];
  epoch: number;
  epochs: number;
  samplesPerSecond: number | null;
  etaMs: number | null;
  backend: string | null;
  adapter: string | null;
  error: string | null;
  startedAt: number;
}

/** The lab (worker pool) once it is up. */
export const labState = signal<Lab | null>(null);
/** The dataset loaded now (its data stays in the worker). */
export const datasetState = signal<DatasetSummary | null>(null);
/** The source of the loaded dataset, kept to reload it with an edited schema. */
export const datasetSource = signal<File | null>(null);
/** The candidates of the train section. */
export const candidatesState = signal<Candidate[]>([]);
/** Runs started in this tab, newest last. */
export const liveRunsState = signal<LiveRun[]>([]);
/**
 * The ids of the runs started in this tab, space-separated: changes only when a run starts, so a
 * component that needs only the ids does not render again on every progress event.
 */
export const liveRunIdsState = computed(() => liveRunsState.value.map((r) => r.runId).join(' '));
/** Runs from the registry (IndexedDB), newest first; refreshed on registry changes. */
export const storedRunsState = signal<Run[]>([]);
/** Display names of runs (run id → candidate name), kept in the run's tags as `name:<name>`. */
export const RUN_NAME_TAG = 'name:';

/** The candidate name a run was tagged with, or a short id. */
export function runName(run: Pick<Run, 'id' | 'tags'>): string {
  const tag = run.tags.find((t) => t.startsWith(RUN_NAME_TAG));
  return tag ? tag.slice(RUN_NAME_TAG.length) : run.id.slice(0, 8);
}

/**
 * How long progress patches wait before they reach the page's state: every run's events in that
 * time apply together, in one render (issue 16, point 8: one render per progress event, with each
 * card's chart redrawn, made 100–200 ms main-thread tasks while four candidates trained).
 */
export const LIVE_UPDATE_INTERVAL_MS = 200;
const queuedPatches = new Map<string, Array<(run: LiveRun) => LiveRun>>();
let flushTimer: ReturnType<typeof setTimeout> | undefined;

/** Queues a patch of a live run (a progress event); queued patches apply in order, together. */
export function queueLiveRunUpdate(runId: string, patch: (run: LiveRun) => LiveRun): void {
  const patches = queuedPatches.get(runId);
  if (patches) patches.push(patch);
  else queuedPatches.set(runId, [patch]);
  flushTimer ??= setTimeout(flushLiveRunUpdates, LIVE_UPDATE_INTERVAL_MS);
}

/** Applies every queued patch now. */
export function flushLiveRunUpdates(): void {
  if (flushTimer !== undefined) clearTimeout(flushTimer);
  flushTimer = undefined;
  if (queuedPatches.size === 0) return;
  const pending = new Map(queuedPatches);
  queuedPatches.clear();
  liveRunsState.value = liveRunsState.value.map((run) =>
    (pending.get(run.runId) ?? []).reduce((state, patch) => patch(state), run),
  );
}

/** Replaces one live run's state by id, now (after the queued patches, so their order holds). */
export function updateLiveRun(runId: string, patch: (run: LiveRun) => LiveRun): void {
  flushLiveRunUpdates();
  liveRunsState.value = liveRunsState.value.map((r) => (r.runId === runId ? patch(r) : r));
}

/** Reloads the stored runs list from the registry. */
export async function refreshStoredRuns(lab: Lab): Promise<void> {
  const page = await lab.runs.list({ limit: 200 });
  storedRunsState.value = page.items;
}
