// The object a lab worker exposes over comlink: the runtime methods here, composed with the parts that
// live in their own files (worker-datasets, worker-training, worker-publish, worker-export), each a
// factory over the shared LabWorkerContext (worker-context.ts).
import * as tf from '@tensorflow/tfjs';
import * as Comlink from 'comlink';
import { DatasetCatalog } from '../data/dataset-catalog.ts';
import { probeCapabilities } from '../env.ts';
import { EdgeflowError } from '../errors.ts';
import { activateBackend, BACKEND_ORDER } from '../runtime/backends.ts';
import { missingKernels } from '../runtime/kernels.ts';
import { DEFAULT_PROBE_SHAPE, measureTrainingThroughput, type ProbeShape } from '../runtime/probe.ts';
import { selectBackend } from '../runtime/select-backend.ts';
import type { JobProfile, ProbeFigure, RuntimeReport } from '../runtime/types.ts';
import { createBackendGate } from './backend-gate.ts';
import { installEdgeflowThrowHandler } from './comlink-errors.ts';
import type { LabWorkerContext, LabWorkerSettings } from './worker-context.ts';
import { createDatasetMethods } from './worker-datasets.ts';
import { createExportMethods } from './worker-export.ts';
import { createPublishMethods } from './worker-publish.ts';
import { createTrainingMethods } from './worker-training.ts';

export type { LabWorkerContext, LabWorkerSettings } from './worker-context.ts';

function createRuntimeMethods(context: LabWorkerContext) {
  return {
    /** Round trip, for liveness checks. */
    ping(): 'pong' {
      return 'pong';
    },
    /** The backend this worker uses for `job` (default dense training), choosing it if needed. */
    runtime(options: { job?: JobProfile; reprobe?: boolean } = {}): Promise<RuntimeReport> {
      return context.ensureBackend(options.job ?? 'dense-train', { reprobe: options.reprobe === true });
    },
    /**
     * Trains a dense classifier of `shape` for a few steps on every backend that can run it and
     * returns each one's throughput (the same measurement `'auto'` makes, at any size). Leaves the
     * worker on the backend its jobs use.
     */
    measureBackends(shape: ProbeShape = DEFAULT_PROBE_SHAPE): Promise<ProbeFigure[]> {
      // Switches the backend back and forth: no other tfjs job of this worker may run meanwhile.
      return context.backendGate.use('measure-backends', async () => {
        const figures: ProbeFigure[] = [];
        for (const backend of BACKEND_ORDER) {
          try {
            await activateBackend(backend);
            const missing = missingKernels(backend, 'dense-train');
            if (missing.length) {
              figures.push({
                backend,
                samplesPerSecond: null,
                warmupMs: null,
                skipped: `missing kernels: ${missing.join(', ')}`,
              });
              continue;
            }
            figures.push({ backend, ...(await measureTrainingThroughput(shape)), skipped: null });
          } catch (error) {
            figures.push({
              backend,
              samplesPerSecond: null,
              warmupMs: null,
              skipped: error instanceof Error ? error.message : String(error),
            });
          }
        }
        await context.ensureBackend('dense-train');
        return figures;
      });
    },
    /** tfjs memory in this worker: live tensors and bytes (leak checks, diagnostics). */
    memory(): { numTensors: number; numBytes: number } {
      // The engine's own counters: tf.memory() would start the highest-priority backend first.
      const { numTensors, numBytes } = tf.engine().state;
      return { numTensors, numBytes };
    },
    /** The capability report as seen inside this worker. */
    capabilities() {
      return probeCapabilities();
    },
    /** Throws an `EdgeflowError` with the given code: lets an app check its error plumbing end to end. */
    raise(code: EdgeflowError['code'], message: string): never {
      throw new EdgeflowError(code, message, { details: { worker: context.settings.index } });
    },
  };
}

/** Creates the object a lab worker exposes over comlink. Everything it returns is structured-cloneable. */
export function createLabWorkerApi() {
  let settings: LabWorkerSettings = { backend: 'auto', index: 0 };
  const reports = new Map<JobProfile, RuntimeReport>();

  const context: LabWorkerContext = {
    get settings() {
      return settings;
    },
    datasets: new DatasetCatalog(() => settings.index),
    backendGate: createBackendGate(),
    async ensureBackend(job, options = {}) {
      const known = reports.get(job);
      if (known && !options.reprobe) {
        // Another job may have switched the active backend since; switching back is cheap.
        const again = await selectBackend({ backend: known.backend, job });
        return { ...known, capabilities: again.capabilities };
      }
      const report = await selectBackend({
        backend: settings.backend,
        job,
        reprobe: options.reprobe === true,
      });
      reports.set(job, report);
      return report;
    },
  };

  return {
    /** Applies the pool's settings; the first call every worker receives. */
    configure(next: LabWorkerSettings): void {
      settings = { ...next };
      reports.clear();
    },
    ...createRuntimeMethods(context),
    ...createDatasetMethods(context),
    ...createTrainingMethods(context),
    ...createPublishMethods(context),
    ...createExportMethods(),
  };
}

/** The API a lab worker exposes; the main thread sees it through `Comlink.Remote`. */
export type LabWorkerApi = ReturnType<typeof createLabWorkerApi>;

/** Exposes the lab API on this worker's global scope. Call once from the worker entry. */
export function exposeLabWorker(): void {
  installEdgeflowThrowHandler();
  Comlink.expose(createLabWorkerApi());
}
