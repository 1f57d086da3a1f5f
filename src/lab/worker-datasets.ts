import * as Comlink from 'comlink';
import type { DatasetListing, DatasetPreview } from '../data/dataset-catalog.ts';
import { ingestDataset } from '../data/ingest.ts';
import type { DataSource, IngestOptions, IngestProgress } from '../data/types.ts';
import { EdgeflowError } from '../errors.ts';
import type { DatasetSummary } from '../schemas/dataset.ts';
import type { LabWorkerContext } from './worker-context.ts';

/** Sources that can cross to a worker (structured-cloneable): a `URL` object travels as `{ url }`. */
export type WorkerDataSource =
  | Blob
  | string
  | ArrayBuffer
  | ArrayBufferView
  | { readonly url: string }
  | { readonly text: string; readonly name?: string }
  | { readonly rows: readonly Readonly<Record<string, unknown>>[]; readonly name?: string };

/** `loadDataset` options as they reach the worker: no callbacks or signals (those travel separately). */
export type WorkerLoadOptions = Omit<IngestOptions, 'onProgress' | 'signal'> & {
  /** Names the load so `cancelLoad(loadId)` can stop it. */
  readonly loadId?: string;
};

/**
 * The dataset part of the lab worker API: load (streamed, parsed, checked, profiled and
 * fingerprinted here, never on the main thread), preview, list and release. The data stays in this
 * worker's catalog (`context.datasets`), where training reads it.
 */
export function createDatasetMethods(context: LabWorkerContext) {
  const loads = new Map<string, AbortController>();
  return {
    /**
     * Loads a dataset into this worker and returns its summary (the table stays here). Progress
     * reaches `onProgress` at most about 10 times a second, and once when done.
     *
     * @throws EdgeflowError the codes of `ingestDataset`, or `CANCELLED` after `cancelLoad`.
     */
    async loadDataset(
      source: WorkerDataSource,
      options: WorkerLoadOptions = {},
      onProgress?: (progress: IngestProgress) => void,
    ): Promise<DatasetSummary> {
      const { loadId, ...ingestOptions } = options;
      const controller = new AbortController();
      if (loadId !== undefined) loads.set(loadId, controller);
      try {
        const dataset = await ingestDataset(source as DataSource, {
          ...ingestOptions,
          signal: controller.signal,
          ...(onProgress ? { onProgress } : {}),
        });
        return context.datasets.summarize(context.datasets.put(dataset));
      } finally {
        if (loadId !== undefined) loads.delete(loadId);
        releaseCallback(onProgress);
      }
    },
    /** Stops the load named `loadId` (it rejects with `CANCELLED`); false when no such load runs. */
    cancelLoad(loadId: string): boolean {
      const controller = loads.get(loadId);
      controller?.abort();
      return controller !== undefined;
    },
    /**
     * The first `rows` rows of a dataset (at most 100).
     *
     * @throws EdgeflowError `DATASET_NOT_FOUND`.
     */
    previewDataset(id: string, rows = 10): DatasetPreview {
      return context.datasets.preview(id, rows);
    },
    /** The datasets loaded in this worker. */
    listDatasets(): DatasetListing[] {
      return context.datasets.list();
    },
    /** Forgets a dataset and frees its memory; false when it was not loaded here. */
    releaseDataset(id: string): boolean {
      if (typeof id !== 'string') {
        throw new EdgeflowError('INVALID_ARGUMENT', 'releaseDataset needs a dataset id (a string).', {
          details: { id: String(id) },
        });
      }
      return context.datasets.release(id);
    },
  };
}

/** Frees the message channel behind a comlink-proxied callback (a plain function has none). */
export function releaseCallback(callback: unknown): void {
  const release = (callback as { [Comlink.releaseProxy]?: () => void } | undefined)?.[Comlink.releaseProxy];
  if (typeof release === 'function') release.call(callback);
}
