import { closestNames, EdgeflowError } from '../errors.ts';
import type { Column, Table } from './types.ts';

/**
 * The column named `name`.
 *
 * @throws EdgeflowError `SCHEMA_MISMATCH` naming the closest columns when there is none.
 */
export function getColumn(table: Table, name: string): Column {
  const column = table.columns.find((c) => c.name === name);
  if (column) return column;
  const names = table.columns.map((c) => c.name);
  const near = closestNames(name, names);
  throw new EdgeflowError(
    'SCHEMA_MISMATCH',
    `The table has no stored column "${name}".${near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(', ')}?` : ''}`,
    { details: { column: name, columns: names } },
  );
}

/** True when the cell is missing. */
export function isMissing(column: Column, row: number): boolean {
  return column.missing !== null && column.missing[row] === 1;
}

/** One cell as a plain value: a number, boolean, category string, ISO date string, or null when missing. */
export function cellValue(column: Column, row: number): number | boolean | string | null {
  if (isMissing(column, row)) return null;
  switch (column.kind) {
    case 'numeric': {
      const value = column.values[row] as number;
      return column.type === 'date' ? new Date(value).toISOString() : value;
    }
    case 'boolean':
      return column.values[row] === 1;
    case 'categorical':
      return column.dictionary[column.codes[row] as number] ?? null;
  }
}

/** Rows `rows` of the table as plain objects (for previews and small exports, not hot paths). */
export function tableRows(
  table: Table,
  rows: Iterable<number>,
): Record<string, number | boolean | string | null>[] {
  const out: Record<string, number | boolean | string | null>[] = [];
  for (const row of rows) {
    const record: Record<string, number | boolean | string | null> = {};
    for (const column of table.columns) record[column.name] = cellValue(column, row);
    out.push(record);
  }
  return out;
}

/** Every ArrayBuffer behind the table (values and masks), for `postMessage` transfer lists. */
export function tableTransferables(table: Table): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const column of table.columns) {
    const values = column.kind === 'categorical' ? column.codes : column.values;
    buffers.add(values.buffer as ArrayBuffer);
    if (column.missing) buffers.add(column.missing.buffer as ArrayBuffer);
  }
  return [...buffers];
}

/** A new table with only the given rows (in that order): every buffer copied. */
export function takeRows(table: Table, rows: ArrayLike<number>): Table {
  const n = rows.length;
  const take = <T extends Float32Array | Float64Array | Uint8Array | Int32Array>(source: T): T => {
    const out = new (source.constructor as new (length: number) => T)(n);
    for (let i = 0; i < n; i++) out[i] = source[rows[i] as number] as number;
    return out;
  };
  const columns = table.columns.map((column): Column => {
    const missing = column.missing ? take(column.missing) : null;
    const mask = missing && missing.indexOf(1) !== -1 ? missing : null;
    if (column.kind === 'categorical') return { ...column, codes: take(column.codes), missing: mask };
    if (column.kind === 'boolean') return { ...column, values: take(column.values), missing: mask };
    return { ...column, values: take(column.values), missing: mask };
  });
  return { rowCount: n, columns };
}
