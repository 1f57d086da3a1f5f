// The preprocessing pipeline: fitted on the training rows only, stored as plain JSON with the model,
// applied to a whole table (training) or to one raw row at a time (prediction at the edge) with
// exactly the same arithmetic. Both paths read a raw value through cell-values.ts (numbers become the
// float32 the table stores), run the same per-value step functions in float64, and round to float32
// once at the end, so `transformTable` and `transformRow` agree to the bit.
//
// This file names the pipeline's public functions; each concern lives in its own module:
// pipeline-fit.ts (default steps, checking steps, fitting), pipeline-numeric.ts (numeric steps),
// pipeline-categorical.ts (category encoding), pipeline-target.ts (the target), pipeline-transform.ts
// (table rows), pipeline-rows.ts (raw row objects), pipeline-format.ts (stored JSON, signature) and
// pipeline-statistics.ts (mean, quantiles by selection, most frequent).
export { categoryIndex, writeCategoryFeature } from './pipeline-categorical.ts';
export { defaultPipelineSteps, type FitOptions, fitPipeline, fitTransform } from './pipeline-fit.ts';
export { parseFittedPipeline, pipelineSignature } from './pipeline-format.ts';
export { applyNumericStep, numericFeature } from './pipeline-numeric.ts';
export {
  type TransformRowOptions,
  transformRow,
  transformRows,
  type UnseenCategory,
} from './pipeline-rows.ts';
export { inverseTransformTarget, sortClasses, transformTarget } from './pipeline-target.ts';
export { transformTable } from './pipeline-transform.ts';
