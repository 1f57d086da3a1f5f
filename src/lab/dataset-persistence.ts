import type { Column, LoadedDataset, Table } from '../data/types.ts';
import { EdgeflowError } from '../errors.ts';
import type { DatasetChunk } from '../registry/types.ts';
import type { DatasetSchema, Profile, QualityReport } from '../schemas/dataset.ts';
import type { ColumnData, DatasetRecord } from '../schemas/registry.ts';

/** Rows per stored chunk are chosen so a chunk stays near this many bytes. */
const TARGET_CHUNK_BYTES = 32 * 2 ** 20;

/**
 * What the lab keeps in a dataset record's opaque `schema` field: the schema plus the quality
 * report and where the data came from, so a worker that did not load the file can train on it.
 */
export interface StoredDatasetMeta {
  schema: DatasetSchema;
  quality: QualityReport;
  source: LoadedDataset['source'];
  /** Ingest's missing-value strings, when the caller chose them (the pipeline stores them too). */
  missingValues?: readonly string[];
}

function bytesPerRow(table: Table): number {
  let bytes = 0;
  for (const column of table.columns) {
    bytes += column.kind === 'numeric' ? column.values.BYTES_PER_ELEMENT : column.kind === 'boolean' ? 1 : 4;
    if (column.missing) bytes += 1;
  }
  return Math.max(bytes, 1);
}

function sliceColumn(column: Column, start: number, end: number): ColumnData {
  const mask = column.missing ? { mask: column.missing.slice(start, end).buffer } : {};
  switch (column.kind) {
    case 'numeric':
      return {
        name: column.name,
        dtype: column.values instanceof Float64Array ? 'float64' : 'float32',
        data: column.values.slice(start, end).buffer,
        ...mask,
      };
    case 'boolean':
      return { name: column.name, dtype: 'uint8', data: column.values.slice(start, end).buffer, ...mask };
    case 'categorical':
      return {
        name: column.name,
        dtype: 'int32',
        data: column.codes.slice(start, end).buffer,
        dictionary: [...column.dictionary],
        ...mask,
      };
  }
}

/** Splits a loaded dataset's table into row chunks for `registry.putDataset`. */
export function datasetToChunks(dataset: LoadedDataset): DatasetChunk[] {
  const rowsPerChunk = Math.max(1, Math.floor(TARGET_CHUNK_BYTES / bytesPerRow(dataset.table)));
  const chunks: DatasetChunk[] = [];
  for (let start = 0; start < dataset.table.rowCount; start += rowsPerChunk) {
    const end = Math.min(dataset.table.rowCount, start + rowsPerChunk);
    chunks.push(dataset.table.columns.map((column) => sliceColumn(column, start, end)));
  }
  return chunks;
}

/** The meta a lab stores beside the chunks. */
export function datasetMeta(dataset: LoadedDataset): StoredDatasetMeta {
  return {
    schema: dataset.schema,
    quality: dataset.quality,
    source: dataset.source,
    ...(dataset.missingValues ? { missingValues: dataset.missingValues } : {}),
  };
}

function concat<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(
  make: (length: number) => T,
  parts: ArrayBuffer[],
  view: (buffer: ArrayBuffer) => T,
): T {
  const views = parts.map(view);
  const out = make(views.reduce((n, v) => n + v.length, 0));
  let offset = 0;
  for (const v of views) {
    out.set(v, offset);
    offset += v.length;
  }
  return out;
}

/**
 * Rebuilds a dataset from its stored record and chunks (in another worker, or after a reload).
 *
 * @throws EdgeflowError `DATASET_NOT_FOUND` when the record lacks the lab's meta or a column.
 */
export function datasetFromRecord(record: DatasetRecord, chunks: DatasetChunk[]): LoadedDataset {
  const meta = record.schema as unknown as StoredDatasetMeta | null;
  if (!meta || typeof meta !== 'object' || !('schema' in meta) || !('quality' in meta)) {
    throw new EdgeflowError(
      'DATASET_NOT_FOUND',
      `Dataset ${record.fingerprint} was stored without the lab's schema; load the file again with lab.loadDataset().`,
      { details: { fingerprint: record.fingerprint } },
    );
  }
  // The stored chunks name exactly the table's columns (set-aside text columns are not among them).
  const names = chunks[0]?.map((c) => c.name) ?? [];
  const columns: Column[] = names
    .map((name) => meta.schema.columns.find((c) => c.name === name) ?? { name, type: 'numeric' as const })
    .map((schemaColumn) => {
      const parts = chunks.map((chunk) => chunk.find((c) => c.name === schemaColumn.name));
      if (parts.some((p) => p === undefined)) {
        throw new EdgeflowError(
          'DATASET_NOT_FOUND',
          `Stored dataset ${record.fingerprint} lacks column "${schemaColumn.name}"; load the file again.`,
          {
            details: { fingerprint: record.fingerprint, column: schemaColumn.name },
          },
        );
      }
      const present = parts as ColumnData[];
      const masks = present.map((p) => p.mask);
      const missing = masks.every((m) => m === undefined)
        ? null
        : concat(
            (n) => new Uint8Array(n),
            present.map(
              (p) => p.mask ?? new Uint8Array(new Uint8Array(p.data).length / dtypeBytes(p.dtype)).buffer,
            ),
            (b) => new Uint8Array(b),
          );
      const first = present[0];
      if (first?.dtype === 'int32') {
        return {
          kind: 'categorical',
          name: schemaColumn.name,
          type: 'categorical',
          codes: concat(
            (n) => new Int32Array(n),
            present.map((p) => p.data),
            (b) => new Int32Array(b),
          ),
          dictionary: first.dictionary ?? [],
          missing,
        } satisfies Column;
      }
      if (first?.dtype === 'uint8') {
        return {
          kind: 'boolean',
          name: schemaColumn.name,
          type: 'boolean',
          values: concat(
            (n) => new Uint8Array(n),
            present.map((p) => p.data),
            (b) => new Uint8Array(b),
          ),
          missing,
        } satisfies Column;
      }
      const values =
        first?.dtype === 'float64'
          ? concat(
              (n) => new Float64Array(n),
              present.map((p) => p.data),
              (b) => new Float64Array(b),
            )
          : concat(
              (n) => new Float32Array(n),
              present.map((p) => p.data),
              (b) => new Float32Array(b),
            );
      return {
        kind: 'numeric',
        name: schemaColumn.name,
        type: schemaColumn.type as 'numeric' | 'integer' | 'date',
        values,
        missing,
      } satisfies Column;
    });
  return {
    name: record.name,
    table: { rowCount: record.rowCount, columns },
    schema: meta.schema,
    quality: meta.quality,
    profile: record.profile as unknown as Profile,
    fingerprint: record.fingerprint,
    lines: { lineOf: () => null },
    previewRows: [],
    source: meta.source,
    ...(Array.isArray(meta.missingValues) ? { missingValues: meta.missingValues } : {}),
    loadMs: 0,
  };
}

function dtypeBytes(dtype: ColumnData['dtype']): number {
  return dtype === 'float64' ? 8 : dtype === 'uint8' ? 1 : 4;
}
