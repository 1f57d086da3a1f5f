// What the training parts of one lab worker share: the lazily opened registry, the finished runs'
// models kept here until registered, and the datasets (loaded here or read back from the registry).
// The types of a stored run's spec and of a kept run live here too.
import type * as tf from '@tensorflow/tfjs';
import type { LoadedDataset } from '../data/types.ts';
import { createRegistry, type Registry } from '../registry/registry.ts';
import type { FittedPipeline } from '../schemas/dataset.ts';
import type { MetricReport } from '../schemas/metrics.ts';
import type { ModelSpec } from '../schemas/model-spec.ts';
import type { LabWorkerContext } from './worker-context.ts';
import { createStoredDatasets, type StoredDatasets } from './worker-stored-datasets.ts';

/** What a run stores as its `spec`: the parsed model spec plus how the rows were split. */
export interface StoredRunSpec extends ModelSpec {
  split: RunSplit;
}

/** How a run's rows were split: shares, and for a k-fold cross-validation which fold is the test part. */
export type RunSplit = { validation: number; test: number; folds?: number; fold?: number };

/** A finished run's model, kept in the worker that trained it until it is registered. */
export interface TrainedRun {
  model: tf.LayersModel;
  pipeline: FittedPipeline;
  dataset: LoadedDataset;
  metrics: Record<string, number | null>;
  report: MetricReport;
}

/** Run ids remembered at most per list (early cancels, registered runs): neither may pile up. */
export const REMEMBERED_RUN_IDS = 256;

/** The state the training parts of one worker share (see `createTrainingState`). */
export interface TrainingState {
  readonly context: LabWorkerContext;
  /** The registry, opened on first use and shared by every training part of this worker. */
  registry(): Promise<Registry>;
  /** Finished runs' models, kept in this worker until registered or discarded. */
  readonly trained: Map<string, TrainedRun>;
  /** Datasets by id, read from the registry when another worker loaded them. */
  readonly datasets: StoredDatasets;
}

/** Creates the shared state of one worker's training parts; nothing is opened until first used. */
export function createTrainingState(context: LabWorkerContext): TrainingState {
  let registryPromise: Promise<Registry> | undefined;
  const registry = (): Promise<Registry> => {
    registryPromise ??= createRegistry();
    return registryPromise;
  };
  const trained = new Map<string, TrainedRun>();
  return { context, registry, trained, datasets: createStoredDatasets(context, registry) };
}
