// Issue 18.10: rowPolicy 'drop' drops a ragged line (a record with the wrong field count) and reports
// it with its line, instead of stopping the load.
import { describe, expect, test } from 'vitest';
import { readCsv } from '../../../src/data/csv-reader.ts';
import { ingestDataset } from '../../../src/data/ingest.ts';
import type { RowSink } from '../../../src/data/table-builder.ts';
import { isEdgeflowError } from '../../../src/errors.ts';
import { piecesOf } from './csv-helpers.ts';
import { fixtureFile } from './fixtures.ts';

/** Reads `text` with raggedRows 'drop' and records the kept rows and the dropped lines. */
async function readDropping(text: string, pieceSize: number, blockChars: number) {
  const kept: { row: string[]; line: number }[] = [];
  const dropped: { line: number; fields: number }[] = [];
  let rowsRead = 0;
  const sink: RowSink = {
    beginColumns() {},
    addStringRow(row, line) {
      rowsRead++;
      kept.push({ row: [...row], line });
    },
    addObjectRow() {
      throw new Error('not CSV');
    },
    dropRaggedRecord(line, fields) {
      rowsRead++;
      dropped.push({ line, fields });
    },
    get rowsRead() {
      return rowsRead;
    },
  };
  await readCsv(piecesOf(text, pieceSize), sink, { maxColumns: 100, blockChars, raggedRows: 'drop' });
  return { kept, dropped };
}

describe("rowPolicy 'drop' and ragged lines (issue 18.10)", () => {
  test('the fixture loads without its short line 3, and the quality report names the line', async () => {
    const ds = await ingestDataset(fixtureFile('ragged-rows.csv'), { rowPolicy: 'drop' });
    expect(ds.table.rowCount).toBe(2);
    expect(ds.quality.rowsRead).toBe(3);
    expect(ds.quality.droppedRows).toBe(1);
    const issue = ds.quality.issues.find((i) => i.kind === 'ragged_rows');
    expect(issue).toMatchObject({ count: 1, severity: 'warning', examples: [{ row: null, line: 3 }] });
    expect(issue?.message).toContain('line 3');
    // The kept rows keep their own lines.
    expect([ds.lines.lineOf(0), ds.lines.lineOf(1)]).toEqual([2, 4]);
  });

  test('other policies still stop at the ragged line with PARSE_ERROR', async () => {
    for (const rowPolicy of ['error', 'impute'] as const) {
      const error = await ingestDataset(fixtureFile('ragged-rows.csv'), { rowPolicy }).catch(
        (e: unknown) => e,
      );
      expect(isEdgeflowError(error, 'PARSE_ERROR')).toBe(true);
    }
  });

  test('short and long lines, quoted blocks and CRLF files: every well-formed record is kept', async () => {
    const header = 'a,b,c';
    const lines: string[] = [];
    const expectedDrops: number[] = [];
    const expectedKept: string[][] = [];
    for (let i = 0; i < 60; i++) {
      const line = i + 2;
      if (i % 7 === 3) {
        lines.push(`${i},${i}`);
        expectedDrops.push(line);
      } else if (i % 11 === 5) {
        lines.push(`${i},${i},${i},${i}`);
        expectedDrops.push(line);
      } else if (i % 5 === 0) {
        lines.push(`"q ${i}",${i},"x, ${i}"`);
        expectedKept.push([`q ${i}`, String(i), `x, ${i}`]);
      } else {
        lines.push(`${i},${i * 2},${i * 3}`);
        expectedKept.push([String(i), String(i * 2), String(i * 3)]);
      }
    }
    for (const ending of ['\n', '\r\n']) {
      const text = [header, ...lines].join(ending) + ending;
      for (const [pieceSize, blockChars] of [
        [1 << 20, 1 << 20],
        [17, 40],
        [5, 200],
      ] as const) {
        const { kept, dropped } = await readDropping(text, pieceSize, blockChars);
        expect(dropped.map((d) => d.line)).toEqual(expectedDrops);
        expect(kept.map((k) => k.row)).toEqual(expectedKept);
      }
    }
  });

  test('a ragged last line without a line break is dropped too', async () => {
    const { kept, dropped } = await readDropping('a,b\n1,2\n3', 1 << 20, 1 << 20);
    expect(kept.map((k) => k.row)).toEqual([['1', '2']]);
    expect(dropped).toEqual([{ line: 3, fields: 1 }]);
  });

  test('a syntax error is still an error under drop', async () => {
    const error = await ingestDataset(fixtureFile('unterminated-quote.csv'), { rowPolicy: 'drop' }).catch(
      (e: unknown) => e,
    );
    expect(isEdgeflowError(error, 'PARSE_ERROR')).toBe(true);
  });
});
