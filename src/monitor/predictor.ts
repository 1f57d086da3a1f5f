// The Predictor: a registered model version that predicts from raw rows with the pipeline it was
// trained with (the one implementation in src/data/pipeline.ts, so there is no train/serve skew), and
// watches itself: latency histograms, memory, drift against its own profile, field accuracy.
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_MISSING_VALUES } from '../data/cell-values.ts';
import { inverseTransformTarget, parseFittedPipeline } from '../data/pipeline.ts';
import { EdgeflowError } from '../errors.ts';
import { activateBackend } from '../runtime/backends.ts';
import { type FittedPipeline, type Profile, profileSchema } from '../schemas/dataset.ts';
import type { DriftReport, MonitorEvent } from '../schemas/monitor.ts';
import type { ModelVersion } from '../schemas/registry.ts';
import {
  computeDriftReport,
  PREDICTION_FEATURE,
  type ResolvedThresholds,
  resolveThresholds,
} from './drift-report.ts';
import { storedDriftThresholds } from './drift-thresholds.ts';
import { DriftWindow, type WindowFeatureSpec } from './drift-window.ts';
import { ExponentialHistogramBuilder, summarizeLatency } from './exponential-histogram.ts';
import { OutcomeTracker } from './outcomes.ts';
import { type ColumnCheck, compileColumnCheck } from './row-check.ts';
import { toRowSource } from './row-input.ts';
import type {
  AccuracySummary,
  BatchPrediction,
  DriftThresholds,
  LoadedPredictorOptions,
  MonitorListener,
  MonitorState,
  OutcomeResult,
  PredictInput,
  Predictor,
  PredictorOptions,
  PredictorStats,
  RowError,
  RowResult,
} from './types.ts';

/** Rows per drift window when the options give neither rows nor time. */
export const DEFAULT_WINDOW_ROWS = 1000;
/** Predictions remembered for `recordOutcome` by default. */
export const DEFAULT_OUTCOME_CAPACITY = 10_000;

/**
 * Loads a model version and returns a Predictor for it: from a registry (by number, alias or
 * `'latest'`), or from a model already loaded plus its stored version record.
 *
 * @throws EdgeflowError `MODEL_NOT_FOUND`, `VERSION_NOT_FOUND`, `INTEGRITY_FAILED` (registry);
 * `INVALID_ARGUMENT` when the version has no fitted pipeline or its pipeline or profile is malformed;
 * `BACKEND_UNAVAILABLE` when the requested backend cannot start.
 * @example
 * const registry = await createRegistry();
 * const predictor = await createPredictor({ registry, model: 'penguins', version: 'champion' });
 * const [result] = await predictor.predict([{ bill_length_mm: 39.1, island: 'Torgersen' }]);
 * if (result.ok) console.log(result.prediction);
 * console.log(predictor.stats().latency.total.p95, predictor.driftReport());
 */
export async function createPredictor(options: PredictorOptions): Promise<Predictor> {
  if (options.backend !== undefined) await activateBackend(options.backend);
  // Without drift the profile is never read: skip parsing it (the lab predicts this way per call).
  const withProfile = options.drift?.enabled !== false;
  if ('registry' in options) {
    const version = await options.registry.getVersion(options.model, options.version ?? 'latest');
    const metadata = readVersion(version, withProfile);
    const model = await tf.loadLayersModel(options.registry.loadHandler(version.model, version.version));
    return new VersionPredictor(version, model, metadata, options, true);
  }
  const loaded = options as LoadedPredictorOptions;
  return new VersionPredictor(
    loaded.version,
    loaded.model,
    readVersion(loaded.version, withProfile),
    loaded,
    loaded.disposeModel ?? true,
  );
}

interface VersionMetadata {
  pipeline: FittedPipeline;
  profile: Profile | null;
  stored: DriftThresholds | undefined;
}

function readVersion(version: ModelVersion, withProfile: boolean): VersionMetadata {
  if (version.pipeline === null || version.pipeline === undefined) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `"${version.model}" version ${version.version} has no fitted pipeline, so raw rows cannot be turned into model inputs. Register the model through lab.register() (or registry.saveModel with { pipeline }) so its pipeline is stored with it.`,
      { details: { model: version.model, version: version.version } },
    );
  }
  const pipeline = parseFittedPipeline(version.pipeline);
  let profile: Profile | null = null;
  if (withProfile && version.profile !== null && version.profile !== undefined) {
    const parsed = profileSchema.safeParse(version.profile);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        `"${version.model}" version ${version.version} has a malformed profile (${issue ? `${issue.path.join('.')}: ${issue.message}` : parsed.error.message}); drift cannot be measured against it.`,
        { cause: parsed.error, details: { model: version.model, version: version.version } },
      );
    }
    profile = parsed.data;
  }
  return { pipeline, profile, stored: storedDriftThresholds(version) };
}

/** One call's accepted rows, model outputs and stage times, shared by `predict` and `predictBatch`. */
interface PredictCall {
  readonly rowCount: number;
  /** Input row of each accepted row, in order (row i of `values`). */
  readonly rows: Int32Array;
  readonly refused: { row: number; error: RowError }[];
  /** Model outputs, `rows.length × outputs` row-major. */
  readonly values: Float32Array;
  /** Classification: each accepted row's top class index. */
  readonly best: Int32Array | null;
  /** Regression: each accepted row's output in the target's units. */
  readonly scaled: Float64Array | null;
  /** Sequence number of the first accepted row's id (the others follow). */
  readonly firstSequence: number;
  readonly started: number;
  readonly transformed: number;
  readonly predicted: number;
}

function now(): number {
  return performance.now();
}

class VersionPredictor implements Predictor {
  readonly model: string;
  readonly version: number;
  readonly task: 'classification' | 'regression';
  readonly classes: readonly string[] | null;
  readonly signature: readonly { name: string; type: FittedPipeline['columns'][number]['type'] }[];
  readonly reference: Profile | null;

  readonly #tfModel: tf.LayersModel;
  readonly #pipeline: FittedPipeline;
  readonly #ownsModel: boolean;
  readonly #checks: ColumnCheck[];
  readonly #clock: () => number;
  readonly #listeners = new Set<MonitorListener>();
  readonly #driftListeners = new Set<(report: DriftReport) => void>();
  readonly #histograms = {
    pipeline: new ExponentialHistogramBuilder(),
    model: new ExponentialHistogramBuilder(),
    total: new ExponentialHistogramBuilder(),
  };
  readonly #outcomes: OutcomeTracker;
  readonly #thresholds: ResolvedThresholds;
  readonly #driftEnabled: boolean;
  readonly #windowRows: number;
  readonly #windowMs: number | null;
  readonly #windowFeatures: WindowFeatureSpec[];
  readonly #predictionSpec: WindowFeatureSpec | null;
  #window: DriftWindow | null;
  #calls = 0;
  #rows = 0;
  #errors: Record<string, number> = {};
  #warmupSeconds: number | null = null;
  #steadyRows = 0;
  #steadySeconds = 0;
  #sequence = 0;
  readonly #idPrefix: string;
  #disposed = false;

  constructor(
    version: ModelVersion,
    model: tf.LayersModel,
    metadata: VersionMetadata,
    options: PredictorOptions,
    ownsModel: boolean,
  ) {
    this.model = version.model;
    this.version = version.version;
    this.#idPrefix = `${version.version}.`;
    this.#tfModel = model;
    this.#pipeline = metadata.pipeline;
    this.#ownsModel = ownsModel;
    const target = metadata.pipeline.target;
    this.task = target?.task === 'regression' ? 'regression' : 'classification';
    this.classes = this.task === 'classification' ? [...(target?.classes ?? [])] : null;
    this.signature = metadata.pipeline.columns.map((c) => ({ name: c.name, type: c.type }));
    this.reference = metadata.profile;
    const missing = new Set(
      options.missingValues ?? metadata.pipeline.missingValues ?? DEFAULT_MISSING_VALUES,
    );
    this.#checks = metadata.pipeline.columns.map((c) =>
      compileColumnCheck(c, missing, options.unseenCategories ?? 'error'),
    );
    this.#clock = options.now ?? Date.now;
    this.#outcomes = new OutcomeTracker(
      this.task,
      this.classes ?? [],
      options.outcomeCapacity ?? DEFAULT_OUTCOME_CAPACITY,
    );
    const drift = options.drift;
    this.#thresholds = resolveThresholds(metadata.stored, drift);
    this.#driftEnabled = metadata.profile !== null && drift?.enabled !== false;
    const windowOptions = drift?.window;
    this.#windowMs = windowOptions?.ms ?? null;
    this.#windowRows = windowOptions?.rows ?? (this.#windowMs === null ? DEFAULT_WINDOW_ROWS : 0);
    this.#windowFeatures = this.#checks.map((c) => ({ name: c.name, kind: c.kind, float32: c.float32 }));
    const targetColumn = target ? metadata.profile?.columns.find((c) => c.name === target.name) : undefined;
    this.#predictionSpec = targetColumn
      ? { name: PREDICTION_FEATURE, kind: targetColumn.kind, float32: false }
      : null;
    this.#window = this.#driftEnabled ? this.#newWindow() : null;
  }

  get backend(): string {
    return tf.getBackend() ?? 'none';
  }

  #newWindow(): DriftWindow {
    const window = new DriftWindow(this.#windowFeatures, this.#predictionSpec);
    if (this.classes !== null) window.presetClasses(this.classes);
    return window;
  }

  subscribe(listener: MonitorListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onDrift(listener: (report: DriftReport) => void): () => void {
    this.#driftListeners.add(listener);
    return () => this.#driftListeners.delete(listener);
  }

  #emit(event: MonitorEvent): void {
    for (const listener of this.#listeners) {
      // A listener's failure (telemetry, the app) must never fail a prediction.
      try {
        listener(event);
      } catch {
        // Deliberately ignored: see above.
      }
    }
  }

  #assertLive(): void {
    if (this.#disposed) {
      throw new EdgeflowError(
        'DISPOSED',
        `The predictor of "${this.model}" v${this.version} was disposed; create a new one.`,
        {
          details: { model: this.model, version: this.version },
        },
      );
    }
  }

  async predict(input: PredictInput): Promise<RowResult[]> {
    this.#assertLive();
    const call = await this.#run(input);
    const { rowCount, rows, refused, values, best, scaled, firstSequence } = call;
    const results: RowResult[] = new Array<RowResult>(rowCount);
    for (const { row, error } of refused) results[row] = { ok: false, error };
    const prefix = this.#idPrefix;
    const classes = this.classes;
    if (classes !== null && best !== null) {
      const k = classes.length;
      for (let i = 0; i < rows.length; i++) {
        const probabilities: Record<string, number> = {};
        for (let j = 0; j < k; j++) probabilities[classes[j] as string] = values[i * k + j] as number;
        results[rows[i] as number] = {
          ok: true,
          id: `${prefix}${(firstSequence + i).toString(36)}`,
          prediction: { label: classes[best[i] as number] ?? '', probabilities },
        };
      }
    } else if (scaled !== null) {
      for (let i = 0; i < rows.length; i++) {
        results[rows[i] as number] = {
          ok: true,
          id: `${prefix}${(firstSequence + i).toString(36)}`,
          prediction: { value: scaled[i] as number },
        };
      }
    }
    this.#finishCall(call);
    return results;
  }

  async predictBatch(input: PredictInput): Promise<BatchPrediction> {
    this.#assertLive();
    const call = await this.#run(input);
    const { rowCount, rows, refused, values, best, scaled, firstSequence } = call;
    const width = this.classes?.length ?? 1;
    let outputs: Float32Array;
    let labels: Int32Array | null = null;
    // Row position → index among the predicted rows (their sequence offset), -1 when refused.
    const position = new Int32Array(rowCount).fill(-1);
    for (let i = 0; i < rows.length; i++) position[rows[i] as number] = i;
    if (refused.length === 0 && scaled === null) outputs = values;
    else {
      outputs = new Float32Array(rowCount * width).fill(Number.NaN);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i] as number;
        if (scaled !== null) outputs[row] = scaled[i] as number;
        else outputs.set(values.subarray(i * width, (i + 1) * width), row * width);
      }
    }
    if (best !== null) {
      labels = new Int32Array(rowCount).fill(-1);
      for (let i = 0; i < rows.length; i++) labels[rows[i] as number] = best[i] as number;
    }
    const prefix = this.#idPrefix;
    const batch: BatchPrediction = {
      rows: rowCount,
      width,
      outputs,
      labels,
      errors: refused,
      id(row: number): string | null {
        const at = position[row];
        return at === undefined || at < 0 ? null : `${prefix}${(firstSequence + at).toString(36)}`;
      },
    };
    this.#finishCall(call);
    return batch;
  }

  /**
   * The shared part of `predict` and `predictBatch`: one pass over the cells that checks them,
   * counts them for drift and writes the features of the accepted rows; the model; then the
   * per-prediction monitoring (outcome memory, the prediction's drift).
   */
  async #run(input: PredictInput): Promise<PredictCall> {
    const source = toRowSource(input);
    const started = now();
    const n = source.rowCount;
    const width = this.#pipeline.featureCount;
    const window = this.#window;
    const checks = this.#checks;
    // Column by column (each column's reader resolved once, one check per loop): the features of
    // input row r go to r × width; the accepted rows are then packed to the front in input order.
    // A row's error is its first in column order, as a row-by-row pass would find it.
    const features = new Float32Array(n * width);
    const rowErrors: (RowError | null)[] = new Array<RowError | null>(n).fill(null);
    let refusedCount = 0;
    for (let c = 0; c < checks.length; c++) {
      const check = checks[c] as ColumnCheck;
      refusedCount += check.encodeColumn(source.column(check.name), n, features, width, window, c, rowErrors);
    }
    const rows = new Int32Array(n - refusedCount);
    const refused: { row: number; error: RowError }[] = [];
    let kept = 0;
    for (let row = 0; row < n; row++) {
      const error = rowErrors[row] as RowError | null;
      if (error === null) {
        if (kept !== row) features.copyWithin(kept * width, row * width, (row + 1) * width);
        rows[kept++] = row;
      } else {
        refused.push({ row, error });
        this.#errors[error.code] = (this.#errors[error.code] ?? 0) + 1;
      }
    }
    const transformed = now();
    let values: Float32Array = new Float32Array(0);
    if (kept > 0) {
      const output = tf.tidy(() => {
        const x = tf.tensor2d(features.subarray(0, kept * width), [kept, width]);
        return this.#tfModel.predict(x) as tf.Tensor;
      });
      try {
        values = (await output.data()) as Float32Array;
      } finally {
        output.dispose();
      }
    }
    const predicted = now();
    const firstSequence = this.#sequence + 1;
    this.#sequence += kept;
    let best: Int32Array | null = null;
    let scaled: Float64Array | null = null;
    const classes = this.classes;
    if (classes !== null) {
      const k = classes.length;
      best = new Int32Array(kept);
      for (let i = 0; i < kept; i++) {
        let top = 0;
        let topValue = values[i * k] ?? 0;
        for (let j = 1; j < k; j++) {
          const p = values[i * k + j] ?? 0;
          if (p > topValue) {
            top = j;
            topValue = p;
          }
        }
        best[i] = top;
        this.#outcomes.remember(firstSequence + i, top, topValue);
        window?.observePredictedClass(top);
      }
    } else {
      scaled = inverseTransformTarget(this.#pipeline, values.subarray(0, kept));
      for (let i = 0; i < kept; i++) {
        const value = scaled[i] as number;
        this.#outcomes.remember(firstSequence + i, value, null);
        window?.observePrediction(value);
      }
    }
    return {
      rowCount: n,
      rows,
      refused,
      values,
      best,
      scaled,
      firstSequence,
      started,
      transformed,
      predicted,
    };
  }

  /** Latency histograms, counters, the `predict` event and the window's close, once the output is built. */
  #finishCall(call: PredictCall): void {
    const finished = now();
    const n = call.rowCount;
    const seconds = {
      pipeline: (call.transformed - call.started) / 1000,
      model: (call.predicted - call.transformed) / 1000,
      total: (finished - call.started) / 1000,
    };
    this.#histograms.pipeline.record(seconds.pipeline);
    this.#histograms.model.record(seconds.model);
    this.#histograms.total.record(seconds.total);
    const warmup = this.#calls === 0;
    if (warmup) this.#warmupSeconds = seconds.total;
    else {
      this.#steadyRows += n;
      this.#steadySeconds += seconds.total;
    }
    this.#calls++;
    this.#rows += call.rows.length;
    const errors: Record<string, number> = {};
    for (const { error } of call.refused) errors[error.code] = (errors[error.code] ?? 0) + 1;
    this.#emit({
      type: 'predict',
      model: this.model,
      version: this.version,
      backend: this.backend,
      rows: n,
      errors,
      seconds,
      warmup,
    });
    const window = this.#window;
    if (window !== null) {
      window.addRows(n, this.#clock());
      this.#maybeCloseWindow();
    }
  }

  #maybeCloseWindow(): void {
    const window = this.#window;
    if (window === null || window.rows === 0) return;
    const byRows = this.#windowRows > 0 && window.rows >= this.#windowRows;
    const byTime =
      this.#windowMs !== null && window.start !== null && this.#clock() - window.start >= this.#windowMs;
    if (byRows || byTime) this.closeWindow();
  }

  driftReport(thresholds?: DriftThresholds): DriftReport | null {
    if (this.#window === null || this.reference === null) return null;
    return computeDriftReport({
      model: this.model,
      version: this.version,
      reference: this.reference,
      window: this.#window.snapshot(),
      thresholds: thresholds ? resolveThresholds(this.#thresholds, thresholds) : this.#thresholds,
      predictionReference: this.#pipeline.target?.name ?? null,
    });
  }

  closeWindow(): DriftReport | null {
    if (this.#window === null || this.#window.rows === 0) return null;
    const report = this.driftReport();
    this.#window.reset();
    if (report === null) return null;
    this.#emit({ type: 'drift', report });
    for (const listener of this.#driftListeners) {
      try {
        listener(report);
      } catch {
        // A drift listener's failure must not stop monitoring.
      }
    }
    const accuracy = this.#outcomes.summary();
    this.#emit({
      type: 'accuracy',
      model: this.model,
      version: this.version,
      field: { ...accuracy.field },
      estimated: accuracy.estimated,
      labelled: accuracy.labelled,
    });
    this.#outcomes.resetWindow();
    return report;
  }

  recordOutcome(predictionId: string, actual: string | number): OutcomeResult {
    // Ids are `<version>.<sequence in base 36>`: an id of another version or predictor is unknown here.
    const sequence = predictionId.startsWith(this.#idPrefix)
      ? Number.parseInt(predictionId.slice(this.#idPrefix.length), 36)
      : Number.NaN;
    return this.#outcomes.record(predictionId, Number.isSafeInteger(sequence) ? sequence : null, actual);
  }

  accuracy(): AccuracySummary {
    return this.#outcomes.summary();
  }

  stats(): PredictorStats {
    const memory = tf.memory();
    return {
      model: this.model,
      version: this.version,
      backend: this.backend,
      calls: this.#calls,
      rows: this.#rows,
      errors: { ...this.#errors },
      latency: {
        pipeline: summarizeLatency(this.#histograms.pipeline.toJSON()),
        model: summarizeLatency(this.#histograms.model.toJSON()),
        total: summarizeLatency(this.#histograms.total.toJSON()),
      },
      rowsPerSecond: this.#steadySeconds > 0 ? this.#steadyRows / this.#steadySeconds : null,
      warmupSeconds: this.#warmupSeconds,
      memory: { numBytes: memory.numBytes, numTensors: memory.numTensors },
    };
  }

  exportState(): MonitorState {
    return { stats: this.stats(), drift: this.driftReport(), accuracy: this.accuracy() };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#ownsModel) this.#tfModel.dispose();
    this.#listeners.clear();
    this.#driftListeners.clear();
    this.#window = null;
  }
}
