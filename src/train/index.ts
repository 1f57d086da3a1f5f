// The training core: spec → model → training loop, plus the parity check a run records.
export { buildModel } from './build-model.ts';
export { countClasses, resolveClassWeights } from './class-weights.ts';
export { REPRODUCIBILITY_TOLERANCE } from './determinism.ts';
export {
  EarlyStoppingTracker,
  type EarlyStoppingVerdict,
  monitoredValue,
  monitorMode,
} from './early-stopping.ts';
export { jobProfileOf } from './job-profile.ts';
export { batchLoss, metricName, metricSum, perExampleLoss } from './losses.ts';
export { createOptimizer, disposeOptimizer, setLearningRate } from './optimizer.ts';
export { DEFAULT_PARITY_TOLERANCE, PARITY_TOLERANCE, parityCheck } from './parity.ts';
export { learningRateAt } from './schedule.ts';
export {
  checkSpecFitsData,
  defaultEpochs,
  formatPath,
  MAX_DEFAULT_EPOCHS,
  MIN_DEFAULT_STEPS,
  parseModelSpec,
  type SpecDataSize,
  type SpecIssue,
} from './spec.ts';
export { DEFAULT_PROGRESS_INTERVAL_MS, trainModel } from './train-model.ts';
export type {
  DataShape,
  EpochRecord,
  MetricValues,
  ModelShape,
  ParityResult,
  TrainModelOptions,
  TrainProgress,
  TrainResult,
  TrainSplit,
  TrainTimings,
} from './types.ts';
export {
  disposeSnapshot,
  initialiseSeededWeights,
  restoreWeights,
  snapshotWeights,
  type WeightSnapshot,
} from './weights.ts';
