// The public types of edgeflow/monitor: what a Predictor takes, returns and reports. Types only; the
// JSON shapes that leave the monitor (drift reports, latency histograms, events) are zod schemas in
// src/schemas/monitor.ts, shared with telemetry and the edge client.
import type * as tf from '@tensorflow/tfjs';
import type { Table } from '../data/types.ts';
import type { BackendName } from '../runtime/types.ts';
import type { ColumnType, Profile } from '../schemas/dataset.ts';
import type {
  DriftReport,
  DriftTest,
  LatencySummary,
  MonitorEvent,
  MonitorEventSource,
} from '../schemas/monitor.ts';
import type { ModelVersion } from '../schemas/registry.ts';

/** One raw input row: column name → value (string, number, boolean, null for missing), like a CSV line or JSON object. */
export type PredictorRow = Readonly<Record<string, unknown>>;

/** Raw rows as columns: `{ columns: { sepal: [5.1, 4.9], species: ['a', 'b'] } }` (arrays or typed arrays, all the same length). */
export interface ColumnarRows {
  readonly columns: Readonly<Record<string, ArrayLike<unknown>>>;
}

/** What `predict` accepts: row objects, columns of raw values, or a loaded columnar `Table` of edgeflow/data. */
export type PredictInput = readonly PredictorRow[] | ColumnarRows | Table;

/** One prediction for one input row: class label and probabilities (classification) or a value (regression). */
export type Prediction = { label: string; probabilities: Record<string, number> } | { value: number };

/**
 * What `predictBatch` returns: a batch's outputs as typed arrays, with no object per row, for callers
 * that predict many rows (scoring a table, a stream of sensor readings). Same checks, model and
 * monitoring as `predict`.
 */
export interface BatchPrediction {
  /** Input rows in the batch. */
  readonly rows: number;
  /** Outputs per row: the class count (classification) or 1 (regression). */
  readonly width: number;
  /**
   * `rows × width`, row-major, in input order: class probabilities in `classes` order, or the
   * regression value in the target's units (as float32); NaN for a refused row.
   */
  readonly outputs: Float32Array;
  /** Classification: each row's top class index into `classes` (-1 for a refused row); null for regression. */
  readonly labels: Int32Array | null;
  /** Refused rows in input order, with the errors `predict` gives them. */
  readonly errors: readonly { readonly row: number; readonly error: RowError }[];
  /** The id of row `row`'s prediction for `recordOutcome`; null for a refused row. */
  id(row: number): string | null;
}

/** Why a row got no prediction. */
export type RowErrorCode = 'SCHEMA_MISMATCH' | 'DATA_QUALITY' | 'UNSEEN_CATEGORY' | 'MISSING_VALUE';

/** A refused row: the code, the input column at fault, and a sentence saying what to do. */
export interface RowError {
  readonly code: RowErrorCode;
  readonly field: string;
  readonly message: string;
}

/** The result of one row: its prediction and an id to pass to `recordOutcome`, or its error. */
export type RowResult =
  | { readonly ok: true; readonly id: string; readonly prediction: Prediction }
  | { readonly ok: false; readonly error: RowError };

/** Drift thresholds; each may be stored with a version (`version.metrics.driftThresholds`) and overridden per call. */
export interface DriftThresholds {
  /** KS and chi-squared: drift when the p-value is below this (default 0.05). */
  readonly pValue?: number;
  /** Normalised Wasserstein and Jensen–Shannon distance: drift at or above this (default 0.1). */
  readonly distance?: number;
  /** PSI at or above this is `warn` (default 0.1). */
  readonly psiWarn?: number;
  /** PSI at or above this is `alert` (default 0.25). */
  readonly psiAlert?: number;
  /** Dataset drift when at least this share of features drifted (default 0.5). */
  readonly datasetShare?: number;
  /** References of at most this many rows get statistical tests (KS, chi²); larger ones get distances (default 1000). */
  readonly smallReference?: number;
  /** Force a test per feature name (or `'prediction'` for the model output). */
  readonly tests?: Readonly<Record<string, DriftTest>>;
}

/** When a drift window closes (and a `drift` event with its report is emitted): after `rows` rows, after `ms` milliseconds, or either. */
export interface DriftWindowOptions {
  /** Rows per window (default 1000). 0 or absent with `ms` set: by time only. */
  readonly rows?: number;
  /** Milliseconds per window, checked on each predict call (default: none). */
  readonly ms?: number;
}

/** Drift monitoring options of a Predictor. */
export interface DriftOptions extends DriftThresholds {
  /** Turn drift monitoring off (default on when the version has a profile). */
  readonly enabled?: boolean;
  readonly window?: DriftWindowOptions;
}

/** Options shared by both ways to create a Predictor. */
export interface PredictorCommonOptions {
  /** The tfjs backend to run on (activated before the model loads); default: whatever tfjs has active. */
  readonly backend?: BackendName;
  readonly drift?: DriftOptions;
  /**
   * A category the model never saw: `'error'` (default) refuses the row with `UNSEEN_CATEGORY`;
   * `'encode'` lets the pipeline encode it (all zeros for one-hot with `unknown: 'ignore'`), still counted as unseen for drift.
   */
  readonly unseenCategories?: 'error' | 'encode';
  /** Strings read as missing (default: the fitted pipeline's list, else ingest's default list). */
  readonly missingValues?: readonly string[];
  /** Predictions kept for `recordOutcome` (oldest dropped first; default 10 000). */
  readonly outcomeCapacity?: number;
  /** Clock in epoch milliseconds (default `Date.now`); tests pass a fake one. */
  readonly now?: () => number;
}

/** The registry methods a Predictor needs (a `Registry` of edgeflow/registry has them). */
export interface PredictorRegistry {
  getVersion(model: string, versionOrAlias?: number | string): Promise<ModelVersion>;
  loadHandler(model: string, versionOrAlias?: number | string): tf.io.IOHandler;
}

/** Load a registered version from a registry (by number, alias or `'latest'`, the default). */
export interface RegistryPredictorOptions extends PredictorCommonOptions {
  readonly registry: PredictorRegistry;
  readonly model: string;
  readonly version?: number | string;
}

/** Wrap an already loaded model with its stored version record (pipeline, profile, signature). */
export interface LoadedPredictorOptions extends PredictorCommonOptions {
  readonly version: ModelVersion;
  readonly model: tf.LayersModel;
  /** Dispose `model` with the predictor (default true). */
  readonly disposeModel?: boolean;
}

/** Options of `createPredictor`. */
export type PredictorOptions = RegistryPredictorOptions | LoadedPredictorOptions;

/** tfjs memory as `tf.memory()` reports it. */
export interface TensorMemory {
  readonly numBytes: number;
  readonly numTensors: number;
}

/** A Predictor's performance figures (seconds). */
export interface PredictorStats {
  readonly model: string;
  readonly version: number;
  readonly backend: string;
  readonly calls: number;
  /** Rows predicted, and rows refused by code. */
  readonly rows: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly latency: {
    readonly pipeline: LatencySummary;
    readonly model: LatencySummary;
    readonly total: LatencySummary;
  };
  /** Rows per second of total predict time over all calls but the first; null before the second call. */
  readonly rowsPerSecond: number | null;
  /** Seconds of the first call (weight upload, shader compilation); null before it. */
  readonly warmupSeconds: number | null;
  readonly memory: TensorMemory;
}

/** Labelled outcomes and the label-free estimate, over the current outcome window. */
export interface AccuracySummary {
  /** Outcomes joined to predictions. */
  readonly labelled: number;
  /** Classification: accuracy, macro F1; regression: mae, rmse. Empty before any outcome. */
  readonly field: Readonly<Record<string, number>>;
  /** Classification: the mean top-class probability of the predictions in the window (CBPE); null for regression. */
  readonly estimated: number | null;
  /** Predictions the estimate covers. */
  readonly predictions: number;
  /** Classification: `matrix[actual][predicted]` counts over `classes` (an actual label the model does not know counts as wrong in `accuracy`, outside the matrix). */
  readonly confusion: {
    readonly classes: readonly string[];
    readonly matrix: readonly (readonly number[])[];
  } | null;
}

/** What `recordOutcome` did. */
export type OutcomeResult = 'recorded' | 'unknown-id' | 'duplicate';

/** Everything a Predictor exposes for export: aggregates only (no raw value, no row, no identifier). */
export interface MonitorState {
  readonly stats: PredictorStats;
  /** The report of the open window (null when drift is off or nothing was observed). */
  readonly drift: DriftReport | null;
  readonly accuracy: AccuracySummary;
}

/**
 * A loaded model version that predicts from raw rows and watches itself: latency, memory, drift
 * against the version's own profile, and field accuracy. Emits `predict`, `drift` and `accuracy`
 * events to subscribers (telemetry subscribes through `MonitorEventSource`).
 */
export interface Predictor extends MonitorEventSource {
  readonly model: string;
  readonly version: number;
  readonly backend: string;
  readonly task: 'classification' | 'regression';
  /** Classification: class names in output order; null for regression. */
  readonly classes: readonly string[] | null;
  /** The input columns the pipeline reads, with their types. */
  readonly signature: readonly { readonly name: string; readonly type: ColumnType }[];
  /** The reference profile drift is measured against (null when the version has none). */
  readonly reference: Profile | null;
  /**
   * Predicts every row it can; refused rows carry `{ code, field, message }` and never stop the batch.
   * @throws EdgeflowError `DISPOSED` after `dispose()`; `INVALID_ARGUMENT` for input that is not rows or columns.
   */
  predict(rows: PredictInput): Promise<RowResult[]>;
  /**
   * `predict` without an object per row: outputs as one `Float32Array` in input order, top classes as
   * an `Int32Array`, refused rows listed with their errors. Same checks, features, model, drift,
   * outcome memory and `predict` events as `predict`, so it is the choice for high-throughput callers.
   * @throws EdgeflowError `DISPOSED` after `dispose()`; `INVALID_ARGUMENT` for input that is not rows or columns.
   * @example
   * const batch = await predictor.predictBatch({ columns: { x1: xs, color: colors } });
   * for (let row = 0; row < batch.rows; row++) {
   *   if (batch.labels?.[row] === -1) continue; // refused: see batch.errors
   *   const label = predictor.classes?.[batch.labels?.[row] ?? 0];
   * }
   */
  predictBatch(rows: PredictInput): Promise<BatchPrediction>;
  /** Latency, throughput, warm-up and memory so far. */
  stats(): PredictorStats;
  /** The drift report of the open window, without closing it (null when drift is off). */
  driftReport(thresholds?: DriftThresholds): DriftReport | null;
  /** Closes the open window: emits and returns its report (null when nothing was observed or drift is off). */
  closeWindow(): DriftReport | null;
  /** Called with each closed window's report; returns an unsubscribe function. */
  onDrift(listener: (report: DriftReport) => void): () => void;
  /**
   * Joins the truth to an earlier prediction (by the id `predict` returned) for field accuracy.
   * @throws EdgeflowError `INVALID_ARGUMENT` for an actual of the wrong kind (a number for a classifier's class name is accepted as its string).
   */
  recordOutcome(predictionId: string, actual: string | number): OutcomeResult;
  /** Field accuracy from outcomes and the label-free estimate. */
  accuracy(): AccuracySummary;
  /** Aggregates only, safe to serialise and send. */
  exportState(): MonitorState;
  /** Frees every tensor the predictor holds (the model too, unless created with `disposeModel: false`). */
  dispose(): void;
}

/** A monitor event listener. */
export type MonitorListener = (event: MonitorEvent) => void;
