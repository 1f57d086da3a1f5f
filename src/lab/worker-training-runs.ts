// The run lifecycle in the lab worker: train a spec on a dataset as a tracked run (split, fit the
// pipeline, check the spec, pick and parity-check the backend, train, evaluate, keep the model and a
// draft), cancel a run (also before it arrives), and discard a finished run's model.
import type * as tf from '@tensorflow/tfjs';
import type { PreparedSplits } from '../data/prepare.ts';
import { prepareSplits } from '../data/prepare.ts';
import { checkSplit, splitForRun } from '../data/split.ts';
import type { LoadedDataset } from '../data/types.ts';
import { EdgeflowError, toEdgeflowError } from '../errors.ts';
import { flattenMetrics } from '../evaluate/index.ts';
import type { ModelSpecInput } from '../schemas/model-spec.ts';
import type { Run } from '../schemas/registry.ts';
import {
  buildModel,
  checkSpecFitsData,
  jobProfileOf,
  parityCheck,
  parseModelSpec,
  trainModel,
} from '../train/index.ts';
import type { ParityResult } from '../train/types.ts';
import type { TrainRunProgress } from './training-types.ts';
import { releaseCallback } from './worker-datasets.ts';
import { keepDraft } from './worker-drafts.ts';
import { evaluateWithPredictions, predictionSample, scaleRegressionMetrics } from './worker-evaluation.ts';
import {
  REMEMBERED_RUN_IDS,
  type RunSplit,
  type TrainedRun,
  type TrainingState,
} from './worker-training-state.ts';

/** Held-out fractions when the caller gives none. */
const DEFAULT_SPLIT = { validation: 0.15, test: 0.15 } as const;

/** Rows in the parity canary batch. */
const CANARY_ROWS = 32;

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

/**
 * The run part of the training API: `train`, `cancelRun` and `discardRun`. Runs are tracked in the
 * registry from here, and weights go from the model into IndexedDB without leaving the worker.
 */
export function createRunMethods(state: TrainingState) {
  const { context, registry, trained } = state;
  const { datasetById, persistDataset } = state.datasets;
  const controllers = new Map<string, AbortController>();
  // Cancels that arrived before their run reached this worker (the train call waits for the
  // dataset to be stored first; the cancel does not): the run starts already aborted.
  const cancelledEarly = new Set<string>();

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
        draftKept = await keepDraft(reg, runId, trainedRun, request.draftBudgetBytes, (save) =>
          onBackend(job, save),
        );
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

    /** Frees the trained model kept for run `runId` and deletes its draft (to give up on it). */
    async discardRun(runId: string): Promise<boolean> {
      const run = trained.get(runId);
      run?.model.dispose();
      const freed = trained.delete(runId);
      // Giving up on a run gives up its draft too (and the chunks only it used).
      const { deleted } = await (await registry()).deleteDrafts([runId]).catch(() => ({ deleted: [] }));
      return freed || deleted.length > 0;
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
  };
}
