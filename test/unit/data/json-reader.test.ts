import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { readJsonArray, readNdjson } from '../../../src/data/json-reader.ts';
import type { RowSink } from '../../../src/data/table-builder.ts';
import { piecesOf } from './csv-helpers.ts';

function recorder(): { sink: RowSink; rows: unknown[]; lines: (number | null)[] } {
  const rows: unknown[] = [];
  const lines: (number | null)[] = [];
  const sink: RowSink = {
    beginColumns() {},
    addStringRow() {
      throw new Error('not JSON');
    },
    addObjectRow(row, line) {
      rows.push(row);
      lines.push(line);
    },
    get rowsRead() {
      return rows.length;
    },
  };
  return { sink, rows, lines };
}

const value = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('"', '\\', '\\"', '{', '}]', '[', '\n'),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const objects = fc.array(fc.dictionary(fc.constantFrom('a', 'b', 'c d', 'é'), value, { maxKeys: 4 }), {
  maxLength: 12,
});

// Issue 3: JSON arrays and NDJSON are read as streams, one object at a time, whatever the cut.
describe('streaming JSON', () => {
  test('property: an array of objects read in pieces equals JSON.parse, with element lines', async () => {
    await fc.assert(
      fc.asyncProperty(objects, fc.integer({ min: 1, max: 30 }), fc.boolean(), async (rows, size, pretty) => {
        const text = JSON.stringify(rows, null, pretty ? 2 : undefined);
        const { sink, rows: read, lines } = recorder();
        await readJsonArray(piecesOf(text, size), sink, { maxColumns: 100 });
        expect(read).toEqual(JSON.parse(text));
        // The line each element starts on (issue 17: this was checked for the first element of a
        // pretty array only, behind an `if`). Compact: all on line 1. Pretty: after "[", one line
        // per element, each as many lines long as its own pretty form.
        const starts: number[] = [];
        let line = pretty ? 2 : 1;
        for (const row of rows) {
          starts.push(line);
          if (pretty) line += JSON.stringify(row, null, 2).split('\n').length;
        }
        expect(lines).toEqual(starts);
      }),
      { numRuns: 300 },
    );
  });

  test('property: NDJSON read in pieces equals one JSON.parse per line', async () => {
    await fc.assert(
      fc.asyncProperty(objects, fc.integer({ min: 1, max: 30 }), async (rows, size) => {
        const text = rows.map((row) => JSON.stringify(row)).join('\n');
        const { sink, rows: read, lines } = recorder();
        await readNdjson(piecesOf(text, size), sink, { maxColumns: 100 });
        expect(read).toEqual(rows.map((row) => JSON.parse(JSON.stringify(row))));
        expect(lines).toEqual(rows.map((_, i) => i + 1));
      }),
      { numRuns: 200 },
    );
  });

  test('an unclosed array or element names the line', async () => {
    const { sink } = recorder();
    await expect(
      readJsonArray(piecesOf('[{"a": 1},\n{"a": 2', 4), sink, { maxColumns: 10 }),
    ).rejects.toMatchObject({
      code: 'PARSE_ERROR',
      details: { line: 2 },
    });
    await expect(
      readJsonArray(piecesOf('[{"a": 1}] x', 4), recorder().sink, { maxColumns: 10 }),
    ).rejects.toMatchObject({ code: 'PARSE_ERROR' });
  });
});
