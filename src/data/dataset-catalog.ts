import { closestNames, EdgeflowError } from '../errors.ts';
import type { DatasetSummary, Task } from '../schemas/dataset.ts';
import { tableRows } from './table.ts';
import type { LoadedDataset } from './types.ts';

/** A loaded dataset kept by a catalog, with its id and when it was loaded. */
export interface CatalogEntry extends LoadedDataset {
  readonly id: string;
  readonly loadedAt: number;
  /** The lab worker holding it (0 outside a lab). */
  readonly worker: number;
}

/** One line of `listDatasets()`: what a dataset is, without its reports. */
export interface DatasetListing {
  readonly id: string;
  readonly name: string;
  readonly fingerprint: string;
  readonly rowCount: number;
  readonly columnCount: number;
  readonly target: string | null;
  readonly task: Task | null;
  readonly worker: number;
  readonly loadedAt: number;
  /** Bytes of the table's typed arrays. */
  readonly tableBytes: number;
}

/** A few rows of a dataset: parsed values (null where missing); set-aside text columns as read. */
export interface DatasetPreview {
  readonly id: string;
  readonly columns: readonly string[];
  readonly rows: readonly Readonly<Record<string, unknown>>[];
  readonly rowCount: number;
}

/** The most rows `preview` returns. */
export const MAX_PREVIEW_ROWS = 100;

/**
 * The datasets loaded in one worker, by id. Training, evaluation and predict in the same worker
 * read a dataset from here (`getLoadedDataset`); another worker gets its own copy from the registry
 * (stored by fingerprint) and `put`s it into its catalog.
 */
export class DatasetCatalog {
  readonly #entries = new Map<string, CatalogEntry>();
  readonly #worker: () => number;

  /** `worker`: the index of the lab worker this catalog lives in (a function when it is set later). */
  constructor(worker: number | (() => number) = 0) {
    this.#worker = typeof worker === 'number' ? () => worker : worker;
  }

  /**
   * Keeps `dataset` under its id: the fingerprint, so equal data loaded twice is one dataset (the
   * later name wins) and any worker can find it again in the registry by the same id.
   */
  put(dataset: LoadedDataset): CatalogEntry {
    const id = dataset.fingerprint;
    const entry: CatalogEntry = { ...dataset, id, loadedAt: Date.now(), worker: this.#worker() };
    this.#entries.set(id, entry);
    return entry;
  }

  /** The dataset with `id`, or undefined. */
  find(id: string): CatalogEntry | undefined {
    return this.#entries.get(id);
  }

  /**
   * The dataset with `id`: table, schema, quality report, profile and fingerprint.
   *
   * @throws EdgeflowError `DATASET_NOT_FOUND` (released, never loaded, or loaded in another worker).
   */
  getLoadedDataset(id: string): CatalogEntry {
    const entry = this.#entries.get(id);
    if (entry) return entry;
    const known = [...this.#entries.keys()];
    const near = closestNames(id, known);
    throw new EdgeflowError(
      'DATASET_NOT_FOUND',
      `No dataset "${id}" in this worker: it was released, never loaded, or lives in another worker (or a worker that restarted).${near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(', ')}?` : ''} Load it again with lab.loadDataset().`,
      { details: { id, worker: this.#worker(), loaded: known } },
    );
  }

  /** True when `id` is here. */
  has(id: string): boolean {
    return this.#entries.has(id);
  }

  /** Every dataset here, oldest first. */
  list(): DatasetListing[] {
    return [...this.#entries.values()].map((entry) => ({
      id: entry.id,
      name: entry.name,
      fingerprint: entry.fingerprint,
      rowCount: entry.table.rowCount,
      columnCount: entry.schema.columns.length,
      target: entry.schema.target?.name ?? null,
      task: entry.schema.target?.task ?? null,
      worker: entry.worker,
      loadedAt: entry.loadedAt,
      tableBytes: entry.table.columns.reduce(
        (sum, c) =>
          sum +
          (c.kind === 'categorical' ? c.codes.byteLength : c.values.byteLength) +
          (c.missing?.byteLength ?? 0),
        0,
      ),
    }));
  }

  /**
   * The first `rows` rows (at most 100).
   *
   * @throws EdgeflowError `DATASET_NOT_FOUND`; `INVALID_ARGUMENT` for a bad row count.
   */
  preview(id: string, rows = 10): DatasetPreview {
    if (!Number.isInteger(rows) || rows < 0) {
      throw new EdgeflowError('INVALID_ARGUMENT', `rows must be a whole number ≥ 0, got ${rows}.`, {
        details: { rows },
      });
    }
    const entry = this.getLoadedDataset(id);
    const n = Math.min(rows, MAX_PREVIEW_ROWS, entry.table.rowCount);
    const stored = tableRows(
      entry.table,
      Array.from({ length: n }, (_, i) => i),
    );
    const out = stored.map((row, i) => {
      const raw = entry.previewRows[i];
      const record: Record<string, unknown> = {};
      for (const column of entry.schema.columns) {
        record[column.name] = column.name in row ? row[column.name] : (raw?.[column.name] ?? null);
      }
      return record;
    });
    return {
      id,
      columns: entry.schema.columns.map((c) => c.name),
      rows: out,
      rowCount: entry.table.rowCount,
    };
  }

  /** Drops a dataset; false when it was not here. */
  release(id: string): boolean {
    return this.#entries.delete(id);
  }

  /** The summary `lab.loadDataset` returns for an entry. */
  summarize(entry: CatalogEntry): DatasetSummary {
    return {
      id: entry.id,
      name: entry.name,
      fingerprint: entry.fingerprint,
      rowCount: entry.table.rowCount,
      schema: entry.schema,
      quality: entry.quality,
      profile: entry.profile,
      source: entry.source,
      worker: entry.worker,
      loadedAt: entry.loadedAt,
      loadMs: entry.loadMs,
    };
  }
}
