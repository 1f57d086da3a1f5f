import * as Comlink from 'comlink';
import { EdgeflowError } from '../errors.ts';
import type { Registry } from '../registry/registry.ts';
import type { ModelSpecInput } from '../schemas/model-spec.ts';
import { compareRuns, runsToCsv } from './run-comparison.ts';
import type { LabRuns, LabTraining, TrainHandle } from './training-types.ts';
import type { WorkerPool } from './worker-pool.ts';

/** Where the lab's datasets live: which worker loaded each id (ids that were released are absent). */
export interface DatasetLocator {
  workerOf(datasetId: string): number | undefined;
}

function newRunId(): string {
  return crypto.randomUUID();
}

/**
 * The main-thread side of training, tracking, registering, promoting and predicting. Heavy work
 * runs in the workers; the main thread keeps only run → worker routing.
 */
export function createTrainingFacade(
  pool: WorkerPool,
  registry: () => Promise<Registry>,
  datasets: DatasetLocator,
): LabTraining {
  const runWorkers = new Map<string, number>();
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
  };

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
        // The worker that holds the data is preferred; a busy one hands the job to an idle worker,
        // which reads the dataset from IndexedDB.
        const worker = options.worker ?? (pool.load(home) === 0 ? home : pool.leastBusy());
        runWorkers.set(runId, worker);
        const onProgress = options.onProgress ? Comlink.proxy(options.onProgress) : undefined;
        // Another worker reads the data from IndexedDB: the home worker stores it there first.
        const ready = worker === home ? Promise.resolve() : pool.call(home, (w) => w.storeDataset(datasetId));
        inFlight.set(runId, worker);
        done = ready
          .then(() =>
            pool.call(worker, (w) =>
              w.train(
                {
                  runId,
                  datasetId,
                  spec,
                  ...(options.split ? { split: options.split } : {}),
                  ...(options.tags ? { tags: options.tags } : {}),
                },
                onProgress,
              ),
            ),
          )
          .finally(() => {
            inFlight.delete(runId);
          });
      }
      return {
        runId,
        done,
        cancel() {
          // Sent at once, even before the run reaches its worker (which may wait for the dataset to
          // be stored): the worker remembers it and starts the run cancelled.
          const worker = runWorkers.get(runId);
          if (worker !== undefined) void pool.call(worker, (w) => w.cancelRun(runId)).catch(() => undefined);
        },
      };
    },
    runs,
    async register(runId, options) {
      const worker = runWorkers.get(runId);
      if (worker === undefined) {
        throw new EdgeflowError(
          'RUN_NOT_FOUND',
          `Run ${runId} was not trained by this lab, so its weights are not in a worker. Train it again with lab.train(), then register.`,
          { details: { runId } },
        );
      }
      return pool.call(worker, (w) => w.registerRun(runId, options));
    },
    async discardRun(runId) {
      const worker = runWorkers.get(runId);
      if (worker === undefined) return false;
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
