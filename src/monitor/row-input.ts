// The three shapes `predict` accepts (row objects, columns of raw values, a loaded `Table`) behind one
// accessor, so the checks and the drift window read every shape the same way.
import type { Column, Table } from '../data/types.ts';
import { EdgeflowError } from '../errors.ts';
import type { PredictInput, PredictorRow } from './types.ts';

/** Marks a cell that is not there at all (as opposed to `null`, a missing value). */
export const ABSENT: unique symbol = Symbol('absent');

/** Reads raw cells of a batch, column by column. */
export interface RowSource {
  readonly rowCount: number;
  /**
   * The reader of one column: row index → raw value (`ABSENT` when the row has no such column).
   * Resolved once per column, so a column-by-column pass looks the column up once, not per cell.
   */
  column(name: string): (row: number) => unknown;
}

/**
 * Wraps `predict`'s input.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` for anything else, or columns of unequal length.
 */
export function toRowSource(input: PredictInput): RowSource {
  if (Array.isArray(input)) return objectSource(input as readonly PredictorRow[]);
  if (input !== null && typeof input === 'object' && 'columns' in input) {
    const columns = (input as { columns: unknown }).columns;
    if (Array.isArray(columns)) return tableSource(input as Table);
    if (columns !== null && typeof columns === 'object') {
      return columnarSource(columns as Readonly<Record<string, ArrayLike<unknown>>>);
    }
  }
  throw new EdgeflowError(
    'INVALID_ARGUMENT',
    'predict() takes an array of row objects, { columns: { name: values[] } }, or a Table from edgeflow/data.',
    { details: { received: input === null ? 'null' : typeof input } },
  );
}

function objectSource(rows: readonly PredictorRow[]): RowSource {
  // Rows that are plain objects (prototype Object.prototype or null): a null or primitive value read
  // from one is its own property (Object.prototype holds only functions and accessors), so the
  // common cell costs one property lookup; anything else is settled by `hasOwn`. Found once per
  // batch, shared by every column.
  let plain: Uint8Array | null = null;
  const plainRows = (): Uint8Array => {
    if (plain === null) {
      plain = new Uint8Array(rows.length);
      for (let row = 0; row < rows.length; row++) {
        const object = rows[row];
        if (object === null || typeof object !== 'object') continue;
        const prototype = Object.getPrototypeOf(object);
        if (prototype === Object.prototype || prototype === null) plain[row] = 1;
      }
    }
    return plain;
  };
  return {
    rowCount: rows.length,
    column(name) {
      const isPlain = plainRows();
      return (row) => {
        const object = rows[row];
        if (object === null || typeof object !== 'object') return ABSENT;
        const value = object[name];
        if (
          isPlain[row] === 1 &&
          (value === null ||
            (value !== undefined && typeof value !== 'object' && typeof value !== 'function'))
        )
          return value;
        return Object.hasOwn(object, name) ? value : ABSENT;
      };
    },
  };
}

function columnarSource(columns: Readonly<Record<string, ArrayLike<unknown>>>): RowSource {
  const names = Object.keys(columns);
  const lengths = new Set(names.map((name) => (columns[name] as ArrayLike<unknown>).length));
  if (lengths.size > 1) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Columns given to predict() differ in length (${names.map((n) => `${n}: ${(columns[n] as ArrayLike<unknown>).length}`).join(', ')}); give every column one value per row.`,
      {
        details: {
          lengths: Object.fromEntries(names.map((n) => [n, (columns[n] as ArrayLike<unknown>).length])),
        },
      },
    );
  }
  const rowCount = lengths.size === 0 ? 0 : ([...lengths][0] as number);
  const absent = (): unknown => ABSENT;
  const column = (name: string): ((row: number) => unknown) => {
    if (!Object.hasOwn(columns, name)) return absent;
    const values = columns[name] as ArrayLike<unknown>;
    return (row) => values[row];
  };
  return { rowCount, column };
}

function tableSource(table: Table): RowSource {
  const byName = new Map<string, Column>(table.columns.map((c) => [c.name, c]));
  const reader = (column: Column | undefined): ((row: number) => unknown) => {
    if (!column) return () => ABSENT;
    const missing = column.missing;
    if (column.kind === 'categorical') {
      const { codes, dictionary } = column;
      return (row) => {
        const code = codes[row] as number;
        return code < 0 || (missing !== null && missing[row] === 1) ? null : dictionary[code];
      };
    }
    const values = column.values;
    if (column.kind === 'boolean') {
      return (row) => (missing !== null && missing[row] === 1 ? null : values[row] === 1);
    }
    return (row) => (missing !== null && missing[row] === 1 ? null : values[row]);
  };
  return {
    rowCount: table.rowCount,
    column: (name) => reader(byName.get(name)),
  };
}
