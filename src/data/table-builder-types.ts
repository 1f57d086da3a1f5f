// The contracts around the table builder: what a reader feeds it (RowSink), how it is configured,
// and what it hands over at the end (the table, its schema and every count the quality report needs).
import type { DatasetSchema, QualityExample, RowPolicy, SchemaInput, Task } from '../schemas/dataset.ts';
import type { LineMap } from './line-map.ts';
import type { Table } from './types.ts';

/** Receives parsed records from a reader (CSV or JSON). */
export interface RowSink {
  /** The column names from a header, before any row. */
  beginColumns(names: readonly string[]): void;
  /** One CSV record (`row.length` equals the header's length). The hot path. */
  addStringRow(row: string[], line: number): void;
  /** One JSON object or row from code; `line` is null for rows from code. */
  addObjectRow(row: Readonly<Record<string, unknown>>, line: number | null): void;
  /**
   * A CSV record the reader could not use (its field count differs from the header's) and skipped
   * under rowPolicy 'drop' (issue 18.10): counted as read and dropped, with its line.
   */
  dropRaggedRecord?(line: number, fields: number): void;
  /** Records read so far (including dropped ones). */
  readonly rowsRead: number;
}

/** Options of a `TableBuilder`. */
export interface TableBuilderOptions {
  readonly target: string | null;
  readonly task?: Task;
  readonly schema?: SchemaInput | DatasetSchema;
  readonly rowPolicy: RowPolicy;
  readonly missing: ReadonlySet<string>;
  readonly sampleSize: number;
  readonly maxCategories: number;
  /** Estimated rows in total (from the source size), to allocate once instead of growing. */
  readonly estimateRows?: (sampleRows: number, sampleChars: number) => number | null;
}

/** Per-column counts of what went wrong, with the first examples. */
export interface ColumnProblems {
  typeMismatches: number;
  outOfRange: number;
  imputed: number;
  dropped: number;
  typeExamples: QualityExample[];
  rangeExamples: QualityExample[];
  missingExamples: QualityExample[];
  /** Type mismatches that look like a placeholder for a missing value (".", "-", …), by value. */
  placeholders?: Map<string, number>;
}

/** What the builder hands over when the input ends. */
export interface BuiltTable {
  readonly table: Table;
  readonly schema: DatasetSchema;
  readonly rowsRead: number;
  readonly droppedRows: number;
  readonly droppedExamples: QualityExample[];
  /** Records skipped for a wrong field count (rowPolicy 'drop'); also counted in `droppedRows`. */
  readonly raggedRows: number;
  /** The first ragged records' lines, with their field count as the value. */
  readonly raggedExamples: QualityExample[];
  readonly missingTargetRows: number;
  readonly missingTargetExamples: QualityExample[];
  /** Keyed by column name (stored columns and set-aside ones). */
  readonly problems: ReadonlyMap<string, ColumnProblems>;
  readonly setAside: readonly { column: string; reason: string }[];
  /** Empty cells of set-aside text columns (their values are not stored). */
  readonly textMissing: ReadonlyMap<string, number>;
  /** Distinct present values of set-aside text columns, exact up to 1000 (`capped` beyond). */
  readonly textDistinct: ReadonlyMap<string, { distinct: number; capped: boolean }>;
  readonly unknownFields: ReadonlyMap<string, { count: number; examples: QualityExample[] }>;
  readonly lines: LineMap;
  readonly previewRows: Readonly<Record<string, unknown>>[];
}
