// The lab facade and the common types. Each subpath (edgeflow/data, /registry, …) has its own barrel.
export { type Capabilities, type GpuAdapterSummary, probeCapabilities } from './env.ts';
export {
  closestNames,
  EdgeflowError,
  type EdgeflowErrorCode,
  type EdgeflowErrorDetails,
  ERROR_CODES,
  isEdgeflowError,
  type SerializedEdgeflowError,
} from './errors.ts';
export { createLab } from './lab/create-lab.ts';
export type { Lab, LabOptions } from './lab/types.ts';
export type {
  BackendName,
  BackendRequest,
  JobProfile,
  ProbeFigure,
  RuntimeReport,
} from './runtime/types.ts';
