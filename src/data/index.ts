// Public barrel of edgeflow/data: ingest, schema, quality, pipeline, split, profile, fingerprint.
// Everything here runs in a worker, a page or Node (no tfjs, no DOM at import time). No `export *`.
export {
  type CategoricalProfile,
  type ColumnOverride,
  type ColumnProfile,
  type ColumnQuality,
  type ColumnRole,
  type ColumnSchema,
  type ColumnType,
  categoricalProfileSchema,
  columnOverrideSchema,
  columnProfileSchema,
  columnQualitySchema,
  columnRoleSchema,
  columnSchemaSchema,
  columnTypeSchema,
  type DatasetSchema,
  type DatasetSummary,
  datasetSchemaSchema,
  datasetSummarySchema,
  type FittedColumn,
  type FittedEncoding,
  type FittedNumericStep,
  type FittedPipeline,
  type FittedTarget,
  type FloatSketch,
  fittedColumnSchema,
  fittedEncodingSchema,
  fittedNumericStepSchema,
  fittedPipelineSchema,
  fittedTargetSchema,
  floatSketchSchema,
  type NumericProfile,
  numericProfileSchema,
  type PipelineStep,
  type Profile,
  pipelineStepSchema,
  profileSchema,
  type QualityExample,
  type QualityIssue,
  type QualityIssueKind,
  type QualityReport,
  type QuantileBins,
  qualityExampleSchema,
  qualityIssueKindSchema,
  qualityIssueSchema,
  qualityReportSchema,
  quantileBinsSchema,
  type RowPolicy,
  rowPolicySchema,
  type SchemaInput,
  schemaInputSchema,
  type TargetSchema,
  type Task,
  targetSchema,
  taskSchema,
} from '../schemas/dataset.ts';
export {
  type CellProblem,
  DEFAULT_MISSING_VALUES,
  parseDecimal,
  readBoolean,
  readCategory,
  readDate,
  readNumber,
} from './cell-values.ts';
export { type CsvRecord, type CsvTokens, formatCsv, tokenizeCsv } from './csv-tokenizer.ts';
export {
  type CatalogEntry,
  DatasetCatalog,
  type DatasetListing,
  type DatasetPreview,
  MAX_PREVIEW_ROWS,
} from './dataset-catalog.ts';
export { canonicalJson, fingerprintDataset } from './fingerprint.ts';
export { bucketValue, MANTISSA_BITS, mergeSketches, sketchBins, sketchQuantile } from './float-sketch.ts';
export { ingestDataset } from './ingest.ts';
export { LineMap } from './line-map.ts';
export {
  applyNumericStep,
  defaultPipelineSteps,
  type FitOptions,
  fitPipeline,
  fitTransform,
  inverseTransformTarget,
  parseFittedPipeline,
  pipelineSignature,
  sortClasses,
  type TransformRowOptions,
  transformRow,
  transformRows,
  transformTable,
  transformTarget,
  type UnseenCategory,
} from './pipeline.ts';
export {
  type PreparableDataset,
  type PreparedSplits,
  type PrepareOptions,
  prepareSplits,
  prepareTrainingData,
} from './prepare.ts';
export { createRng, type Rng, shuffleInPlace } from './prng.ts';
export { DEFAULT_TOP_K, mergeProfiles, type ProfileOptions, profileTable } from './profile.ts';
export { countDistinct, countMissing, findDuplicateRows } from './quality.ts';
export { generateSampleCsv, type SampleCsv, type SampleOptions } from './sample-data.ts';
export { inferColumnType } from './schema-inference.ts';
export {
  checkSplit,
  type Fold,
  kFoldIndices,
  type RunSplitOptions,
  type SplitNeeds,
  type SplitOptions,
  splitDataset,
  splitForRun,
  splitRows,
} from './split.ts';
export { cellValue, getColumn, isMissing, tableRows, tableTransferables, takeRows } from './table.ts';
export type {
  BooleanColumn,
  CategoricalColumn,
  Column,
  DataFormat,
  DataSource,
  IngestOptions,
  IngestProgress,
  LineLookup,
  LoadedDataset,
  NumericColumn,
  PreparedData,
  SplitIndices,
  Table,
} from './types.ts';
