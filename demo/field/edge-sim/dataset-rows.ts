// The pool of rows the simulated clients draw from: the loaded dataset's feature columns (no target,
// no ignored column), read from the registry's stored copy (the lab stores a dataset when it trains
// on it), so the stream follows the same distribution as the reference profile. The lab's preview
// (at most 100 rows) is the fallback: a pool that small, drawn from with replacement, differs enough
// from the profile that drift tests flag it now and then without any injected drift.
import type { Lab } from 'edgeflow';
import type { DatasetSummary } from 'edgeflow/data';
import type { ColumnData } from 'edgeflow/schemas';

type Row = Record<string, unknown>;

/** The most rows the pool keeps (evenly spaced over the dataset). */
export const MAX_POOL_ROWS = 2000;

function columnValues(column: ColumnData): { length: number; get: (i: number) => unknown } {
  const mask = column.mask ? new Uint8Array(column.mask) : null;
  let length: number;
  let read: (i: number) => unknown;
  switch (column.dtype) {
    case 'float32':
    case 'float64': {
      const values =
        column.dtype === 'float32' ? new Float32Array(column.data) : new Float64Array(column.data);
      length = values.length;
      read = (i) => values[i];
      break;
    }
    case 'uint8': {
      const values = new Uint8Array(column.data);
      length = values.length;
      read = (i) => values[i] === 1;
      break;
    }
    case 'int32': {
      const codes = new Int32Array(column.data);
      const dictionary = column.dictionary ?? [];
      length = codes.length;
      read = (i) => dictionary[codes[i] ?? -1] ?? null;
      break;
    }
    case 'uint32': {
      const values = new Uint32Array(column.data);
      length = values.length;
      read = (i) => values[i];
      break;
    }
  }
  return { length, get: (i) => (mask !== null && mask[i] === 1 ? null : read(i)) };
}

/** Rows of stored columnar chunks, feature columns only, at most `max` evenly spaced. */
export function rowsFromChunks(
  chunks: readonly (readonly ColumnData[])[],
  features: ReadonlySet<string>,
  max: number,
): Row[] {
  const all: Row[] = [];
  for (const chunk of chunks) {
    const columns = chunk.filter((c) => features.has(c.name)).map((c) => [c.name, columnValues(c)] as const);
    const length = columns[0]?.[1].length ?? 0;
    for (let i = 0; i < length; i++)
      all.push(Object.fromEntries(columns.map(([name, column]) => [name, column.get(i)])));
  }
  if (all.length <= max) return all;
  const step = all.length / max;
  return Array.from({ length: max }, (_, k) => all[Math.floor(k * step)] ?? {});
}

/**
 * The rows simulated clients stream: the dataset's feature columns from the registry's stored copy,
 * else the lab's preview of the first 100 rows. Labels never go into the pool.
 *
 * @throws {EdgeflowError} `DATASET_NOT_FOUND` when the dataset is neither stored nor loaded.
 */
export async function datasetPool(
  lab: Lab,
  dataset: DatasetSummary,
): Promise<{ rows: Row[]; source: 'stored' | 'preview' }> {
  const features = new Set(dataset.schema.columns.filter((c) => c.role === 'feature').map((c) => c.name));
  try {
    const chunks = await lab.registry.readDatasetChunks(dataset.id);
    const rows = rowsFromChunks(chunks, features, MAX_POOL_ROWS);
    if (rows.length > 0) return { rows, source: 'stored' };
  } catch {
    // Not stored yet (no run trained on it): the preview below.
  }
  const preview = await lab.previewDataset(dataset.id, 100);
  return {
    rows: preview.rows.map((row) =>
      Object.fromEntries(Object.entries(row).filter(([name]) => features.has(name))),
    ),
    source: 'preview',
  };
}
