import type { ListRunsOptions, RunPage } from '../registry/types.ts';
import type { RuntimeReport } from '../runtime/types.ts';
import type { GateReport, GateThresholds, MetricReport } from '../schemas/metrics.ts';
import type { LossName, ModelSpecInput } from '../schemas/model-spec.ts';
import type { AliasMove, ModelVersion, Run } from '../schemas/registry.ts';
import type { ParityResult, TrainProgress } from '../train/types.ts';

/** Options of `lab.train`. */
export interface TrainRunOptions {
  /** Live progress, at most about 10 times a second. */
  onProgress?: (progress: TrainRunProgress) => void;
  /**
   * Fractions of the rows held out for validation and test (default 0.15 and 0.15). With `folds`
   * (k-fold cross-validation, see `lab.crossValidate`) fold `fold` is the test part instead.
   */
  split?: { validation?: number; test?: number; folds?: number; fold?: number };
  /** Free-form tags stored on the run. */
  tags?: string[];
  /** Pin the run to one worker (default: the least busy). */
  worker?: number;
}

/** A progress event of one run: the training loop's figures plus the run id and phase. */
export interface TrainRunProgress extends Partial<TrainProgress> {
  runId: string;
  /**
   * What the run is doing now. `queued`: every worker is busy with another run; it starts when one
   * ends (`queuePosition` says how many runs wait before it).
   */
  phase: 'queued' | 'preparing' | 'training' | 'evaluating' | 'done';
  /** While queued: how many runs start before this one (0: next). */
  queuePosition?: number;
  /** The backend and adapter the run trains on (set from the first event on). */
  runtime?: Pick<RuntimeReport, 'backend' | 'reason' | 'adapter'>;
  /**
   * The loss being minimised (`meanSquaredError`, `categoricalCrossentropy`, …). For a regression its
   * value is on the standardised target, while `metrics` (MAE) are in the target's own units.
   */
  lossName?: LossName;
  /**
   * Regression: the target's standard deviation the loss was standardised by (1 when the target is
   * not scaled): a mean squared error × targetScale² is in squared target units.
   */
  targetScale?: number;
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
  /** How the runs' fitted pipelines differ, parameter by parameter (empty when they are the same). */
  pipeline: PipelineDifference[];
}

/**
 * One fitted-pipeline parameter that differs between compared runs (issue 16, point 11). `field` is
 * `transform` (the column's steps and encoding in one line, e.g. `impute(median) → standardize →
 * number`), `type`, a step parameter (`impute.value`, `standardize.mean`, `standardize.scale`,
 * `minmax.min`, `clip.max`, …), an encoding parameter (`onehot.categories`, `ordinal.unknownValue`,
 * …) or `fill.category`; for the target `task`, `classes`, `mean`, `scale`; for `column` `(pipeline)`
 * `fittedRows`, `featureCount`, `missingValues`.
 */
export interface PipelineDifference {
  /** The input column, the target's name, or `(pipeline)` for pipeline-wide fields. */
  column: string;
  field: string;
  /** One value per run, in the order of `runIds`; `null` where a run lacks the pipeline, column or parameter. */
  values: unknown[];
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
  /**
   * Replaces a run's notes and/or tags (what is not given stays).
   *
   * @throws EdgeflowError `RUN_NOT_FOUND`, `INVALID_ARGUMENT` (notes over 10,000 characters).
   */
  annotate(runId: string, changes: { notes?: string; tags?: string[] }): Promise<Run>;
  /**
   * Deletes a run record and frees its trained model in the worker; versions registered from it
   * stay (their lineage then has no run).
   *
   * @throws EdgeflowError `RUN_NOT_FOUND`, `INVALID_ARGUMENT` (still running: cancel it first).
   */
  delete(runId: string): Promise<void>;
}

/** Options of `lab.crossValidate`. */
export interface CrossValidateOptions {
  /** k: how many folds, and runs (2 to the row count). */
  folds: number;
  /** Share of each fold run's training rows kept for validation (default 0.15). */
  validation?: number;
  /** Tags stored on every fold run (besides `cv:<groupId>` and `fold:<i>/<k>`). */
  tags?: string[];
  onProgress?: (progress: TrainRunProgress) => void;
}

/** A metric over the folds of a cross-validation. */
export interface FoldMetric {
  mean: number;
  /** Sample standard deviation over the folds (0 for one value). */
  sd: number;
  values: number[];
}

/** The fold runs of a cross-validation, started at once (queued beyond the worker count). */
export interface CrossValidationHandle {
  /** Shared by the fold runs as the tag `cv:<groupId>`. */
  groupId: string;
  runs: TrainHandle[];
  /** Resolves when every fold finished: the runs and each numeric test metric's mean and sd. */
  done: Promise<{ runs: Run[]; metrics: Record<string, FoldMetric> }>;
  cancel(): void;
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
  /** Which rows both versions were scored on, and why those. */
  evaluation: PromotionEvaluation;
}

/**
 * The rows a promotion scored candidate and baseline on. `shared-holdout`: rows that both runs held
 * out for testing, so neither trained or early-stopped on them. `candidate-holdout`: the
 * candidate's test rows only, because there is no baseline or its training rows cannot be known (no
 * run lineage, another dataset); a baseline's score may then be inflated, and `note` says so.
 */
export interface PromotionEvaluation {
  basis: 'candidate-holdout' | 'shared-holdout';
  rows: number;
  datasetFingerprint: string;
  note: string | null;
}

/** Options of `lab.retrain`. */
export interface RetrainOptions {
  /** The model whose alias holder is the champion; the challenger becomes its next version. */
  model: string;
  /** MLflow MetricThreshold semantics per metric name, as for `lab.promote`. */
  thresholds: GateThresholds;
  /** The champion's alias (default `champion`). */
  alias?: string;
  /** Progress of the challenger's training. */
  onProgress?: (progress: TrainRunProgress) => void;
  /** Extra tags for the challenger's run and version (`retrain` and `challenger` are always added). */
  tags?: string[];
}

/** The worker's part of `lab.retrain`: gate a freshly trained run against the alias holder. */
export interface WorkerRetrainRequest {
  runId: string;
  model: string;
  alias: string;
  thresholds: GateThresholds;
}

/** Champion and challenger scored on the same rows (the challenger's test split of the new data). */
export interface RetrainGate {
  /** The version the alias pointed at (null when none: the gate then judges the challenger alone). */
  champion: number | null;
  gate: GateReport;
  challengerMetrics: MetricReport;
  championMetrics: MetricReport | null;
  /** Test rows of the new data both were scored on. */
  rows: number;
  datasetFingerprint: string;
}

/** What `lab.retrain` did: the challenger's run, its registered version and the gate against the champion. */
export interface RetrainResult extends RetrainGate {
  run: Run;
  /** The challenger, registered and tagged `challenger`; no alias moved: `lab.promote` it when the gate passed. */
  version: ModelVersion;
}

/** One prediction for one input row. */
export type Prediction = { label: string; probabilities: Record<string, number> } | { value: number };

/** The training, registry and prediction side of the lab. */
export interface LabTraining {
  /**
   * Trains `spec` on a loaded dataset in a worker; tracked as a run in the registry. When every
   * worker already trains a run, the run waits (phase `queued`) until one ends, unless
   * `options.worker` pins it.
   */
  train(datasetId: string, spec: ModelSpecInput, options?: TrainRunOptions): TrainHandle;
  /**
   * k-fold cross-validation: k runs of `spec`, run i tested on fold i (seeded, stratified folds) and
   * trained on the others; `done` gives each test metric's mean and standard deviation.
   *
   * @throws EdgeflowError `INVALID_ARGUMENT` (k below 2 or above the row count) through `done`, and the
   * codes of `lab.train`.
   * @example
   * const cv = lab.crossValidate(ds.id, spec, { folds: 5 });
   * const { metrics } = await cv.done; // metrics.accuracy.mean, metrics.accuracy.sd
   */
  crossValidate(
    datasetId: string,
    spec: ModelSpecInput,
    options: CrossValidateOptions,
  ): CrossValidationHandle;
  readonly runs: LabRuns;
  /**
   * Registers a finished run's model as a new version of `model` (written by a worker). Works for
   * any finished run with a draft (kept in IndexedDB when it finished), after a reload or from
   * another lab too. @throws EdgeflowError `RUN_NOT_FOUND` (no draft and no model in a worker)
   */
  register(
    runId: string,
    options: { model: string; description?: string; tags?: string[] },
  ): Promise<ModelVersion>;
  /** Gives up on a run's model: frees it in the worker and deletes its draft (and the chunks only it used). */
  discardRun(runId: string): Promise<boolean>;
  /** Frees the stored versions the workers loaded for promote and predict (they load again on demand). */
  unloadModels(): Promise<number>;
  /** Re-evaluates candidate and current alias holder on the same held-out data; moves the alias only if the gate passes. */
  promote(model: string, version: number, options: PromoteOptions): Promise<PromotionResult>;
  /**
   * Trains a challenger with the spec (and split) of earlier run `runId` on dataset `datasetId`,
   * scores it and the current champion on the same rows (the new data's test split), registers the
   * challenger as the next version of `options.model`, and reports the gate; moves no alias.
   * The maintenance hook for drift: `predictor.onDrift(() => lab.retrain(runId, newData.id, …))`.
   *
   * @throws EdgeflowError `RUN_NOT_FOUND`, `DATASET_NOT_FOUND`, `SPEC_INVALID`, `INVALID_ARGUMENT`
   *   (thresholds), and the codes of `lab.train`.
   */
  retrain(runId: string, datasetId: string, options: RetrainOptions): Promise<RetrainResult>;
  /** Applies a stored version's pipeline and model to raw rows, in a worker. */
  predict(
    model: string,
    versionOrAlias: number | string,
    rows: Array<Record<string, unknown>>,
  ): Promise<Prediction[]>;
  /**
   * Applies a finished run's model to raw rows before it is registered, from the draft the run left
   * in IndexedDB (any lab of this origin, also after a reload), in a worker:
   * `await lab.predictRun(run.id, [{ bill_length_mm: 39.1, island: 'Biscoe' }])`.
   *
   * @throws EdgeflowError `RUN_NOT_FOUND` when the run has no draft (not finished, registered — use
   *   `predict` on its version — pruned or discarded); the codes of `predict` for the rows.
   */
  predictRun(runId: string, rows: Array<Record<string, unknown>>): Promise<Prediction[]>;
}

export type { ParityResult };
