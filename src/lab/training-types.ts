import type { ListRunsOptions, RunPage } from '../registry/types.ts';
import type { RuntimeReport } from '../runtime/types.ts';
import type { GateReport, GateThresholds, MetricReport } from '../schemas/metrics.ts';
import type { ModelSpecInput } from '../schemas/model-spec.ts';
import type { AliasMove, ModelVersion, Run } from '../schemas/registry.ts';
import type { ParityResult, TrainProgress } from '../train/types.ts';

/** Options of `lab.train`. */
export interface TrainRunOptions {
  /** Live progress, at most about 10 times a second. */
  onProgress?: (progress: TrainRunProgress) => void;
  /** Fractions of the rows held out for validation and test (default 0.15 and 0.15). */
  split?: { validation?: number; test?: number };
  /** Free-form tags stored on the run. */
  tags?: string[];
  /** Pin the run to one worker (default: the least busy). */
  worker?: number;
}

/** A progress event of one run: the training loop's figures plus the run id and phase. */
export interface TrainRunProgress extends Partial<TrainProgress> {
  runId: string;
  /** What the run is doing now. */
  phase: 'preparing' | 'training' | 'evaluating' | 'done';
  /** The backend and adapter the run trains on (set from the first event on). */
  runtime?: Pick<RuntimeReport, 'backend' | 'reason' | 'adapter'>;
}

/** The handle `lab.train` returns at once. */
export interface TrainHandle {
  runId: string;
  /** Resolves with the finished run (metrics, history, timings); rejects with the run's error. */
  done: Promise<Run>;
  /** Stops the run within one batch; `done` rejects with `CANCELLED` and the run is marked cancelled. */
  cancel(): void;
}

/** Runs side by side: aligned metrics and the parameters that differ. */
export interface RunComparison {
  runIds: string[];
  /** Metric name → one value per run (null where a run lacks it). */
  metrics: Record<string, Array<number | null>>;
  /** Spec field path → one value per run, only for fields whose values differ. */
  differences: Record<string, unknown[]>;
}

/** The run-tracking side of the lab. */
export interface LabRuns {
  /** Runs, newest first, filtered by status, dataset or tag and paged by offset. */
  list(query?: ListRunsOptions): Promise<RunPage>;
  get(runId: string): Promise<Run>;
  compare(runIds: string[]): Promise<RunComparison>;
  /** Runs as JSON text (an array of run records). */
  exportJson(runIds: string[]): Promise<string>;
  /** Runs as CSV text: one row per run, spec fields and metrics as columns. */
  exportCsv(runIds: string[]): Promise<string>;
}

/** Options of `lab.promote`. */
export interface PromoteOptions {
  /** The alias to move (default `champion`). */
  alias?: string;
  /** MLflow MetricThreshold semantics per metric name, e.g. `{ accuracy: { threshold: 0.8, greaterIsBetter: true } }`. */
  thresholds: GateThresholds;
  /** Why, for the alias log. */
  reason?: string;
}

/** What `lab.promote` found: the gate report, and the alias move when it passed. */
export interface PromotionResult {
  passed: boolean;
  gate: GateReport;
  /** Fresh metrics of the candidate and the current holder on the same held-out rows. */
  candidateMetrics: MetricReport;
  baselineMetrics: MetricReport | null;
  /** The version the alias pointed at before (null when none). */
  previous: number | null;
  move: AliasMove | null;
}

/** One prediction for one input row. */
export type Prediction = { label: string; probabilities: Record<string, number> } | { value: number };

/** The training, registry and prediction side of the lab. */
export interface LabTraining {
  /** Trains `spec` on a loaded dataset in a worker; tracked as a run in the registry. */
  train(datasetId: string, spec: ModelSpecInput, options?: TrainRunOptions): TrainHandle;
  readonly runs: LabRuns;
  /** Registers a finished run's model as a new version of `model` (written by the worker). */
  register(
    runId: string,
    options: { model: string; description?: string; tags?: string[] },
  ): Promise<ModelVersion>;
  /** Frees the trained model a worker keeps for `runId` until it is registered. */
  discardRun(runId: string): Promise<boolean>;
  /** Frees the stored versions the workers loaded for promote and predict (they load again on demand). */
  unloadModels(): Promise<number>;
  /** Re-evaluates candidate and current alias holder on the same held-out data; moves the alias only if the gate passes. */
  promote(model: string, version: number, options: PromoteOptions): Promise<PromotionResult>;
  /** Applies a stored version's pipeline and model to raw rows, in a worker. */
  predict(
    model: string,
    versionOrAlias: number | string,
    rows: Array<Record<string, unknown>>,
  ): Promise<Prediction[]>;
}

export type { ParityResult };
