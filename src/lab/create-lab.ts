import { EdgeflowError } from '../errors.ts';
import type { Lab, LabOptions } from './types.ts';
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
  const pool = new WorkerPool(count, options.createWorker ?? startLabWorker, options.backend ?? 'auto');
  return {
    workerCount: count,
    runtime: ({ worker = 0, ...rest } = {}) => pool.call(worker, (w) => w.runtime(rest)),
    measureBackends: (shape) => pool.call(0, (w) => w.measureBackends(shape)),
    capabilities: (worker = 0) => pool.call(worker, (w) => w.capabilities()),
    terminateWorker: (index) => pool.terminate(index),
    async dispose() {
      pool.dispose();
    },
  };
}
