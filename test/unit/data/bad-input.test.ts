import { describe, expect, test } from 'vitest';
import { ingestDataset } from '../../../src/data/ingest.ts';
import { EdgeflowError, type EdgeflowErrorCode } from '../../../src/errors.ts';
import { fixtureFile } from './fixtures.ts';

/** Runs `load` and returns the EdgeflowError it throws (failing when it throws nothing else). */
async function failure(load: () => Promise<unknown>, code: EdgeflowErrorCode): Promise<EdgeflowError> {
  try {
    await load();
  } catch (error) {
    expect(error).toBeInstanceOf(EdgeflowError);
    expect((error as EdgeflowError).code).toBe(code);
    return error as EdgeflowError;
  }
  throw new Error(`expected ${code}, but the load succeeded`);
}

// Issue 3, "Bad input": each case has a clear code naming the row and/or column.
describe('bad input is refused with a code that names the line and column', () => {
  test('an unterminated quote names the line where it opened and the column', async () => {
    const error = await failure(() => ingestDataset(fixtureFile('unterminated-quote.csv')), 'PARSE_ERROR');
    expect(error.details).toMatchObject({ line: 3, column: 'name', problem: 'unterminated_quote' });
    expect(error.message).toContain('line 3');
  });

  test('a ragged row names its line and field count', async () => {
    const error = await failure(() => ingestDataset(fixtureFile('ragged-rows.csv')), 'PARSE_ERROR');
    expect(error.details).toMatchObject({ line: 3, fields: 2, expected: 3, problem: 'ragged_row' });
  });

  test('a row with too many fields is ragged too', async () => {
    const error = await failure(() => ingestDataset('a,b\n1,2\n3,4,5\n'), 'PARSE_ERROR');
    expect(error.details).toMatchObject({ line: 3, fields: 3, expected: 2 });
  });

  test('duplicate and empty header names name the columns', async () => {
    const duplicate = await failure(() => ingestDataset(fixtureFile('duplicate-header.csv')), 'PARSE_ERROR');
    expect(duplicate.details).toMatchObject({
      line: 1,
      column: 3,
      firstColumn: 1,
      name: 'a',
      problem: 'duplicate_header',
    });
    const empty = await failure(() => ingestDataset(fixtureFile('empty-header.csv')), 'PARSE_ERROR');
    expect(empty.details).toMatchObject({ line: 1, column: 2, problem: 'empty_header' });
  });

  test("a non-numeric value in a numeric column under rowPolicy 'error' names line, column and value", async () => {
    const error = await failure(
      () => ingestDataset(fixtureFile('non-numeric.csv'), { target: 'label' }),
      'DATA_QUALITY',
    );
    expect(error.details).toMatchObject({
      line: 27,
      column: 'weight',
      value: 'heavy',
      problem: 'type_mismatch',
    });
    expect(error.message).toMatch(/Line 27, column "weight": "heavy" is not a number/);
  });

  test('an empty file and a header-only file are empty datasets', async () => {
    await failure(() => ingestDataset(fixtureFile('empty.csv')), 'EMPTY_DATASET');
    await failure(() => ingestDataset('   \n\n'), 'EMPTY_DATASET');
    await failure(
      () => ingestDataset(fixtureFile('header-only.csv'), { target: 'species' }),
      'EMPTY_DATASET',
    );
  });

  test('a target column that does not exist suggests the closest names', async () => {
    const error = await failure(
      () => ingestDataset(fixtureFile('non-numeric.csv'), { target: 'labels' }),
      'TARGET_NOT_FOUND',
    );
    expect(error.details).toMatchObject({ target: 'labels' });
    expect(error.message).toContain('Did you mean "label"');
  });

  test('a target with one class', async () => {
    const error = await failure(
      () => ingestDataset(fixtureFile('single-class.csv'), { target: 'label' }),
      'SINGLE_CLASS_TARGET',
    );
    expect(error.details).toMatchObject({ column: 'label', classes: ['yes'] });
  });

  test('binary garbage (a zip/xlsx header, invalid UTF-8) is not read as text', async () => {
    const zip = new Uint8Array([
      0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00,
    ]);
    const error = await failure(
      () => ingestDataset(new Blob([zip, new Uint8Array(200).fill(0xff)])),
      'PARSE_ERROR',
    );
    expect(error.details).toMatchObject({ problem: 'binary', line: 1 });
    const invalidUtf8 = new Uint8Array(300).map((_, i) => (i % 3 === 0 ? 0x61 : 0xc3 + (i % 2) * 0x3c));
    await failure(() => ingestDataset(new Blob([invalidUtf8])), 'PARSE_ERROR');
  });

  test('more columns than the stated limit', async () => {
    const header = Array.from({ length: 30 }, (_, i) => `c${i}`).join(',');
    const error = await failure(
      () => ingestDataset(`${header}\n${'1,'.repeat(29)}1\n`, { maxColumns: 20 }),
      'TOO_MANY_COLUMNS',
    );
    expect(error.details).toMatchObject({ columns: 30, limit: 20 });
  });

  test('text after a closing quote names line and column', async () => {
    const error = await failure(() => ingestDataset('a,b\n1,"x"y\n'), 'PARSE_ERROR');
    expect(error.details).toMatchObject({ line: 2, column: 'b', problem: 'text_after_quote' });
  });

  test('JSON that is not an array of objects names the line', async () => {
    const error = await failure(() => ingestDataset('[{"a": 1},\n 2]', { format: 'json' }), 'PARSE_ERROR');
    expect(error.details).toMatchObject({ line: 2 });
    const broken = await failure(
      () => ingestDataset('{"a": 1}\n{"a": }\n', { format: 'ndjson' }),
      'PARSE_ERROR',
    );
    expect(broken.details).toMatchObject({ line: 2, problem: 'invalid_json' });
  });

  test('a schema naming a column the data lacks is a schema mismatch', async () => {
    const error = await failure(
      () => ingestDataset('a,b\n1,2\n', { schema: { columns: [{ name: 'c', type: 'numeric' }] } }),
      'SCHEMA_MISMATCH',
    );
    expect(error.details).toMatchObject({ column: 'c' });
  });

  test('bad options are invalid arguments', async () => {
    await failure(() => ingestDataset('a\n1\n', { rowPolicy: 'skip' as never }), 'INVALID_ARGUMENT');
    await failure(() => ingestDataset('a\n1\n', { delimiter: '""' }), 'INVALID_ARGUMENT');
    await failure(() => ingestDataset(42 as never), 'INVALID_ARGUMENT');
  });
});
