import { EdgeflowError } from '../errors.ts';
import type { DatasetSchema, FittedPipeline, PipelineStep } from '../schemas/dataset.ts';
import { fitTransform, transformTable, transformTarget } from './pipeline.ts';
import type { PreparedData, SplitIndices, Table } from './types.ts';

/** What preparing needs of a loaded dataset: the table, its schema and how it was read. */
export interface PreparableDataset {
  readonly table: Table;
  readonly schema: DatasetSchema;
  /** Ingest's missing-value strings, when the caller chose them: stored in the fitted pipeline. */
  readonly missingValues?: readonly string[];
}

/** Options of `prepareTrainingData`. */
export interface PrepareOptions {
  /** A pipeline fitted before (on the training split): transform only. Omit to fit on `rows`. */
  readonly pipeline?: FittedPipeline;
  /** Steps to fit (default: `defaultPipelineSteps(schema)`). */
  readonly steps?: readonly PipelineStep[];
  /** Regression: standardize the target (default true). */
  readonly scaleTarget?: boolean;
}

/**
 * Turns rows of a loaded dataset into model-ready arrays. Without `options.pipeline` the pipeline is
 * fitted on exactly these rows, so call it first with the training split and pass the returned
 * pipeline for validation and test rows: nothing outside the training split is ever seen by `fit`.
 *
 * @throws EdgeflowError `TARGET_NOT_FOUND` when the dataset has no target; the codes of `fitPipeline`.
 * @example
 * const train = prepareTrainingData(ds, split.train);
 * const test = prepareTrainingData(ds, split.test, { pipeline: train.pipeline });
 */
export function prepareTrainingData(
  dataset: PreparableDataset,
  rows: ArrayLike<number>,
  options: PrepareOptions = {},
): PreparedData {
  const target = dataset.schema.target;
  if (!target) {
    throw new EdgeflowError(
      'TARGET_NOT_FOUND',
      'This dataset has no target column: load it with { target: "<column>" } to train on it.',
      { details: {} },
    );
  }
  let pipeline: FittedPipeline;
  let features: Float32Array;
  if (options.pipeline) {
    pipeline = options.pipeline;
    features = transformTable(pipeline, dataset.table, rows);
  } else {
    ({ pipeline, features } = fitTransform(dataset.table, dataset.schema, options.steps, {
      rows,
      ...(options.scaleTarget === undefined ? {} : { scaleTarget: options.scaleTarget }),
      ...(dataset.missingValues ? { missingValues: dataset.missingValues } : {}),
    }));
  }
  const targets = transformTarget(pipeline, dataset.table, rows);
  const classes = pipeline.target?.classes;
  return {
    features,
    featureCount: pipeline.featureCount,
    featureNames: pipeline.featureNames,
    targets,
    task: target.task,
    ...(classes ? { classes } : {}),
    rowCount: rows.length,
    pipeline,
  };
}

/** Train, validation and test arrays from one split, the pipeline fitted on the training rows only. */
export interface PreparedSplits {
  readonly pipeline: FittedPipeline;
  readonly train: PreparedData;
  readonly validation: PreparedData;
  readonly test: PreparedData;
}

/** `prepareTrainingData` for all three parts of a split, fitting on `split.train` only. */
export function prepareSplits(
  dataset: PreparableDataset,
  split: SplitIndices,
  options: Omit<PrepareOptions, 'pipeline'> = {},
): PreparedSplits {
  const train = prepareTrainingData(dataset, split.train, options);
  const pipeline = train.pipeline;
  return {
    pipeline,
    train,
    validation: prepareTrainingData(dataset, split.validation, { pipeline }),
    test: prepareTrainingData(dataset, split.test, { pipeline }),
  };
}
