// Test helpers: feed text to the CSV reader in pieces of a chosen size and record what it emits.
import { readCsv } from '../../../src/data/csv-reader.ts';
import type { RowSink } from '../../../src/data/table-builder.ts';
import type { TextPiece } from '../../../src/data/text-source.ts';

/** Splits `text` into pieces of `size` characters (the last may be shorter). */
export async function* piecesOf(text: string, size: number): AsyncIterable<TextPiece> {
  for (let i = 0; i < text.length; i += size) {
    const piece = text.slice(i, i + size);
    yield { text: piece, bytes: piece.length };
  }
}

/** What the reader handed its sink. */
export interface Recorded {
  header: string[];
  rows: string[][];
  lines: number[];
}

/** Reads `text` with the streaming CSV reader, `pieceSize` characters at a time. */
export async function recordCsv(
  text: string,
  options: { pieceSize?: number; blockChars?: number; delimiter?: string; maxColumns?: number } = {},
): Promise<Recorded> {
  const recorded: Recorded = { header: [], rows: [], lines: [] };
  let rowsRead = 0;
  const sink: RowSink = {
    beginColumns(names) {
      recorded.header = [...names];
    },
    addStringRow(row, line) {
      rowsRead++;
      recorded.rows.push([...row]);
      recorded.lines.push(line);
    },
    addObjectRow() {
      throw new Error('not CSV');
    },
    get rowsRead() {
      return rowsRead;
    },
  };
  await readCsv(piecesOf(text, options.pieceSize ?? 1 << 20), sink, {
    maxColumns: options.maxColumns ?? 1000,
    ...(options.blockChars ? { blockChars: options.blockChars } : {}),
    ...(options.delimiter ? { delimiter: options.delimiter } : {}),
  });
  return recorded;
}
