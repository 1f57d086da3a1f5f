// Datasets stored by fingerprint: columnar chunks checked column by column before anything is
// written, and stored once (a known fingerprint is not written again).
import { EdgeflowError } from '../errors.ts';
import {
  type ColumnDtype,
  type DatasetColumnInfo,
  type DatasetRecord,
  datasetRecordSchema,
  type ModelVersion,
} from '../schemas/registry.ts';
import { invalid } from './registry-checks.ts';
import type { RegistryContext } from './registry-context.ts';
import type { DatasetChunk } from './types.ts';

type Json = ModelVersion['pipeline'];

/** Input of `putDataset`. */
export interface PutDatasetInput {
  fingerprint: string;
  name: string;
  /** The dataset schema (opaque JSON, defined by `edgeflow/data`). */
  schema: Json;
  profile?: Json;
  rowCount: number;
  /** Columnar data: each chunk holds the same columns for a slice of the rows. */
  chunks: readonly DatasetChunk[];
}

const DTYPE_SIZE: Record<ColumnDtype, number> = { float32: 4, float64: 8, int32: 4, uint32: 4, uint8: 1 };

/** The columns every chunk must hold, after checking each chunk against them. @throws INVALID_ARGUMENT */
function checkDatasetChunks(input: PutDatasetInput): DatasetColumnInfo[] {
  const first = input.chunks[0] ?? [];
  const columns: DatasetColumnInfo[] = first.map((c) => ({
    name: c.name,
    dtype: c.dtype,
    masked: c.mask !== undefined,
  }));
  let rows = 0;
  input.chunks.forEach((chunk, index) => {
    if (
      chunk.length !== columns.length ||
      chunk.some((c, i) => c.name !== columns[i]?.name || c.dtype !== columns[i]?.dtype)
    ) {
      throw invalid(
        `Dataset "${input.name}" chunk ${index} has columns ${chunk.map((c) => `${c.name}:${c.dtype}`).join(', ')}; every chunk needs ${columns.map((c) => `${c.name}:${c.dtype}`).join(', ')}.`,
        { chunk: index },
      );
    }
    let chunkRows: number | null = null;
    for (const column of chunk) {
      if (!(column.data instanceof ArrayBuffer)) {
        throw invalid(
          `Dataset "${input.name}" chunk ${index} column "${column.name}": data must be an ArrayBuffer.`,
          { chunk: index, column: column.name },
        );
      }
      const size = DTYPE_SIZE[column.dtype];
      if (size === undefined || column.data.byteLength % size !== 0) {
        throw invalid(
          `Dataset "${input.name}" chunk ${index} column "${column.name}": ${column.data.byteLength} bytes is not a whole number of ${column.dtype} values.`,
          { chunk: index, column: column.name, dtype: column.dtype, bytes: column.data.byteLength },
        );
      }
      const length = column.data.byteLength / size;
      if (chunkRows !== null && length !== chunkRows) {
        throw invalid(
          `Dataset "${input.name}" chunk ${index} column "${column.name}" has ${length} rows; the other columns have ${chunkRows}.`,
          {
            chunk: index,
            column: column.name,
            rows: length,
            expectedRows: chunkRows,
          },
        );
      }
      chunkRows = length;
    }
    rows += chunkRows ?? 0;
  });
  if (rows !== input.rowCount) {
    throw invalid(
      `Dataset "${input.name}": the chunks hold ${rows} rows but rowCount says ${input.rowCount}.`,
      {
        field: 'rowCount',
        rowCount: input.rowCount,
        rows,
      },
    );
  }
  return columns;
}

/**
 * Stores a dataset by fingerprint (once: a known fingerprint is not written again).
 * @throws INVALID_ARGUMENT naming the chunk and column; QUOTA_EXCEEDED
 */
export async function putDataset(
  context: RegistryContext,
  input: PutDatasetInput,
): Promise<{ record: DatasetRecord; stored: boolean }> {
  const { store } = context;
  const existing = await store.getDataset(input.fingerprint);
  if (existing) return { record: existing, stored: false };
  const columns = checkDatasetChunks(input);
  const bytes = input.chunks.reduce(
    (sum, chunk) => sum + chunk.reduce((s, c) => s + c.data.byteLength + (c.mask?.byteLength ?? 0), 0),
    0,
  );
  const parsed = datasetRecordSchema.safeParse({
    fingerprint: input.fingerprint,
    name: input.name,
    schema: input.schema,
    profile: input.profile ?? null,
    rowCount: input.rowCount,
    columns,
    chunkCount: input.chunks.length,
    bytes,
    createdAt: context.now(),
  });
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.map(String).join('.') ?? '';
    throw invalid(
      `Dataset "${input.name}": field "${field}" ${parsed.error.issues[0]?.message ?? 'is invalid'}.`,
      {
        field,
      },
    );
  }
  const { stored } = await store.putDataset(parsed.data, input.chunks);
  if (stored) context.changes.announce({ type: 'dataset-stored', fingerprint: input.fingerprint });
  return {
    record: stored ? parsed.data : ((await store.getDataset(input.fingerprint)) ?? parsed.data),
    stored,
  };
}

/** A dataset's metadata. @throws DATASET_NOT_FOUND */
export async function getDataset(context: RegistryContext, fingerprint: string): Promise<DatasetRecord> {
  const record = await context.store.getDataset(fingerprint);
  if (!record) {
    throw new EdgeflowError('DATASET_NOT_FOUND', `No dataset with fingerprint "${fingerprint}" is stored.`, {
      details: { fingerprint },
    });
  }
  return record;
}
