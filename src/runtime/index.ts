export {
  createIndexedDbBackendCache,
  createMemoryBackendCache,
  defaultBackendCache,
} from './backend-cache.ts';
export {
  activateBackend,
  BACKEND_ORDER,
  type ConfigureWasmOptions,
  configureWasm,
  type WasmThreadsReport,
} from './backends.ts';
export { missingKernels, requiredKernels } from './kernels.ts';
export {
  buildDenseClassifier,
  DEFAULT_PROBE_SHAPE,
  measureTrainingThroughput,
  type ProbeShape,
} from './probe.ts';
export { deviceKey, selectBackend } from './select-backend.ts';
export type {
  BackendChoiceCache,
  BackendName,
  BackendRequest,
  CachedBackendChoice,
  JobProfile,
  ProbeFigure,
  RuntimeReport,
  SelectBackendOptions,
} from './types.ts';
