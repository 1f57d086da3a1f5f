// The per-worker state every part of the lab worker API receives. It lives apart from worker-api.ts,
// which composes the parts, so the parts import this type and never the module that imports them.
import type { DatasetCatalog } from '../data/dataset-catalog.ts';
import type { BackendRequest, JobProfile, RuntimeReport } from '../runtime/types.ts';
import type { BackendGate } from './backend-gate.ts';

/** Settings the main thread hands each lab worker when it starts. */
export interface LabWorkerSettings {
  backend: BackendRequest;
  /** Index of this worker in the pool, for names and logs. */
  index: number;
}

/**
 * Per-worker state shared by the API's parts. Each part of the worker API (datasets, registry,
 * training) is a factory `(context) => methods` in its own file, composed in worker-api.ts.
 */
export interface LabWorkerContext {
  readonly settings: LabWorkerSettings;
  /** Activates the configured backend for a job (probing once for 'auto') and reports it. */
  ensureBackend(job: JobProfile, options?: { reprobe?: boolean }): Promise<RuntimeReport>;
  /** The datasets loaded in this worker, by id (their fingerprint): training reads them from here. */
  readonly datasets: DatasetCatalog;
  /**
   * Admission for tfjs work: jobs under one key (a job profile) overlap; a job that switches the
   * backend (parity) or needs another one waits. Wrap every section that runs tfjs ops.
   */
  readonly backendGate: BackendGate;
}
