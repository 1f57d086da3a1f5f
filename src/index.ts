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
export { summariseFolds } from './lab/run-comparison.ts';
export type {
  CrossValidateOptions,
  CrossValidationHandle,
  FoldMetric,
  LabRuns,
  LabTraining,
  PipelineDifference,
  Prediction,
  PromoteOptions,
  PromotionEvaluation,
  PromotionResult,
  RetrainGate,
  RetrainOptions,
  RetrainResult,
  RunComparison,
  TrainHandle,
  TrainRunOptions,
  TrainRunProgress,
} from './lab/training-types.ts';
export type { Lab, LabDataSource, LabOptions, LoadDatasetOptions } from './lab/types.ts';
export type { LabPublishOptions } from './lab/worker-publish.ts';
export type {
  BackendName,
  BackendRequest,
  JobProfile,
  ProbeFigure,
  RuntimeReport,
} from './runtime/types.ts';
export type {
  ClassificationReport,
  GateReport,
  GateThresholds,
  MetricReport,
  MetricThreshold,
  RegressionReport,
} from './schemas/metrics.ts';
export { type ModelSpec, type ModelSpecInput, modelSpecSchema } from './schemas/model-spec.ts';
export { checkSpecFitsData, parseModelSpec, type SpecDataSize } from './train/spec.ts';
export type { EpochRecord, ParityResult, TrainProgress } from './train/types.ts';
