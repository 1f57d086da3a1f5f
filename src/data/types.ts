import type {
  ColumnType,
  DatasetSchema,
  FittedPipeline,
  Profile,
  QualityReport,
  RowPolicy,
  SchemaInput,
  Task,
} from '../schemas/dataset.ts';

/**
 * A numeric, integer or date column: values in a typed array (float32; float64 for dates, epoch ms).
 * A missing cell holds NaN and has `missing[row] === 1`; `missing` is null when no cell is missing.
 */
export interface NumericColumn {
  readonly kind: 'numeric';
  readonly name: string;
  readonly type: Extract<ColumnType, 'numeric' | 'integer' | 'date'>;
  readonly values: Float32Array | Float64Array;
  readonly missing: Uint8Array | null;
}

/** A boolean column: 0 or 1 per row (0 where missing). */
export interface BooleanColumn {
  readonly kind: 'boolean';
  readonly name: string;
  readonly type: 'boolean';
  readonly values: Uint8Array;
  readonly missing: Uint8Array | null;
}

/**
 * A categorical column: an index into `dictionary` per row (-1 where missing). The dictionary holds
 * each category once; in a loaded table, in order of first appearance and only categories that occur.
 */
export interface CategoricalColumn {
  readonly kind: 'categorical';
  readonly name: string;
  readonly type: 'categorical';
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
  readonly missing: Uint8Array | null;
}

/** One stored column. Free-text columns are set aside and have no column in the table. */
export type Column = NumericColumn | BooleanColumn | CategoricalColumn;

/**
 * Columnar data: one typed array per column (plus a missing mask where needed), each `rowCount`
 * long and backed by its own ArrayBuffer (possibly with spare capacity after the view), so every
 * buffer can be transferred (`tableTransferables`).
 */
export interface Table {
  readonly rowCount: number;
  readonly columns: readonly Column[];
}

/** Where ingest reads from. A plain string is the content itself (CSV, TSV, JSON or NDJSON text), not a URL. */
export type DataSource =
  | Blob
  | URL
  | string
  | ArrayBuffer
  | ArrayBufferView
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>
  | { readonly url: string; readonly init?: RequestInit }
  | { readonly text: string; readonly name?: string }
  | { readonly rows: readonly Readonly<Record<string, unknown>>[]; readonly name?: string };

/** The formats ingest reads. `'auto'` decides from the file name, the content type and the first bytes. */
export type DataFormat = 'auto' | 'csv' | 'tsv' | 'json' | 'ndjson';

/** Progress of a load: bytes (characters for a string source) and rows read so far. */
export interface IngestProgress {
  readonly phase: 'reading' | 'analyzing' | 'done';
  readonly bytesRead: number;
  /** Null when the source does not say (a stream without Content-Length). */
  readonly totalBytes: number | null;
  readonly rowsRead: number;
  readonly elapsedMs: number;
}

/** Options of `ingestDataset` (and `lab.loadDataset`). */
export interface IngestOptions {
  /** The column to predict; omit for a dataset without a target (profiling only). */
  target?: string | null;
  /** Override the inferred task of the target. */
  task?: Task;
  /** A display name (default: the file name, or "dataset"). */
  name?: string;
  /** A full schema or per-column overrides of the inferred one. */
  schema?: SchemaInput | DatasetSchema;
  /** What to do with a row holding a value that cannot be used (default `'error'`). */
  rowPolicy?: RowPolicy;
  format?: DataFormat;
  /** Field delimiter (default: detected from the header line; tab for TSV). */
  delimiter?: string;
  /**
   * CSV/TSV: the decimal separator of numbers. Default: detected from the first 500 records — a
   * comma when, with a delimiter other than a comma, numbers like `1,5` appear and none like `1.5`;
   * with a comma, points group thousands (`1.234,5`).
   */
  decimalSeparator?: '.' | ',';
  /** Strings read as a missing value (default: '', NA, N/A, NaN, null, None, ? and common variants). */
  missingValues?: readonly string[];
  /** Rows used to infer the schema (default 10 000). */
  sampleSize?: number;
  /** More columns than this is an error (`TOO_MANY_COLUMNS`; default 2048). */
  maxColumns?: number;
  /** A categorical feature with more distinct values is set aside as free text (default 10 000). */
  maxCategories?: number;
  /** Categories reported per categorical column in the profile (default 20). */
  topK?: number;
  /** Called at most about 10 times a second, and once when done. */
  onProgress?: (progress: IngestProgress) => void;
  /** Minimum milliseconds between progress calls (default 100). */
  progressIntervalMs?: number;
  signal?: AbortSignal;
}

/** Maps a table row back to its line in the source (1-based; the header is line 1). */
export interface LineLookup {
  lineOf(row: number): number | null;
}

/** A loaded dataset as the worker keeps it: the table and everything known about it. */
export interface LoadedDataset {
  readonly name: string;
  readonly table: Table;
  readonly schema: DatasetSchema;
  readonly quality: QualityReport;
  readonly profile: Profile;
  /** SHA-256 (hex) of the canonical encoding of schema and data. */
  readonly fingerprint: string;
  readonly lines: LineLookup;
  /** The first rows as read (up to 100), including set-aside text columns, for previews. */
  readonly previewRows: readonly Readonly<Record<string, unknown>>[];
  readonly source: {
    readonly kind: 'file' | 'blob' | 'url' | 'text' | 'bytes' | 'stream' | 'rows';
    readonly name: string | null;
    readonly format: 'csv' | 'tsv' | 'json' | 'ndjson' | 'rows';
    readonly bytes: number;
    /** CSV/TSV: the decimal separator numbers were read with (detected or given). */
    readonly decimalSeparator?: '.' | ',';
  };
  readonly loadMs: number;
  /**
   * The strings read as missing when this dataset was loaded, when the caller chose them (absent:
   * the default list). A pipeline fitted on it stores them, so predict reads rows the same way.
   */
  readonly missingValues?: readonly string[];
  /** Where the load's time went, in milliseconds (reading includes parsing and building the table). */
  readonly timings?: {
    readonly readMs: number;
    readonly qualityMs: number;
    readonly profileMs: number;
    readonly fingerprintMs: number;
  };
}

/** Train/validation/test row indices (ascending within each split). */
export interface SplitIndices {
  readonly train: Uint32Array;
  readonly validation: Uint32Array;
  readonly test: Uint32Array;
}

/** Model-ready arrays for one set of rows. */
export interface PreparedData {
  /** Row-major features: `rowCount × featureCount`. */
  readonly features: Float32Array;
  readonly featureCount: number;
  readonly featureNames: readonly string[];
  /** Class index (classification) or scaled value (regression) per row. */
  readonly targets: Float32Array;
  readonly task: Task;
  /** Classification: class names in index order. */
  readonly classes?: readonly string[];
  readonly rowCount: number;
  /** The pipeline (fitted on the rows given, or the one passed in). */
  readonly pipeline: FittedPipeline;
}
