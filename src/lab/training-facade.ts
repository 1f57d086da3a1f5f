import * as Comlink from 'comlink';
import { EdgeflowError } from '../errors.ts';
import type { Registry } from '../registry/registry.ts';
import type { ModelSpecInput } from '../schemas/model-spec.ts';
import type { Run } from '../schemas/registry.ts';
import { compareRuns, runsToCsv, summariseFolds } from './run-comparison.ts';
import type { CrossValidationHandle, LabRuns, LabTraining, TrainHandle } from './training-types.ts';
import type { WorkerPool } from './worker-pool.ts';

/** Where the lab's datasets live: which worker loaded each id (ids that were released are absent). */
export interface DatasetLocator {
  workerOf(datasetId: string): number | undefined;
}

function newRunId(): string {
  return crypto.randomUUID();
}

/**
 * At most `capacity()` unpinned runs train at once; later ones wait in order (issue 18, point 14).
 * A worker can interleave several runs, but they then share its time and all finish late; waiting
 * runs instead start as soon as a worker is free, and the page can show them as queued.
 */
function createRunQueue(capacity: () => number) {
  let active = 0;
  const waiting: Array<{ runId: string; start: () => void; notify: (position: number) => void }> = [];
  const renumber = (): void => {
    for (const [i, w] of waiting.entries()) w.notify(i);
  };
  const pump = (): void => {
    let started = false;
    while (active < capacity() && waiting.length > 0) {
      const next = waiting.shift() as (typeof waiting)[number];
      active++;
      started = true;
      next.start();
    }
    if (started) renumber();
  };
  return {
    /** Resolves when the run may start; `notify` hears its place in the queue while it waits. */
    acquire(runId: string, notify: (position: number) => void): Promise<void> {
      if (active < capacity() && waiting.length === 0) {
        active++;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        waiting.push({ runId, start: resolve, notify });
        notify(waiting.length - 1);
      });
    },
    release(): void {
      active--;
      pump();
    },
    /** Starts a waiting run out of turn (a cancelled one, so its worker records it as cancelled). */
    startNow(runId: string): boolean {
      const index = waiting.findIndex((w) => w.runId === runId);
      if (index < 0) return false;
      const [entry] = waiting.splice(index, 1);
      active++;
      entry?.start();
      renumber();
      return true;
    },
  };
}

/**
 * The main-thread side of training, tracking, registering, promoting and predicting. Heavy work
 * runs in the workers; the main thread keeps only run → worker routing.
 */
export function createTrainingFacade(
  pool: WorkerPool,
  registry: () => Promise<Registry>,
  datasets: DatasetLocator,
  options: { draftBudgetBytes?: number } = {},
): LabTraining {
  const { draftBudgetBytes } = options;
  const runWorkers = new Map<string, number>();
  const queue = createRunQueue(() => pool.size);
  // Runs cancelled before they reached a worker (queued): the cancel is sent as soon as they do.
  const cancelledBeforeStart = new Set<string>();
  // Runs whose train call is in flight, by worker: a worker found dead leaves them `running` in the
  // registry (its own writes stopped), so the lab marks them `interrupted` (issue 17, defect 8).
  const inFlight = new Map<string, number>();
  pool.onLost((index, error) => {
    const orphans = [...inFlight].filter(([, worker]) => worker === index).map(([runId]) => runId);
    for (const runId of orphans) inFlight.delete(runId);
    if (orphans.length > 0) void markInterrupted(orphans, error);
  });
  async function markInterrupted(runIds: readonly string[], error: EdgeflowError): Promise<void> {
    const reg = await registry();
    await Promise.all(
      runIds.map(async (runId) => {
        // A run the worker never created, or one it finished before dying, is left as it is.
        const run = await reg.getRun(runId).catch(() => null);
        if (run?.status !== 'running') return;
        await reg
          .updateRun(runId, { status: 'interrupted', error: error.toJSON() as never })
          .catch(() => undefined);
      }),
    );
  }

  const runs: LabRuns = {
    list: async (query = {}) => (await registry()).listRuns(query),
    get: async (runId) => (await registry()).getRun(runId),
    compare: async (runIds) => {
      const reg = await registry();
      return compareRuns(await Promise.all(runIds.map((id) => reg.getRun(id))));
    },
    exportJson: async (runIds) => {
      const reg = await registry();
      return JSON.stringify(await Promise.all(runIds.map((id) => reg.getRun(id))), null, 2);
    },
    exportCsv: async (runIds) => {
      const reg = await registry();
      return runsToCsv(await Promise.all(runIds.map((id) => reg.getRun(id))));
    },
    annotate: async (runId, changes) => {
      const reg = await registry();
      return reg.updateRun(runId, {
        ...(changes.notes === undefined ? {} : { notes: changes.notes }),
        ...(changes.tags === undefined ? {} : { tags: changes.tags }),
      });
    },
    delete: async (runId) => {
      await (await registry()).deleteRun(runId);
      // The run's trained model (kept for registering) is of no use without its run.
      await facade.discardRun(runId).catch(() => false);
    },
  };

  function sendCancel(runId: string): void {
    const worker = runWorkers.get(runId);
    if (worker !== undefined) void pool.call(worker, (w) => w.cancelRun(runId)).catch(() => undefined);
  }

  const facade: LabTraining = {
    train(datasetId, spec, options = {}): TrainHandle {
      const runId = newRunId();
      const home = datasets.workerOf(datasetId);
      let done: TrainHandle['done'];
      if (home === undefined) {
        done = Promise.reject(
          new EdgeflowError(
            'DATASET_NOT_FOUND',
            `Dataset "${datasetId}" is not loaded in this lab (it was released, or loaded in another session). Load it with lab.loadDataset() first.`,
            { details: { datasetId } },
          ),
        );
      } else {
        const start = (): Promise<Run> => {
          // The worker that holds the data is preferred; a busy one hands the job to an idle worker,
          // which reads the dataset from IndexedDB.
          const worker = options.worker ?? (pool.load(home) === 0 ? home : pool.leastBusy());
          runWorkers.set(runId, worker);
          if (cancelledBeforeStart.delete(runId)) sendCancel(runId);
          const onProgress = options.onProgress ? Comlink.proxy(options.onProgress) : undefined;
          // Another worker reads the data from IndexedDB: the home worker stores it there first.
          const ready =
            worker === home ? Promise.resolve() : pool.call(home, (w) => w.storeDataset(datasetId));
          inFlight.set(runId, worker);
          return ready
            .then(() =>
              pool.call(worker, (w) =>
                w.train(
                  {
                    runId,
                    datasetId,
                    spec,
                    ...(options.split ? { split: options.split } : {}),
                    ...(options.tags ? { tags: options.tags } : {}),
                    ...(draftBudgetBytes === undefined ? {} : { draftBudgetBytes }),
                  },
                  onProgress,
                ),
              ),
            )
            .finally(() => {
              inFlight.delete(runId);
            });
        };
        if (options.worker !== undefined) {
          done = start();
        } else {
          const onQueued = options.onProgress;
          done = queue
            .acquire(runId, (queuePosition) =>
              // After `train` returned (the caller may not hold the handle yet); best effort, like progress.
              queueMicrotask(() => {
                try {
                  onQueued?.({ runId, phase: 'queued', queuePosition });
                } catch {
                  // A failing progress listener must not stop the run.
                }
              }),
            )
            .then(() => start().finally(() => queue.release()));
        }
      }
      return {
        runId,
        done,
        cancel() {
          // Sent at once, even before the run reaches its worker (which may wait for the dataset to
          // be stored): the worker remembers it and starts the run cancelled. A queued run starts
          // now, so its worker records it as cancelled like any other.
          if (!runWorkers.has(runId)) {
            cancelledBeforeStart.add(runId);
            queue.startNow(runId);
            return;
          }
          sendCancel(runId);
        },
      };
    },
    crossValidate(datasetId, spec, options): CrossValidationHandle {
      const groupId = newRunId().slice(0, 8);
      const k = options.folds;
      if (!Number.isInteger(k) || k < 2) {
        const done = Promise.reject(
          new EdgeflowError('INVALID_ARGUMENT', `folds must be a whole number of at least 2, got ${k}.`, {
            details: { folds: k },
          }),
        );
        return { groupId, runs: [], done, cancel: () => undefined };
      }
      const runs = Array.from({ length: k }, (_, fold) =>
        facade.train(datasetId, spec, {
          // `test` only records the share a fold holds out; the fold itself decides the rows.
          split: { validation: options.validation ?? 0.15, test: 1 / k, folds: k, fold },
          tags: [...(options.tags ?? []), `cv:${groupId}`, `fold:${fold + 1}/${k}`],
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        }),
      );
      const done = Promise.all(runs.map((r) => r.done)).then((finished) => ({
        runs: finished,
        metrics: summariseFolds(finished),
      }));
      return {
        groupId,
        runs,
        done,
        cancel: () => {
          for (const run of runs) run.cancel();
        },
      };
    },
    runs,
    async register(runId, options) {
      // A run trained elsewhere (an earlier session, another lab) registers from its draft in
      // IndexedDB, which any worker reads.
      const worker = runWorkers.get(runId) ?? pool.leastBusy();
      return pool.call(worker, (w) => w.registerRun(runId, options));
    },
    async discardRun(runId) {
      const worker = runWorkers.get(runId) ?? pool.leastBusy();
      runWorkers.delete(runId);
      return pool.call(worker, (w) => w.discardRun(runId));
    },
    async unloadModels() {
      const counts = await Promise.all(
        Array.from({ length: pool.size }, (_, i) => pool.call(i, (w) => w.unloadModels())),
      );
      return counts.reduce((a, b) => a + b, 0);
    },
    promote: (model, version, options) =>
      pool.call(pool.leastBusy(), (w) => w.promote(model, version, options)),
    predict: (model, versionOrAlias, rows) =>
      pool.call(pool.leastBusy(), (w) => w.predict(model, versionOrAlias, rows)),
    predictRun: (runId, rows) => pool.call(pool.leastBusy(), (w) => w.predictRun(runId, rows)),
    async retrain(runId, datasetId, options) {
      // The earlier run's spec as stored: the model spec plus the split it used.
      const earlier = await runs.get(runId);
      const { split, ...spec } = earlier.spec as unknown as ModelSpecInput & {
        split?: { validation: number; test: number };
      };
      const tags = ['retrain', 'challenger', ...(options.tags ?? [])];
      const handle = facade.train(datasetId, spec as ModelSpecInput, {
        tags,
        ...(split ? { split } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      const run = await handle.done;
      const worker = runWorkers.get(run.id) as number;
      const gate = await pool.call(worker, (w) =>
        w.retrain({
          runId: run.id,
          model: options.model,
          alias: options.alias ?? 'champion',
          thresholds: options.thresholds,
        }),
      );
      const version = await facade.register(run.id, {
        model: options.model,
        tags,
        description: `Retrained from run ${runId} on dataset ${datasetId}.`,
      });
      return { ...gate, run, version };
    },
  };
  return facade;
}
