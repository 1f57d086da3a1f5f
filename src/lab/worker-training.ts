// The training, registry and prediction part of the lab worker API, composed from one file per
// concern over one shared state (worker-training-state.ts): runs (worker-training-runs.ts), stored
// datasets, registration and drafts, the promotion gate, prediction and the loaded versions.
import type { LabWorkerContext } from './worker-context.ts';
import { createGateMethods } from './worker-gating.ts';
import { createLoadedVersions } from './worker-loaded-versions.ts';
import { createPredictMethods } from './worker-predict.ts';
import { createRegistrationMethods } from './worker-registration.ts';
import { createStoredDatasetMethods } from './worker-stored-datasets.ts';
import { createRunMethods } from './worker-training-runs.ts';
import { createTrainingState } from './worker-training-state.ts';

export { DEFAULT_DRAFT_BUDGET_BYTES } from './worker-drafts.ts';
export { predictionSample, scaleRegressionMetrics } from './worker-evaluation.ts';
export type { WorkerTrainRequest } from './worker-training-runs.ts';

/**
 * The training, registry and prediction part of the lab worker API. Runs are tracked in the
 * registry from here, and weights go from the model into IndexedDB without leaving the worker.
 */
export function createTrainingMethods(context: LabWorkerContext) {
  const state = createTrainingState(context);
  const versions = createLoadedVersions(context, state.registry);
  return {
    ...createRunMethods(state),
    ...createStoredDatasetMethods(context, state.datasets),
    /** Frees the registry versions this worker loaded for promote and predict; returns how many. */
    unloadModels(): Promise<number> {
      return versions.unloadAll();
    },
    ...createRegistrationMethods(state),
    ...createGateMethods(state, versions),
    ...createPredictMethods(context, versions, state.registry),
  };
}
