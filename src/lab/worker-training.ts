import * as tf from '@tensorflow/tfjs';
import { inverseTransformTarget, parseFittedPipeline } from '../data/pipeline.ts';
import type { PreparedSplits } from '../data/prepare.ts';
import { prepareSplits, prepareTrainingData } from '../data/prepare.ts';
import { checkSplit, splitForRun } from '../data/split.ts';
import type { LoadedDataset, PreparedData } from '../data/types.ts';
import { EdgeflowError, isEdgeflowError, toEdgeflowError } from '../errors.ts';
import {
  computeClassificationMetrics,
  computeRegressionMetrics,
  evaluateGate,
  flattenMetrics,
  parseGateThresholds,
} from '../evaluate/index.ts';
import { createPredictor } from '../monitor/predictor.ts';
import { createRegistry, type Registry } from '../registry/registry.ts';
import type { DatasetSummary, FittedPipeline } from '../schemas/dataset.ts';
import type { MetricReport } from '../schemas/metrics.ts';
import type { ModelSpec, ModelSpecInput } from '../schemas/model-spec.ts';
import type { ModelVersion, Run } from '../schemas/registry.ts';
import {
  buildModel,
  checkSpecFitsData,
  jobProfileOf,
  parityCheck,
  parseModelSpec,
  trainModel,
} from '../train/index.ts';
import type { ParityResult } from '../train/types.ts';
import { datasetFromRecord, datasetMeta, datasetToChunks } from './dataset-persistence.ts';
import type {
  Prediction,
  PromoteOptions,
  PromotionResult,
  RetrainGate,
  TrainRunProgress,
  WorkerRetrainRequest,
} from './training-types.ts';
import type { LabWorkerContext } from './worker-api.ts';
import { releaseCallback } from './worker-datasets.ts';

/** Held-out fractions when the caller gives none. */
const DEFAULT_SPLIT = { validation: 0.15, test: 0.15 } as const;
/** Test rows whose predictions a regression run keeps for plotting. */
const PREDICTION_SAMPLE = 500;
/** Rows in the parity canary batch. */
const CANARY_ROWS = 32;

/**
 * Regression metrics of the training loop (computed on the standardised target) in the target's
 * units: an absolute error scales with the target's standard deviation.
 */
export function scaleRegressionMetrics(
  values: Readonly<Record<string, number>>,
  scale: number,
): Record<string, number> {
  const out: Record<string, number> = { ...values };
  if (typeof values.mae === 'number') out.mae = values.mae * scale;
  return out;
}

/**
 * At most `PREDICTION_SAMPLE` test rows' actual and predicted values (target units), with how many
 * test rows there were. Test rows are in file order, so a larger test split is sampled at an even
 * stride over all of it (a file sorted by the target still gives the whole range); rows whose
 * prediction is not finite are left out (JSON has no NaN).
 */
export function predictionSample(
  actual: Float64Array,
  predicted: Float64Array,
): { actual: number[]; predicted: number[]; testRows: number } {
  const a: number[] = [];
  const p: number[] = [];
  const n = actual.length;
  const picks = Math.min(n, PREDICTION_SAMPLE);
  for (let k = 0; k < picks; k++) {
    const i = Math.floor((k * n) / picks);
    const x = actual[i] as number;
    const y = predicted[i] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    a.push(x);
    p.push(y);
  }
  return { actual: a, predicted: p, testRows: actual.length };
}

/** What a run stores as its `spec`: the parsed model spec plus how the rows were split. */
interface StoredRunSpec extends ModelSpec {
  split: RunSplit;
}

/** How a run's rows were split: shares, and for a k-fold cross-validation which fold is the test part. */
type RunSplit = { validation: number; test: number; folds?: number; fold?: number };

/** A finished run's model, kept in the worker that trained it until it is registered. */
interface TrainedRun {
  model: tf.LayersModel;
  pipeline: FittedPipeline;
  dataset: LoadedDataset;
  metrics: Record<string, number | null>;
  report: MetricReport;
}

/** A registry version loaded for promote or predict, with how many jobs use it now. */
interface LoadedEntry {
  loading: Promise<{ model: tf.LayersModel; version: ModelVersion }>;
  users: number;
  lastUsed: number;
}

/** Loaded versions kept for reuse; the least recently used idle ones beyond this are disposed. */
const LOADED_VERSIONS_KEPT = 2;
/** Run ids remembered at most per list (early cancels, registered runs): neither may pile up. */
const REMEMBERED_RUN_IDS = 256;

/**
 * A version's stored pipeline, checked: the lab can only score or serve a version that carries the
 * fitted pipeline its model was trained behind.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` when the version has no pipeline (saved with
 *   `registry.saveModel` or a tfjs save handler) or the stored one is malformed (naming the field).
 */
function storedPipeline(version: ModelVersion): FittedPipeline {
  if (version.pipeline === null || version.pipeline === undefined) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `${version.model} v${version.version} has no fitted pipeline (it was saved with registry.saveModel or a tfjs save handler), so the lab cannot turn raw rows into its inputs. Register a lab run instead (lab.register), or save the model with its pipeline.`,
      { details: { model: version.model, version: version.version } },
    );
  }
  try {
    return parseFittedPipeline(version.pipeline);
  } catch (error) {
    const cause = toEdgeflowError(error, 'INVALID_ARGUMENT');
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `${version.model} v${version.version} has a stored pipeline the lab cannot use: ${cause.message}`,
      { details: { model: version.model, version: version.version, ...cause.details }, cause: error },
    );
  }
}

/** The settings `train` receives from the main thread. */
export interface WorkerTrainRequest {
  runId: string;
  datasetId: string;
  spec: ModelSpecInput;
  split?: { validation?: number; test?: number; folds?: number; fold?: number };
  tags?: string[];
  /** Bytes only drafts may use on disk; older drafts beyond it are pruned (default 256 MiB). */
  draftBudgetBytes?: number;
}

/** The default budget of drafts (finished runs' models kept in IndexedDB until registered). */
export const DEFAULT_DRAFT_BUDGET_BYTES = 256 * 1024 * 1024;

/** What registering a trained run stores besides its weights: pipeline, profile, signature, metrics, lineage. */
function runVersionMetadata(runId: string, run: TrainedRun) {
  const signature = {
    columns: run.dataset.schema.columns
      .filter((c) => c.role === 'feature')
      .map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })),
    target: run.dataset.schema.target,
  };
  return {
    pipeline: run.pipeline as never,
    profile: run.dataset.profile as never,
    signature: signature as never,
    metrics: { ...run.metrics, report: run.report as never },
    runId,
    datasetFingerprint: run.dataset.fingerprint,
  };
}

/**
 * The training, registry and prediction part of the lab worker API. Runs are tracked in the
 * registry from here, and weights go from the model into IndexedDB without leaving the worker.
 */
export function createTrainingMethods(context: LabWorkerContext) {
  let registryPromise: Promise<Registry> | undefined;
  const registry = (): Promise<Registry> => {
    registryPromise ??= createRegistry();
    return registryPromise;
  };
  const trained = new Map<string, TrainedRun>();
  const controllers = new Map<string, AbortController>();
  // Cancels that arrived before their run reached this worker (the train call waits for the
  // dataset to be stored first; the cancel does not): the run starts already aborted.
  const cancelledEarly = new Set<string>();
  // Runs registered from this worker (their models were freed then), to say so on a second register.
  const registeredRuns = new Map<string, { model: string; version: number }>();
  const loadedVersions = new Map<string, LoadedEntry>();

  /** A dataset by id: loaded in this worker, or stored by another worker (ids are fingerprints). */
  async function datasetById(id: string): Promise<LoadedDataset> {
    const local = context.datasets.find(id);
    if (local) return local;
    // Loaded by another worker (or an earlier session): read it from the registry and keep it here.
    const reg = await registry();
    const record = await reg.getDataset(id).catch((error: unknown) => {
      throw new EdgeflowError(
        'DATASET_NOT_FOUND',
        `No dataset "${id}" is loaded or stored; load it with lab.loadDataset() first.`,
        {
          details: { datasetId: id },
          cause: error,
        },
      );
    });
    return context.datasets.put(datasetFromRecord(record, await reg.readDatasetChunks(id)));
  }

  // Datasets this worker already stored (or found stored): copying the table into chunks again
  // only to have the registry deduplicate them is wasted work on every run.
  const persisted = new Set<string>();
  async function persistDataset(dataset: LoadedDataset): Promise<void> {
    if (persisted.has(dataset.fingerprint)) return;
    const reg = await registry();
    if (
      await reg.getDataset(dataset.fingerprint).then(
        () => true,
        () => false,
      )
    ) {
      persisted.add(dataset.fingerprint);
      return;
    }
    await reg.putDataset({
      fingerprint: dataset.fingerprint,
      name: dataset.name,
      schema: datasetMeta(dataset) as never,
      profile: dataset.profile as never,
      rowCount: dataset.table.rowCount,
      chunks: datasetToChunks(dataset),
    });
    persisted.add(dataset.fingerprint);
  }

  // Candidates trained side by side on the same dataset, seed and split get identical prepared
  // arrays (the pipeline is fitted on the same training rows), so the last few are kept.
  const preparedCache = new Map<string, PreparedSplits>();
  const PREPARED_CACHE_SIZE = 2;
  /**
   * The run's split, checked (before any run record exists) and prepared with the one shared
   * `prepareSplits` (fit on the training rows only).
   *
   * @throws EdgeflowError `INVALID_ARGUMENT` for an empty part the run needs (see `checkSplit`).
   */
  function prepareRunSplits(dataset: LoadedDataset, seed: number, split: RunSplit, needsValidation: boolean) {
    const rows = splitForRun(dataset, { seed, ...split });
    checkSplit(rows, { ...split, needsValidation });
    const key = `${dataset.fingerprint}|${seed}|${split.validation}|${split.test}|${split.folds ?? ''}|${split.fold ?? ''}`;
    const known = preparedCache.get(key);
    if (known) return known;
    const prepared = prepareSplits(dataset, rows);
    preparedCache.set(key, prepared);
    for (const old of preparedCache.keys()) {
      if (preparedCache.size <= PREPARED_CACHE_SIZE) break;
      preparedCache.delete(old);
    }
    return prepared;
  }

  async function evaluateOn(model: tf.LayersModel, data: PreparedData): Promise<MetricReport> {
    return (await evaluateWithPredictions(model, data)).report;
  }

  /** Metrics on `data`, plus (regression) actual and predicted values in original units. */
  async function evaluateWithPredictions(
    model: tf.LayersModel,
    data: PreparedData,
  ): Promise<{ report: MetricReport; actual: Float64Array | null; predicted: Float64Array | null }> {
    // The model's own input shape: flat rows for dense models, [h, w, c] images for a cnn.
    const featureShape = model.inputs[0]?.shape.slice(1) as number[] | undefined;
    const shape = [data.rowCount, ...(featureShape ?? [data.featureCount])];
    const output = tf.tidy(() => model.predict(tf.tensor(data.features, shape, 'float32')) as tf.Tensor);
    const predicted = (await output.data()) as Float32Array;
    output.dispose();
    if (data.task === 'classification') {
      const report = computeClassificationMetrics({
        yTrue: data.targets,
        probabilities: predicted,
        classNames: data.classes ?? [],
      });
      return { report, actual: null, predicted: null };
    }
    const actual = inverseTransformTarget(data.pipeline, data.targets);
    const values = inverseTransformTarget(data.pipeline, predicted);
    return { report: computeRegressionMetrics(actual, values), actual, predicted: values };
  }

  let useClock = 0;
  /**
   * The cache entry of `version`, created (loading starts) when missing, with one more user taken
   * synchronously: no eviction can dispose it between the lookup and the job that uses it. The
   * caller must give the user back (`users--`).
   */
  function acquireVersion(reg: Registry, version: ModelVersion): LoadedEntry {
    const key = `${version.model}@${version.version}`;
    let entry = loadedVersions.get(key);
    if (!entry) {
      const loading = tf
        .loadLayersModel(reg.loadHandler(version.model, version.version))
        .then((model) => ({ model, version }));
      const created: LoadedEntry = { loading, users: 0, lastUsed: 0 };
      entry = created;
      loadedVersions.set(key, created);
      loading.catch(() => {
        if (loadedVersions.get(key) === created) loadedVersions.delete(key);
      });
    }
    entry.users++;
    entry.lastUsed = ++useClock;
    return entry;
  }

  /** Disposes the least recently used loaded versions no job uses, beyond `LOADED_VERSIONS_KEPT`. */
  async function evictIdleVersions(): Promise<void> {
    const idle = [...loadedVersions.entries()]
      .filter(([, entry]) => entry.users === 0)
      .sort(([, a], [, b]) => b.lastUsed - a.lastUsed);
    for (const [key, entry] of idle.slice(LOADED_VERSIONS_KEPT)) {
      loadedVersions.delete(key);
      await entry.loading.then(
        ({ model }) => model.dispose(),
        () => undefined,
      );
    }
  }

  /**
   * Runs `fn` with a loaded version (pipeline checked) that stays loaded while `fn` runs; idle
   * versions beyond the few kept are disposed afterwards, so a loop over many versions keeps
   * memory flat.
   *
   * @throws EdgeflowError `INVALID_ARGUMENT` when the version's stored pipeline is missing or malformed.
   */
  async function withVersion<T>(
    modelName: string,
    versionOrAlias: number | string,
    fn: (loaded: { model: tf.LayersModel; version: ModelVersion; pipeline: FittedPipeline }) => Promise<T>,
  ): Promise<T> {
    // Inference needs no more than dense training does; reuse that choice (and its probe).
    await context.ensureBackend('dense-train');
    const reg = await registry();
    const version = await reg.getVersion(modelName, versionOrAlias);
    // The reference is held from the lookup on, so a concurrent job's eviction (after a promote or
    // another predict) cannot dispose the model while this job waits for it or uses it.
    const entry = acquireVersion(reg, version);
    try {
      const loaded = await entry.loading;
      return await fn({ ...loaded, pipeline: storedPipeline(loaded.version) });
    } finally {
      entry.users--;
      await evictIdleVersions();
    }
  }

  /** The rows a run held out for testing, re-derived from its stored seed and split. */
  async function heldOutRows(version: ModelVersion) {
    if (!version.runId || !version.datasetFingerprint) {
      throw new EdgeflowError(
        'DATASET_NOT_FOUND',
        `${version.model} v${version.version} has no run or dataset lineage, so there are no held-out rows to re-evaluate it on.`,
        { details: { model: version.model, version: version.version } },
      );
    }
    const reg = await registry();
    const run = await reg.getRun(version.runId);
    const spec = run.spec as unknown as StoredRunSpec;
    const dataset = await datasetById(version.datasetFingerprint);
    const split = splitForRun(dataset, { seed: spec.seed, ...spec.split });
    return { dataset, rows: split.test };
  }

  /**
   * The rows to score a candidate and a baseline on: the candidate's test rows that the baseline
   * also held out (neither trained nor early-stopped on them) when the baseline's run is known on
   * the same dataset; else the candidate's test rows, with a note that the baseline may have seen
   * them.
   *
   * @throws EdgeflowError `GATE_FAILED` when the two runs share no held-out row.
   */
  async function gateRows(candidate: ModelVersion, baseline: ModelVersion | null) {
    const { dataset, rows } = await heldOutRows(candidate);
    const fingerprint = dataset.fingerprint;
    // The candidate's own test rows, with a note when the baseline may have trained on some.
    const candidateHoldout = (note: string | null) => ({
      dataset,
      rows,
      evaluation: {
        basis: 'candidate-holdout',
        rows: rows.length,
        datasetFingerprint: fingerprint,
        note,
      } as const,
    });
    if (baseline === null) return candidateHoldout(null);
    const sameData = baseline.datasetFingerprint === fingerprint && Boolean(baseline.runId);
    const baselineRun = sameData
      ? await (await registry()).getRun(baseline.runId as string).catch(() => null)
      : null;
    if (!baselineRun) {
      const why = !baseline.runId
        ? 'has no run lineage'
        : baseline.datasetFingerprint !== fingerprint
          ? 'was trained on another dataset'
          : 'has no stored run';
      return candidateHoldout(
        `Baseline v${baseline.version} ${why}, so which of these rows it trained on is unknown; its score may be inflated.`,
      );
    }
    const spec = baselineRun.spec as unknown as StoredRunSpec;
    const baselineTest = new Set(splitForRun(dataset, { seed: spec.seed, ...spec.split }).test);
    const shared = rows.filter((row) => baselineTest.has(row));
    if (shared.length === 0) {
      throw new EdgeflowError(
        'GATE_FAILED',
        `${candidate.model} v${candidate.version} and baseline v${baseline.version} share no held-out row (their runs split the data with other seeds or shares), so the gate cannot compare them on unseen data. Train the candidate with the baseline's seed (${spec.seed}) and split, or raise split.test.`,
        {
          details: {
            model: candidate.model,
            candidate: candidate.version,
            baseline: baseline.version,
            candidateRows: rows.length,
            baselineRows: baselineTest.size,
          },
        },
      );
    }
    return {
      dataset,
      rows: shared,
      evaluation: {
        basis: 'shared-holdout',
        rows: shared.length,
        datasetFingerprint: fingerprint,
        note:
          shared.length < rows.length
            ? `${rows.length - shared.length} of the candidate's ${rows.length} test rows were left out: baseline v${baseline.version} trained or validated on them.`
            : null,
      } as const,
    };
  }

  return {
    /**
     * Trains a spec on a dataset as run `runId`: split (seeded, stratified), fit the pipeline on
     * the training rows only, check the spec fits, pick the backend for the job, parity-check it,
     * train with progress, evaluate on the test rows, and track it all in the registry.
     *
     * @throws EdgeflowError `SPEC_INVALID`, `DATASET_NOT_FOUND`, `BACKEND_UNAVAILABLE`,
     *   `TRAINING_DIVERGED`, `CANCELLED` (the run records the same error).
     */
    async train(
      request: WorkerTrainRequest,
      onProgress?: (progress: TrainRunProgress) => void,
    ): Promise<Run> {
      const { runId } = request;
      const controller = new AbortController();
      controllers.set(runId, controller);
      // Cancelled before this call arrived (issue 17, defect 3): the run starts aborted.
      if (cancelledEarly.delete(runId)) controller.abort();
      // Through comlink, `onProgress` is a proxy whose calls return promises; progress is best effort.
      const report = (progress: Omit<TrainRunProgress, 'runId'>): void => {
        void Promise.resolve(onProgress?.({ runId, ...progress })).catch(() => undefined);
      };
      const reg = await registry();
      let model: tf.LayersModel | undefined;
      let runCreated = false;
      let draftKept = false;
      try {
        report({ phase: 'preparing' });
        const startedAt = performance.now();
        const phase: Record<string, number> = {};
        let mark = startedAt;
        const lap = (name: string): void => {
          const now = performance.now();
          phase[name] = now - mark;
          mark = now;
        };
        // Parsed twice: the seed and the monitor shape the split; the defaults that depend on the
        // training-set size (epochs for a minimum number of steps, issue 16 point 12) come after it.
        const written = parseModelSpec(request.spec);
        const split = { ...DEFAULT_SPLIT, ...request.split };
        const dataset = await datasetById(request.datasetId);
        const { train, validation, test } = prepareRunSplits(
          dataset,
          written.seed,
          split,
          written.earlyStopping?.monitor.startsWith('val_') === true,
        );
        const spec = parseModelSpec(request.spec, { trainRows: Math.max(1, train.rowCount) });
        // Rows are flat feature vectors; a cnn reads them as images of its declared shape when the
        // widths agree (pixels row by row), otherwise the fit check names the mismatch.
        const arch = spec.architecture;
        const imageWidth = arch.type === 'cnn' ? arch.inputShape.reduce((a, b) => a * b, 1) : 0;
        checkSpecFitsData(spec, {
          task: train.task,
          featureCount: train.featureCount,
          ...(arch.type === 'cnn' && imageWidth === train.featureCount
            ? { inputShape: arch.inputShape }
            : {}),
          classCount: train.classes?.length ?? 0,
          ...(train.classes ? { classLabels: train.classes } : {}),
        });
        // After the fit checks, so a spec that cannot fit the data is reported as such, not as a backend problem.
        const job = jobProfileOf(spec);
        // Each tfjs section runs through the gate, re-activating this job's backend first: another
        // job of this worker (a parity check, a conv job) may have switched it in between.
        const onBackend = <T>(key: string, fn: () => Promise<T>): Promise<T> =>
          context.backendGate.use(key, async () => {
            await context.ensureBackend(job);
            return fn();
          });
        const runtime = await context.backendGate.use(job, () => context.ensureBackend(job));
        const runtimeSummary = { backend: runtime.backend, reason: runtime.reason, adapter: runtime.adapter };
        lap('prepareMs');
        await reg.createRun({
          id: runId,
          spec: { ...spec, split } as never,
          datasetFingerprint: dataset.fingerprint,
          pipeline: train.pipeline as never,
          backend: runtime.backend,
          adapter: runtime.adapter as never,
          seed: spec.seed,
          tags: request.tags ?? [],
        });
        runCreated = true;
        // A cancel that came while the run was being set up wins now: the run is recorded as cancelled.
        if (controller.signal.aborted) {
          throw new EdgeflowError('CANCELLED', `Run ${runId} was cancelled before training started.`, {
            details: { runId, epoch: 0, batch: 0, batchesRun: 0 },
          });
        }
        // Stored so another worker (or a later session) can re-evaluate on the same rows.
        await persistDataset(dataset);
        lap('trackingMs');

        // History is appended in order; each write waits for the previous one.
        let historyWrites: Promise<unknown> = Promise.resolve();
        // The loop's metrics (MAE) are on the standardised target; runs report them in the target's
        // own units, like the test metrics (issue 18, point 2). The loss stays what was minimised.
        const targetScale = train.task === 'regression' ? (train.pipeline.target?.scale ?? 1) : null;
        const inTargetUnits = (values: Record<string, number>): Record<string, number> =>
          targetScale === null ? values : scaleRegressionMetrics(values, targetScale);
        const result = await onBackend(job, async () => {
          model = buildModel(spec, {
            featureCount: train.featureCount,
            classCount: train.classes?.length ?? 0,
          });
          lap('buildMs');
          return trainModel({
            model,
            spec,
            train: { x: train.features, y: train.targets, count: train.rowCount },
            ...(train.classes ? { classLabels: train.classes } : {}),
            ...(validation.rowCount > 0
              ? { validation: { x: validation.features, y: validation.targets, count: validation.rowCount } }
              : {}),
            signal: controller.signal,
            onProgress: (p) =>
              report({
                phase: 'training',
                ...p,
                metrics: inTargetUnits(p.metrics),
                lossName: spec.loss,
                ...(targetScale === null ? {} : { targetScale }),
                runtime: runtimeSummary,
              }),
            onEpochEnd: (record) => {
              const stored = {
                ...record,
                metrics: inTargetUnits(record.metrics),
                valMetrics: record.valMetrics ? inTargetUnits(record.valMetrics) : null,
              };
              historyWrites = historyWrites.then(() =>
                reg.updateRun(runId, { appendHistory: [stored as never] }),
              );
            },
          });
        });
        const trainedModel = model as unknown as tf.LayersModel;
        await historyWrites;
        lap('fitMs');
        report({ phase: 'evaluating', runtime: runtimeSummary });
        // Parity on the trained weights: the canary batch on this backend against cpu.
        const canaryRows = Math.min(CANARY_ROWS, test.rowCount || train.rowCount);
        const canarySource = test.rowCount > 0 ? test.features : train.features;
        let parity: ParityResult | null = null;
        if (runtime.backend !== 'cpu' && canaryRows > 0) {
          // The check switches this worker's backend to cpu and back: no other job may run meanwhile.
          parity = await onBackend(`parity:${runId}`, () =>
            parityCheck(trainedModel, canarySource.subarray(0, canaryRows * train.featureCount)),
          );
        }
        lap('parityMs');
        const {
          report: evaluation,
          actual,
          predicted,
        } = await onBackend(job, () => evaluateWithPredictions(trainedModel, test));
        // A capped sample of test predictions, for predicted-vs-actual plots (regression).
        const predictions = actual && predicted ? predictionSample(actual, predicted) : null;
        const metrics = flattenMetrics(evaluation);
        const trainedRun: TrainedRun = {
          model: trainedModel,
          pipeline: train.pipeline,
          dataset,
          metrics,
          report: evaluation,
        };
        trained.set(runId, trainedRun);
        // Also kept in IndexedDB as a draft, so the run can be registered after a reload or from
        // another lab (issue 16, point 5). Best effort: without it the model still waits here.
        draftKept = await onBackend(job, () =>
          reg.saveDraft(runId, trainedModel, runVersionMetadata(runId, trainedRun)).then(
            () => true,
            () => false,
          ),
        );
        if (draftKept) {
          await reg
            .pruneDrafts({ maxBytes: request.draftBudgetBytes ?? DEFAULT_DRAFT_BUDGET_BYTES, keep: [runId] })
            .catch(() => undefined);
        }
        lap('draftMs');
        const finished = await reg.updateRun(runId, {
          status: 'finished',
          metrics: {
            ...metrics,
            report: evaluation as never,
            // Top level, where `lab.runs` readers look for it (issue 18, point 1).
            ...(predictions ? { predictions: predictions as never } : {}),
            testRows: test.rowCount,
            trainRows: train.rowCount,
          },
          timings: {
            ...result.timings,
            ...phase,
            evaluateMs: performance.now() - mark,
            runMs: performance.now() - startedAt,
            samplesPerSecond: result.samplesPerSecond,
          },
          parity: parity as never,
        });
        report({ phase: 'done', runtime: runtimeSummary });
        return finished;
      } catch (thrown) {
        const error = toEdgeflowError(thrown);
        if (runCreated) {
          const status = error.code === 'CANCELLED' ? 'cancelled' : 'failed';
          await reg.updateRun(runId, { status, error: error.toJSON() as never }).catch(() => undefined);
        }
        // A run that did not finish leaves no draft.
        if (draftKept) await reg.deleteDrafts([runId]).catch(() => undefined);
        // Nothing keeps a failed run's model (a diverged one included: its weights are not stored
        // anywhere a caller could reach), so it is freed here.
        const failedModel = model as tf.LayersModel | undefined;
        if (failedModel && trained.get(runId)?.model !== failedModel) failedModel.dispose();
        throw error;
      } finally {
        controllers.delete(runId);
        // The per-run progress proxy holds a message channel open until released.
        releaseCallback(onProgress);
      }
    },

    /**
     * Writes a dataset loaded in this worker to the registry (once), so other workers can train on
     * it. The lab calls this before it sends a run to a worker that does not hold the data.
     */
    async storeDataset(datasetId: string): Promise<void> {
      await persistDataset(await datasetById(datasetId));
    },

    /**
     * Brings a stored dataset (by fingerprint) into this worker's catalog and returns its summary:
     * how a page reopens a dataset after a reload without the file (issue 18.8).
     *
     * @throws EdgeflowError `DATASET_NOT_FOUND` when nothing is stored under that fingerprint.
     */
    async openStoredDataset(datasetId: string): Promise<DatasetSummary> {
      await datasetById(datasetId);
      return context.datasets.summarize(context.datasets.getLoadedDataset(datasetId));
    },

    /** Frees the trained model kept for run `runId` and deletes its draft (to give up on it). */
    async discardRun(runId: string): Promise<boolean> {
      const run = trained.get(runId);
      run?.model.dispose();
      const freed = trained.delete(runId);
      // Giving up on a run gives up its draft too (and the chunks only it used).
      const { deleted } = await (await registry()).deleteDrafts([runId]).catch(() => ({ deleted: [] }));
      return freed || deleted.length > 0;
    },

    /** Frees the registry versions this worker loaded for promote and predict; returns how many. */
    async unloadModels(): Promise<number> {
      const entries = [...loadedVersions.values()];
      loadedVersions.clear();
      const loaded = await Promise.allSettled(entries.map((entry) => entry.loading));
      for (const entry of loaded) if (entry.status === 'fulfilled') entry.value.model.dispose();
      return entries.length;
    },

    /**
     * Stops run `runId` within one batch. A cancel that arrives before its run (the lab sends it
     * at once; the run may wait for its dataset to be stored) is remembered, and the run starts
     * cancelled. Returns whether the run was running here.
     */
    cancelRun(runId: string): boolean {
      const controller = controllers.get(runId);
      if (controller) {
        controller.abort();
        return true;
      }
      cancelledEarly.add(runId);
      // Bounded: the oldest early cancels (of runs that never came) are forgotten first.
      for (const old of cancelledEarly) {
        if (cancelledEarly.size <= REMEMBERED_RUN_IDS) break;
        cancelledEarly.delete(old);
      }
      return false;
    },

    /**
     * Registers the model of finished run `runId` as the next version of `model`: from its draft in
     * the registry (any worker, any session), else from the model kept in this worker.
     *
     * The model and the draft are freed once stored (promote and predict load it from the registry).
     *
     * @throws EdgeflowError `RUN_NOT_FOUND` when neither a draft nor the run's model exists; the codes
     *   of `registry.saveModel` (a failed save keeps the model here for a retry).
     */
    async registerRun(
      runId: string,
      options: { model: string; description?: string; tags?: string[] },
    ): Promise<ModelVersion> {
      const run = trained.get(runId);
      const earlier = registeredRuns.get(runId);
      if (!run && earlier) {
        throw new EdgeflowError(
          'RUN_NOT_FOUND',
          `Run ${runId} is already registered as ${earlier.model} v${earlier.version}, and its model was freed from the worker then. Use that version, or copy it with registry.copyVersion().`,
          { details: { runId, model: earlier.model, version: earlier.version } },
        );
      }
      try {
        const reg = await registry();
        const details = {
          tags: options.tags ?? [],
          ...(options.description === undefined ? {} : { description: options.description }),
        };
        // The run's draft (kept in IndexedDB when it finished, by this or any lab) becomes the
        // version without rewriting weights; a run without one registers from the model kept here.
        const draft = await reg.getDraft(runId).catch(() => undefined);
        if (!draft && !run) {
          throw new EdgeflowError(
            'RUN_NOT_FOUND',
            `Run ${runId} has no trained model in this lab and no draft in the registry (it did not finish, its draft was pruned or discarded, or it was registered already). Train it again, then register.`,
            { details: { runId } },
          );
        }
        const fromModel = (kept: TrainedRun) =>
          reg.saveModel(options.model, kept.model, { ...runVersionMetadata(runId, kept), ...details });
        const registered = draft
          ? await reg.registerDraft(runId, options.model, details).catch((error: unknown) => {
              // The draft went meanwhile (pruned by another lab's budget): the model kept here still registers.
              if (
                run &&
                (isEdgeflowError(error, 'RUN_NOT_FOUND') || isEdgeflowError(error, 'INTEGRITY_FAILED'))
              )
                return fromModel(run);
              throw error;
            })
          : await fromModel(run as TrainedRun);
        // The weights live in the registry now; promote and predict load them from there. A failed
        // save keeps the model here, so the caller can retry the registration.
        if (run && trained.get(runId) === run) {
          trained.delete(runId);
          run.model.dispose();
        }
        registeredRuns.set(runId, { model: registered.model, version: registered.version });
        for (const old of registeredRuns.keys()) {
          if (registeredRuns.size <= REMEMBERED_RUN_IDS) break;
          registeredRuns.delete(old);
        }
        return registered;
      } catch (thrown) {
        // Only EdgeflowErrors keep their code across the worker boundary.
        throw toEdgeflowError(thrown);
      }
    },

    /**
     * Re-evaluates `version` and the current holder of the alias on rows neither trained on (see
     * `PromotionResult.evaluation`), applies the gate, and moves the alias only when it passes and
     * the alias still points where the gate read it.
     *
     * @throws EdgeflowError `VERSION_NOT_FOUND`, `DATASET_NOT_FOUND`, `INVALID_ARGUMENT` (thresholds,
     *   a version without a fitted pipeline), `GATE_FAILED` (no shared held-out rows),
     *   `VERSION_CONFLICT` (the alias moved meanwhile).
     */
    async promote(modelName: string, version: number, options: PromoteOptions): Promise<PromotionResult> {
      try {
        const alias = options.alias ?? 'champion';
        const thresholds = parseGateThresholds(options.thresholds);
        const reg = await registry();
        const candidate = await reg.getVersion(modelName, version);
        const aliases = await reg.listAliases(modelName);
        const previous = aliases.find((a) => a.alias === alias)?.version ?? null;
        const baseline = previous === null ? null : await reg.getVersion(modelName, previous);
        const { dataset, rows, evaluation } = await gateRows(candidate, baseline);

        // A fresh evaluation of each version on the same rows, never the metrics stored at registration.
        const scoreVersion = (v: number): Promise<MetricReport> =>
          context.backendGate.use('dense-train', () =>
            withVersion(modelName, v, async ({ model, pipeline }) => {
              await context.ensureBackend('dense-train');
              return evaluateOn(model, prepareTrainingData(dataset, rows, { pipeline }));
            }),
          );
        const candidateMetrics = await scoreVersion(version);
        const baselineMetrics = previous === null ? null : await scoreVersion(previous);
        const gate = evaluateGate(candidateMetrics, baselineMetrics, thresholds);
        const move = gate.passed
          ? await reg.moveAlias(modelName, alias, version, {
              reason: options.reason ?? `promoted through the gate (${Object.keys(thresholds).join(', ')})`,
              gateReport: { ...gate, evaluation } as never,
              // Compare-and-set: the alias moves only if it still points at the version the gate read.
              expectedVersion: previous,
            })
          : null;
        return {
          passed: gate.passed,
          gate,
          candidateMetrics,
          baselineMetrics,
          previous,
          move,
          evaluation: { ...evaluation },
        };
      } catch (thrown) {
        // Only EdgeflowErrors keep their code across the worker boundary.
        throw toEdgeflowError(thrown);
      }
    },

    /**
     * Applies a stored version's pipeline and model to raw rows through the monitor's Predictor, the
     * one predict path of edgeflow (issue 11). A batch with a row the model cannot take fails as a
     * whole here, with that row's code and field (the Predictor itself answers per row).
     *
     * @throws EdgeflowError `SCHEMA_MISMATCH`, `DATA_QUALITY`, `MISSING_VALUE` (naming the row and
     *   column), `INVALID_ARGUMENT` (a version without a fitted pipeline), `VERSION_NOT_FOUND`.
     */
    async predict(
      modelName: string,
      versionOrAlias: number | string,
      rows: Array<Record<string, unknown>>,
    ): Promise<Prediction[]> {
      try {
        // Through the backend gate like every tfjs job: a parity check or backend measurement of this
        // worker cannot switch the backend under a predict, nor a predict run in the middle of one.
        return await context.backendGate.use('dense-train', () =>
          withVersion(modelName, versionOrAlias, async ({ model, version }) => {
            // Unknown categories encode as the pipeline says (all zeros for one-hot), as lab.predict always did.
            const predictor = await createPredictor({
              version,
              model,
              disposeModel: false,
              unseenCategories: 'encode',
              drift: { enabled: false },
            });
            try {
              const results = await predictor.predict(rows);
              const refused = results.filter((r) => !r.ok);
              const first = refused[0];
              if (first && !first.ok) {
                throw new EdgeflowError(first.error.code, first.error.message, {
                  details: { column: first.error.field, refusedRows: refused.length },
                });
              }
              return results.map((r) => (r.ok ? r.prediction : { value: Number.NaN }));
            } finally {
              predictor.dispose();
            }
          }),
        );
      } catch (thrown) {
        // Only EdgeflowErrors keep their code across the worker boundary.
        throw toEdgeflowError(thrown);
      }
    },

    /**
     * Gates run `runId` (trained in this worker on new data with an earlier run's spec, not yet
     * registered) against the current holder of `alias`: both scored fresh on the run's own test
     * rows, with their own pipelines, so champion and challenger are compared on the same rows.
     * Moves no alias; the lab registers the challenger next, ready for `lab.promote`.
     *
     * @throws EdgeflowError `RUN_NOT_FOUND` (the run's model is not in this worker),
     *   `INVALID_ARGUMENT` (thresholds, a champion without a fitted pipeline).
     */
    async retrain(request: WorkerRetrainRequest): Promise<RetrainGate> {
      try {
        const run = trained.get(request.runId);
        if (!run) {
          throw new EdgeflowError(
            'RUN_NOT_FOUND',
            `Run ${request.runId} has no trained model in this worker; retrain it again.`,
            { details: { runId: request.runId } },
          );
        }
        const thresholds = parseGateThresholds(request.thresholds);
        const reg = await registry();
        const record = await reg.getRun(request.runId);
        const spec = record.spec as unknown as StoredRunSpec;
        const rows = splitForRun(run.dataset, { seed: spec.seed, ...spec.split }).test;
        // Every tfjs section goes through the backend gate (a parity check may switch the backend).
        const challengerMetrics = await context.backendGate.use('dense-train', async () => {
          await context.ensureBackend('dense-train');
          return evaluateOn(run.model, prepareTrainingData(run.dataset, rows, { pipeline: run.pipeline }));
        });
        const holder = (await reg.listAliases(request.model).catch(() => [])).find(
          (a) => a.alias === request.alias,
        );
        const championMetrics = holder
          ? await context.backendGate.use('dense-train', () =>
              withVersion(request.model, holder.version, async ({ model, pipeline }) => {
                await context.ensureBackend('dense-train');
                return evaluateOn(model, prepareTrainingData(run.dataset, rows, { pipeline }));
              }),
            )
          : null;
        const gate = evaluateGate(challengerMetrics, championMetrics, thresholds);
        return {
          champion: holder?.version ?? null,
          gate,
          challengerMetrics,
          championMetrics,
          rows: rows.length,
          datasetFingerprint: run.dataset.fingerprint,
        };
      } catch (thrown) {
        throw toEdgeflowError(thrown);
      }
    },
  };
}
