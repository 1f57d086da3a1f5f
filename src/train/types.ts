import type * as tf from '@tensorflow/tfjs';
import type { ModelSpec, ModelTask } from '../schemas/model-spec.ts';

/** What the data side knows about a prepared dataset: enough to check a spec against it. */
export interface DataShape {
  task: ModelTask;
  /** Values per row after the pipeline (for image data, height × width × channels). */
  featureCount: number;
  /** Number of classes for classification (0 or ignored for regression). */
  classCount: number;
  /** `[height, width, channels]` when rows are images; absent for tabular data. */
  inputShape?: readonly number[];
  /** Class labels in index order, so `classWeights` may name classes by label. */
  classLabels?: readonly string[];
}

/** The model-facing sizes `buildModel` needs. */
export interface ModelShape {
  featureCount: number;
  /** Classes for classification; ignored for regression (one output). */
  classCount: number;
}

/**
 * One split of prepared data, row-major: `x` holds `count × featureCount` values (images in NHWC
 * order). For classification `y` holds either one class index per row or `count × classCount`
 * one-hot values; for regression one target per row.
 */
export interface TrainSplit {
  x: Float32Array;
  y: Float32Array;
  count: number;
}

/** Metric values by name: `accuracy` for classification, `mae` for regression. */
export type MetricValues = Record<string, number>;

/**
 * A progress report: within an epoch at most once per `progressIntervalMs` (default 100 ms); every
 * epoch's end is always reported, so the last report of a run names its last epoch.
 */
export interface TrainProgress {
  /** Epoch index, from 0. */
  epoch: number;
  epochs: number;
  /** Index of the last batch trained in this epoch, from 0. */
  batch: number;
  batchesPerEpoch: number;
  /** Mean training loss over this epoch's batches so far (class-weighted when weights are set). */
  loss: number;
  /** Running training metrics over this epoch so far. */
  metrics: MetricValues;
  /** Training samples per second since the loop started (first-batch warm-up included). */
  samplesPerSecond: number;
  /** Estimated milliseconds until the last epoch ends (early stopping may end sooner). */
  etaMs: number;
  /** The tfjs backend training runs on. */
  backend: string;
  learningRate: number;
}

/** One epoch of history: plain JSON, ready for a run record. */
export interface EpochRecord {
  /** Epoch index, from 0. */
  epoch: number;
  loss: number;
  metrics: MetricValues;
  /** Validation loss (never class-weighted); null without a validation split. */
  valLoss: number | null;
  valMetrics: MetricValues | null;
  learningRate: number;
  durationMs: number;
}

/** Wall-clock figures of one training, in milliseconds. */
export interface TrainTimings {
  [name: string]: number;
  totalMs: number;
  /** Input checks and uploading the splits to the backend. */
  setupMs: number;
  /** The epoch loop, validation included. */
  trainMs: number;
  /** Forward passes over the validation split. */
  validationMs: number;
  /** Time spent waiting on backend readbacks at epoch ends. */
  readbackMs: number;
}

/** Options of `trainModel`. */
export interface TrainModelOptions {
  /** A model from `buildModel(spec, …)`; its weights are updated in place. */
  model: tf.LayersModel;
  /** The parsed spec the model was built from. */
  spec: ModelSpec;
  train: TrainSplit;
  validation?: TrainSplit;
  /** Class labels in index order (the pipeline's classes), so `spec.classWeights` may name classes by label. */
  classLabels?: readonly string[];
  onProgress?: (progress: TrainProgress) => void;
  /** Called once per finished epoch with its history entry (for run tracking). */
  onEpochEnd?: (record: EpochRecord) => void;
  /** Aborting stops training before the next batch (`CANCELLED`). */
  signal?: AbortSignal;
  /** Smallest gap between progress reports and loss readbacks; default 100 ms. */
  progressIntervalMs?: number;
}

/** What `trainModel` returns. */
export interface TrainResult {
  history: EpochRecord[];
  /** Epoch with the best monitored value (see `trainModel`); its weights are on the model when restored. */
  bestEpoch: number;
  /** True when early stopping ended training before `spec.epochs`. */
  stoppedEarly: boolean;
  /** True when the best epoch's weights were put back on the model. */
  restoredBestWeights: boolean;
  timings: TrainTimings;
  /** Training samples per second over the whole loop. */
  samplesPerSecond: number;
  backend: string;
}

/** What `parityCheck` found. */
export interface ParityResult {
  /** The backend compared against `cpu`. */
  backend: string;
  /** Largest |active − cpu| over every output value of the canary batch. */
  maxAbsDiff: number;
  /** Largest |active − cpu| / max(1, |cpu|): the figure compared with `tolerance`. */
  maxScaledDiff: number;
  tolerance: number;
  /** True when `maxScaledDiff` exceeds `tolerance`: record a warning on the run. */
  exceedsTolerance: boolean;
  /** Rows in the canary batch. */
  rows: number;
}
