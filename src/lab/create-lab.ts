import * as Comlink from 'comlink';
import { EdgeflowError } from '../errors.ts';
import { createRegistry } from '../registry/registry.ts';
import { createTrainingFacade } from './training-facade.ts';
import type { Lab, LabOptions } from './types.ts';
import type { WorkerDataSource } from './worker-datasets.ts';
import { WorkerPool } from './worker-pool.ts';

/** Starts the bundled lab worker. Vite (and other bundlers) recognise this exact pattern. */
function startLabWorker(index: number): Worker {
  return new Worker(new URL('../../workers/lab.worker.ts', import.meta.url), {
    type: 'module',
    name: `edgeflow-lab-${index}`,
  });
}

function defaultWorkerCount(): number {
  const cores = (globalThis as { navigator?: Navigator }).navigator?.hardwareConcurrency ?? 2;
  return Math.min(4, Math.max(1, cores - 1));
}

/**
 * Spawns the lab workers and returns the facade that drives them.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` for a worker count that is not a whole number from 1 to 16.
 * @example
 * const lab = await createLab({ backend: 'auto', workers: 2 });
 * const { backend, reason } = await lab.runtime();
 * await lab.dispose();
 */
export async function createLab(options: LabOptions = {}): Promise<Lab> {
  const count = options.workers ?? defaultWorkerCount();
  if (!Number.isInteger(count) || count < 1 || count > 16) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `workers must be a whole number from 1 to 16, got ${count}.`,
      {
        details: { workers: count },
      },
    );
  }
  const registry = await createRegistry();
  const pool = new WorkerPool(count, options.createWorker ?? startLabWorker, options.backend ?? 'auto', {
    ...(options.heartbeat ? { heartbeat: options.heartbeat } : {}),
  });
  const datasets = createDatasetFacade(pool);
  const training = createTrainingFacade(pool, async () => registry, datasets, {
    ...(options.draftBudgetBytes === undefined ? {} : { draftBudgetBytes: options.draftBudgetBytes }),
  });
  return {
    ...training,
    registry,
    memory: (worker = 0) => pool.call(worker, (w) => w.memory()),
    workerCount: count,
    runtime: ({ worker = 0, ...rest } = {}) => pool.call(worker, (w) => w.runtime(rest)),
    measureBackends: (shape) => pool.call(0, (w) => w.measureBackends(shape)),
    capabilities: (worker = 0) => pool.call(worker, (w) => w.capabilities()),
    loadDataset: datasets.loadDataset,
    previewDataset: datasets.previewDataset,
    listDatasets: datasets.listDatasets,
    releaseDataset: datasets.releaseDataset,
    keepDataset: datasets.keepDataset,
    openStoredDataset: datasets.openStoredDataset,
    terminateWorker: (index) => pool.terminate(index),
    exportVersion: (model, versionOrAlias = 'latest') =>
      pool.call(pool.leastBusy(), (w) => w.exportVersion(model, versionOrAlias)),
    publish: (model, versionOrAlias, options) =>
      pool.call(pool.leastBusy(), (w) => w.publish(model, versionOrAlias, options)),
    async dispose() {
      pool.dispose();
      await registry.close();
    },
  };
}

/**
 * The dataset part of the facade. A dataset lives in the worker that loaded it; `homes` remembers
 * which (training routes runs there through `workerOf`). Another worker that needs it reads it from
 * the registry by its id, the fingerprint.
 */
function createDatasetFacade(pool: WorkerPool) {
  const homes = new Map<string, number>();
  let loads = 0;
  const workerOf = (id: string): number | undefined => homes.get(id);
  const loadDataset: Lab['loadDataset'] = async (source, options = {}) => {
    const { onProgress, signal, worker, ...rest } = options;
    if (signal?.aborted) throw new EdgeflowError('CANCELLED', 'Loading the dataset was cancelled.');
    const index = worker ?? pool.leastBusy();
    // A URL object cannot be structured-cloned; its text can.
    const wire: WorkerDataSource = source instanceof URL ? { url: source.href } : source;
    const loadId = `load-${++loads}-${Date.now()}`;
    const cancel = (): void => {
      pool.call(index, (w) => w.cancelLoad(loadId)).catch(() => undefined);
    };
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      const summary = await pool.call(index, (w) =>
        w.loadDataset(wire, { ...rest, loadId }, onProgress ? Comlink.proxy(onProgress) : undefined),
      );
      homes.set(summary.id, index);
      return summary;
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  };
  return {
    workerOf,
    loadDataset,
    previewDataset: ((id, rows) => {
      const home = homes.get(id);
      if (home === undefined) return Promise.reject(notLoaded(id));
      return pool.call(home, (w) => w.previewDataset(id, rows));
    }) satisfies Lab['previewDataset'],
    listDatasets: (async () => {
      const perWorker = await Promise.all(
        Array.from({ length: pool.size }, (_, index) => pool.call(index, (w) => w.listDatasets())),
      );
      return perWorker.flat();
    }) satisfies Lab['listDatasets'],
    keepDataset: (async (id) => {
      const home = homes.get(id);
      if (home === undefined) throw notLoaded(id);
      await pool.call(home, (w) => w.storeDataset(id));
    }) satisfies Lab['keepDataset'],
    openStoredDataset: (async (fingerprint, { worker } = {}) => {
      const index = worker ?? homes.get(fingerprint) ?? pool.leastBusy();
      const summary = await pool.call(index, (w) => w.openStoredDataset(fingerprint));
      homes.set(summary.id, index);
      return summary;
    }) satisfies Lab['openStoredDataset'],
    releaseDataset: (async (id) => {
      const home = homes.get(id);
      if (home === undefined) return false;
      homes.delete(id);
      return pool.call(home, (w) => w.releaseDataset(id));
    }) satisfies Lab['releaseDataset'],
  };
}

function notLoaded(id: string): EdgeflowError {
  return new EdgeflowError(
    'DATASET_NOT_FOUND',
    `Dataset "${id}" is not loaded in this lab (it was released, or never loaded). Load it with lab.loadDataset().`,
    { details: { id } },
  );
}
