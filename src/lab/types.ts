import type { DatasetListing, DatasetPreview } from '../data/dataset-catalog.ts';
import type { IngestOptions, IngestProgress } from '../data/types.ts';
import type { PublishResult } from '../edge/publish.ts';
import type { Capabilities } from '../env.ts';
import type { Registry } from '../registry/registry.ts';
import type { ProbeShape } from '../runtime/probe.ts';
import type { BackendRequest, JobProfile, ProbeFigure, RuntimeReport } from '../runtime/types.ts';
import type { DatasetSummary } from '../schemas/dataset.ts';
import type { LabTraining } from './training-types.ts';
import type { HeartbeatOptions } from './worker-pool.ts';
import type { LabPublishOptions } from './worker-publish.ts';

/** Options for `createLab`. */
export interface LabOptions {
  /** Which tfjs backend the workers use. Default `'auto'`: measured once per device, then cached. */
  backend?: BackendRequest;
  /** How many lab workers (concurrent jobs). Default: cores − 1, between 1 and 4. */
  workers?: number;
  /** Starts a lab worker; override when your bundler needs a different worker URL. */
  createWorker?: (index: number) => Worker;
  /**
   * Liveness checks of busy workers (default every 2 s, dead after 120 s without a reply): finds a
   * worker that died without an error event, rejects its calls and marks its runs `interrupted`.
   */
  heartbeat?: HeartbeatOptions;
  /**
   * Bytes that drafts (finished runs' models kept in IndexedDB until registered, so a run can be
   * registered after a reload) may use on disk; the oldest beyond it are pruned. Default 256 MiB.
   */
  draftBudgetBytes?: number;
}

/**
 * The main-thread facade over the lab workers: runtime, datasets, and (from `LabTraining`)
 * training, run tracking, registering, promoting and predicting.
 */
export interface Lab extends LabTraining {
  /** How many workers the lab runs. */
  readonly workerCount: number;
  /**
   * The backend a worker uses for `job` (default dense training), as seen inside the worker:
   * backend, reason, adapter, probe figures and capabilities.
   */
  runtime(options?: { job?: JobProfile; reprobe?: boolean; worker?: number }): Promise<RuntimeReport>;
  /**
   * Measures dense-training throughput of a model of `shape` on every backend, inside worker 0
   * (default shape: the `'auto'` probe's small MLP).
   */
  measureBackends(shape?: ProbeShape): Promise<ProbeFigure[]>;
  /** The capability report as seen inside a worker (default worker 0). */
  capabilities(worker?: number): Promise<Readonly<Capabilities>>;
  /**
   * Loads a dataset inside a worker: streams and parses the file there (the page never freezes),
   * infers or checks the schema, applies the row policy, and returns the summary; the data stays in
   * that worker. The id is the dataset's fingerprint.
   *
   * @throws EdgeflowError `PARSE_ERROR`, `SCHEMA_MISMATCH`, `DATA_QUALITY`, `TOO_MANY_COLUMNS`,
   * `EMPTY_DATASET`, `TARGET_NOT_FOUND`, `SINGLE_CLASS_TARGET`, `CANCELLED`, `INVALID_ARGUMENT`.
   * @example
   * const ds = await lab.loadDataset(file, { target: 'species', onProgress: (p) => show(p.bytesRead) });
   * ds.quality.issues; // problems with example rows and their lines
   */
  loadDataset(source: LabDataSource, options?: LoadDatasetOptions): Promise<DatasetSummary>;
  /**
   * The first rows of a loaded dataset (at most 100): parsed values, null where missing.
   *
   * @throws EdgeflowError `DATASET_NOT_FOUND`.
   */
  previewDataset(id: string, rows?: number): Promise<DatasetPreview>;
  /** The datasets loaded in every worker. */
  listDatasets(): Promise<DatasetListing[]>;
  /** Frees a loaded dataset; false when it was not loaded. */
  releaseDataset(id: string): Promise<boolean>;
  /**
   * Stores a loaded dataset in the registry by its fingerprint (once), so it survives a reload and
   * `openStoredDataset` can bring it back; `lab.registry.listDatasets()` lists what is stored.
   *
   * @throws EdgeflowError `DATASET_NOT_FOUND` (not loaded), `QUOTA_EXCEEDED`.
   */
  keepDataset(id: string): Promise<void>;
  /**
   * Loads a stored dataset (by fingerprint) into a worker, without its file: schema, target, quality
   * report and profile as they were stored. Training and preview then work as after `loadDataset`.
   *
   * @throws EdgeflowError `DATASET_NOT_FOUND` when nothing is stored under that fingerprint.
   * @example
   * const [latest] = await lab.registry.listDatasets();
   * if (latest) await lab.openStoredDataset(latest.fingerprint);
   */
  openStoredDataset(fingerprint: string, options?: { worker?: number }): Promise<DatasetSummary>;
  /**
   * The model registry (IndexedDB) as the page sees it: models, versions, aliases and their log,
   * runs, lineage, export/import, storage. Workers write to the same database.
   */
  readonly registry: Registry;
  /** tfjs memory inside a worker (default 0): live tensors and bytes. */
  memory(worker?: number): Promise<{ numTensors: number; numBytes: number }>;
  /**
   * Publishes a registered version (number or alias) as a signed release for edge clients, built in
   * a lab worker: tfjs files, golden pairs computed there (from `goldenRows`, else the first rows of
   * the version's dataset when it is loaded), aggregates-only profile; written to the collector or a
   * directory handle and pointed at by `channel` for `rolloutPercent` % of devices.
   *
   * @throws EdgeflowError `MODEL_NOT_FOUND`, `VERSION_NOT_FOUND`, `VERSION_CONFLICT`, `NETWORK_ERROR`
   * and the collector's codes.
   * @example
   * const key = await loadStoredSigningKey('publisher'); // from edgeflow/edge
   * await lab.publish('penguins', 'champion', { channel: 'beta', rolloutPercent: 10, signingKey: key,
   *   target: { kind: 'collector', collector: { url: location.origin, token } } });
   */
  publish(model: string, versionOrAlias: number | string, options: LabPublishOptions): Promise<PublishResult>;
  /**
   * A registered version as a `.zip` Blob (tfjs `model.json` + shards and `edgeflow.json`), read,
   * verified and zipped (streamed) in a lab worker, so a large model's export never freezes the page.
   *
   * @throws EdgeflowError `MODEL_NOT_FOUND`, `VERSION_NOT_FOUND`, `INTEGRITY_FAILED`.
   * @example
   * const zip = await lab.exportVersion('iris', 'champion');
   * await lab.registry.downloadVersionZip('iris', 'champion', zip);
   */
  exportVersion(model: string, versionOrAlias?: number | string): Promise<Blob>;
  /** Ends worker `index` now (e.g. a runaway job); its pending calls reject with `WORKER_CRASHED`. */
  terminateWorker(index: number): void;
  /** Ends all workers. Pending calls reject with `WORKER_CRASHED`; later calls with `DISPOSED`. */
  dispose(): Promise<void>;
}

/**
 * What `lab.loadDataset` reads: a `File` or `Blob`, a `URL` (or `{ url }`), the text itself (a
 * string or `{ text }`), bytes, or rows from code (`{ rows }`).
 */
export type LabDataSource =
  | Blob
  | URL
  | string
  | ArrayBuffer
  | ArrayBufferView
  | { readonly url: string }
  | { readonly text: string; readonly name?: string }
  | { readonly rows: readonly Readonly<Record<string, unknown>>[]; readonly name?: string };

/** Options of `lab.loadDataset`. */
export interface LoadDatasetOptions extends Omit<IngestOptions, 'onProgress' | 'signal'> {
  /** Called in the page at most about 10 times a second while the worker reads, and when done. */
  onProgress?: (progress: IngestProgress) => void;
  /** Aborting stops the load in the worker; the promise rejects with `CANCELLED`. */
  signal?: AbortSignal;
  /** Which worker loads and keeps the dataset (default: the least busy). */
  worker?: number;
}
