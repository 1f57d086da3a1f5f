import type { Capabilities } from '../env.ts';
import type { ProbeShape } from '../runtime/probe.ts';
import type { BackendRequest, JobProfile, ProbeFigure, RuntimeReport } from '../runtime/types.ts';

/** Options for `createLab`. */
export interface LabOptions {
  /** Which tfjs backend the workers use. Default `'auto'`: measured once per device, then cached. */
  backend?: BackendRequest;
  /** How many lab workers (concurrent jobs). Default: cores − 1, between 1 and 4. */
  workers?: number;
  /** Starts a lab worker; override when your bundler needs a different worker URL. */
  createWorker?: (index: number) => Worker;
}

/** The main-thread facade over the lab workers. */
export interface Lab {
  /** How many workers the lab runs. */
  readonly workerCount: number;
  /**
   * The backend a worker uses for `job` (default dense training), as seen inside the worker:
   * backend, reason, adapter, probe figures and capabilities.
   */
  runtime(options?: { job?: JobProfile; reprobe?: boolean; worker?: number }): Promise<RuntimeReport>;
  /**
   * Measures dense-training throughput of a model of `shape` on every backend, inside worker 0
   * (default shape: the `'auto'` probe's small MLP).
   */
  measureBackends(shape?: ProbeShape): Promise<ProbeFigure[]>;
  /** The capability report as seen inside a worker (default worker 0). */
  capabilities(worker?: number): Promise<Readonly<Capabilities>>;
  /** Ends worker `index` now (e.g. a runaway job); its pending calls reject with `WORKER_CRASHED`. */
  terminateWorker(index: number): void;
  /** Ends all workers. Pending calls reject with `WORKER_CRASHED`; later calls with `DISPOSED`. */
  dispose(): Promise<void>;
}
