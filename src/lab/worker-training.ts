import * as tf from '@tensorflow/tfjs';
import { inverseTransformTarget, transformRows } from '../data/pipeline.ts';
import { prepareTrainingData } from '../data/prepare.ts';
import { splitDataset } from '../data/split.ts';
import type { LoadedDataset, PreparedData } from '../data/types.ts';
import { EdgeflowError, toEdgeflowError } from '../errors.ts';
import {
  computeClassificationMetrics,
  computeRegressionMetrics,
  evaluateGate,
  flattenMetrics,
  parseGateThresholds,
} from '../evaluate/index.ts';
import { createRegistry, type Registry } from '../registry/registry.ts';
import type { FittedPipeline } from '../schemas/dataset.ts';
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
import type { Prediction, PromoteOptions, PromotionResult, TrainRunProgress } from './training-types.ts';
import type { LabWorkerContext } from './worker-api.ts';

/** Held-out fractions when the caller gives none. */
const DEFAULT_SPLIT = { validation: 0.15, test: 0.15 } as const;
/** Test rows whose predictions a regression run keeps for plotting. */
const PREDICTION_SAMPLE = 500;
/** Rows in the parity canary batch. */
const CANARY_ROWS = 32;

/** What a run stores as its `spec`: the parsed model spec plus how the rows were split. */
interface StoredRunSpec extends ModelSpec {
  split: { validation: number; test: number };
}

/** A finished run's model, kept in the worker that trained it until it is registered. */
interface TrainedRun {
  model: tf.LayersModel;
  pipeline: FittedPipeline;
  dataset: LoadedDataset;
  metrics: Record<string, number | null>;
  report: MetricReport;
}

/** The settings `train` receives from the main thread. */
export interface WorkerTrainRequest {
  runId: string;
  datasetId: string;
  spec: ModelSpecInput;
  split?: { validation?: number; test?: number };
  tags?: string[];
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
  const loadedVersions = new Map<string, Promise<{ model: tf.LayersModel; version: ModelVersion }>>();

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
  const preparedCache = new Map<
    string,
    { train: PreparedData; validation: PreparedData; test: PreparedData }
  >();
  const PREPARED_CACHE_SIZE = 2;
  function prepareSplits(dataset: LoadedDataset, seed: number, split: { validation: number; test: number }) {
    const key = `${dataset.fingerprint}|${seed}|${split.validation}|${split.test}`;
    const known = preparedCache.get(key);
    if (known) return known;
    const rows = splitDataset(dataset, { seed, ...split });
    const train = prepareTrainingData(dataset, rows.train);
    const prepared = {
      train,
      validation: prepareTrainingData(dataset, rows.validation, { pipeline: train.pipeline }),
      test: prepareTrainingData(dataset, rows.test, { pipeline: train.pipeline }),
    };
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
    const output = tf.tidy(
      () => model.predict(tf.tensor2d(data.features, [data.rowCount, data.featureCount])) as tf.Tensor,
    );
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

  async function loadVersion(modelName: string, versionOrAlias: number | string) {
    // Inference needs no more than dense training does; reuse that choice (and its probe).
    await context.ensureBackend('dense-train');
    const reg = await registry();
    const version = await reg.getVersion(modelName, versionOrAlias);
    const key = `${version.model}@${version.version}`;
    let entry = loadedVersions.get(key);
    if (!entry) {
      entry = tf
        .loadLayersModel(reg.loadHandler(version.model, version.version))
        .then((model) => ({ model, version }));
      loadedVersions.set(key, entry);
      entry.catch(() => loadedVersions.delete(key));
    }
    return entry;
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
    const split = splitDataset(dataset, { seed: spec.seed, ...spec.split });
    return { dataset, rows: split.test };
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
      // Through comlink, `onProgress` is a proxy whose calls return promises; progress is best effort.
      const report = (progress: Omit<TrainRunProgress, 'runId'>): void => {
        void Promise.resolve(onProgress?.({ runId, ...progress })).catch(() => undefined);
      };
      const reg = await registry();
      let model: tf.LayersModel | undefined;
      let runCreated = false;
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
        const spec = parseModelSpec(request.spec);
        const split = { ...DEFAULT_SPLIT, ...request.split };
        const dataset = await datasetById(request.datasetId);
        const { train, validation, test } = prepareSplits(dataset, spec.seed, split);
        checkSpecFitsData(spec, {
          task: train.task,
          featureCount: train.featureCount,
          classCount: train.classes?.length ?? 0,
          ...(train.classes ? { classLabels: train.classes } : {}),
        });
        // After the fit checks, so a spec that cannot fit the data is reported as such, not as a backend problem.
        const runtime = await context.ensureBackend(jobProfileOf(spec));
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
        // Stored so another worker (or a later session) can re-evaluate on the same rows.
        await persistDataset(dataset);
        lap('trackingMs');

        model = buildModel(spec, {
          featureCount: train.featureCount,
          classCount: train.classes?.length ?? 0,
        });
        // History is appended in order; each write waits for the previous one.
        let historyWrites: Promise<unknown> = Promise.resolve();
        lap('buildMs');
        const result = await trainModel({
          model,
          spec,
          train: { x: train.features, y: train.targets, count: train.rowCount },
          ...(validation.rowCount > 0
            ? { validation: { x: validation.features, y: validation.targets, count: validation.rowCount } }
            : {}),
          signal: controller.signal,
          onProgress: (p) => report({ phase: 'training', ...p, runtime: runtimeSummary }),
          onEpochEnd: (record) => {
            historyWrites = historyWrites.then(() =>
              reg.updateRun(runId, { appendHistory: [record as never] }),
            );
          },
        });
        await historyWrites;
        lap('fitMs');
        report({ phase: 'evaluating', runtime: runtimeSummary });
        // Parity on the trained weights: the canary batch on this backend against cpu.
        const canaryRows = Math.min(CANARY_ROWS, test.rowCount || train.rowCount);
        const canarySource = test.rowCount > 0 ? test.features : train.features;
        let parity: ParityResult | null = null;
        if (runtime.backend !== 'cpu' && canaryRows > 0) {
          parity = await parityCheck(model, canarySource.subarray(0, canaryRows * train.featureCount));
        }
        lap('parityMs');
        const { report: evaluation, actual, predicted } = await evaluateWithPredictions(model, test);
        // A capped sample of test predictions, for predicted-vs-actual plots (regression).
        const predictions =
          actual && predicted
            ? {
                actual: Array.from(actual.subarray(0, PREDICTION_SAMPLE)),
                predicted: Array.from(predicted.subarray(0, PREDICTION_SAMPLE)),
              }
            : null;
        const metrics = flattenMetrics(evaluation);
        trained.set(runId, { model, pipeline: train.pipeline, dataset, metrics, report: evaluation });
        const finished = await reg.updateRun(runId, {
          status: 'finished',
          metrics: {
            ...metrics,
            report: { ...evaluation, ...(predictions ? { predictions } : {}) } as never,
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
        // A diverged run keeps its last good weights on the model: keep it for inspection.
        if (model && error.code !== 'TRAINING_DIVERGED') model.dispose();
        throw error;
      } finally {
        controllers.delete(runId);
      }
    },

    /**
     * Writes a dataset loaded in this worker to the registry (once), so other workers can train on
     * it. The lab calls this before it sends a run to a worker that does not hold the data.
     */
    async storeDataset(datasetId: string): Promise<void> {
      await persistDataset(await datasetById(datasetId));
    },

    /** Frees the trained model kept for run `runId` (after registering it, or to give up on it). */
    discardRun(runId: string): boolean {
      const run = trained.get(runId);
      run?.model.dispose();
      return trained.delete(runId);
    },

    /** Frees the registry versions this worker loaded for promote and predict; returns how many. */
    async unloadModels(): Promise<number> {
      const entries = [...loadedVersions.values()];
      loadedVersions.clear();
      const loaded = await Promise.allSettled(entries);
      for (const entry of loaded) if (entry.status === 'fulfilled') entry.value.model.dispose();
      return entries.length;
    },

    /** Stops run `runId` within one batch; a no-op when it is not running here. */
    cancelRun(runId: string): boolean {
      const controller = controllers.get(runId);
      controller?.abort();
      return controller !== undefined;
    },

    /**
     * Registers the model of finished run `runId` as the next version of `model`.
     *
     * @throws EdgeflowError `RUN_NOT_FOUND` when the run's model is not in this worker.
     */
    async registerRun(
      runId: string,
      options: { model: string; description?: string; tags?: string[] },
    ): Promise<ModelVersion> {
      const run = trained.get(runId);
      if (!run) {
        throw new EdgeflowError(
          'RUN_NOT_FOUND',
          `Run ${runId} has no trained model in this lab (it did not finish, or the page was reloaded since). Train it again, then register.`,
          { details: { runId } },
        );
      }
      const reg = await registry();
      const signature = {
        columns: run.dataset.schema.columns
          .filter((c) => c.role === 'feature')
          .map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })),
        target: run.dataset.schema.target,
      };
      // Weights go straight from the model's tensors into the registry: no concatenated copy.
      return reg.saveModel(options.model, run.model, {
        pipeline: run.pipeline as never,
        profile: run.dataset.profile as never,
        signature: signature as never,
        metrics: { ...run.metrics, report: run.report as never },
        runId,
        datasetFingerprint: run.dataset.fingerprint,
        tags: options.tags ?? [],
        ...(options.description === undefined ? {} : { description: options.description }),
      });
    },

    /**
     * Re-evaluates `version` and the current holder of the alias on the candidate run's held-out
     * rows, applies the gate, and moves the alias only when it passes.
     */
    async promote(modelName: string, version: number, options: PromoteOptions): Promise<PromotionResult> {
      const alias = options.alias ?? 'champion';
      const thresholds = parseGateThresholds(options.thresholds);
      const reg = await registry();
      const candidate = await reg.getVersion(modelName, version);
      const aliases = await reg.listAliases(modelName);
      const previous = aliases.find((a) => a.alias === alias)?.version ?? null;
      const { dataset, rows } = await heldOutRows(candidate);

      const scoreVersion = async (v: number): Promise<MetricReport> => {
        const { model, version: stored } = await loadVersion(modelName, v);
        const data = prepareTrainingData(dataset, rows, {
          pipeline: stored.pipeline as unknown as FittedPipeline,
        });
        return evaluateOn(model, data);
      };
      const candidateMetrics = await scoreVersion(version);
      const baselineMetrics = previous === null ? null : await scoreVersion(previous);
      const gate = evaluateGate(candidateMetrics, baselineMetrics, thresholds);
      const move = gate.passed
        ? await reg.moveAlias(modelName, alias, version, {
            reason: options.reason ?? `promoted through the gate (${Object.keys(thresholds).join(', ')})`,
            gateReport: gate as never,
          })
        : null;
      return { passed: gate.passed, gate, candidateMetrics, baselineMetrics, previous, move };
    },

    /** Applies a stored version's pipeline and model to raw rows. */
    async predict(
      modelName: string,
      versionOrAlias: number | string,
      rows: Array<Record<string, unknown>>,
    ): Promise<Prediction[]> {
      const { model, version } = await loadVersion(modelName, versionOrAlias);
      const pipeline = version.pipeline as unknown as FittedPipeline;
      const features = transformRows(pipeline, rows);
      const output = tf.tidy(
        () => model.predict(tf.tensor2d(features, [rows.length, pipeline.featureCount])) as tf.Tensor,
      );
      const values = (await output.data()) as Float32Array;
      output.dispose();
      const target = pipeline.target;
      if (target?.task === 'classification') {
        const classes = target.classes ?? [];
        return rows.map((_, r) => {
          const probabilities: Record<string, number> = {};
          let best = 0;
          classes.forEach((name, k) => {
            const p = values[r * classes.length + k] ?? 0;
            probabilities[name] = p;
            if (p > (values[r * classes.length + best] ?? 0)) best = k;
          });
          return { label: classes[best] ?? '', probabilities };
        });
      }
      const original = inverseTransformTarget(pipeline, values);
      return Array.from(original, (value): Prediction => ({ value }));
    },
  };
}
