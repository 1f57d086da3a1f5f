// Datasets shared between lab workers through the registry: a run reads its dataset from this
// worker's catalog or, when another worker (or an earlier session) loaded it, from the registry; a
// dataset is written there once, so other workers and later evaluations find the same rows.
import type { LoadedDataset } from '../data/types.ts';
import { EdgeflowError } from '../errors.ts';
import type { Registry } from '../registry/registry.ts';
import type { DatasetSummary } from '../schemas/dataset.ts';
import { datasetFromRecord, datasetMeta, datasetToChunks } from './dataset-persistence.ts';
import type { LabWorkerContext } from './worker-context.ts';

/** A worker's access to datasets by id (their fingerprint), wherever they were loaded. */
export interface StoredDatasets {
  /**
   * A dataset by id: loaded in this worker, or stored by another worker (kept here once read).
   *
   * @throws EdgeflowError `DATASET_NOT_FOUND` when it is neither loaded nor stored.
   */
  datasetById(id: string): Promise<LoadedDataset>;
  /** Writes a dataset to the registry unless it is there already (checked once per dataset). */
  persistDataset(dataset: LoadedDataset): Promise<void>;
}

/** Creates a worker's `StoredDatasets` over its catalog and the (lazily opened) registry. */
export function createStoredDatasets(
  context: LabWorkerContext,
  registry: () => Promise<Registry>,
): StoredDatasets {
  /** A dataset by id: loaded in this worker, or stored by another worker (ids are fingerprints). */
  async function datasetById(id: string): Promise<LoadedDataset> {
    const local = context.datasets.find(id);
    if (local) return local;
    // Loaded by another worker (or an earlier session): read it from the registry and keep it here.
    const reg = await registry();
    const record = await reg.getDataset(id).catch((error: unknown) => {
      throw new EdgeflowError(
        'DATASET_NOT_FOUND',
        `No dataset "${id}" is loaded or stored; load it with lab.loadDataset() first.`,
        {
          details: { datasetId: id },
          cause: error,
        },
      );
    });
    return context.datasets.put(datasetFromRecord(record, await reg.readDatasetChunks(id)));
  }

  // Datasets this worker already stored (or found stored): copying the table into chunks again
  // only to have the registry deduplicate them is wasted work on every run.
  const persisted = new Set<string>();
  async function persistDataset(dataset: LoadedDataset): Promise<void> {
    if (persisted.has(dataset.fingerprint)) return;
    const reg = await registry();
    if (
      await reg.getDataset(dataset.fingerprint).then(
        () => true,
        () => false,
      )
    ) {
      persisted.add(dataset.fingerprint);
      return;
    }
    await reg.putDataset({
      fingerprint: dataset.fingerprint,
      name: dataset.name,
      schema: datasetMeta(dataset) as never,
      profile: dataset.profile as never,
      rowCount: dataset.table.rowCount,
      chunks: datasetToChunks(dataset),
    });
    persisted.add(dataset.fingerprint);
  }
  return { datasetById, persistDataset };
}

/** The worker methods that store a loaded dataset for other workers and reopen a stored one. */
export function createStoredDatasetMethods(context: LabWorkerContext, stored: StoredDatasets) {
  const { datasetById, persistDataset } = stored;
  return {
    /**
     * Writes a dataset loaded in this worker to the registry (once), so other workers can train on
     * it. The lab calls this before it sends a run to a worker that does not hold the data.
     */
    async storeDataset(datasetId: string): Promise<void> {
      await persistDataset(await datasetById(datasetId));
    },

    /**
     * Brings a stored dataset (by fingerprint) into this worker's catalog and returns its summary:
     * how a page reopens a dataset after a reload without the file (issue 18.8).
     *
     * @throws EdgeflowError `DATASET_NOT_FOUND` when nothing is stored under that fingerprint.
     */
    async openStoredDataset(datasetId: string): Promise<DatasetSummary> {
      await datasetById(datasetId);
      return context.datasets.summarize(context.datasets.getLoadedDataset(datasetId));
    },
  };
}
