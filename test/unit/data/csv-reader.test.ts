import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatCsv, tokenizeCsv } from '../../../src/data/csv-tokenizer.ts';
import { isEdgeflowError } from '../../../src/errors.ts';
import { recordCsv } from './csv-helpers.ts';

// Issue 3: CSV/TSV per RFC 4180, read as a stream, with line numbers.
describe('reading CSV (RFC 4180) in pieces', () => {
  test('quoted fields, escaped quotes, embedded newlines, CRLF and a BOM', async () => {
    const text = '\uFEFFname,note,n\r\n"Smith, J","said ""hi""",1\r\n"multi\r\nline",plain,2\r\n';
    for (const pieceSize of [1, 3, 7, 1 << 20]) {
      const { header, rows, lines } = await recordCsv(text, { pieceSize });
      expect(header).toEqual(['name', 'note', 'n']);
      expect(rows).toEqual([
        ['Smith, J', 'said "hi"', '1'],
        ['multi\r\nline', 'plain', '2'],
      ]);
      expect(lines).toEqual([2, 3]);
    }
  });

  test('other delimiters are detected from the header: tab, semicolon, pipe', async () => {
    for (const delimiter of ['\t', ';', '|']) {
      const text = `a${delimiter}b\n1${delimiter}"x${delimiter}y"\n`;
      const { header, rows } = await recordCsv(text);
      expect(header).toEqual(['a', 'b']);
      expect(rows).toEqual([['1', `x${delimiter}y`]]);
    }
  });

  test('empty lines are skipped but counted, so line numbers stay true', async () => {
    const { rows, lines } = await recordCsv('a,b\n1,2\n\n\n3,4\n\n');
    expect(rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(lines).toEqual([2, 5]);
  });

  test('a last line without a line break, mixed line endings and old-Mac CR endings', async () => {
    expect((await recordCsv('a,b\n1,2\n3,4')).rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect((await recordCsv('a,b\r\n1,2\n3,4\r\n5,6\n', { pieceSize: 5 })).rows).toEqual([
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
    expect((await recordCsv('a,b\r1,2\r3,4\r')).rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  test('a quote inside an unquoted field is an ordinary character', async () => {
    expect((await recordCsv('size,label\n5",ok\n')).rows).toEqual([['5"', 'ok']]);
  });

  test('a single-column file, including quoted empty values', async () => {
    expect((await recordCsv('only\n""\nx\n')).rows).toEqual([[''], ['x']]);
  });

  // Property (issue 3): parse(format(table)) gives the table back, however the text is cut.
  test('formatting any table as CSV and reading it back gives the table', async () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom('', '"', '""', ',', '\n', '\r\n', ' x ', 'a,b', 'é€😀', '\t'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }).chain((width) =>
          fc.record({
            width: fc.constant(width),
            rows: fc.array(fc.array(cell, { minLength: width, maxLength: width }), {
              minLength: 1,
              maxLength: 12,
            }),
            pieceSize: fc.integer({ min: 1, max: 64 }),
            blockChars: fc.integer({ min: 1, max: 200 }),
            lineEnd: fc.constantFrom('\n', '\r\n'),
          }),
        ),
        async ({ width, rows, pieceSize, blockChars, lineEnd }) => {
          const header = Array.from({ length: width }, (_, i) => `c${i}`);
          const text = formatCsv([header, ...rows], ',', lineEnd);
          const read = await recordCsv(text, { pieceSize, blockChars, delimiter: ',' });
          expect(read.header).toEqual(header);
          // A row whose every field is empty in a multi-column file is ",,": kept; a quoted lone empty
          // field in a one-column file is kept too (formatCsv quotes it).
          expect(read.rows).toEqual(rows);
        },
      ),
      { numRuns: 300 },
    );
  });

  // Property: on any text, the fast path (uDSV plus checks) agrees with the exact tokenizer, or both
  // see a broken file. Guards the checks around uDSV, which itself never reports bad input.
  test('on arbitrary text the fast path agrees with the exact tokenizer', async () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', ',', ',', '"', '\n', '\n', '\r\n', ' ', '\r'), {
        minLength: 0,
        maxLength: 60,
      })
      .map((parts) => `h1,h2,h3\n${parts.join('')}`);
    const seen = { broken: 0, wellFormed: 0 };
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 40 }),
        async (csv, pieceSize, blockChars) => {
          const reference = tokenizeCsv(csv, { delimiter: ',', final: true });
          const [header, ...records] = reference.records;
          const broken =
            reference.problem !== null ||
            records.some((record) => record.fields.length !== header?.fields.length);
          let outcome: { rows: string[][]; lines: number[] } | 'PARSE_ERROR';
          try {
            const read = await recordCsv(csv, { pieceSize, blockChars, delimiter: ',' });
            outcome = { rows: read.rows, lines: read.lines };
          } catch (error) {
            if (!isEdgeflowError(error, 'PARSE_ERROR')) throw error;
            outcome = 'PARSE_ERROR';
          }
          // One unconditional assertion (issue 17: the two outcomes sat in an if/else), and both
          // kinds of input are counted so a generator that never makes one cannot pass silently.
          seen[broken ? 'broken' : 'wellFormed'] += 1;
          expect(outcome).toEqual(
            broken
              ? 'PARSE_ERROR'
              : { rows: records.map((r) => r.fields), lines: records.map((r) => r.line) },
          );
        },
      ),
      { numRuns: 1000 },
    );
    expect(seen.broken).toBeGreaterThan(50);
    expect(seen.wellFormed).toBeGreaterThan(50);
  });
});
